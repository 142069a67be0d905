"""In Chromium, a learner who only ever clicks "Continue" walks the whole course in order and ends at
the certificate."""
from __future__ import annotations

import re

import pytest

from ..content_factory import write
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser

QUIZ = """\
---
title: {title}
pass_mark: 50
---

## Did you read the module? {{#read}}

- [x] Yes
- [ ] No
"""
CONTINUE = re.compile(r"^(Continue|Start the course|Mark as complete and continue)")


@pytest.fixture()
def quiz_server(content_dir, make_app):
    write(content_dir, "quizzes/intro-course/01-basics.md", QUIZ.format(title="Basics check"))
    write(content_dir, "quizzes/intro-course/final.md", QUIZ.format(title="Final exam"))
    return content_dir


def test_clicking_only_continue_walks_the_course_in_order_to_the_certificate(quiz_server, synced, live_server, browser,
                                                                              make_user, shot):
    make_user()
    context = browser.new_context(bypass_csp=True)  # for injecting axe only
    page = context.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/courses/intro-course/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto(live_server + "/courses/intro-course/")
    visited = []
    for _ in range(12):
        page.get_by_role("link", name=CONTINUE).or_(page.get_by_role("button", name=CONTINUE)).first.click()
        page.wait_for_load_state()
        path = page.url.removeprefix(live_server + "/courses/intro-course/")
        if path == "":  # back on the course page: nothing left to do
            break
        visited.append(path)
        if path.startswith("quiz/"):
            page.get_by_role("button", name=re.compile("^Start attempt")).click()
            page.get_by_label("Yes").check()
            page.get_by_role("button", name="Submit for grading").click()
            assert "Passed" in page.content()
            if "You have completed this course." in page.content():
                break
    assert visited == ["what-is-ai", "models", "quiz/basics", "sprints", "review", "quiz/final"]
    assert "You passed the final exam." in page.content()
    assert page.get_by_role("link", name=CONTINUE).count() == 0
    assert violations(page) == []
    shot(page, "final-exam-passed")
    page.get_by_role("link", name="View your certificate").click()
    assert page.url.endswith("/certificates") and "Intro Course" in page.content()
    context.close()

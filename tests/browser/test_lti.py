"""In Chromium: the independent LTI platform frames Conductor; a learner passes a deep-linked quiz inside the
iframe and the platform's gradebook holds the score. LTI pages pass axe."""
from __future__ import annotations

import pytest

from ..lti_live import (TEACHER, conductor, deep_link_quiz, learner_launch, quiz_text,  # noqa: F401
                        register_both, wait_for)
from ..lti_platform.fixtures import lti_platform, lti_platform_server  # noqa: F401
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser

ONE_QUESTION = """\
---
title: Basics check
pass_mark: 50
---

## Is this course about AI? {#about}

- [x] Yes
- [ ] No
"""


@pytest.fixture()
def quiz_text() -> str:  # noqa: F811 (this module's quiz: one question, answered by clicking)
    return ONE_QUESTION


def test_a_learner_passes_a_quiz_inside_the_platforms_iframe(app, conductor, lti_platform, browser):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    launch = learner_launch(lti_platform, link)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(launch["iframe_url"])
        tool = page.frame_locator("#tool")
        tool.get_by_role("heading", name="Basics check").wait_for()
        tool.get_by_role("button", name="Start attempt 1").click()
        tool.get_by_label("Yes").check()
        tool.get_by_role("button", name="Submit for grading").first.click()
        tool.get_by_text("100").first.wait_for()
        cookie = next(c for c in context.cookies(conductor) if c["name"] == "session")
        assert cookie["sameSite"] == "None" and cookie["secure"] is True
    finally:
        context.close()
    scores = wait_for(lambda: lti_platform.gradebook()[link["line_item"]]["scores"].get("learner-1"))
    assert scores["latest"]["scoreGiven"] == 100 and scores["latest"]["userId"] == "learner-1"


def test_lti_pages_have_no_serious_violations(app, conductor, lti_platform, browser, make_user):
    register_both(app, lti_platform, conductor)
    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    found = {}
    context = browser.new_context(bypass_csp=True)
    try:
        teacher = context.new_page()
        teacher.goto(lti_platform.deep_link_launch(TEACHER, {"id": "course-1", "title": "Biology 101"})["start_url"])
        teacher.get_by_role("heading", name="Add Conductor content to your course").wait_for()
        found["deep-link"] = violations(teacher)
        teacher.goto(conductor + "/lti/contexts")
        found["contexts"] = violations(teacher)
        admin_context = browser.new_context(bypass_csp=True)
        try:
            admin = admin_context.new_page()
            log_in(admin, conductor, "admin@example.com")
            for path in ("/admin/lti/", "/admin/lti/new", "/admin/lti/1", "/lti/deep-link"):
                admin.goto(conductor + path)
                found[path] = violations(admin)
                if path == "/admin/lti/1":  # the teacher's account is listed, with its link form
                    assert "Grace Teacher" in admin.content()
        finally:
            admin_context.close()
    finally:
        context.close()
    assert found == {key: [] for key in found}

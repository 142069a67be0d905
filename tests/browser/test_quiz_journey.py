"""A new learner takes and passes a module quiz in a real browser, with the keyboard alone."""
from __future__ import annotations

import re

import pytest

from ..conftest import last_link
from ..content_factory import write
from .test_accessibility import violations

pytestmark = pytest.mark.browser

QUIZ = """\
---
title: Basics check
pass_mark: 70
shuffle: true
review: after_submit
---

## Which task is supervised learning? {#supervised}

- [ ] Grouping customers without labels
  > SECRET-FEEDBACK-ONE that is clustering.
- [x] Predicting churn from labelled customers
  > SECRET-FEEDBACK-TWO labelled outcomes.
- [ ] Finding topics in tickets
  > SECRET-FEEDBACK-THREE topic modelling has no labels.

> SECRET-EXPLANATION supervised learning needs labels.

## Which measures suit a classifier? {#metrics}

- [x] Precision
  > Yes.
- [x] Recall
  > Yes.
- [ ] Mean squared error
  > That measures regression.

> Precision and recall read the confusion matrix.

## What does ML stand for? {#acronym}

= machine learning

> The field of learning from data.
"""


@pytest.fixture()
def quiz_server(content_dir, make_app):
    write(content_dir, "quizzes/intro-course/01-basics.md", QUIZ)
    return content_dir


def sign_up_and_finish_lessons(app, page, base):
    page.goto(base + "/account/register")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("E-mail").fill("grace@example.com")
    page.get_by_role("button", name="Continue").click()
    page.goto(base + last_link(app, "/account/register/"))
    page.get_by_label("Password", exact=True).fill("cobol-compiler-1959")
    page.get_by_label("Repeat password").fill("cobol-compiler-1959")
    page.get_by_role("button", name="Create account").click()
    page.goto(base + "/courses/intro-course/")
    page.get_by_role("button", name="Enrol in this course").click()
    for _ in range(2):  # the two lessons of the first module
        page.get_by_role("button", name=re.compile("^Mark as complete")).click()


def press_until(page, predicate_js: str, limit: int = 120) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(predicate_js):
            return
    pytest.fail(f"never reached: {predicate_js}")


def test_learner_passes_a_module_quiz_with_the_keyboard_and_the_module_completes(quiz_server, synced, live_server, browser, shot):
    context = browser.new_context(bypass_csp=True)  # for injecting axe only
    page = context.new_page()
    sign_up_and_finish_lessons(synced, page, live_server)
    page.goto(live_server + "/courses/intro-course/quiz/basics")
    shot(page, "quiz-start")
    page.get_by_role("button", name=re.compile("^Start attempt")).click()
    html = page.content()
    for secret in ("SECRET-FEEDBACK", "SECRET-EXPLANATION", "machine learning", "correct"):
        assert secret not in html, secret  # no key, feedback or explanation before submission
    assert violations(page) == []
    shot(page, "attempt-open")
    # Keyboard only: Tab to each control, Space/arrows to choose, type the short answer.
    press_until(page, "document.activeElement.type === 'radio'")
    for _ in range(4):
        label = page.evaluate("document.querySelector(`label[for='${document.activeElement.id}']`).textContent")
        if "Predicting churn" in label:
            page.keyboard.press("Space")
            break
        page.keyboard.press("ArrowDown")
    for wanted in ("Precision", "Recall"):
        press_until(page, f"document.activeElement.type === 'checkbox' && "
                          f"document.querySelector(`label[for='${{document.activeElement.id}}']`).textContent.includes('{wanted}')")
        page.keyboard.press("Space")
    press_until(page, "document.activeElement.type === 'text'")
    page.keyboard.type("Machine Learning")
    press_until(page, "document.activeElement.textContent.trim() === 'Submit for grading'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Passed" in page.content() and "100%" in page.content()
    assert "SECRET-EXPLANATION" in page.content()  # review after submit shows the explanation
    assert violations(page) == []
    shot(page, "attempt-review")
    page.goto(live_server + "/courses/intro-course/")
    assert "Module complete" in page.content()
    shot(page, "module-complete")
    context.close()

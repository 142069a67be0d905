"""Quiz attempts that cannot lose work, in Chromium: answers save as the learner goes, a timed attempt
submits itself at time-up and is graded on the answers given, and without JavaScript Save still works."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Attempt

from ..quiz_support import questions, right_answers, write_quiz
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser

QUIZ = "/courses/intro-course/quiz/basics"


@pytest.fixture()
def basics_quiz(content_dir):
    write_quiz(content_dir)


@pytest.fixture()
def timed_quiz(content_dir):
    write_quiz(content_dir, time_limit=10)


def start_attempt(page, base) -> int:
    log_in(page, base)
    page.goto(base + "/courses/intro-course/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto(base + QUIZ)
    page.get_by_role("button", name=re.compile("^Start attempt")).click()
    page.wait_for_url(re.compile(r"/attempts/\d+$"))
    page.wait_for_load_state("load")  # its scripts loaded: a reload now is a fresh navigation, not a race
    return int(page.url.rsplit("/", 1)[1])


def answer(page, app, attempt_id: int, how_many: int) -> None:
    """Give the right answer to the first ``how_many`` questions of the attempt, as a learner would."""
    for question in questions(app, attempt_id)[:how_many]:
        for name, value in right_answers(question).items():
            for one in value if isinstance(value, list) else [value]:
                control = page.locator(f'[name="{name}"]').first
                kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
                if kind in ("radio", "checkbox"):
                    page.locator(f'[name="{name}"][value="{one}"]').check()
                elif kind == "select":
                    control.select_option(str(one))
                else:
                    control.fill(str(one))


def shows_right_answer(page, question) -> bool:
    """Whether the page's controls hold the right answer to the question (as ``answer`` gave it)."""
    for name, value in right_answers(question).items():
        for one in value if isinstance(value, list) else [value]:
            control = page.locator(f'[name="{name}"]').first
            kind = control.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
            if kind in ("radio", "checkbox"):
                if not page.locator(f'[name="{name}"][value="{one}"]').is_checked():
                    return False
            elif control.input_value() != str(one):
                return False
    return True


def test_answers_are_saved_as_the_learner_goes_and_are_there_after_leaving(basics_quiz, synced, live_server, browser, make_user):
    make_user()
    context = browser.new_context()  # the page's own Content-Security-Policy applies: no inline script
    page = context.new_page()
    attempt_id = start_attempt(page, live_server)
    answer(page, synced, attempt_id, 3)
    page.locator("#quiz-save-status").filter(has_text=re.compile("^Answers saved at")).wait_for()
    # A change not yet saved asks before the page is left; once saved, leaving asks nothing.
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    page.goto(live_server + "/courses/intro-course/")
    assert asked == []
    page.goto(live_server + QUIZ + f"/attempts/{attempt_id}")
    found = questions(synced, attempt_id)
    assert [shows_right_answer(page, question) for question in found] == [True] * 3 + [False] * 3
    page.locator('.quiz-form input[type="text"]').first.fill("something else")  # typed, not yet saved
    page.close(run_before_unload=True)  # before the pause that saves typing: the browser asks first
    page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    context.close()


def test_a_timed_attempt_left_alone_submits_itself_and_is_graded_on_the_answers_given(
        timed_quiz, synced, live_server, browser, make_user):
    make_user()
    context = browser.new_context(bypass_csp=True)  # for injecting axe only
    page = context.new_page()
    attempt_id = start_attempt(page, live_server)
    with synced.app_context():  # a time limit of seconds: the deadline moves close
        db.session.get(Attempt, attempt_id).deadline = utcnow() + timedelta(seconds=12)
        db.session.commit()
    page.goto(page.url)  # the page learns the new deadline
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert violations(page) == [], width
    answer(page, synced, attempt_id, 3)  # three of six right, then the learner does nothing
    page.get_by_text("Score:").wait_for(timeout=20_000)
    assert "Score: 50%" in page.locator(".score").inner_text()
    with synced.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is not None and attempt.score == pytest.approx(0.5)
    context.close()


def test_without_javascript_the_save_button_keeps_the_answers(basics_quiz, synced, live_server, browser, make_user):
    make_user()
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    attempt_id = start_attempt(page, live_server)
    assert page.locator("#quiz-save-status").inner_text() == ""  # no claim of saving as you go
    answer(page, synced, attempt_id, 2)
    page.get_by_role("button", name="Save answers").click()
    assert "Your answers are saved." in page.content()
    page.goto(live_server + "/courses/intro-course/")
    page.goto(live_server + QUIZ + f"/attempts/{attempt_id}")
    found = questions(synced, attempt_id)
    assert [shows_right_answer(page, question) for question in found] == [True] * 2 + [False] * 4
    context.close()


def test_an_offline_browser_is_told_and_only_answers_that_reached_the_server_in_time_count(
        timed_quiz, synced, live_server, browser, make_user):
    make_user()
    context = browser.new_context()
    page = context.new_page()
    attempt_id = start_attempt(page, live_server)
    deadline = utcnow() + timedelta(seconds=12)
    with synced.app_context():
        db.session.get(Attempt, attempt_id).deadline = deadline
        db.session.commit()
    page.goto(page.url)  # the page learns the new deadline
    found = questions(synced, attempt_id)
    answer(page, synced, attempt_id, 2)
    page.locator("#quiz-save-status").filter(has_text=re.compile("^Answers saved at")).wait_for()
    context.set_offline(True)
    for name, value in right_answers(found[2]).items():  # the third answer never reaches the server
        control = page.locator(f'[name="{name}"]').first
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(str(value))
        elif control.evaluate("e => e.type") in ("radio", "checkbox"):
            for one in value if isinstance(value, list) else [value]:
                page.locator(f'[name="{name}"][value="{one}"]').check()
        else:
            control.fill(str(value))
    problem = page.locator("#quiz-save-problem")
    problem.filter(has_text="offline").wait_for()
    problem.filter(has_text="Time is up, but this browser is offline").wait_for(timeout=20_000)
    page.wait_for_timeout(max(0, (deadline - utcnow()).total_seconds() + 1) * 1000)  # still offline at the deadline
    context.set_offline(False)
    page.get_by_text("Score:").wait_for(timeout=20_000)
    assert "Score: 33%" in page.locator(".score").inner_text()
    assert "Submitted after the time limit" in page.content()
    context.close()

"""Answers saved as the learner goes (the autosave endpoint quiz-autosave.js posts to), and an attempt
whose time ran out while it was open: submitted by the server, graded on what reached it in time."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Attempt, AttemptAnswer

from .quiz_support import COURSE, answers_form, attempt_url, enrol, post_answers, questions, start, sync, write_quiz
from .test_quiz_security import SECRETS


@pytest.fixture()
def timed_app(app, content_dir):
    write_quiz(content_dir, time_limit=10)
    sync(app)
    return app


def autosave(auth, attempt_id: int, form: dict, token: bool = True):
    url = attempt_url(attempt_id) + "/autosave"
    if not token:
        return auth.client.post(url, data=form)
    return auth.post(url, form, token_from=COURSE)


def saved(app, attempt_id: int) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count(AttemptAnswer.id)).filter_by(attempt_id=attempt_id)).scalar_one()


def move_deadline(app, attempt_id: int, delta: timedelta) -> None:
    """Time passes: the deadline becomes now + delta, and everything saved so far moves back with it."""
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        shift = attempt.deadline - (utcnow() + delta)
        attempt.deadline -= shift
        attempt.started_at -= shift
        for answer in db.session.execute(db.select(AttemptAnswer).filter_by(attempt_id=attempt_id)).scalars():
            answer.saved_at -= shift
        db.session.commit()


def test_autosave_stores_the_answers_and_answers_json_without_the_key(timed_app, learner, auth, client):
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    response = autosave(auth, attempt_id, answers_form(found))
    assert response.status_code == 200 and response.get_json() == {"saved": True, "mistakes": {}}
    assert saved(timed_app, attempt_id) == len(found)
    text = response.get_data(as_text=True)
    for secret in SECRETS:
        assert not re.search(rf"\b{re.escape(secret)}\b", text, re.IGNORECASE), secret
    # the page shows them again, as after the Save button
    page = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert 'value="machine learning"' in page


def test_autosave_reports_a_mistake_and_keeps_the_other_answers(timed_app, learner, auth):
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    ordering = next(q for q in found if q.type == "ordering")
    form = answers_form(found)
    form.update({f"q{ordering.id}-{item['id']}": "1" for item in ordering.data["items"]})  # every item first
    body = autosave(auth, attempt_id, form).get_json()
    assert body["saved"] is True and list(body["mistakes"]) == [f"q{ordering.id}"]
    assert saved(timed_app, attempt_id) == len(found) - 1


def test_autosave_needs_the_csrf_token(timed_app, learner, auth):
    enrol(auth)
    attempt_id = start(auth)
    response = autosave(auth, attempt_id, answers_form(questions(timed_app, attempt_id)), token=False)
    assert response.status_code == 400
    assert saved(timed_app, attempt_id) == 0


def test_autosave_to_another_learners_attempt_is_forbidden(timed_app, make_user, learner, auth):
    enrol(auth)
    theirs = start(auth)
    found = questions(timed_app, theirs)
    auth.logout()
    make_user("mallory@example.com", "Mallory")
    auth.login("mallory@example.com")
    enrol(auth)
    assert autosave(auth, theirs, answers_form(found)).status_code == 403
    assert saved(timed_app, theirs) == 0


def test_autosave_to_a_submitted_attempt_is_refused(timed_app, learner, auth):
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    post_answers(auth, attempt_id, answers_form(found, right=1), "submit")
    response = autosave(auth, attempt_id, answers_form(found))
    assert response.status_code == 409 and "already submitted" in response.get_json()["message"]
    assert saved(timed_app, attempt_id) == 1


def test_a_forged_autosave_is_refused_and_changes_nothing(timed_app, learner, auth):
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    autosave(auth, attempt_id, answers_form(found, right=1))
    response = autosave(auth, attempt_id, {**answers_form(found), "q999999": "x"})
    assert response.status_code == 400 and response.get_json()["saved"] is False
    assert saved(timed_app, attempt_id) == 1


def test_a_save_after_the_deadline_is_refused_and_says_so(timed_app, learner, auth):
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    autosave(auth, attempt_id, answers_form(found, right=2))
    move_deadline(timed_app, attempt_id, timedelta(seconds=-1))
    response = autosave(auth, attempt_id, answers_form(found))
    body = response.get_json()
    assert response.status_code == 409 and body["saved"] is False and body["time_up"] is True
    assert "after the deadline" in body["message"]
    assert saved(timed_app, attempt_id) == 2


def test_a_late_submit_is_graded_on_the_answers_saved_in_time_never_zero(timed_app, learner, auth):
    """The answers autosaved before the deadline count even when the final submit arrives late."""
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    autosave(auth, attempt_id, answers_form(found))  # every answer right, saved in time
    move_deadline(timed_app, attempt_id, timedelta(seconds=-5))
    post_answers(auth, attempt_id, answers_form(found), "submit")
    with timed_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is not None and attempt.score == pytest.approx(1.0) and attempt.passed


def test_an_open_attempt_past_its_deadline_is_submitted_when_next_opened(timed_app, learner, auth, client):
    """The learner closed the page before time-up: opening the attempt again submits it, graded."""
    enrol(auth)
    attempt_id = start(auth)
    found = questions(timed_app, attempt_id)
    autosave(auth, attempt_id, answers_form(found, right=3))
    move_deadline(timed_app, attempt_id, timedelta(seconds=-1))
    page = client.get(attempt_url(attempt_id), follow_redirects=True).get_data(as_text=True)
    assert "your attempt was submitted with the answers saved before the deadline" in page
    with timed_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted_at is not None and attempt.score == pytest.approx(3 / 6)
    assert "Score: <strong>50%</strong>" in page

"""What a learner must not get from a quiz: the answers before review, a grade for a forged or
someone else's answer, a second grading of one attempt, or an attempt outside the rules."""
from __future__ import annotations

import json
import re

import pytest

from lms.extensions import db
from lms.quizzes import services
from lms.quizzes.models import Attempt, AttemptAnswer, AttemptQuestion

from .conftest import Auth
from .content_factory import write
from .quiz_support import (
    COURSE, FINAL, QUIZ, answers_form, attempt_url, enrol, post_answers, questions, right_answers, start, sync, write_quiz,
)
from .test_concurrency import logged_in_clients, together

THREADS = 8
# Every piece of the quiz file that only a review may show.
SECRETS = ("FEEDBACK-CLUSTERING", "FEEDBACK-RIGHT", "FEEDBACK-MSE", "EXPLANATION-SUPERVISED", "EXPLANATION-ACRONYM",
           "machine learning", "25 ± 0.5", "correct", "feedback", "explanation")


@pytest.fixture()
def quiz_app(app, content_dir):
    write_quiz(content_dir)
    sync(app)
    return app


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(model)).scalar_one()


def test_an_open_attempt_shows_no_answer_key_feedback_or_explanation(quiz_app, learner, auth, client):
    enrol(auth)
    attempt_id = start(auth)
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert "Which task is an example of supervised learning?" in html and "Grouping customers" in html
    for secret in SECRETS:
        assert not re.search(rf"\b{re.escape(secret)}\b", html, re.IGNORECASE), secret
    # No script but the two static ones, and the words they say as data (never run): those words only.
    words = re.search(r'<script type="application/json" id="lms-messages">(.*?)</script>', html, re.S)
    assert words and set(json.loads(words.group(1))) == {"minute", "second", "left", "time_up", "offline_time_up", "saving",
                                                          "saved", "others_saved", "check", "closed", "not_saved",
                                                          "offline", "ready"}
    rest = html.replace(words.group(0), "")
    assert "<script" not in re.sub(r'<script src="/lms/static/quiz-(timer|autosave)\.js" defer></script>', "", rest)
    start_page = client.get(QUIZ).get_data(as_text=True)
    for secret in SECRETS[:7]:
        assert secret not in start_page, secret


def test_ordering_never_starts_in_the_right_order(quiz_app, learner, auth, client):
    enrol(auth)
    attempt_id = start(auth)
    cycle = next(q for q in questions(quiz_app, attempt_id) if q.type == "ordering")
    html = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    shown = [html.index(f"Position of “{item['text']}”") for item in cycle.data["items"]]
    assert shown != sorted(shown)


ALPHABETICAL_KEY = """\
---
title: Fixed order
shuffle: false
---

## Put the letters in order {#letters}

1. Alpha
2. Bravo
3. Charlie
"""


def test_ordering_without_shuffle_draws_its_order_from_the_attempt(app, content_dir, learner, auth, client):
    """``shuffle: false`` once showed the items alphabetically, reversed when that was the answer: an
    alphabetical key then showed as Charlie, Bravo, Alpha on every attempt, giving the answer away."""
    write_quiz(content_dir, text=ALPHABETICAL_KEY)
    sync(app)
    enrol(auth)
    def order_on(page: str) -> tuple[str, ...]:
        return tuple(sorted(("Alpha", "Bravo", "Charlie"), key=lambda text: page.index(f"Position of “{text}”")))

    shown = []
    for _ in range(12):
        attempt_id = start(auth)
        order = order_on(client.get(attempt_url(attempt_id)).get_data(as_text=True))
        assert order != ("Alpha", "Bravo", "Charlie")
        assert order_on(client.get(attempt_url(attempt_id)).get_data(as_text=True)) == order  # stable for the attempt
        shown.append(order)
        assert post_answers(auth, attempt_id, {}, "submit").status_code == 302
    assert len(set(shown)) > 1


@pytest.mark.parametrize("tamper", [
    lambda q: {f"q{q['supervised'].id}": "z"},                        # an option the question does not have
    lambda q: {f"q{q['metrics'].id}": ["a", "a"]},                     # the same option twice
    lambda q: {f"q{q['terms'].id}-a": "99"},                           # a choice that does not exist
    lambda q: {f"q{q['terms'].id}-zz": "1"},                           # an item that does not exist
    lambda q: {f"q{q['cycle'].id}-a": "9"},                            # a position out of range
    lambda q: {f"q{q['cycle'].id}-a": "²"},                            # a digit that is not 0-9
    lambda q: {f"q{q['cycle'].id}-a": "9" * 5000},                     # a number int() refuses to read
    lambda q: {"q" + "9" * 5000: "a"},                                 # a question id int() refuses to read
    lambda q: {"q999999": "a"},                                        # a question not in the attempt
    lambda q: {f"q{q['acronym'].id}": "x" * 1001},                     # an answer no form allows
    lambda q: {f"q{q['supervised'].id}-a": "a"},                       # a part a choice question has not
])
def test_tampered_answers_are_refused_and_nothing_is_stored(quiz_app, learner, auth, tamper):
    enrol(auth)
    attempt_id = start(auth)
    found = {q.key: q for q in questions(quiz_app, attempt_id)}
    form = {**right_answers(found["precision"]), **tamper(found)}  # one honest answer beside the forged one
    for action in ("save", "submit"):
        assert post_answers(auth, attempt_id, form, action).status_code == 400
    assert count(quiz_app, AttemptAnswer) == 0
    with quiz_app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at is None


def test_a_question_of_another_quiz_is_refused(quiz_app, content_dir, learner, auth):
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(quiz_app)
    enrol(auth)
    final = start(auth, COURSE + "quiz/final")
    (other,) = questions(quiz_app, final)
    attempt_id = start(auth)
    assert post_answers(auth, attempt_id, {f"q{other.id}": "a"}, "save").status_code == 400
    assert count(quiz_app, AttemptAnswer) == 0


def test_another_learners_attempt_is_forbidden(quiz_app, make_user, learner, auth, client):
    enrol(auth)
    theirs = start(auth)
    found = questions(quiz_app, theirs)
    auth.logout()
    make_user("mallory@example.com", "Mallory")
    auth.login("mallory@example.com")
    enrol(auth)
    for action in ("save", "submit"):
        assert post_answers(auth, theirs, answers_form(found), action).status_code == 403
    assert client.get(attempt_url(theirs)).status_code == 403
    assert count(quiz_app, AttemptAnswer) == 0
    with quiz_app.app_context():
        assert db.session.get(Attempt, theirs).submitted_at is None


def test_an_admin_may_look_at_an_attempt_but_not_answer_it(quiz_app, make_user, learner, auth, client):
    enrol(auth)
    attempt_id = start(auth)
    post_answers(auth, attempt_id, answers_form(questions(quiz_app, attempt_id)), "submit")
    auth.logout()
    make_user("admin@example.com", "Admin", role="admin")
    auth.login("admin@example.com")
    page = client.get(attempt_url(attempt_id))
    assert page.status_code == 200 and "Ada Learner" in page.get_data(as_text=True)
    assert post_answers(auth, attempt_id, {}, "submit").status_code == 403


def test_only_enrolled_learners_take_quizzes(quiz_app, learner, auth, client):
    assert client.get(QUIZ).status_code == 302
    assert auth.post(QUIZ + "/start", token_from=COURSE).status_code == 403
    assert count(quiz_app, Attempt) == 0
    auth.logout()
    assert client.get(QUIZ).headers["Location"].startswith("/account/login")
    assert client.get(COURSE + "quiz/nope").status_code == 302  # anonymous: login first, no probing


def test_quiz_posts_need_csrf_and_pages_carry_security_headers(quiz_app, learner, auth, client):
    enrol(auth)
    assert client.post(QUIZ + "/start").status_code == 400
    attempt_id = start(auth)
    assert client.post(attempt_url(attempt_id), data={"action": "submit"}).status_code == 400
    page = client.get(attempt_url(attempt_id))
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert post_answers(auth, attempt_id, {}, "delete").status_code == 400
    assert client.get(COURSE + "quiz/practice/attempts/%d" % attempt_id).status_code == 404


def test_a_replayed_submit_changes_nothing(quiz_app, learner, auth):
    enrol(auth)
    attempt_id = start(auth)
    found = questions(quiz_app, attempt_id)
    post_answers(auth, attempt_id, answers_form(found, right=1), "submit")
    with quiz_app.app_context():
        before = db.session.get(Attempt, attempt_id)
        first = (before.submitted_at, before.score, before.passed)
    for action in ("submit", "save"):
        assert post_answers(auth, attempt_id, answers_form(found), action).status_code == 302
    with quiz_app.app_context():
        after = db.session.get(Attempt, attempt_id)
        assert (after.submitted_at, after.score, after.passed) == first
        assert db.session.execute(db.select(db.func.count(AttemptAnswer.id))).scalar_one() == 1


def run_together(clients, path, forms):
    """Each client POSTs its own form to ``path`` at the same moment; their status codes."""
    tokens = [Auth(client).csrf(COURSE) for client in clients]
    return together(len(clients),
                    lambda i: clients[i].post(path, data={"csrf_token": tokens[i], **forms[i]}).status_code)


def test_concurrent_submits_grade_once(quiz_app, make_user, monkeypatch):
    make_user()
    clients = logged_in_clients(quiz_app, THREADS)
    auth = Auth(clients[0])
    enrol(auth)
    attempt_id = start(auth)
    found = questions(quiz_app, attempt_id)
    gradings = []
    grade = services.grade_attempt
    monkeypatch.setattr(services, "grade_attempt", lambda attempt: (gradings.append(attempt.id), grade(attempt)))
    forms = [{**answers_form(found, right=n % 2 * 6), "action": "submit"} for n in range(THREADS)]
    statuses = run_together(clients, attempt_url(attempt_id), forms)
    assert statuses == [302] * THREADS
    assert gradings == [attempt_id]
    with quiz_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        answers = db.session.execute(db.select(AttemptAnswer)).scalars().all()
        assert attempt.score in (0.0, 1.0) and all(answer.score is not None for answer in answers)
        assert attempt.score == (1.0 if answers else 0.0)  # graded exactly what was saved, nothing after


def test_concurrent_starts_make_one_attempt(quiz_app, make_user):
    make_user()
    clients = logged_in_clients(quiz_app, THREADS)
    enrol(Auth(clients[0]))
    statuses = run_together(clients, QUIZ + "/start", [{}] * THREADS)
    assert statuses == [302] * THREADS
    assert count(quiz_app, Attempt) == 1
    assert count(quiz_app, AttemptQuestion) == 6


def test_an_ordering_item_that_reads_as_markup_stays_text_in_its_label(app, content_dir, learner, auth):
    """The position label strips the item's tags, which turns its escaped text back into markup: it must be
    escaped again, never marked safe (a review found it was)."""
    write_quiz(content_dir, text=ORDERING_WITH_MARKUP)
    sync(app)
    enrol(auth)
    html = auth.client.get(attempt_url(start(auth))).get_data(as_text=True)
    assert "<img src=x onerror=alert(1)>" not in html
    assert "Position of “&lt;img src=x onerror=alert(1)&gt; first”" in html


ORDERING_WITH_MARKUP = """\
---
title: Ordering check
---

## Put the steps in order {#order}

1. `<img src=x onerror=alert(1)>` first
2. Second step
3. Third step
"""

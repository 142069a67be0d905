"""Item analysis against a hand computation on a fixed data set, as Moodle's quiz statistics define it.

Four single-choice questions of 1 point, option a right, b and c wrong. Six learners, first attempts:

    learner  q1  q2  q3  q4   marks q1..q4   total
    s1       a   a   b   a    1  1  0  1     3
    s2       a   a   b   a    1  1  0  1     3
    s3       a   b   b   a    1  0  0  1     2
    w1       b   c   a   b    0  0  1  0     1
    w2       a   -   c   b    1  0  0  0     1      (- = no answer)
    w3       -   b   a   c    0  0  1  0     1

q3 is the "broken" question: the weaker learners get it right. Plus a second attempt of w1, all right,
which only the all-attempts analysis counts.

Facility = mean mark / max mark.  SD = sample standard deviation of the mark fraction:
sqrt((k - k^2/n) / (n - 1)) for k right out of n.  Discrimination = Pearson r between the mark x on the
question and the rest of the attempt r = total - x:
    r = (n*Sxr - Sx*Sr) / sqrt((n*Sxx - Sx^2) * (n*Srr - Sr^2))

q1: x = 1 1 1 0 1 0, rest = 2 2 1 1 0 1
    Sx=4 Sxx=4 Sr=7 Srr=11 Sxr=5 -> r = (30-28)/sqrt(8*17) = 2/sqrt(136) = 0.171499
    facility 4/6 = 0.666667, SD sqrt((4-16/6)/5) = 0.516398
q2: x = 1 1 0 0 0 0, rest = 2 2 2 1 1 1
    Sx=2 Sxx=2 Sr=9 Srr=15 Sxr=4 -> r = (24-18)/sqrt(8*9) = 6/sqrt(72) = 0.707107
    facility 2/6 = 0.333333, SD sqrt((2-4/6)/5) = 0.516398
q3: x = 0 0 0 1 0 1, rest = 3 3 2 0 1 0
    Sx=2 Sxx=2 Sr=9 Srr=23 Sxr=0 -> r = (0-18)/sqrt(8*57) = -18/sqrt(456) = -0.842927
    facility 0.333333, SD 0.516398
q4: x = 1 1 1 0 0 0, rest = 2 2 1 1 1 1
    Sx=3 Sxx=3 Sr=8 Srr=12 Sxr=5 -> r = (30-24)/sqrt(9*8) = 6/sqrt(72) = 0.707107
    facility 3/6 = 0.5, SD sqrt((3-9/6)/5) = 0.547723

Options chosen: q1 a4 b1 c0 blank1; q2 a2 b2 c1 blank1; q3 a2 b3 c1; q4 a3 b2 c1.
"""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Attempt, AttemptAnswer, AttemptQuestion, QuestionVersion, Quiz
from lms.reports.items import item_analysis
from lms.schools.services import current_school

from .authoring_support import log_in, make_account
from .content_factory import write

QUIZ_TEXT = "---\ntitle: Item check\npass_mark: 50\nshuffle: false\n---\n\n" + "".join(
    f"## Question {n} {{#q{n}}}\n\n- [x] Right {n}\n- [ ] Wrong {n}b\n- [ ] Wrong {n}c\n\n" for n in range(1, 5))
RESPONSES = {  # learner -> answers to q1..q4 (None: no answer)
    "s1": ("a", "a", "b", "a"), "s2": ("a", "a", "b", "a"), "s3": ("a", "b", "b", "a"),
    "w1": ("b", "c", "a", "b"), "w2": ("a", None, "c", "b"), "w3": (None, "b", "a", "c"),
}
EXPECTED = {  # key: (facility, SD, discrimination, {option: times chosen}, no answer)
    "q1": (0.666667, 0.516398, 0.171499, {"a": 4, "b": 1, "c": 0}, 1),
    "q2": (0.333333, 0.516398, 0.707107, {"a": 2, "b": 2, "c": 1}, 1),
    "q3": (0.333333, 0.516398, -0.842927, {"a": 2, "b": 3, "c": 1}, 0),
    "q4": (0.5, 0.547723, 0.707107, {"a": 3, "b": 2, "c": 1}, 0),
}


def add_attempt(user_id, quiz, school, questions, answers, number=1):
    now = utcnow() - timedelta(days=1)
    marks = [1.0 if answer == "a" else 0.0 for answer in answers]
    score = sum(marks) / len(marks)
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, school_id=school.id, number=number, seed=1, started_at=now,
                      submitted_at=now + timedelta(minutes=5), score=score, passed=score >= 0.5)
    db.session.add(attempt)
    db.session.flush()
    for position, (question, answer, mark) in enumerate(zip(questions, answers, marks)):
        db.session.add(AttemptQuestion(attempt_id=attempt.id, question_version_id=question.id, position=position))
        if answer is not None:
            db.session.add(AttemptAnswer(attempt_id=attempt.id, question_version_id=question.id, response=answer,
                                         saved_at=now, score=mark))


@pytest.fixture()
def data_set(app, content_dir, make_user):
    write(content_dir, "quizzes/intro-course/01-basics.md", QUIZ_TEXT)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    users = {name: make_user(email=f"{name}@example.com", name=name.upper()) for name in RESPONSES}
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one()
        questions = db.session.execute(db.select(QuestionVersion).filter_by(quiz_id=quiz.id)
                                       .order_by(QuestionVersion.position)).scalars().all()
        school = current_school()
        for name, answers in RESPONSES.items():
            add_attempt(users[name], quiz, school, questions, answers)
        add_attempt(users["w1"], quiz, school, questions, ("a", "a", "a", "a"), number=2)
        db.session.commit()
    return app


def test_item_analysis_matches_the_hand_computation(data_set):
    with data_set.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one()
        items = item_analysis(quiz, current_school(), first_only=True)
        assert [item.question.key for item in items] == ["q1", "q2", "q3", "q4"]
        for item in items:
            facility, sd, discrimination, options, blank = EXPECTED[item.question.key]
            assert item.n == 6
            assert item.facility == pytest.approx(facility, abs=1e-6)
            assert item.sd == pytest.approx(sd, abs=1e-6)
            assert item.discrimination == pytest.approx(discrimination, abs=1e-6)
            assert {option: chosen for option, _, _, chosen in item.options} == options
            assert item.blank == blank
        flags = {item.question.key: item.flags for item in items}
        assert flags == {"q1": ["weak discrimination"], "q2": [], "q3": ["negative discrimination: check the answer key"],
                         "q4": []}
        every = item_analysis(quiz, current_school())
        assert [item.n for item in every] == [7, 7, 7, 7]  # w1's second attempt counts here


def test_the_quiz_report_page_and_its_csv(data_set, make_user, auth, client):
    make_account(data_set, make_user, "author")
    log_in(auth, "author@example.com")
    page = client.get("/reports/courses/intro-course/quizzes/basics").get_data(as_text=True)
    assert "<dt>Submitted attempts</dt><dd>7</dd>" in page and "<dt>Pass rate</dt><dd>57.1%</dd>" in page
    assert 'role="img"' in page and "<title id=\"score-chart-title\">Score distribution of Item check</title>" in page
    assert "negative discrimination: check the answer key" in page
    first = client.get("/reports/courses/intro-course/quizzes/basics/items.csv?attempts=first")
    rows = list(csv.DictReader(io.StringIO(first.get_data(as_text=True))))
    assert [(r["question"], r["facility index %"], r["discrimination index %"]) for r in rows] == \
        [("q1", "66.7", "17.1"), ("q2", "33.3", "70.7"), ("q3", "33.3", "-84.3"), ("q4", "50", "70.7")]
    options = list(csv.DictReader(io.StringIO(client.get(
        "/reports/courses/intro-course/quizzes/basics/options.csv?attempts=first").get_data(as_text=True))))
    q3 = [(r["option"], r["answer"], r["correct"], r["chosen"]) for r in options if r["question"] == "q3"]
    assert q3 == [("a", "Right 3", "yes", "2"), ("b", "Wrong 3b", "no", "3"), ("c", "Wrong 3c", "no", "1")]
    distribution = client.get("/reports/courses/intro-course/quizzes/basics/distribution.csv").get_data(as_text=True)
    assert "20–29%,3\r\n" in distribution and "50–59%,1\r\n" in distribution and "90–100%,1\r\n" in distribution

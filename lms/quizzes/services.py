"""Attempts on the server: start, save and submit. Each write is guarded by a unique constraint or a
conditional UPDATE, so a double click, two tabs or two workers start once and grade once."""
from __future__ import annotations

import random
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, or_, update

from ..accounts.models import User
from ..catalog.models import Course
from ..catalog.services import oversees
from ..db import insert_ignore, upsert, utcnow
from ..extensions import db
from ..i18n import _, ngettext
from ..schools.models import School
from ..signals import attempt_graded, attempt_started
from .models import Attempt, AttemptAnswer, AttemptQuestion, QuestionVersion, Quiz
from .qtypes import InvalidResponse, get_type

# Scores are fractions; a pass mark of 70 must accept 7 of 10 despite binary rounding.
EPSILON = 1e-9


class QuizRefused(Exception):
    """A rule of the quiz refuses the action; the message says why, for the learner."""


class AttemptsExhausted(QuizRefused):
    """Every allowed attempt has been used."""


class AttemptClosed(QuizRefused):
    """The attempt was submitted or its time is up: answers can no longer change."""


def quiz_for(course: Course, slug: str, include_retired: bool = False) -> Quiz | None:
    query = db.select(Quiz).filter_by(course_id=course.id, slug=slug)
    if not include_retired:
        query = query.filter_by(retired=False)
    return db.session.execute(query).scalar_one_or_none()


def attempts_of(user: User, quiz: Quiz) -> list[Attempt]:
    return list(db.session.execute(
        db.select(Attempt).filter_by(user_id=user.id, quiz_id=quiz.id).order_by(Attempt.number)).scalars())


def can_take(user: User, course: Course, enrolled: bool) -> bool:
    """Enrolled learners take a course's quizzes; its authors and admins may try them without enrolling."""
    return enrolled or oversees(user, course)


def question_pool(quiz: Quiz) -> list[QuestionVersion]:
    """The current version of every question, in the order of the quiz file."""
    return list(db.session.execute(
        db.select(QuestionVersion).filter_by(quiz_id=quiz.id, retired=False).order_by(QuestionVersion.position)
    ).scalars())


def draw_questions(quiz: Quiz, pool: list[QuestionVersion], seed: int) -> list[QuestionVersion]:
    """The questions of an attempt and their order, reproducible from the attempt's seed."""
    rng = random.Random(seed)
    chosen = list(pool)
    if quiz.draw and quiz.draw < len(chosen):
        chosen = rng.sample(chosen, quiz.draw)
    if quiz.shuffle:
        rng.shuffle(chosen)
    else:
        chosen.sort(key=lambda question: question.position)
    return chosen


def start_attempt(user: User, quiz: Quiz, school: School) -> Attempt:
    """Resume the open attempt, or start the next one if attempts remain; never two at once."""
    attempts = attempts_of(user, quiz)
    current = next((attempt for attempt in attempts if attempt.is_open), None)
    if current is not None:
        return current
    number = attempts[-1].number + 1 if attempts else 1
    if quiz.max_attempts and number > quiz.max_attempts:
        raise AttemptsExhausted(ngettext("You have used your only attempt at this quiz.",
                                         "You have used all %(num)d attempts at this quiz.", quiz.max_attempts))
    pool = question_pool(quiz)
    if not pool:
        raise QuizRefused(_("This quiz has no questions yet."))
    now, seed = utcnow(), secrets.randbelow(2**31)
    deadline = now + timedelta(minutes=quiz.time_limit) if quiz.time_limit else None
    created = db.session.execute(insert_ignore(
        Attempt, {"user_id": user.id, "quiz_id": quiz.id, "school_id": school.id, "number": number, "seed": seed,
                  "started_at": now, "deadline": deadline, "late": False},
        ["user_id", "quiz_id", "number"]).returning(Attempt.id)).scalar_one_or_none()
    attempt = db.session.execute(
        db.select(Attempt).filter_by(user_id=user.id, quiz_id=quiz.id, number=number)).scalar_one()
    if created is not None:  # a racing request that lost the insert resumes the winner's attempt instead
        db.session.add_all(AttemptQuestion(attempt_id=attempt.id, question_version_id=question.id, position=position)
                           for position, question in enumerate(draw_questions(quiz, pool, seed)))
        db.session.flush()
        attempt_started.send(attempt)  # once: only the request that created it
    return attempt


def attempt_questions(attempt: Attempt) -> list[QuestionVersion]:
    """The versions the attempt drew, as they were when it started, in the order shown."""
    return list(db.session.execute(
        db.select(QuestionVersion).join(AttemptQuestion, AttemptQuestion.question_version_id == QuestionVersion.id)
        .where(AttemptQuestion.attempt_id == attempt.id).order_by(AttemptQuestion.position)).scalars())


def saved_answers(attempt: Attempt) -> dict[int, AttemptAnswer]:
    rows = db.session.execute(db.select(AttemptAnswer).filter_by(attempt_id=attempt.id)).scalars()
    return {row.question_version_id: row for row in rows}


def public_question(attempt: Attempt, question: QuestionVersion) -> dict[str, Any]:
    """What the form may show: the type's public data, options shuffled by the attempt's seed (always,
    for a type whose order is the question)."""
    qtype = get_type(question.type)
    rng = random.Random(f"{attempt.seed}:{question.id}") if attempt.quiz.shuffle or qtype.scrambled else None
    return qtype.public(question.data, rng)


def check_responses(questions: list[QuestionVersion], responses: Mapping[int, Any]) -> None:
    """Refuse, before anything is written, a response no honest form of this attempt could post."""
    by_id = {question.id: question for question in questions}
    for question_id, response in responses.items():
        question = by_id.get(question_id)
        if question is None:
            raise InvalidResponse(f"question {question_id!r} is not part of this attempt")
        if response is not None:
            get_type(question.type).grade(question.data, response)  # raises InvalidResponse


def _lock_open(attempt: Attempt, now: datetime) -> None:
    """Lock the attempt's row while it is open and in time, so a racing submit waits for this save."""
    still_open = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None),
                              or_(Attempt.deadline.is_(None), Attempt.deadline > now))
        .values(late=Attempt.late).execution_options(synchronize_session=False)).rowcount
    if not still_open:
        raise AttemptClosed(_("This attempt is closed: it was submitted or its time is up."))


def save_answers(attempt: Attempt, responses: Mapping[int, Any]) -> None:
    """Store the responses (None clears one); all or nothing, only while the attempt is open and in time."""
    check_responses(attempt_questions(attempt), responses)
    now = utcnow()
    _lock_open(attempt, now)
    cleared = [question_id for question_id, response in responses.items() if response is None]
    if cleared:
        db.session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id,
                                                       AttemptAnswer.question_version_id.in_(cleared)))
    rows = [{"attempt_id": attempt.id, "question_version_id": question_id, "response": response, "saved_at": now}
            for question_id, response in responses.items() if response is not None]
    if rows:  # one statement for every answer of the form
        db.session.execute(upsert(AttemptAnswer, ["attempt_id", "question_version_id"], ["response", "saved_at"]), rows)


@dataclass(frozen=True)
class Answering:
    """What became of a posted attempt form."""

    submitted: bool = False
    time_up: bool = False  # nothing could be saved: the attempt's time is up (or it was submitted meanwhile)
    mistakes: Mapping[int, str] = field(default_factory=dict)


def answer_attempt(attempt: Attempt, responses: Mapping[int, Any], mistakes: Mapping[int, str], submit: bool) -> Answering:
    """Save every response that reads, then submit when asked. A learner's mistake keeps the attempt
    open so it can be fixed, unless time is up: then a submit grades what was saved in time."""
    time_up = False
    try:
        save_answers(attempt, {key: value for key, value in responses.items() if key not in mistakes})
    except AttemptClosed:
        time_up = True
    if mistakes and not time_up:
        return Answering(mistakes=mistakes)
    if submit:
        submit_attempt(attempt)  # a replay or a racing submit grades nothing more
    return Answering(submitted=submit, time_up=time_up)


def submit_attempt(attempt: Attempt) -> bool:
    """Close and grade the attempt; True only for the one call that did, so replays grade nothing."""
    now = utcnow()
    closed = db.session.execute(
        update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(attempt)
    if not closed:
        return False
    grade_attempt(attempt)
    attempt_graded.send(attempt, passed=attempt.passed)  # progress completes the course on a pass
    return True


def grade_attempt(attempt: Attempt) -> None:
    """Score every question with its type's grader; after the deadline, only answers saved in time count."""
    answers = saved_answers(attempt)
    earned = total = 0.0
    for question in attempt_questions(attempt):
        answer = answers.get(question.id)
        in_time = answer is not None and (attempt.deadline is None or answer.saved_at <= attempt.deadline)
        fraction = _grade(question, answer.response) if in_time else 0.0
        if answer is not None:
            answer.score = fraction
        earned += fraction * question.points
        total += question.points
    attempt.score = min(1.0, max(0.0, earned / total)) if total else 0.0
    attempt.passed = attempt.score * 100 >= attempt.quiz.pass_mark - EPSILON
    attempt.late = attempt.deadline is not None and attempt.submitted_at > attempt.deadline
    db.session.flush()


def _grade(question: QuestionVersion, response: Any) -> float:
    try:
        return min(1.0, max(0.0, get_type(question.type).grade(question.data, response)))
    except InvalidResponse:  # checked when saved; a stored response that no longer reads scores nothing
        return 0.0


def has_passed(user: User, quiz: Quiz) -> bool:
    return db.session.execute(
        db.select(Attempt.id).filter_by(user_id=user.id, quiz_id=quiz.id, passed=True).limit(1)).first() is not None


def review_allowed(attempt: Attempt, passed_quiz: bool) -> bool:
    """Whether answers, feedback and explanations may be shown, per the quiz's review setting."""
    if attempt.is_open:
        return False
    review = attempt.quiz.review
    return review == "after_submit" or (review == "after_pass" and passed_quiz)


def time_left(attempt: Attempt, now: datetime | None = None) -> timedelta | None:
    """Time until the deadline (never negative), or None without a time limit."""
    if attempt.deadline is None:
        return None
    return max(timedelta(0), attempt.deadline - (now or utcnow()))

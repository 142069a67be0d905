"""What pages show about quizzes: a learner's standing per quiz, and an attempt's review, read in a
fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func

from ..accounts.models import User
from ..catalog.models import Course
from ..extensions import db
from ..i18n import _l, plural_count
from . import services
from .models import Attempt, QuestionVersion, Quiz
from .qtypes import InvalidResponse, get_type


@dataclass(frozen=True)
class QuizState:
    """One learner's standing on one quiz."""

    quiz: Quiz
    attempts: int = 0
    best: float | None = None
    passed: bool = False

    @property
    def best_percent(self) -> int | None:
        return None if self.best is None else round(self.best * 100)

    @property
    def attempts_left(self) -> int | None:
        """None when unlimited."""
        return max(0, self.quiz.max_attempts - self.attempts) if self.quiz.max_attempts else None


def course_quizzes(user: User | None, course: Course) -> dict[int | None, QuizState]:
    """Each quiz of the course by module id (None for the final exam), with the learner's standing."""
    quizzes = db.session.execute(db.select(Quiz).filter_by(course_id=course.id, retired=False)).scalars().all()
    standing: dict[int, tuple[int, float | None, bool]] = {}
    if user is not None and quizzes:
        rows = db.session.execute(
            db.select(Attempt.quiz_id, func.count(Attempt.id), func.max(Attempt.score),
                      func.max(case((Attempt.passed.is_(True), 1), else_=0)))
            .where(Attempt.user_id == user.id, Attempt.quiz_id.in_([quiz.id for quiz in quizzes]))
            .group_by(Attempt.quiz_id))
        standing = {quiz_id: (count, best, bool(passed)) for quiz_id, count, best, passed in rows}
    return {quiz.module_id: QuizState(quiz, *standing.get(quiz.id, (0, None, False))) for quiz in quizzes}


def quiz_state(user: User, quiz: Quiz, attempts: list[Attempt]) -> QuizState:
    scores = [attempt.score for attempt in attempts if attempt.score is not None]
    return QuizState(quiz, len(attempts), max(scores) if scores else None, any(a.passed for a in attempts))


# An answer's outcome (also a CSS class: outcome-partly-correct) and the words the review shows for it.
OUTCOME_LABELS = {"correct": _l("Correct"), "partly correct": _l("Partly correct"), "incorrect": _l("Incorrect")}


plural_n = plural_count  # the template global quiz_plural_n


@dataclass(frozen=True)
class ReviewItem:
    """A question as the learner answered it: the response, its score and, if review allows, why."""

    question: QuestionVersion
    response: Any
    score: float
    feedback: tuple[str, ...] = ()

    @property
    def outcome(self) -> str:
        return "correct" if self.score >= 1 - services.EPSILON else "partly correct" if self.score > 0 else "incorrect"

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])


def review_items(attempt: Attempt) -> list[ReviewItem]:
    """Every question of a submitted attempt with the learner's saved response and its score."""
    answers = services.saved_answers(attempt)
    items = []
    for question in services.attempt_questions(attempt):
        answer = answers.get(question.id)
        response = answer.response if answer is not None else None
        try:
            feedback = tuple(get_type(question.type).feedback(question.data, response)) if response is not None else ()
        except InvalidResponse:
            feedback = ()
        score = (answer.score or 0.0) if answer is not None else 0.0
        items.append(ReviewItem(question, response, score, feedback))
    return items

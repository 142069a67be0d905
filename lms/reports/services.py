"""Course and quiz figures, each read with a fixed number of queries whatever the number of learners;
long lists are read in batches (``yield_per``) so memory stays flat."""
from __future__ import annotations

import statistics
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, or_, union

from ..accounts.models import User
from ..catalog.models import Course, Lesson, Module
from ..db import utcnow
from ..extensions import db
from ..i18n import _, number, percent
from ..progress.models import Enrolment, LessonProgress
from ..quizzes.models import Attempt, Quiz
from ..schools.models import School

ACTIVE_DAYS = 30
BATCH = 1000


@dataclass(frozen=True)
class CourseFigures:
    enrolments: int
    active: int  # enrolled learners who opened a lesson or started a quiz in the last 30 days
    completed: int
    median_seconds: float | None  # from enrolment to completion, over the learners who completed

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolments if self.enrolments else None


def course_figures(course: Course, school: School, now: datetime | None = None) -> CourseFigures:
    cutoff = (now or utcnow()) - timedelta(days=ACTIVE_DAYS)
    where = (Enrolment.course_id == course.id, Enrolment.school_id == school.id)
    enrolments, completed = db.session.execute(
        db.select(func.count(Enrolment.id), func.count(Enrolment.completed_at)).where(*where)).one()
    enrolled = db.select(Enrolment.user_id).where(*where)
    recent = union(
        db.select(Enrolment.user_id).where(*where, Enrolment.last_activity_at >= cutoff),
        db.select(Attempt.user_id).join(Quiz, Quiz.id == Attempt.quiz_id)
        .where(Quiz.course_id == course.id, Attempt.school_id == school.id, Attempt.started_at >= cutoff,
               Attempt.user_id.in_(enrolled)),
    ).subquery()
    active = db.session.execute(db.select(func.count()).select_from(recent)).scalar_one()
    return CourseFigures(enrolments, active, completed, median_completion(course, school))


def median_completion(course: Course, school: School) -> float | None:
    """The median time from enrolment to completion, in seconds (computed portably, in Python)."""
    rows = db.session.execute(
        db.select(Enrolment.enrolled_at, Enrolment.completed_at)
        .where(Enrolment.course_id == course.id, Enrolment.school_id == school.id, Enrolment.completed_at.is_not(None))
        .execution_options(yield_per=BATCH))
    durations = [(completed - enrolled).total_seconds() for enrolled, completed in rows]
    return statistics.median(durations) if durations else None


@dataclass(frozen=True)
class Stage:
    label: str
    learners: int


def funnel(course: Course, school: School) -> list[Stage]:
    """Enrolled, then each module completed (all its lessons, and its quiz passed when it has one), then
    the course completed. Learners may skip around, so a stage can exceed the one before it."""
    figures = db.session.execute(
        db.select(func.count(Enrolment.id), func.count(Enrolment.completed_at))
        .where(Enrolment.course_id == course.id, Enrolment.school_id == school.id)).one()
    modules = db.session.execute(db.select(Module.id, Module.title).where(
        Module.course_id == course.id, Module.retired.is_(False)).order_by(Module.position)).all()
    totals = (db.select(Lesson.module_id, func.count(Lesson.id).label("total"))
              .where(Lesson.course_id == course.id, Lesson.retired.is_(False)).group_by(Lesson.module_id).subquery())
    done = (db.select(LessonProgress.user_id, Lesson.module_id, func.count(LessonProgress.id).label("done"))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(Enrolment, (Enrolment.user_id == LessonProgress.user_id) & (Enrolment.course_id == Lesson.course_id))
            .where(Lesson.course_id == course.id, Lesson.retired.is_(False), LessonProgress.completed_at.is_not(None),
                   Enrolment.school_id == school.id)
            .group_by(LessonProgress.user_id, Lesson.module_id).subquery())
    passed = (db.select(Attempt.id).where(Attempt.quiz_id == Quiz.id, Attempt.user_id == done.c.user_id,
                                          Attempt.passed.is_(True)).exists())
    counts = dict(db.session.execute(
        db.select(done.c.module_id, func.count()).select_from(done)
        .join(totals, (totals.c.module_id == done.c.module_id) & (totals.c.total == done.c.done))
        .outerjoin(Quiz, (Quiz.module_id == done.c.module_id) & Quiz.retired.is_(False))
        .where(or_(Quiz.id.is_(None), passed)).group_by(done.c.module_id)).all())
    stages = [Stage(_("Enrolled"), figures[0])]
    stages += [Stage(_("Completed module %(number)s: %(title)s", number=n, title=title), counts.get(module_id, 0))
               for n, (module_id, title) in enumerate(modules, 1)]
    return stages + [Stage(_("Completed the course"), figures[1])]


def course_learners(course: Course, school: School, limit: int | None = None) -> Iterator[tuple]:
    """(name, e-mail, enrolled, last activity, lessons completed, lessons, percent, completed) per learner."""
    total = db.session.execute(db.select(func.count(Lesson.id)).where(
        Lesson.course_id == course.id, Lesson.retired.is_(False))).scalar_one()
    done = (db.select(LessonProgress.user_id, func.count(LessonProgress.id).label("done"))
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .where(Lesson.course_id == course.id, Lesson.retired.is_(False), LessonProgress.completed_at.is_not(None))
            .group_by(LessonProgress.user_id).subquery())
    query = (db.select(User.id, User.name, User.email, Enrolment.enrolled_at, Enrolment.last_activity_at,
                       func.coalesce(done.c.done, 0), Enrolment.completed_at)
             .join(User, User.id == Enrolment.user_id).outerjoin(done, done.c.user_id == Enrolment.user_id)
             .where(Enrolment.course_id == course.id, Enrolment.school_id == school.id).order_by(Enrolment.id))
    if limit is not None:
        query = query.limit(limit)
    for user_id, name, email, enrolled, last, completed_lessons, completed in \
            db.session.execute(query.execution_options(yield_per=BATCH)):
        percent = round(100 * completed_lessons / total) if total else 0
        yield user_id, name, email, enrolled, last, completed_lessons, total, percent, completed


@dataclass
class QuizFigures:
    attempts: int = 0  # submitted attempts
    learners: int = 0
    passed: int = 0
    mean: float | None = None
    bins: list[int] = field(default_factory=lambda: [0] * 10)  # 0-9%, 10-19%, ..., 90-100%

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.attempts if self.attempts else None

    @property
    def distribution(self) -> list[tuple[str, int]]:
        """(score band, attempts) per tenth: "0–9%" ... "90–100%" (the band reads "0–9 %" in French)."""
        return [(f"{number(10 * n)}–{percent(10 * n + 9 if n < 9 else 100)}", count) for n, count in enumerate(self.bins)]


def submitted_attempts(quiz: Quiz, school: School):
    return db.select(Attempt).where(Attempt.quiz_id == quiz.id, Attempt.school_id == school.id,
                                    Attempt.submitted_at.is_not(None))


def quiz_figures(quiz: Quiz, school: School) -> QuizFigures:
    figures = QuizFigures()
    learners, total = set(), 0.0
    rows = db.session.execute(
        db.select(Attempt.user_id, Attempt.score, Attempt.passed)
        .where(Attempt.quiz_id == quiz.id, Attempt.school_id == school.id, Attempt.submitted_at.is_not(None))
        .execution_options(yield_per=BATCH))
    for user_id, score, passed in rows:
        score = score or 0.0
        figures.attempts += 1
        figures.passed += bool(passed)
        learners.add(user_id)
        total += score
        figures.bins[min(int(score * 100 + 1e-9) // 10, 9)] += 1
    figures.learners = len(learners)
    figures.mean = total / figures.attempts if figures.attempts else None
    return figures


def course_quizzes(course: Course) -> list[Quiz]:
    return list(db.session.execute(db.select(Quiz).where(Quiz.course_id == course.id, Quiz.retired.is_(False))
                                   .outerjoin(Module, Module.id == Quiz.module_id)
                                   .order_by(Quiz.module_id.is_(None), Module.position)).scalars())

"""Every report table defined once, as columns and lazily produced rows: the page shows it and the
CSV export streams it, so the two can never disagree."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..accounts.models import User
from ..catalog.models import Course
from ..certificates.models import Certificate
from ..extensions import db
from ..i18n import _, _l
from ..progress import services as progress
from ..quizzes.models import Attempt, Quiz
from ..schools.models import School
from . import services
from .items import item_analysis


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[str, ...]  # lazy strings: the CSV's headers and the page's follow the page's language
    rows: Callable[[], Iterator[tuple[Any, ...]]]  # called when the rows are needed, so a CSV streams them

    def filename(self, prefix: str) -> str:
        return f"{prefix}-{self.name}.csv"


def _percent(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def courses_table(courses: list[Course], school: School) -> Table:
    def rows():
        for course in courses:
            figures = services.course_figures(course, school)
            median = figures.median_seconds / 86400 if figures.median_seconds is not None else None
            yield (course.title, course.slug, course.published, figures.enrolments, figures.active, figures.completed,
                   _percent(figures.completion_rate), None if median is None else round(median, 1))
    return Table("courses", (_l("course"), _l("slug"), _l("published"), _l("enrolments"), _l("active learners (30 days)"),
                             _l("completed"), _l("completion rate %"), _l("median days to complete")), rows)


def funnel_table(course: Course, school: School) -> Table:
    def rows():
        stages = services.funnel(course, school)
        enrolled = stages[0].learners
        for stage in stages:
            yield stage.label, stage.learners, _percent(stage.learners / enrolled if enrolled else None)
    return Table("funnel", (_l("stage"), _l("learners"), _l("%(sign)s of enrolled", sign="%")), rows)


def learners_table(course: Course, school: School, limit: int | None = None) -> Table:
    def rows():
        for row in services.course_learners(course, school, limit):
            yield row[1:]
    return Table("learners", (_l("name"), _l("e-mail"), _l("enrolled"), _l("last activity"), _l("lessons completed"),
                              _l("lessons"), _l("progress %"), _l("completed")), rows)


def quizzes_table(course: Course, school: School) -> Table:
    def rows():
        for quiz in services.course_quizzes(course):
            figures = services.quiz_figures(quiz, school)
            yield (quiz.title, quiz.slug, figures.attempts, figures.learners, _percent(figures.pass_rate),
                   _percent(figures.mean))
    return Table("quizzes", (_l("quiz"), _l("slug"), _l("attempts"), _l("learners"), _l("pass rate %"),
                             _l("mean score %")), rows)


def distribution_table(quiz: Quiz, school: School) -> Table:
    def rows():
        yield from services.quiz_figures(quiz, school).distribution
    return Table("distribution", (_l("score"), _l("attempts")), rows)


def items_table(quiz: Quiz, school: School, first_only: bool = False) -> Table:
    def rows():
        for item in item_analysis(quiz, school, first_only):
            q = item.question
            yield (q.key, q.version, _("retired") if q.retired else _("current"), q.type, item.prompt_text, item.n,
                   _percent(item.facility), _percent(item.sd), _percent(item.discrimination), _("; ").join(item.flags))
    return Table("items", (_l("question"), _l("version"), _l("state"), _l("type"), _l("prompt"), _l("attempts"),
                           _l("facility index %"), _l("standard deviation %"), _l("discrimination index %"),
                           _l("flags")), rows)


def options_table(quiz: Quiz, school: School, first_only: bool = False) -> Table:
    def rows():
        for item in item_analysis(quiz, school, first_only):
            for option_id, text, correct, chosen in item.options:
                yield (item.question.key, item.question.version, option_id, Markup(text).striptags(), correct,
                       chosen, _percent(chosen / item.n if item.n else None))
            for answer, count in item.top_answers:
                yield item.question.key, item.question.version, "", str(answer), None, count, _percent(count / item.n)
            if item.blank:
                yield item.question.key, item.question.version, "", _("(no answer)"), None, item.blank, \
                    _percent(item.blank / item.n)
    return Table("options", (_l("question"), _l("version"), _l("option"), _l("answer"), _l("correct"), _l("chosen"),
                             _l("%(sign)s of attempts", sign="%")), rows)


def attempts_table(quiz: Quiz, school: School) -> Table:
    def rows():
        query = (db.select(User.name, User.email, Attempt.number, Attempt.started_at, Attempt.submitted_at,
                           Attempt.score, Attempt.passed, Attempt.late)
                 .join(User, User.id == Attempt.user_id)
                 .where(Attempt.quiz_id == quiz.id, Attempt.school_id == school.id).order_by(Attempt.id))
        for name, email, number, started, submitted, score, passed, late in \
                db.session.execute(query.execution_options(yield_per=services.BATCH)):
            yield name, email, number, started, submitted, _percent(score), passed, late
    return Table("attempts", (_l("name"), _l("e-mail"), _l("attempt"), _l("started"), _l("submitted"), _l("score %"),
                              _l("passed"), _l("late")), rows)


def learner_progress_table(user: User, school: School) -> Table:
    def rows():
        summaries, _others = progress.dashboard(user, school)
        for summary in summaries:
            yield (summary.course.title, summary.enrolment.enrolled_at, summary.completed, summary.lessons,
                   summary.percent, summary.quizzes_left, summary.enrolment.completed_at)
    return Table("progress", (_l("course"), _l("enrolled"), _l("lessons completed"), _l("lessons"), _l("progress %"),
                              _l("quizzes to pass"), _l("completed")), rows)


def learner_attempts_table(user: User) -> Table:
    def rows():
        query = (db.select(Course.title, Quiz.title, Attempt.id, Attempt.number, Attempt.started_at,
                           Attempt.submitted_at, Attempt.score, Attempt.passed)
                 .join(Quiz, Quiz.id == Attempt.quiz_id).join(Course, Course.id == Quiz.course_id)
                 .where(Attempt.user_id == user.id).order_by(Attempt.started_at.desc(), Attempt.id.desc()))
        for course, quiz, _user, number, started, submitted, score, passed in db.session.execute(query):
            yield course, quiz, number, started, submitted, _percent(score), passed
    return Table("attempts", (_l("course"), _l("quiz"), _l("attempt"), _l("started"), _l("submitted"), _l("score %"),
                              _l("passed")), rows)


def certificates_table(user: User) -> Table:
    """The learner's certificates, newest first, in words: what, when, whether it still holds."""
    def rows():
        query = (db.select(Certificate).where(Certificate.user_id == user.id)
                 .order_by(Certificate.issued_at.desc(), Certificate.id.desc()))
        for item in db.session.execute(query).scalars():
            status = (_("Replaced") if item.replaced_by_id else _("Revoked")) if item.revoked_at else _("Valid")
            yield (item.title, _("Programme") if item.kind == "programme" else _("Course"), item.holder_name,
                   item.completed_at, item.issued_at, status, item.credential_id)
    return Table("certificates", (_l("certificate"), _l("for"), _l("holder's name"), _l("completed"), _l("issued"),
                                  _l("status"), _l("credential ID")), rows)


"""What the admin pages read: a learner's record, and the rows of the learners and audit exports."""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import func

from ..accounts.models import User
from ..access import offered_here_clause
from ..catalog.models import Course
from ..extensions import db
from ..i18n import _l
from ..progress.models import Enrolment
from ..quizzes.models import Attempt, Quiz
from ..schools.models import School
from .models import AuditEntry
from .services import search_filter

# The exports' headers, in the page's language (the columns' order never changes; the values stay as stored).
LEARNER_COLUMNS = (_l("id"), _l("name"), _l("e-mail"), _l("role"), _l("active"), _l("created"), _l("enrolments"),
                   _l("completed courses"), _l("last activity"))
AUDIT_COLUMNS = (_l("when"), _l("who"), _l("action"), _l("target type"), _l("target id"), _l("target"), _l("reason"),
                 _l("details"))
HISTORY_SHOWN = 20


@dataclass
class LearnerRecord:
    enrolments: list[Enrolment]
    open_courses: list[Course]  # live courses the learner is not enrolled in
    attempts: list[Attempt]
    history: list[AuditEntry]  # the latest audit entries about the learner


def learner_record(user: User) -> LearnerRecord:
    enrolments = list(db.session.execute(
        db.select(Enrolment).filter_by(user_id=user.id).join(Course)
        .options(db.selectinload(Enrolment.course)).order_by(Course.title)).scalars())
    enrolled = {e.course_id for e in enrolments}
    courses = [c for c in db.session.execute(db.select(Course).where(Course.retired.is_(False), offered_here_clause())
                                             .order_by(Course.title)).scalars() if c.id not in enrolled]
    attempts = list(db.session.execute(
        db.select(Attempt).filter_by(user_id=user.id).join(Quiz)
        .options(db.selectinload(Attempt.quiz).selectinload(Quiz.course))
        .order_by(Attempt.started_at.desc())).scalars())
    history = list(db.session.execute(
        db.select(AuditEntry).filter_by(target_type="user", target_id=user.id)
        .order_by(AuditEntry.id.desc()).limit(HISTORY_SHOWN)).scalars())
    return LearnerRecord(enrolments, courses, attempts, history)


def learner_rows(school: School, query: str, role: str) -> Iterator[tuple]:
    """Every matching account with its enrolment figures in the school, from a server-side cursor."""
    figures = (db.select(Enrolment.user_id, func.count(Enrolment.id).label("enrolments"),
                         func.count(Enrolment.completed_at).label("completed"),
                         func.max(Enrolment.last_activity_at).label("last_activity"))
               .where(Enrolment.school_id == school.id).group_by(Enrolment.user_id).subquery())
    statement = (db.select(User.id, User.name, User.email, User.role, User.active, User.created_at,
                           func.coalesce(figures.c.enrolments, 0), func.coalesce(figures.c.completed, 0),
                           figures.c.last_activity)
                 .outerjoin(figures, figures.c.user_id == User.id).where(*search_filter(query, role)).order_by(User.id))
    yield from db.session.execute(statement.execution_options(yield_per=2000))


def audit_rows(school: School) -> Iterator[tuple]:
    """The school's whole audit log, oldest first, its details as JSON."""
    statement = (db.select(AuditEntry.created_at, User.email, AuditEntry.action, AuditEntry.target_type,
                           AuditEntry.target_id, AuditEntry.target_label, AuditEntry.reason, AuditEntry.details)
                 .outerjoin(User, User.id == AuditEntry.actor_id).where(AuditEntry.school_id == school.id)
                 .order_by(AuditEntry.id))
    for *values, details in db.session.execute(statement.execution_options(yield_per=2000)):
        yield *values, json.dumps(details, ensure_ascii=False, sort_keys=True)

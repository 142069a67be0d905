"""Which cohort deadlines are owed a reminder: members not done, by the one rule of when a deadline is met
(``lms.cohorts.tracking.met_at``: a course deadline once the learner's enrolment in that course at the cohort's
school is completed; a quiz deadline once the learner has a submitted, passing attempt of it)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, not_, select

from ..accounts.models import User
from ..cohorts.models import Cohort, CohortDeadline, CohortMember
from ..cohorts.tracking import met_at
from ..extensions import db

# How far back a missed deadline is still worth a mail: a deadline missed long before the first run is not.
MISSED_WINDOW = timedelta(days=7)


def deadline_done(user_id: ColumnElement, deadline=CohortDeadline, school_id: ColumnElement | None = None):
    """SQL: the learner ``user_id`` has done ``deadline`` (a ``CohortDeadline`` row or alias, correlated):
    met at some moment, by the rule of ``lms.cohorts.tracking.met_at`` that the progress pages use.
    ``school_id`` is the cohort's school (default: a correlated ``Cohort.school_id``)."""
    return met_at(user_id, deadline, Cohort.school_id if school_id is None else school_id).is_not(None)


def is_done(deadline: CohortDeadline, user: User) -> bool:
    """The same condition for one learner and one deadline (a page, a test)."""
    return bool(db.session.execute(select(deadline_done(user.id, CohortDeadline, Cohort.school_id))
                                   .select_from(CohortDeadline).join(Cohort, Cohort.id == CohortDeadline.cohort_id)
                                   .where(CohortDeadline.id == deadline.id)).scalar())


def windows(now: datetime) -> dict[str, tuple[datetime, datetime]]:
    """Each reminder's range of due moments (start excluded, end included) at ``now``."""
    return {"deadline_7d": (now + timedelta(days=1), now + timedelta(days=7)),
            "deadline_1d": (now, now + timedelta(days=1)),
            "deadline_missed": (now - MISSED_WINDOW, now)}


def owed(school_id: int, kind: str, now: datetime):
    """SELECT (school_id, user_id, kind, deadline id) for every reminder of ``kind`` due at ``now`` in the
    school: members of its live cohorts, active, who did not turn reminders off and have not done it."""
    start, end = windows(now)[kind]
    due = (CohortDeadline.due_at > start, CohortDeadline.due_at <= end) if kind != "deadline_missed" else \
        (CohortDeadline.due_at >= start, CohortDeadline.due_at < end)
    return (select(Cohort.school_id, CohortMember.user_id, db.literal(kind), CohortDeadline.id)
            .select_from(CohortDeadline)
            .join(Cohort, Cohort.id == CohortDeadline.cohort_id)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .join(User, User.id == CohortMember.user_id)
            .where(Cohort.school_id == school_id, Cohort.archived.is_(False), *due,
                   User.active.is_(True), User.reminders_off.is_(False),
                   not_(deadline_done(CohortMember.user_id))))

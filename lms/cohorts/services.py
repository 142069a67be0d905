"""The rules of cohorts (services flush, never commit)."""
from __future__ import annotations

from ..accounts.models import User
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..progress.services import enrol, enrol_programme
from ..schools.models import School
from .models import SOURCES, Cohort, CohortMember


def join(cohort: Cohort, user: User, source: str) -> CohortMember:
    """Make ``user`` a learner of ``cohort`` and enrol them in what it offers; joining twice changes nothing."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    db.session.execute(insert_ignore(CohortMember, {"cohort_id": cohort.id, "user_id": user.id, "source": source,
                                                    "joined_at": utcnow()}, ["cohort_id", "user_id"]))
    school = db.session.get(School, cohort.school_id)
    if cohort.programme is not None:
        enrol_programme(user, cohort.programme, school)
    else:
        enrol(user, cohort.course, school)
    return db.session.execute(db.select(CohortMember).filter_by(cohort_id=cohort.id, user_id=user.id)).scalar_one()

"""One run of ``flask lms reminders``: for each school, claim what is owed and send (or enqueue) it."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..db import utcnow
from ..extensions import db
from ..schools.services import acting_for, all_schools
from .queue import dispatch
from .services import claim_reminders, claim_unsent


@dataclass
class RunReport:
    claimed: int = 0
    sent: int = 0


def run(now: datetime | None = None) -> RunReport:
    """Claim and send every school's reminders at ``now``, and anything left unsent (events, failures)."""
    now = now or utcnow()
    report = RunReport()
    for school in all_schools():
        with acting_for(school):
            ids = claim_unsent(school.id, now) + claim_reminders(school.id, now)
            db.session.commit()  # claimed: no other run sends these
            report.claimed += len(ids)
            report.sent += dispatch(ids, now)
    return report

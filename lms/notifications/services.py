"""Finding what is owed and claiming it: a few set-based statements per school, each row claimed by one
``INSERT ... ON CONFLICT DO NOTHING RETURNING`` (or, for a row left unsent, one guarded ``UPDATE``), so only
the run that claimed a row hands it to a sender. Services flush; the command commits."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..db import UTCDateTime, utcnow
from ..extensions import db
from .deadlines import owed
from .models import DEADLINE_KINDS, Notification

# A row claimed but still unsent this long after (a worker down, a send that failed) is claimed again.
LEASE = timedelta(hours=1)
COLUMNS = ("school_id", "user_id", "kind", "subject_id")


def claim_reminders(school_id: int, now: datetime) -> list[int]:
    """Insert every deadline reminder the school owes at ``now``; the ids this call inserted are its to send."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    claimed: list[int] = []
    for kind in DEADLINE_KINDS:
        moment = db.literal(now, UTCDateTime)
        source = owed(school_id, kind, now).add_columns(moment, moment, db.literal(0), db.literal(""))
        statement = (insert(Notification)
                     .from_select([*COLUMNS, "created_at", "claimed_at", "attempts", "error"], source)
                     .on_conflict_do_nothing(index_elements=["user_id", "kind", "subject_id"])
                     .returning(Notification.id))
        claimed += db.session.execute(statement).scalars().all()
    return claimed


def claim_unsent(school_id: int, now: datetime) -> list[int]:
    """Claim the school's rows still unsent (an event just recorded, a failed send, a lost job)."""
    statement = (update(Notification)
                 .where(Notification.school_id == school_id, Notification.sent_at.is_(None),
                        or_(Notification.claimed_at.is_(None), Notification.claimed_at < now - LEASE))
                 .values(claimed_at=now).returning(Notification.id)
                 .execution_options(synchronize_session=False))
    return list(db.session.execute(statement).scalars())


def record_event(school_id: int, user_id: int, kind: str, subject_id: int) -> int | None:
    """An event's mail (a certificate issued), once per learner and subject: its id, None when already owed.
    The queue (after commit) or the next run sends it."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return db.session.execute(insert(Notification).values(
        school_id=school_id, user_id=user_id, kind=kind, subject_id=subject_id, created_at=utcnow(), attempts=0,
        error="").on_conflict_do_nothing(index_elements=["user_id", "kind", "subject_id"])
        .returning(Notification.id)).scalar_one_or_none()


def take_for_sending(ids: list[int], now: datetime) -> list[int]:
    """Mark as sent, before sending, those of ``ids`` no other job has sent: only these are this job's to mail."""
    if not ids:
        return []
    statement = (update(Notification).where(Notification.id.in_(ids), Notification.sent_at.is_(None))
                 .values(sent_at=now).returning(Notification.id).execution_options(synchronize_session=False))
    return list(db.session.execute(statement).scalars())


def record_failures(failures: dict[int, str], now: datetime) -> None:
    """Put failed rows back as unsent and unclaimed, with the error: the next run sends them again."""
    for notification_id, error in failures.items():
        db.session.execute(update(Notification).where(Notification.id == notification_id)
                           .values(sent_at=None, claimed_at=None, failed_at=now, error=error[:300],
                                   attempts=Notification.attempts + 1)
                           .execution_options(synchronize_session=False))

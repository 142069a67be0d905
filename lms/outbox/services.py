"""Putting messages in the outbox and delivering them.

A feature registers a sender per kind (``register``) and puts a message when something happens (``put``,
inside the transaction that records it). Once that transaction commits, the message goes out (see
``dispatch``); a sender that raises is tried again later, after a longer wait each time, and never given up
on unless it raises ``Reject``. Each try claims the message first with one guarded UPDATE, so two workers
never send it at the same time, and a message is marked sent in its own transaction right after its sender
returns.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update

from ..db import insert_ignore, utcnow
from ..extensions import db
from .models import OutboxMessage

log = logging.getLogger("lms.outbox")

#: Waits after the 1st, 2nd, ... failed try; the last one repeats for as long as the other system is down.
BACKOFF = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(minutes=30),
           timedelta(hours=1))
LEASE = timedelta(minutes=5)  # how long a claimed message stays another sender's (a sender times out sooner)
SENDERS: dict[str, Callable[[dict], None]] = {}


class Retry(Exception):
    """The other system could not take the message now (down, busy, a network error): try again later."""


class Reject(Exception):
    """The other system refused the message for good (it is malformed, or what it names is gone): stop trying."""


def register(kind: str, sender: Callable[[dict], None]) -> None:
    """``sender(payload)`` delivers one message of ``kind``; it raises ``Retry`` (or any error) or ``Reject``."""
    if len(kind) > 32:
        raise ValueError(f"an outbox kind has at most 32 characters: {kind!r}")
    SENDERS[kind] = sender


def put(kind: str, key: str, payload: dict, school_id: int | None = None) -> int | None:
    """Add a message unless one of ``kind`` and ``key`` exists already (a key names what may be sent once,
    such as one attempt's score); flushes and returns its id, or None when it was there before."""
    if kind not in SENDERS:
        raise KeyError(f"no sender is registered for outbox messages of kind {kind!r}")
    now = utcnow()
    # RETURNING, not rowcount: psycopg reports -1 rows for an INSERT ... ON CONFLICT DO NOTHING
    message_id = db.session.execute(insert_ignore(OutboxMessage, {
        "kind": kind, "key": key[:200], "payload": payload, "school_id": school_id, "state": "pending",
        "attempts": 0, "created_at": now, "due_at": now, "error": ""}, ["kind", "key"]).returning(
        OutboxMessage.id)).scalar_one_or_none()
    if message_id is None:
        return None
    db.session.info.setdefault("lms_outbox_new", []).append(message_id)
    return message_id


def _claim(message_id: int, now: datetime, ignore_due: bool) -> bool:
    """Take one pending message for this sender for ``LEASE``, unless another sender holds it."""
    conditions = [OutboxMessage.id == message_id, OutboxMessage.state == "pending",
                  or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)]
    if not ignore_due:
        conditions.append(OutboxMessage.due_at <= now)
    result = db.session.execute(update(OutboxMessage).where(*conditions).values(
        claimed_until=now + LEASE, attempts=OutboxMessage.attempts + 1).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _settle(message_id: int, **values) -> None:
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(
        claimed_until=None, **values).execution_options(synchronize_session=False))
    db.session.commit()


def deliver(ids: list[int], now: datetime | None = None, ignore_due: bool = False) -> int:
    """Try each pending message of ``ids`` that is due (or every one, ``ignore_due``); commits after each.
    Returns how many were delivered. Once a message fails to go (a refusal aside), the others of its kind and
    school are left for a later try, untouched: their system is likely down, and each try could last a timeout."""
    delivered = 0
    owners = {row.id: (row.kind, row.school_id) for row in db.session.execute(
        select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.school_id).where(OutboxMessage.id.in_(ids)))}
    down: set[tuple[str, int | None]] = set()
    for message_id in ids:
        if owners.get(message_id) in down:
            continue
        moment = now or utcnow()
        mine = _claim(message_id, moment, ignore_due)
        db.session.commit()
        if not mine:
            continue
        message = db.session.get(OutboxMessage, message_id)
        sender = SENDERS.get(message.kind)
        try:
            if sender is None:
                raise Retry(f"no sender is registered for {message.kind!r} in this process")
            sender(dict(message.payload))
        except Reject as refusal:
            log.warning("Outbox message %s (%s) refused for good: %s", message_id, message.kind, refusal)
            db.session.rollback()
            _settle(message_id, state="failed", error=str(refusal)[:300])
        except Exception as error:  # noqa: BLE001 (whatever went wrong, the message waits for the next try)
            wait = BACKOFF[min(message.attempts, len(BACKOFF)) - 1]
            log.info("Outbox message %s (%s) not delivered, next try in %s: %s", message_id, message.kind, wait, error)
            db.session.rollback()
            _settle(message_id, due_at=moment + wait, error=(str(error) or type(error).__name__)[:300])
            down.add((message.kind, message.school_id))
        else:
            _settle(message_id, state="sent", sent_at=utcnow(), error="")
            delivered += 1
    return delivered


def due_ids(now: datetime | None = None, kind: str | None = None, ignore_due: bool = False,
            limit: int = 1000) -> list[int]:
    """The pending messages whose time has come (all pending ones with ``ignore_due``), oldest first."""
    query = select(OutboxMessage.id).where(OutboxMessage.state == "pending")
    if not ignore_due:
        query = query.where(OutboxMessage.due_at <= (now or utcnow()))
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list(db.session.execute(query.order_by(OutboxMessage.id).limit(limit)).scalars())


def waiting_behind(kind: str, school_id: int | None, now: datetime | None = None) -> bool:
    """Whether a message of this kind and school failed and waits for its next try: its system is likely down,
    so a new message waits for the sweep instead of making a request wait for a timeout."""
    school = OutboxMessage.school_id.is_(None) if school_id is None else OutboxMessage.school_id == school_id
    return db.session.execute(select(OutboxMessage.id).where(
        OutboxMessage.kind == kind, school, OutboxMessage.state == "pending", OutboxMessage.attempts > 0,
        OutboxMessage.due_at > (now or utcnow())).limit(1)).first() is not None


def counts(school_id: int | None = None) -> dict[tuple[str, str], int]:
    """How many messages of each (kind, state), for one school or all."""
    query = select(OutboxMessage.kind, OutboxMessage.state, func.count()).group_by(OutboxMessage.kind,
                                                                                   OutboxMessage.state)
    if school_id is not None:
        query = query.where(OutboxMessage.school_id == school_id)
    return {(kind, state): number for kind, state, number in db.session.execute(query)}


def hurry(kind: str, school_id: int | None) -> list[int]:
    """Make the pending messages of ``kind`` and school due now (an admin's "retry now"): they are tried once the
    caller commits, as if just put. A message another sender holds is left to it. Returns their ids."""
    now = utcnow()
    school = OutboxMessage.school_id.is_(None) if school_id is None else OutboxMessage.school_id == school_id
    ids = list(db.session.execute(select(OutboxMessage.id).where(
        OutboxMessage.kind == kind, school, OutboxMessage.state == "pending",
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)).order_by(OutboxMessage.id)).scalars())
    if ids:
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(due_at=now)
                           .execution_options(synchronize_session=False))
        db.session.info.setdefault("lms_outbox_new", []).extend(ids)
    return ids

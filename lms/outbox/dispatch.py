"""Sending what a transaction put in the outbox once it commits: on the RQ queue when ``LMS_REDIS_URL`` is set,
so a worker delivers it; otherwise in this process after the response has gone to the reader (a request
never waits for another system). ``flask lms outbox deliver``, run every minute, sends whatever is left."""
from __future__ import annotations

import logging
from functools import partial

from flask import Flask, after_this_request, current_app, has_app_context, has_request_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from ..extensions import db
from .models import OutboxMessage
from .services import deliver, waiting_behind

log = logging.getLogger("lms.outbox")
NEW = "lms_outbox_new"  # the session's info key: ids put in its current transaction
JOB = "lms.outbox.worker.deliver_job"


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    ids = session.info.pop(NEW, None)
    if ids and has_app_context():
        schedule(current_app._get_current_object(), ids)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    session.info.pop(NEW, None)  # those rows are gone with the transaction


def schedule(app: Flask, ids: list[int]) -> None:
    """Queue ``ids`` for a worker, or deliver them here once the reader has the response."""
    if app.config.get("LMS_REDIS_URL"):
        try:
            from redis import Redis
            from rq import Queue

            Queue(app.config["LMS_RQ_QUEUE"], connection=Redis.from_url(app.config["LMS_REDIS_URL"])).enqueue(
                JOB, ids, job_timeout=600, result_ttl=0)
        except Exception as error:  # noqa: BLE001 (Redis down: the rows wait for the sweep, nothing is lost)
            log.warning("Could not queue outbox messages %s on RQ (flask lms outbox deliver sends them): %s", ids, error)
        return
    if has_request_context():
        @after_this_request
        def _later(response):
            response.call_on_close(partial(deliver_inline, app, ids))
            return response
    else:
        deliver_inline(app, ids)


def deliver_inline(app: Flask, ids: list[int]) -> None:
    """Deliver ``ids`` in a fresh app context (its own database session), skipping a system that is failing."""
    with app.app_context():
        try:
            rows = db.session.execute(select(OutboxMessage.id, OutboxMessage.kind, OutboxMessage.school_id)
                                      .where(OutboxMessage.id.in_(ids))).all()
            ready = [row.id for row in rows if not waiting_behind(row.kind, row.school_id)]
            db.session.rollback()
            deliver(ready)
        except Exception:  # noqa: BLE001 (the reader has the page; the sweep tries again)
            log.exception("Delivering outbox messages %s failed; flask lms outbox deliver tries them again", ids)
        finally:
            db.session.remove()

"""Where a batch of claimed notifications is sent: on an RQ queue (Redis) when ``LMS_REDIS_URL`` is set, so
a worker sends them outside the command or request; here and now otherwise."""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from .sending import send_batch

BATCH = 500  # rows per job: one UPDATE to take them, a few queries to load what they name
JOB = "lms.notifications.worker.send_job"


def queue():
    """The RQ queue named by ``LMS_RQ_QUEUE`` on ``LMS_REDIS_URL``."""
    from redis import Redis
    from rq import Queue

    config = current_app.config
    return Queue(config["LMS_RQ_QUEUE"], connection=Redis.from_url(config["LMS_REDIS_URL"]))


def dispatch(ids: list[int], now: datetime | None = None) -> int:
    """Send ``ids`` inline, or enqueue them in batches; returns the mails sent inline (0 when queued)."""
    batches = [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]
    if current_app.config.get("LMS_REDIS_URL"):
        target = queue()
        for batch in batches:
            target.enqueue(JOB, batch, job_timeout=600, result_ttl=0)
        return 0
    return sum(send_batch(batch, now) for batch in batches)

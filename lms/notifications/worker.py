"""The job an RQ worker runs: ``rq worker -u $LMS_REDIS_URL conductor`` imports this module and sends each batch
inside the worker's app context (``lms.jobs``)."""
from __future__ import annotations

from ..jobs import in_app_context


def send_job(ids: list[int]) -> int:
    """Send a batch of claimed notifications (see ``lms.notifications.sending``)."""
    from .sending import send_batch

    return in_app_context(send_batch, ids)

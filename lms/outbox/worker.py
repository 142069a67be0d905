"""The job an RQ worker runs for outbox messages (``rq worker -u $LMS_REDIS_URL conductor``)."""
from __future__ import annotations

from ..jobs import in_app_context
from .services import deliver


def deliver_job(ids: list[int]) -> int:
    """Deliver the messages ``ids`` that are still pending (see ``lms.outbox.services.deliver``)."""
    return in_app_context(deliver, ids)

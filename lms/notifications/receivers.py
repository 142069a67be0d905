"""Event notifications: a certificate issued, or a submission's decision released, is owed a mail, recorded in the issuing transaction. With a queue
(``LMS_REDIS_URL``) its job is queued as soon as that transaction commits; without one, or if Redis cannot
be reached then, the next ``flask lms reminders`` run sends it. Either way it is mailed once."""
from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from ..assignments.models import Submission
from ..certificates.models import Certificate
from ..signals import certificate_issued, submission_decided
from .services import record_event

log = logging.getLogger("lms.notifications")
PENDING = "lms_notifications"  # the ids a transaction recorded, in its session's ``info``


@certificate_issued.connect
def certificate_mail_owed(certificate: Certificate, **_) -> None:
    from ..extensions import db

    if certificate.user_id is None:
        return
    recorded = record_event(certificate.school_id, certificate.user_id, "certificate_issued", certificate.id)
    if recorded is not None:
        db.session().info.setdefault(PENDING, []).append(recorded)


@submission_decided.connect
def decision_mail_owed(submission: Submission, **_) -> None:
    """The learner hears of the decision on their submission (once per submission, whoever decided)."""
    from ..extensions import db

    recorded = record_event(submission.school_id, submission.user_id, "submission_decided", submission.id)
    if recorded is not None:
        db.session().info.setdefault(PENDING, []).append(recorded)


@event.listens_for(Session, "after_commit")
def _queue_after_commit(session: Session) -> None:
    ids = session.info.pop(PENDING, None)
    if not ids or not has_app_context() or not current_app.config.get("LMS_REDIS_URL"):
        return
    from .queue import JOB, queue

    try:
        queue().enqueue(JOB, ids, job_timeout=600, result_ttl=0)
    except Exception:  # noqa: BLE001  (the row stays unsent: the next run sends it)
        log.exception("notifications %s were not queued; the next run sends them", ids)


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)

"""Event notifications: a certificate issued is owed a mail, recorded in the issuing transaction; the next
``flask lms reminders`` run (or the queue, when a run dispatches it) sends it once."""
from __future__ import annotations

from ..certificates.models import Certificate
from ..signals import certificate_issued
from .services import record_event


@certificate_issued.connect
def certificate_mail_owed(certificate: Certificate, **_) -> None:
    if certificate.user_id is not None:
        record_event(certificate.school_id, certificate.user_id, "certificate_issued", certificate.id)

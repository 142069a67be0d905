"""Sending a batch of claimed notifications: each row is marked sent by one guarded UPDATE before its mail
goes, so a job run twice sends nothing twice; a mail that fails is put back unsent with its error."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..assignments.models import Assignment, Submission
from ..certificates.models import Certificate
from ..cohorts.models import CohortDeadline
from ..db import utcnow
from ..extensions import db
from ..i18n import school_language, user_language
from ..mail import send_mail_now
from ..schools.models import School
from ..schools.services import acting_for
from . import messages
from .models import DEADLINE_KINDS, Notification
from .services import record_failures, take_for_sending

log = logging.getLogger("lms.notifications")


def _subjects(rows: list[Notification]) -> dict[str, dict]:
    """What the rows name, by kind and id: deadlines, certificates and submissions, a query each."""
    deadline_ids = {row.subject_id for row in rows if row.kind in DEADLINE_KINDS}
    certificate_ids = {row.subject_id for row in rows if row.kind == "certificate_issued"}
    deadlines = {d.id: d for d in db.session.execute(
        select(CohortDeadline).where(CohortDeadline.id.in_(deadline_ids)).options(
            selectinload(CohortDeadline.course), selectinload(CohortDeadline.quiz),
            selectinload(CohortDeadline.cohort))).scalars()} if deadline_ids else {}
    certificates = {c.id: c for c in db.session.execute(
        select(Certificate).where(Certificate.id.in_(certificate_ids))).scalars()} if certificate_ids else {}
    submission_ids = {row.subject_id for row in rows if row.kind == "submission_decided"}
    submissions = {s.id: s for s in db.session.execute(
        select(Submission).where(Submission.id.in_(submission_ids)).options(
            selectinload(Submission.assignment).selectinload(Assignment.course))).scalars()} if submission_ids else {}
    return {"deadline": deadlines, "certificate_issued": certificates, "submission_decided": submissions}


def _letter(kind: str, subject, language: str) -> messages.Letter:
    if kind == "certificate_issued":
        return messages.certificate_letter(subject, language)
    if kind == "submission_decided":
        return messages.decision_letter(subject, language)
    return messages.deadline_letter(kind, subject, language)


def send_batch(ids: list[int], now: datetime | None = None) -> int:
    """Send the notifications ``ids`` (one school's) not sent yet; commits. Returns how many mails went out."""
    now = now or utcnow()
    mine = take_for_sending(ids, now)
    db.session.commit()
    if not mine:
        return 0
    rows = list(db.session.execute(select(Notification).where(Notification.id.in_(mine))).scalars())
    users = {u.id: u for u in db.session.execute(select(User).where(User.id.in_({r.user_id for r in rows}))).scalars()}
    subjects = _subjects(rows)
    failures: dict[int, str] = {}
    letters: dict[tuple, messages.Letter] = {}
    sent = 0
    for school_id in sorted({row.school_id for row in rows}):
        with acting_for(db.session.get(School, school_id)):
            default = school_language()
            for row in (r for r in rows if r.school_id == school_id):
                user = users[row.user_id]
                subject = subjects.get(row.kind, subjects["deadline"]).get(row.subject_id)
                if subject is None or not user.active or (row.kind in DEADLINE_KINDS and user.reminders_off):
                    continue  # deleted, closed or turned off since it was claimed: nothing to tell
                language = user_language(user) or default
                try:
                    letter = letters.get((row.kind, row.subject_id, language))
                    if letter is None:
                        letter = letters[row.kind, row.subject_id, language] = _letter(row.kind, subject, language)
                    send_mail_now(user.email, letter.subject, letter.body(user))
                    sent += 1
                except Exception as error:  # noqa: BLE001  (recorded, and sent again by the next run)
                    log.exception("notification %s to user %s was not sent", row.id, row.user_id)
                    failures[row.id] = f"{type(error).__name__}: {error}"
    record_failures(failures, now)
    db.session.commit()
    return sent

"""The rules of admissions (services flush, never commit): rounds, applying, confirming, deciding, purging.

Every step writes an audit entry. Entries about an application name the cohort and the application's number,
never the applicant, so the retention purge leaves no personal data behind in the log."""
from __future__ import annotations

import calendar
import hashlib
import json
import secrets
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select, update

from ..accounts.models import User
from ..accounts.services import create_invited_user, find_user, normalise_email
from ..admin.models import AuditEntry
from ..catalog.models import Course, Programme
from ..cohorts.models import Cohort, CohortInstructor
from ..cohorts.services import join
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..i18n import LANGUAGES, _
from ..schools.models import School
from . import questions as form_questions
from .files import CheckedFile
from .models import AdmissionRound, Application

MAX_RETENTION_MONTHS = 120
TOKEN_BYTES = 32


class AdmissionError(ValueError):
    """The step is refused; the message says why, for the person who tried."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def audit(actor: User | None, action: str, application: Application | AdmissionRound | School, **details: Any) -> None:
    """One audit entry; ``actor`` None for the applicant (no account) or the retention command."""
    if isinstance(application, Application):
        target, label, school_id = "application", f"{application.round.cohort.slug} #{application.id}", application.school_id
    elif isinstance(application, AdmissionRound):
        target, label, school_id = "admission_round", f"{application.cohort.slug} #{application.id}", application.school_id
    else:
        target, label, school_id = "school", application.slug, application.id
    db.session.add(AuditEntry(school_id=school_id, actor_id=actor.id if actor else None, action=action, target_type=target,
                              target_id=application.id, target_label=label, reason="", details=details))
    db.session.flush()


# Rounds

def is_open(round_: AdmissionRound, today: date | None = None) -> bool:
    """Taking applications: opened by staff, its closing date (if any) not yet past, its cohort not archived."""
    today = today or utcnow().date()
    return round_.is_open and not round_.cohort.archived and (round_.closes_on is None or today <= round_.closes_on)


def open_rounds(school: School | None, programme: Programme | None = None, course: Course | None = None) -> list[AdmissionRound]:
    """The rounds a programme's (or a course's) page offers to apply to."""
    if school is None or (programme is None and course is None):
        return []
    offering = Cohort.programme_id == programme.id if programme is not None else Cohort.course_id == course.id
    today = utcnow().date()
    rounds = db.session.execute(
        select(AdmissionRound).join(Cohort, Cohort.id == AdmissionRound.cohort_id)
        .where(AdmissionRound.school_id == school.id, Cohort.school_id == school.id, AdmissionRound.is_open.is_(True),
               Cohort.archived.is_(False), offering,
               or_(AdmissionRound.closes_on.is_(None), AdmissionRound.closes_on >= today))
        .order_by(Cohort.starts_on, AdmissionRound.id)).scalars()
    return list(rounds)


def rounds_of(school: School, reviewer: User | None = None) -> list[AdmissionRound]:
    """The school's rounds, newest first; with ``reviewer`` who is not an admin, those of the cohorts they teach."""
    query = select(AdmissionRound).where(AdmissionRound.school_id == school.id)
    if reviewer is not None and not reviewer.is_admin:
        query = query.join(CohortInstructor, CohortInstructor.cohort_id == AdmissionRound.cohort_id) \
            .where(CohortInstructor.user_id == reviewer.id)
    return list(db.session.execute(query.order_by(AdmissionRound.created_at.desc(), AdmissionRound.id.desc())).scalars())


def can_review(user: User, round_: AdmissionRound) -> bool:
    """School admins review every round; a cohort's instructors review the rounds of their cohort."""
    if user.is_admin:
        return True
    return db.session.get(CohortInstructor, (round_.cohort_id, user.id)) is not None


def reviews_any(user: User) -> bool:
    return user.is_admin or db.session.execute(select(CohortInstructor.cohort_id).filter_by(user_id=user.id)
                                               .limit(1)).first() is not None


def save_round(round_: AdmissionRound | None, school: School, cohort: Cohort, questions_text: str,
               closes_on: date | None, opened: bool, actor: User) -> AdmissionRound:
    """Create (``round_`` None) or change a round; the questions' text is checked (QuestionsRefused)."""
    if cohort.school_id != school.id:
        raise AdmissionError(_("Choose a cohort of this school."))
    parsed = form_questions.parse(questions_text)
    if round_ is None:
        round_ = AdmissionRound(school_id=school.id, cohort_id=cohort.id)
        round_.cohort = cohort
        db.session.add(round_)
        action = "admission_round_created"
    else:
        action = "admission_round_changed"
    round_.questions, round_.closes_on, round_.is_open = form_questions.dump(parsed), closes_on, opened
    db.session.flush()
    audit(actor, action, round_, cohort=cohort.name, open=opened, questions=len(parsed),
          closes_on=closes_on.isoformat() if closes_on else None)
    return round_


# Applying

def check_answers(questions: list[dict[str, Any]], answers: dict[str, str], file: CheckedFile | None) -> dict[str, str]:
    """The answers to store, keyed by question number; AdmissionError when one is missing or not allowed."""
    kept = {}
    for index, question in enumerate(questions):
        key = str(index)
        if question["kind"] == "file":
            if question["required"] and file is None:
                raise AdmissionError(_("Answer every required question."))
            continue
        value = (answers.get(key) or "").strip()
        if question["required"] and not value:
            raise AdmissionError(_("Answer every required question."))
        if question["kind"] == "choice" and value and value not in question["options"]:
            raise AdmissionError(_("Choose one of the options offered."))
        if len(value) > form_questions.MAX_ANSWER.get(question["kind"], form_questions.MAX_LABEL):
            raise AdmissionError(_("An answer is too long."))
        if value:
            kept[key] = value
    if file is not None and not any(question["kind"] == "file" for question in questions):
        raise AdmissionError(_("This form takes no file."))
    return kept


def apply(round_: AdmissionRound, name: str, email: str, answers: dict[str, str], file: CheckedFile | None,
          language: str) -> tuple[Application, str]:
    """A new application, unconfirmed until the link mailed to ``email`` is opened, and the link's token.
    One live application per address and round: a second one, even from a parallel request, is refused."""
    if not is_open(round_):
        raise AdmissionError(_("This round no longer takes applications."))
    name = " ".join(name.split())
    if not name or len(name) > 120:
        raise AdmissionError(_("Enter your name (at most 120 characters)."))
    kept = check_answers(form_questions.load(round_.questions), answers, file)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    values = {"round_id": round_.id, "school_id": round_.school_id, "name": name, "email": normalise_email(email),
              "language": language if language in LANGUAGES else "en", "answers": json.dumps(kept, ensure_ascii=False),
              "status": "unconfirmed", "decision_message": "", "token_hash": token_hash(token), "created_at": utcnow()}
    if file is not None:
        values.update(file_data=file.data, file_type=file.media_type, file_size=file.size, file_name=file.name,
                      file_sha256=file.sha256)
    application_id = db.session.execute(insert_ignore(Application, values).returning(Application.id)).scalar_one_or_none()
    if application_id is None:
        raise AdmissionError(_("An application from this e-mail address is already under way for this cohort: "
                               "the e-mail we sent has its private link."))
    application = db.session.get(Application, application_id)
    audit(None, "application_made", application, file=file is not None)
    return application, token


def by_token(token: str) -> Application | None:
    if not token or len(token) > 100:
        return None
    return db.session.execute(select(Application).filter_by(token_hash=token_hash(token))).scalar_one_or_none()


def _move(application: Application, before: tuple[str, ...], after: str, **values: Any) -> bool:
    """Change the status only from one of ``before``, in one guarded UPDATE: two clicks, or a withdrawal racing a
    decision, never both win."""
    moved = db.session.execute(update(Application).where(Application.id == application.id, Application.status.in_(before))
                               .values(status=after, **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(application)
    return bool(moved)


def confirm(application: Application) -> None:
    """The applicant opened the mailed link and confirmed: staff now see the application."""
    if application.status != "unconfirmed":
        return
    if not is_open(application.round):
        raise AdmissionError(_("This round closed before the application was confirmed."))
    if _move(application, ("unconfirmed",), "submitted", confirmed_at=utcnow()):
        audit(None, "application_confirmed", application)


def withdraw(application: Application) -> None:
    if not _move(application, ("unconfirmed", "submitted"), "withdrawn", decided_at=utcnow()):
        raise AdmissionError(_("This application can no longer be withdrawn."))
    audit(None, "application_withdrawn", application)


# Deciding

def accept(application: Application, actor: User) -> tuple[User, bool]:
    """Admit the applicant: their account (found by address, else made and invited by the caller), the cohort
    joined (enrolled in what it offers). Returns the account and whether it is new."""
    if not _move(application, ("submitted",), "accepted", decided_by_id=actor.id, decided_at=utcnow()):
        raise AdmissionError(_("Only a submitted application can be accepted."))
    user = find_user(application.email)
    created = user is None
    if created:
        user = create_invited_user(application.email, application.name, "learner", locale=application.language)
    join(application.round.cohort, user, "admission")
    audit(actor, "application_accepted", application, account_created=created)
    return user, created


def decline(application: Application, actor: User, message: str) -> None:
    message = message.strip()
    if not message:
        raise AdmissionError(_("Write a message to the applicant."))
    if len(message) > 5000:
        raise AdmissionError(_("Use at most 5000 characters."))
    if not _move(application, ("submitted",), "declined", decided_by_id=actor.id, decided_at=utcnow(),
                 decision_message=message):
        raise AdmissionError(_("Only a submitted application can be declined."))
    audit(actor, "application_declined", application)


def applications_of(round_: AdmissionRound, status: str | None = None) -> list[Application]:
    """A round's applications for staff, newest first: never an unconfirmed one."""
    query = select(Application).where(Application.round_id == round_.id, Application.status != "unconfirmed")
    if status:
        query = query.where(Application.status == status)
    return list(db.session.execute(query.order_by(Application.created_at.desc(), Application.id.desc())).scalars())


def counts_of(round_: AdmissionRound) -> dict[str, int]:
    rows = db.session.execute(select(Application.status, db.func.count()).where(Application.round_id == round_.id)
                              .group_by(Application.status)).all()
    return {status: count for status, count in rows}


# Retention

def set_retention(school: School, months: int, actor: User) -> None:
    if not 0 <= months <= MAX_RETENTION_MONTHS:
        raise AdmissionError(_("Choose between 0 and %(most)s months.", most=MAX_RETENTION_MONTHS))
    school.admission_retention_months = months
    db.session.flush()
    audit(actor, "admission_retention", school, months=months)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` months earlier (the month's last day when it is shorter)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


def expired_applications(school: School, now: datetime | None = None):
    """The WHERE clause of the applications a school's retention deletes: made more than N months ago and not
    accepted (declined, withdrawn, never confirmed, or still submitted in a round no longer open)."""
    now = now or utcnow()
    cutoff = months_before(now, school.admission_retention_months)
    closed = (select(AdmissionRound.id).join(Cohort, Cohort.id == AdmissionRound.cohort_id)
              .where(AdmissionRound.school_id == school.id,
                     or_(AdmissionRound.is_open.is_(False), Cohort.archived.is_(True),
                         AdmissionRound.closes_on < now.date())))
    return (Application.school_id == school.id, Application.created_at < cutoff,
            or_(Application.status.in_(("declined", "withdrawn", "unconfirmed")),
                (Application.status == "submitted") & Application.round_id.in_(closed)))


def purge(now: datetime | None = None) -> int:
    """Delete, for every school with a retention setting, the applications it no longer keeps (files
    included: they are in the row); audited per school as a count."""
    total = 0
    schools = db.session.execute(select(School).where(School.admission_retention_months > 0)).scalars().all()
    for school in schools:
        deleted = db.session.execute(delete(Application).where(*expired_applications(school, now))
                                     .execution_options(synchronize_session=False)).rowcount
        if deleted:
            audit(None, "applications_purged", school, count=deleted, months=school.admission_retention_months)
        total += deleted
    return total


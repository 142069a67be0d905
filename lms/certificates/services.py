"""Certificate rules: issue once on completion (race-safe), revoke, reissue. Services flush, never commit."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from decimal import Decimal

from flask import current_app, has_request_context
from flask_login import current_user
from sqlalchemy import delete, func, or_, update
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..catalog.models import Course, Lesson, Programme
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..i18n import _, force_locale, interface_language, ngettext, school_language, user_language
from ..progress.models import Enrolment, ProgrammeEnrolment
from ..quizzes.models import Quiz
from ..schools.models import School
from ..schools.settings import branding
from ..signals import certificate_issued
from .models import Certificate, ReissueRequest, status_list_size

STATUSES = ("all", "valid", "revoked")
MAX_DRAWS = 32  # random status indexes tried before giving up (each is free with odds of 3 in 4 or better)


class CertificateError(Exception):
    """An action the certificate's state does not allow; the message says why, for the admin."""


def new_credential_id() -> str:
    """128 random bits, URL-safe: unguessable, so a verification link reveals only its own certificate."""
    return secrets.token_urlsafe(16)


def _digest(*parts: str) -> str:
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def course_version(course: Course) -> str:
    """The course file and its outline (every module and lesson) as they were completed."""
    return _digest(course.content_hash, course.outline_hash)


def certificate_language(user: User) -> str:
    """The language a new certificate speaks: the learner's saved preference, else the language of the
    page on which they completed the course, else the school's default (a completion outside a request,
    or made by someone else)."""
    chosen = user_language(user)
    if chosen:
        return chosen
    if has_request_context() and current_user and current_user.is_authenticated and current_user.id == user.id:
        return interface_language()
    return school_language()


def _course_criteria(course: Course) -> str:
    """What the learner did, in the current language (the certificate's, see ``_issue_values``)."""
    lessons = db.session.execute(db.select(func.count(Lesson.id)).filter_by(course_id=course.id, retired=False)).scalar_one()
    quizzes = db.session.execute(db.select(func.count(Quiz.id)).filter_by(course_id=course.id, retired=False)).scalar_one()
    if not quizzes:
        return ngettext("Completed the %(num)d lesson of the course.", "Completed all %(num)d lessons of the course.",
                        lessons)
    if quizzes == 1:
        return ngettext("Completed the %(num)d lesson of the course and passed its assessment.",
                        "Completed all %(num)d lessons of the course and passed its assessment.", lessons)
    return ngettext("Completed the %(num)d lesson of the course and passed its %(quizzes)d quizzes and final "
                    "assessment.",
                    "Completed all %(num)d lessons of the course and passed its %(quizzes)d quizzes and final "
                    "assessment.", lessons, quizzes=quizzes)


def _free_status_index(school_id: int) -> int:
    """A random index of the school's revocation list that no certificate holds (nor as its legacy
    index); the list keeps growing so it stays at most a quarter full."""
    issued = db.session.execute(db.select(func.count(Certificate.id)).filter_by(school_id=school_id)).scalar_one()
    size = status_list_size(issued + 1)
    for _draw in range(MAX_DRAWS):
        index = secrets.randbelow(size)
        taken = db.session.execute(db.select(Certificate.id).where(
            Certificate.school_id == school_id,
            or_(Certificate.status_index == index, Certificate.legacy_status_index == index)).limit(1)).first()
        if taken is None:
            return index
    raise CertificateError(_("No free place in the revocation list was found; try again."))


def _insert(values: dict, conflict: str) -> bool:
    """Insert the certificate with a free random status index; False when this achievement's generation
    exists already (another worker issued it a moment ago). The insert ignores a conflict on any unique
    key: when the generation does not exist, the conflict was on the index, taken by a racing issue
    since it was drawn, so another is drawn."""
    key = {"school_id": values["school_id"], "user_id": values["user_id"], conflict: values[conflict],
           "generation": values["generation"]}
    for _draw in range(MAX_DRAWS):
        row = values | {"status_index": _free_status_index(values["school_id"])}
        # RETURNING, not rowcount: psycopg reports -1 rows for an INSERT ... ON CONFLICT DO NOTHING
        if db.session.execute(insert_ignore(Certificate, row).returning(Certificate.id)).scalar_one_or_none():
            return True
        if db.session.execute(db.select(Certificate.id).filter_by(**key)).first() is not None:
            return False
    raise CertificateError(_("No free place in the revocation list was found; try again."))


def _issue(values: dict, conflict: str) -> Certificate | None:
    """Insert generation 1 unless it exists (another worker may have issued it a moment ago)."""
    inserted = _insert(values, conflict)
    certificate = db.session.execute(db.select(Certificate).filter_by(
        school_id=values["school_id"], user_id=values["user_id"], generation=1,
        **{conflict: values[conflict]})).scalar_one()
    if inserted:
        certificate_issued.send(certificate)
    return certificate


def _skill_ids(courses: list[Course]) -> list[str]:
    """The live skills the courses teach, once each, in the framework's order: what the certificate evidences."""
    skills = {skill.slug: skill for course in courses for skill in course.skills if not skill.retired}
    return [skill.slug for skill in sorted(skills.values(), key=lambda skill: skill.position)]


def _school_snapshot(school: School) -> dict:
    """The school's current name, signatory, logo and accent colour, which the certificate keeps as they were
    at issue."""
    settings = branding(school)
    return {"school_name": settings.name, "signatory": settings.signatory, "signatory_title": settings.signatory_title,
            "logo_id": settings.logo_id, "accent": settings.accent}


def _common(user: User, school: School, completed_at: datetime, language: str) -> dict:
    return {"credential_id": new_credential_id(), "school_id": school.id, "user_id": user.id, "generation": 1,
            "holder_name": user.name, "completed_at": completed_at, "issued_at": utcnow(), "language": language,
            "revocation_reason": ""} | _school_snapshot(school)


def issue_course_certificate(user: User, enrolment: Enrolment) -> Certificate | None:
    """Called where course completion is set; issues nothing when the course gives no certificate."""
    course = db.session.get(Course, enrolment.course_id)
    if course is None or not course.certificate or enrolment.completed_at is None:
        return None
    school = db.session.get(School, enrolment.school_id)
    language = certificate_language(user)
    with force_locale(language):
        criteria = _course_criteria(course)
    values = _common(user, school, enrolment.completed_at, language) | {
        "kind": "course", "course_id": course.id, "programme_id": None, "achievement_slug": course.slug,
        "title": course.title, "description": course.summary, "criteria": criteria,
        "hours": course.hours, "content_version": course_version(course), "skills": _skill_ids([course])}
    return _issue(values, "course_id")


def issue_programme_certificate(user: User, membership: ProgrammeEnrolment, completed_at: datetime) -> Certificate | None:
    """Called where programme completion is set; the hours are the sum of its courses'."""
    programme = db.session.get(Programme, membership.programme_id)
    if programme is None or not programme.certificate:
        return None
    courses = [step.course for step in programme.steps]
    school = db.session.get(School, membership.school_id)
    language = certificate_language(user)
    with force_locale(language):
        # The course titles keep their own language; only the sentence around them is translated.
        criteria = _("Completed every course of the programme: %(courses)s.",
                     courses="; ".join(c.title for c in courses))
    values = _common(user, school, completed_at, language) | {
        "kind": "programme", "course_id": None, "programme_id": programme.id, "achievement_slug": programme.slug,
        "title": programme.title, "description": programme.summary, "criteria": criteria,
        "hours": sum((c.hours for c in courses), Decimal(0)),
        "content_version": _digest(programme.content_hash, *(course_version(c) for c in courses)),
        "skills": _skill_ids(courses)}
    return _issue(values, "programme_id")


def by_credential_id(credential_id: str) -> Certificate | None:
    return db.session.execute(db.select(Certificate).filter_by(credential_id=credential_id)).scalar_one_or_none()


def certificates_of(user: User) -> list[Certificate]:
    """The learner's current certificates (replaced ones live on only for verification), newest first."""
    return list(db.session.execute(
        db.select(Certificate).filter_by(user_id=user.id, replaced_by_id=None)
        .order_by(Certificate.completed_at.desc(), Certificate.id.desc())).scalars())


def history(certificate: Certificate) -> list[Certificate]:
    """Every generation of the same award to the same learner, oldest first: the audit trail of reissues."""
    achievement = {"course_id": certificate.course_id} if certificate.kind == "course" else \
        {"programme_id": certificate.programme_id}
    return list(db.session.execute(
        db.select(Certificate).filter_by(school_id=certificate.school_id, user_id=certificate.user_id,
                                         kind=certificate.kind, **achievement)
        .order_by(Certificate.generation)).scalars())


def revoke(certificate: Certificate, admin: User, reason: str) -> None:
    """Revoke once; the reason is shown publicly on the verification page."""
    done = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revocation_reason=reason.strip(), revoked_by_id=admin.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(certificate)
    if not done:
        raise CertificateError(_("This certificate is already revoked."))


def withdraw_holder(user: User, admin: User) -> int:
    """The holder's account is being erased: every certificate of theirs still valid is revoked ("the holder
    deleted their account"), and the holder's name is removed from all of them, so the verification page,
    its JSON, the PDF and the badge (all made from the row, none stored) name nobody. Returns how many were
    revoked; the revocation list sets their bits since it reads ``revoked_at``."""
    from .formatting import HOLDER_DELETED

    revoked = db.session.execute(
        update(Certificate).where(Certificate.user_id == user.id, Certificate.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revocation_reason=HOLDER_DELETED, revoked_by_id=admin.id)
        .execution_options(synchronize_session=False)).rowcount
    db.session.execute(update(Certificate).where(Certificate.user_id == user.id).values(holder_name="")
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(ReissueRequest).where(ReissueRequest.user_id == user.id))
    db.session.expire_all()
    return revoked


def reissue(certificate: Certificate, admin: User | None, reason: str) -> Certificate:
    """A new credential for the same achievement, with the holder's current name and the school's current
    name, signatory and logo; the achievement (title, hours, content version, completion date) is kept. The old
    certificate is revoked and points at the new one, so it stays verifiable and auditable. ``admin`` is
    None for an automatic reissue (``LMS_AUTO_REISSUE_ON_RENAME``). A pending request for it is closed.
    The language is kept too: the criteria, signed into the badge, were written in it when it was issued."""
    if certificate.replaced_by_id is not None:
        raise CertificateError(_("This certificate was already reissued; reissue its replacement instead."))
    holder = db.session.get(User, certificate.user_id) if certificate.user_id else None
    school = db.session.get(School, certificate.school_id)
    keep = ("school_id", "user_id", "kind", "course_id", "programme_id", "achievement_slug", "title", "description",
            "criteria", "hours", "content_version", "completed_at", "skills")
    values = {name: getattr(certificate, name) for name in keep} | {
        "credential_id": new_credential_id(), "generation": certificate.generation + 1, "issued_at": utcnow(),
        "issued_by_id": admin.id if admin else None, "holder_name": holder.name if holder else certificate.holder_name,
        "language": certificate.language,
        "revocation_reason": ""} | _school_snapshot(school)
    conflict = "course_id" if certificate.kind == "course" else "programme_id"
    if not _insert(values, conflict):
        raise CertificateError(_("This certificate was reissued a moment ago by someone else."))
    replacement = by_credential_id(values["credential_id"])
    now = utcnow()
    replaced = db.session.execute(
        update(Certificate).where(Certificate.id == certificate.id, Certificate.replaced_by_id.is_(None))
        .values(revoked_at=func.coalesce(Certificate.revoked_at, now), replaced_by_id=replacement.id,
                revoked_by_id=func.coalesce(Certificate.revoked_by_id, admin.id if admin else None),
                revocation_reason=f"Reissued as a new certificate. {reason.strip()}".strip())
        .execution_options(synchronize_session=False)).rowcount
    if not replaced:  # the caller rolls back, which drops the replacement inserted above
        raise CertificateError(_("This certificate was reissued a moment ago by someone else."))
    db.session.execute(
        update(ReissueRequest).where(ReissueRequest.certificate_id == certificate.id, ReissueRequest.state == "pending")
        .values(state="approved", decided_at=now, decided_by_id=admin.id if admin else None,
                replacement_id=replacement.id)
        .execution_options(synchronize_session=False))
    db.session.refresh(certificate)
    return replacement


def outdated_certificates(user: User) -> list[Certificate]:
    """The learner's valid current certificates that show another name than theirs now."""
    return [c for c in certificates_of(user) if c.is_valid and c.holder_name != user.name]


def reissue_requests_of(user: User) -> dict[int, ReissueRequest]:
    """The learner's requests, by certificate id."""
    rows = db.session.execute(db.select(ReissueRequest).filter_by(user_id=user.id)).scalars()
    return {row.certificate_id: row for row in rows}


def request_reissue(certificate: Certificate, user: User) -> ReissueRequest:
    """The holder asks for their certificate with their current name; an admin decides."""
    if certificate.user_id != user.id:
        raise CertificateError(_("Only the holder of a certificate may ask for its reissue."))
    if not certificate.is_valid:
        raise CertificateError(_("This certificate is revoked or was already reissued."))
    if certificate.holder_name == user.name:
        raise CertificateError(_("This certificate already shows your current name."))
    request = db.session.execute(db.select(ReissueRequest).filter_by(certificate_id=certificate.id)).scalar_one_or_none()
    if request is not None and request.state == "pending":
        raise CertificateError(_("You have already asked for this certificate's reissue; an administrator will "
                                 "review it."))
    if request is None:
        request = ReissueRequest(certificate_id=certificate.id, user_id=user.id, school_id=certificate.school_id)
        db.session.add(request)
    request.name, request.state, request.requested_at = user.name, "pending", utcnow()
    request.decided_at, request.decided_by_id, request.decision_note = None, None, ""
    db.session.flush()
    return request


def pending_requests(school: School) -> list[ReissueRequest]:
    """The admin queue, oldest first."""
    return list(db.session.execute(
        db.select(ReissueRequest).filter_by(school_id=school.id, state="pending").order_by(ReissueRequest.requested_at)
        .options(selectinload(ReissueRequest.certificate), selectinload(ReissueRequest.user))).scalars())


def _decidable(request: ReissueRequest, admin: User) -> None:
    if request.state != "pending":
        raise CertificateError(_("This request was already decided."))
    if request.user_id == admin.id:
        raise CertificateError(_("You cannot decide on a reissue of your own certificate: another administrator "
                                 "must."))


def approve_request(request: ReissueRequest, admin: User) -> Certificate:
    """Reissue the certificate with the holder's current name; the request is closed by the reissue."""
    _decidable(request, admin)
    certificate = request.certificate
    if not certificate.is_valid:
        raise CertificateError(_("This certificate was revoked or reissued since the request: decline the request."))
    return reissue(certificate, admin, "The holder's name was corrected.")


def decline_request(request: ReissueRequest, admin: User, note: str) -> None:
    _decidable(request, admin)
    request.state, request.decided_at, request.decided_by_id = "declined", utcnow(), admin.id
    request.decision_note = note.strip()
    db.session.flush()


def reissue_on_rename(user: User) -> list[Certificate]:
    """With ``LMS_AUTO_REISSUE_ON_RENAME``: every valid certificate showing an earlier name is reissued."""
    if not current_app.config.get("LMS_AUTO_REISSUE_ON_RENAME"):
        return []
    return [reissue(certificate, None, "The holder's name changed.") for certificate in outdated_certificates(user)]


def search(school: School, query: str = "", status: str = "all", limit: int = 50, offset: int = 0) -> tuple[list, int]:
    """Certificates of the school matching a holder name, e-mail, title or credential id; and the total."""
    statement = db.select(Certificate).outerjoin(User, User.id == Certificate.user_id).where(
        Certificate.school_id == school.id)
    if query.strip():
        pattern = "%" + query.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        statement = statement.where(or_(*(column.ilike(pattern, escape="\\") for column in (
            Certificate.holder_name, Certificate.title, Certificate.credential_id, User.email))))
    if status == "valid":
        statement = statement.where(Certificate.revoked_at.is_(None))
    elif status == "revoked":
        statement = statement.where(Certificate.revoked_at.is_not(None))
    total = db.session.execute(db.select(func.count()).select_from(statement.subquery())).scalar_one()
    rows = db.session.execute(statement.order_by(Certificate.issued_at.desc(), Certificate.id.desc())
                              .options(selectinload(Certificate.user)).limit(limit).offset(offset)).scalars().all()
    return list(rows), total


def revoked_indexes(school: School) -> list[int]:
    """Positions set in the school's revocation list: the status indexes of its revoked certificates,
    and the legacy index (the id) that credentials issued before random indexes carry."""
    rows = db.session.execute(db.select(Certificate.status_index, Certificate.legacy_status_index).where(
        Certificate.school_id == school.id, Certificate.revoked_at.is_not(None))).all()
    return sorted({index for row in rows for index in row if index is not None})


def backfill(school: School) -> int:
    """Issue the certificates of completions made before certificates existed; returns how many were new."""
    before = db.session.execute(db.select(func.count(Certificate.id))).scalar_one()
    for enrolment in db.session.execute(db.select(Enrolment).where(
            Enrolment.school_id == school.id, Enrolment.completed_at.is_not(None))).scalars():
        issue_course_certificate(enrolment.user, enrolment)
    for membership in db.session.execute(db.select(ProgrammeEnrolment).where(
            ProgrammeEnrolment.school_id == school.id, ProgrammeEnrolment.completed_at.is_not(None))).scalars():
        user = db.session.get(User, membership.user_id)
        issue_programme_certificate(user, membership, membership.completed_at)
    return db.session.execute(db.select(func.count(Certificate.id))).scalar_one() - before

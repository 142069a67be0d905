"""Admin actions on learners and course authors. Each one writes an audit entry in the same
transaction as the change, so the log can never miss an action that happened."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, or_, update

from ..accounts.models import ROLES, User
from ..accounts.services import AccountError
from ..accounts.services import rename as rename_account
from ..accounts.sessions import end_sessions
from ..catalog.models import Course, CourseAuthor
from ..extensions import db
from ..i18n import _, date_time, number, percent
from ..progress import services as progress
from ..schools.services import current_school
from ..progress.models import Enrolment
from ..quizzes.models import Attempt
from ..schools.models import School
from .labels import DETAIL_LABELS, role_label
from .models import AuditEntry

PAGE_SIZE = 50


class AdminError(ValueError):
    """The action is refused; the message says why, for the admin."""


def record(actor: User, action: str, target: Any, reason: str = "", **details: Any) -> AuditEntry:
    """Log one action; ``target`` is a model (its type, id and a readable label are kept)."""
    label = getattr(target, "email", None) or getattr(target, "slug", None) or repr(target)
    entry = AuditEntry(school_id=current_school().id, actor_id=actor.id, action=action, target_type=type(target).__name__.lower(),
                       target_id=getattr(target, "id", None), target_label=str(label)[:300], reason=reason.strip(),
                       details=details)
    db.session.add(entry)
    db.session.flush()
    return entry


def _detail_text(key: str, value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return percent(round(value * 100)) if key == "score" else number(round(value, 2))
    if isinstance(value, str) and key.endswith("_at"):
        try:
            return date_time(datetime.fromisoformat(value))
        except ValueError:
            return value
    if key in ("role", "previous") and isinstance(value, str):
        return role_label(value)
    return str(value)


def audit_details(details: dict[str, Any] | None) -> list[tuple[str, str]]:
    """An audit entry's details in words for the log page: a label per key and a rounded, readable value
    (a score as a percentage, a time as a date, yes/no)."""
    return [(str(DETAIL_LABELS.get(key, key.removesuffix("_at").replace("_", " ").capitalize())), _detail_text(key, value))
            for key, value in (details or {}).items()]


def search_filter(query: str = "", role: str = ""):
    """The WHERE clause shared by the learners page and its CSV export: accounts of the request's school."""
    conditions = [User.school_id == current_school().id]
    words = query.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    if words:
        pattern = f"%{words}%"
        conditions.append(or_(func.lower(User.name).like(pattern, escape="\\"), User.email.like(pattern, escape="\\")))
    if role in ROLES:
        conditions.append(User.role == role)
    return conditions


def search_users(query: str = "", role: str = "", page: int = 1) -> tuple[list[User], int]:
    """One page of matching accounts, newest first, and how many match in all."""
    conditions = search_filter(query, role)
    total = db.session.execute(db.select(func.count(User.id)).where(*conditions)).scalar_one()
    rows = db.session.execute(db.select(User).where(*conditions).order_by(User.id.desc())
                              .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).scalars().all()
    return list(rows), total


def enrol(actor: User, learner: User, course: Course, school: School, reason: str = "") -> Enrolment:
    if progress.enrolment_for(learner, course) is not None:
        raise AdminError(_("%(name)s is already enrolled in %(course)s.", name=learner.name, course=course.title))
    enrolment = progress.enrol(learner, course, school)
    record(actor, "enrol", learner, reason, course=course.slug)
    return enrolment


def unenrol(actor: User, learner: User, course: Course, reason: str) -> None:
    """Remove the enrolment; lesson progress and attempts stay, so re-enrolling restores them."""
    enrolment = progress.enrolment_for(learner, course)
    if enrolment is None:
        raise AdminError(_("%(name)s is not enrolled in %(course)s.", name=learner.name, course=course.title))
    details = {"course": course.slug, "enrolled_at": enrolment.enrolled_at.isoformat(),
               "completed_at": enrolment.completed_at.isoformat() if enrolment.completed_at else None}
    db.session.delete(enrolment)
    record(actor, "unenrol", learner, reason, **details)


def reset_attempt(actor: User, attempt: Attempt, reason: str) -> None:
    """Give the learner the attempt back: it is deleted (its answers with it) and later attempts are
    renumbered, so the attempt limit counts one fewer. The score and answers stay in the audit log."""
    learner, quiz = attempt.user, attempt.quiz
    details = {"quiz": f"{quiz.course.slug}/{quiz.slug}", "attempt": attempt.number, "score": attempt.score,
               "passed": attempt.passed, "started_at": attempt.started_at.isoformat(),
               "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None}
    number = attempt.number
    db.session.execute(delete(Attempt).where(Attempt.id == attempt.id))
    later = db.session.execute(db.select(Attempt.id, Attempt.number).filter_by(user_id=learner.id, quiz_id=quiz.id)
                               .where(Attempt.number > number).order_by(Attempt.number)).all()
    for attempt_id, later_number in later:  # one at a time, upwards, so the unique number never collides
        db.session.execute(update(Attempt).where(Attempt.id == attempt_id).values(number=later_number - 1)
                           .execution_options(synchronize_session=False))
    db.session.expire_all()
    record(actor, "reset_attempt", learner, reason, **details)


def set_active(actor: User, user: User, active: bool, reason: str) -> None:
    """Deactivating ends every session of the account (reactivating it does not bring them back)."""
    if user.id == actor.id:
        raise AdminError(_("You cannot deactivate your own account."))
    if user.active == active:
        raise AdminError(_("The account is already active.") if active else _("The account is already deactivated."))
    user.active = active
    if not active:
        end_sessions(user)
    record(actor, "reactivate" if active else "deactivate", user, reason)


def set_role(actor: User, user: User, role: str, reason: str) -> None:
    if role not in ROLES:
        raise AdminError(_("Unknown role “%(role)s”.", role=role))
    if user.id == actor.id:
        raise AdminError(_("You cannot change your own role."))
    if user.role == role:
        raise AdminError(_("%(name)s already has the role %(role)s.", name=user.name, role=role_label(role)))
    previous, user.role = user.role, role
    record(actor, "set_role", user, reason, previous=previous, role=role)


def rename(actor: User, user: User, name: str, reason: str) -> None:
    """Correct a learner's name (printed on certificates issued from now on), with the reason logged."""
    if not reason.strip():
        raise AdminError(_("Say why: the reason goes in the audit log."))
    previous = user.name
    try:
        changed = rename_account(user, name, actor=actor)
    except AccountError as exc:
        raise AdminError(str(exc)) from None
    if not changed:
        raise AdminError(_("The name is already %(name)s.", name=previous))
    record(actor, "rename", user, reason, previous=previous, name=user.name)


def add_author(actor: User, course: Course, user: User, reason: str = "") -> CourseAuthor:
    """Make the account an author of the course (a learner becomes an author, so it can log in to write)."""
    if db.session.get(CourseAuthor, (course.id, user.id)) is not None:
        raise AdminError(_("%(name)s is already an author of %(course)s.", name=user.name, course=course.title))
    if user.role == "learner":
        user.role = "author"
    author = CourseAuthor(course_id=course.id, user_id=user.id, assigned_by_id=actor.id)
    db.session.add(author)
    record(actor, "add_author", course, reason, user=user.email, role=user.role)
    return author


def remove_author(actor: User, course: Course, user: User, reason: str = "") -> None:
    author = db.session.get(CourseAuthor, (course.id, user.id))
    if author is None:
        raise AdminError(_("%(name)s is not an author of %(course)s.", name=user.name, course=course.title))
    db.session.delete(author)
    record(actor, "remove_author", course, reason, user=user.email)


def course_authors(course: Course) -> list[User]:
    return list(db.session.execute(db.select(User).join(CourseAuthor, CourseAuthor.user_id == User.id)
                                   .where(CourseAuthor.course_id == course.id, User.school_id == current_school().id)
                                   .order_by(User.name)).scalars())


def audit_page(action: str = "", page: int = 1) -> tuple[list[AuditEntry], int]:
    conditions = [AuditEntry.school_id == current_school().id] + ([AuditEntry.action == action] if action else [])
    total = db.session.execute(db.select(func.count(AuditEntry.id)).where(*conditions)).scalar_one()
    rows = db.session.execute(db.select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
                              .options(db.selectinload(AuditEntry.actor))
                              .limit(PAGE_SIZE).offset((max(page, 1) - 1) * PAGE_SIZE)).scalars().all()
    return list(rows), total

"""The rules of cohorts (services flush, never commit). Every change a school admin makes is audited."""
from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import delete, func, or_, update

from ..accounts.models import User
from ..admin.services import record
from ..catalog.models import Course, Programme
from ..db import insert_ignore, insert_ignore_many, utcnow
from ..extensions import db
from ..i18n import _
from ..progress.models import Enrolment, ProgrammeEnrolment
from ..progress.services import enrol, enrol_programme
from ..quizzes.models import Quiz
from ..access import offered_here_clause
from ..schools.models import School
from .models import SOURCES, Cohort, CohortDeadline, CohortInstructor, CohortInvitation, CohortMember

STAFF_ROLES = ("instructor", "author", "admin")
MAX_SEATS = 1000
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class CohortError(ValueError):
    """The change is refused; the message says why, for the admin."""


def join(cohort: Cohort, user: User, source: str) -> CohortMember:
    """Make ``user`` a learner of ``cohort`` and enrol them in what it offers; joining twice changes nothing."""
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    db.session.execute(insert_ignore(CohortMember, {"cohort_id": cohort.id, "user_id": user.id, "source": source,
                                                    "joined_at": utcnow()}, ["cohort_id", "user_id"]))
    school = db.session.get(School, cohort.school_id)
    if cohort.programme is not None:
        enrol_programme(user, cohort.programme, school)
    else:
        enrol(user, cohort.course, school)
    return db.session.execute(db.select(CohortMember).filter_by(cohort_id=cohort.id, user_id=user.id)).scalar_one()


def offered_courses(cohort: Cohort) -> list[Course]:
    """The live courses the cohort takes: its course, or its programme's published ones in order."""
    if cohort.course is not None:
        return [cohort.course]
    return [step.course for step in cohort.programme.steps if step.course.published and not step.course.retired]


def enrol_many(cohort: Cohort, user_ids: list[int], source: str) -> None:
    """``join`` for many learners at once, in a few bulk statements (an import of thousands)."""
    if not user_ids:
        return
    now = utcnow()
    db.session.execute(insert_ignore_many(CohortMember, ["cohort_id", "user_id"]),
                       [{"cohort_id": cohort.id, "user_id": user_id, "source": source, "joined_at": now}
                        for user_id in user_ids])
    if cohort.programme_id is not None:
        db.session.execute(insert_ignore_many(ProgrammeEnrolment, ["school_id", "user_id", "programme_id"]),
                           [{"school_id": cohort.school_id, "user_id": user_id, "programme_id": cohort.programme_id,
                             "enrolled_at": now} for user_id in user_ids])
    for course in offered_courses(cohort):
        db.session.execute(insert_ignore_many(Enrolment, ["school_id", "user_id", "course_id"]),
                           [{"school_id": cohort.school_id, "user_id": user_id, "course_id": course.id,
                             "enrolled_at": now, "last_activity_at": now} for user_id in user_ids])


# --- The cohort itself -------------------------------------------------------------------------------------

def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")


def offerings(school: School) -> tuple[list[Programme], list[Course]]:
    """What a cohort may take at this school: its live programmes and the published courses."""
    programmes = db.session.execute(db.select(Programme).where(Programme.school_id == school.id,
                                                               Programme.retired.is_(False))
                                    .order_by(Programme.title)).scalars()
    courses = db.session.execute(db.select(Course).where(Course.published.is_(True), Course.retired.is_(False),
                                                         offered_here_clause())
                                 .order_by(Course.position, Course.title)).scalars()
    return list(programmes), list(courses)


def _check_dates(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise CohortError(_("The cohort cannot end before it starts."))


def create_cohort(actor: User, school: School, name: str, slug: str, offering: Programme | Course,
                  starts_on: date, ends_on: date) -> Cohort:
    slug = (slug or slugify(name)).strip()
    if not SLUG.fullmatch(slug) or len(slug) > 64:
        raise CohortError(_("Use lowercase letters, digits and hyphens for the short name."))
    _check_dates(starts_on, ends_on)
    taken = db.session.execute(db.select(Cohort.id).filter_by(school_id=school.id, slug=slug)).first()
    if taken:
        raise CohortError(_("Another cohort of the school already uses this short name."))
    cohort = Cohort(school_id=school.id, slug=slug, name=name.strip(), starts_on=starts_on, ends_on=ends_on,
                    programme=offering if isinstance(offering, Programme) else None,
                    course=offering if isinstance(offering, Course) else None)
    db.session.add(cohort)
    db.session.flush()
    record(actor, "cohort_create", cohort, "", name=cohort.name, offering=_offering_label(cohort),
           starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    return cohort


def _offering_label(cohort: Cohort) -> str:
    return cohort.programme.title if cohort.programme is not None else cohort.course.title


def update_cohort(actor: User, cohort: Cohort, name: str, starts_on: date, ends_on: date) -> None:
    _check_dates(starts_on, ends_on)
    outside = [d for d in deadlines(cohort).values() if not within(cohort, d.due_at, starts_on, ends_on)]
    if outside:
        raise CohortError(_("Some deadlines would fall outside these dates: change them first."))
    cohort.name, cohort.starts_on, cohort.ends_on = name.strip(), starts_on, ends_on
    db.session.flush()
    record(actor, "cohort_update", cohort, "", name=cohort.name, starts_on=starts_on.isoformat(),
           ends_on=ends_on.isoformat())


def set_archived(actor: User, cohort: Cohort, archived: bool) -> None:
    cohort.archived = archived
    db.session.flush()
    record(actor, "cohort_archive" if archived else "cohort_unarchive", cohort)


def cohort_list(school: School, archived: bool) -> list[tuple[Cohort, int]]:
    """The school's cohorts, newest start first, with their number of learners."""
    count = (db.select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == Cohort.id)
             .scalar_subquery())
    query = (db.select(Cohort, count).where(Cohort.school_id == school.id, Cohort.archived.is_(archived))
             .order_by(Cohort.starts_on.desc(), Cohort.name))
    return [(cohort, learners) for cohort, learners in db.session.execute(query)]


# --- Deadlines ---------------------------------------------------------------------------------------------

def within(cohort: Cohort, due_at: datetime, starts_on: date | None = None, ends_on: date | None = None) -> bool:
    """Whether a deadline falls within the cohort's dates (UTC days, the end day included)."""
    first = datetime.combine(starts_on or cohort.starts_on, time(0), tzinfo=timezone.utc)
    last = datetime.combine((ends_on or cohort.ends_on) + timedelta(days=1), time(0), tzinfo=timezone.utc)
    return first <= due_at.astimezone(timezone.utc) < last


def deadlines(cohort: Cohort) -> dict[tuple[int, int | None], CohortDeadline]:
    """The cohort's deadlines by (course id, quiz id or None)."""
    rows = db.session.execute(db.select(CohortDeadline).filter_by(cohort_id=cohort.id)).scalars()
    return {(row.course_id, row.quiz_id): row for row in rows}


def course_quizzes(course: Course) -> list[Quiz]:
    return list(db.session.execute(db.select(Quiz).where(Quiz.course_id == course.id, Quiz.retired.is_(False))
                                   .order_by(Quiz.id)).scalars())


def set_deadlines(actor: User, cohort: Cohort, wanted: dict[tuple[int, int | None], datetime | None]) -> int:
    """Write the deadlines (None removes one); every one must fall within the cohort's dates. Returns how many
    changed."""
    allowed = {(course.id, None) for course in offered_courses(cohort)}
    allowed |= {(course.id, quiz.id) for course in offered_courses(cohort) for quiz in course_quizzes(course)}
    current, changed = deadlines(cohort), 0
    for key, due_at in wanted.items():
        if key not in allowed:
            raise CohortError(_("This deadline is not for a course of the cohort."))
        if due_at is not None and not within(cohort, due_at):
            raise CohortError(_("A deadline must fall within the cohort's dates (%(start)s to %(end)s).",
                                start=cohort.starts_on.isoformat(), end=cohort.ends_on.isoformat()))
        row = current.get(key)
        if due_at is None and row is not None:
            db.session.delete(row)
            changed += 1
        elif due_at is not None and row is None:
            db.session.add(CohortDeadline(cohort_id=cohort.id, course_id=key[0], quiz_id=key[1], due_at=due_at))
            changed += 1
        elif due_at is not None and row.due_at != due_at:
            row.due_at = due_at
            changed += 1
    db.session.flush()
    if changed:
        record(actor, "cohort_deadlines", cohort, "", changed=changed)
    return changed


# --- Instructors and members -------------------------------------------------------------------------------

def staff_accounts(school: School) -> list[User]:
    """The school's accounts that may teach a cohort (instructors, authors, admins), active ones, by name."""
    return list(db.session.execute(db.select(User).where(User.school_id == school.id, User.role.in_(STAFF_ROLES),
                                                         User.active.is_(True)).order_by(User.name)).scalars())


def instructors(cohort: Cohort) -> list[User]:
    return list(db.session.execute(db.select(User).join(CohortInstructor, CohortInstructor.user_id == User.id)
                                   .where(CohortInstructor.cohort_id == cohort.id).order_by(User.name)).scalars())


def add_instructor(actor: User, cohort: Cohort, user: User) -> None:
    if user.role not in STAFF_ROLES or not user.active or user.school_id != cohort.school_id:
        raise CohortError(_("Only staff accounts (instructors, authors, administrators) can teach a cohort."))
    db.session.execute(insert_ignore(CohortInstructor, {"cohort_id": cohort.id, "user_id": user.id,
                                                        "added_at": utcnow()}, ["cohort_id", "user_id"]))
    record(actor, "cohort_instructor_add", cohort, "", user=user.email)


def remove_instructor(actor: User, cohort: Cohort, user: User) -> None:
    db.session.execute(delete(CohortInstructor).filter_by(cohort_id=cohort.id, user_id=user.id))
    record(actor, "cohort_instructor_remove", cohort, "", user=user.email)


MEMBERS_PAGE = 100


def members_page(cohort: Cohort, page: int) -> tuple[list[tuple[CohortMember, User]], int]:
    total = db.session.execute(db.select(func.count()).select_from(CohortMember)
                               .where(CohortMember.cohort_id == cohort.id)).scalar_one()
    query = (db.select(CohortMember, User).join(User, User.id == CohortMember.user_id)
             .where(CohortMember.cohort_id == cohort.id).order_by(User.name, User.id)
             .limit(MEMBERS_PAGE).offset((page - 1) * MEMBERS_PAGE))
    return [(member, user) for member, user in db.session.execute(query)], total


def remove_member(actor: User, cohort: Cohort, user: User, reason: str) -> None:
    """Take the learner out of the cohort; their enrolments and progress stay."""
    removed = db.session.execute(delete(CohortMember).filter_by(cohort_id=cohort.id, user_id=user.id)).rowcount
    if not removed:
        raise CohortError(_("This account is not a learner of the cohort."))
    record(actor, "cohort_member_remove", cohort, reason, user=user.email)


# --- Invitation links --------------------------------------------------------------------------------------

def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_invitation(actor: User, cohort: Cohort, seats: int, expires_at: datetime | None) -> tuple[CohortInvitation, str]:
    """A new join link; the token is returned once, only its SHA-256 is stored."""
    if not 1 <= seats <= MAX_SEATS:
        raise CohortError(_("Give between 1 and %(num)d seats.", num=MAX_SEATS))
    if expires_at is not None and expires_at <= utcnow():
        raise CohortError(_("The expiry must be in the future."))
    token = secrets.token_urlsafe(24)
    invitation = CohortInvitation(cohort_id=cohort.id, token_hash=token_hash(token), seats=seats,
                                  expires_at=expires_at, created_by_id=actor.id)
    db.session.add(invitation)
    db.session.flush()
    record(actor, "cohort_invitation_create", cohort, "", invitation=invitation.id, seats=seats,
           expires_at=expires_at.isoformat() if expires_at else None)
    return invitation, token


def invitations(cohort: Cohort) -> list[CohortInvitation]:
    return list(db.session.execute(db.select(CohortInvitation).filter_by(cohort_id=cohort.id)
                                   .order_by(CohortInvitation.created_at.desc())).scalars())


def revoke_invitation(actor: User, invitation: CohortInvitation) -> None:
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()
        record(actor, "cohort_invitation_revoke", invitation.cohort, "", invitation=invitation.id)


def invitation_for(token: str) -> CohortInvitation | None:
    """The link a token opens (of any school: the caller checks it is the current one's)."""
    if not token or len(token) > 100:
        return None
    return db.session.execute(db.select(CohortInvitation).filter_by(token_hash=token_hash(token))).scalar_one_or_none()


@dataclass(frozen=True)
class LinkState:
    usable: bool
    reason: str  # "open", "full", "expired", "revoked", "archived"


def link_state(invitation: CohortInvitation) -> LinkState:
    if invitation.revoked_at is not None:
        return LinkState(False, "revoked")
    if invitation.cohort.archived:
        return LinkState(False, "archived")
    if invitation.expires_at is not None and invitation.expires_at <= utcnow():
        return LinkState(False, "expired")
    if invitation.used >= invitation.seats:
        return LinkState(False, "full")
    return LinkState(True, "open")


class LinkClosed(CohortError):
    """No seat left (or the link expired or was revoked) when the learner tried to join."""


def join_by_link(invitation: CohortInvitation, user: User) -> bool:
    """Join through a link, taking one seat; False when ``user`` was already a learner (no seat taken).

    The membership row is inserted first: a second join by the same learner waits on it and takes no seat.
    The seat is taken by one guarded UPDATE, so two learners never share the last one; when none is left,
    ``LinkClosed`` is raised and the caller's rollback undoes the membership."""
    cohort = invitation.cohort
    if cohort.archived:
        raise LinkClosed(_("This cohort is closed."))
    inserted = db.session.execute(insert_ignore(CohortMember, {"cohort_id": cohort.id, "user_id": user.id,
                                                               "source": "link", "joined_at": utcnow()},
                                                ["cohort_id", "user_id"])).rowcount
    if not inserted:
        return False
    now = utcnow()
    taken = db.session.execute(
        update(CohortInvitation)
        .where(CohortInvitation.id == invitation.id, CohortInvitation.used < CohortInvitation.seats,
               CohortInvitation.revoked_at.is_(None),
               or_(CohortInvitation.expires_at.is_(None), CohortInvitation.expires_at > now))
        .values(used=CohortInvitation.used + 1).execution_options(synchronize_session=False)).rowcount
    if taken != 1:
        raise LinkClosed(_("There is no seat left on this link."))
    join(cohort, user, "link")
    return True


def is_member(cohort: Cohort, user: User) -> bool:
    return db.session.execute(db.select(CohortMember.user_id).filter_by(cohort_id=cohort.id, user_id=user.id)).first() \
        is not None

"""Deletion requests and the erasure they lead to. Services flush, never commit; each step is audited
in the same transaction as the change."""
from __future__ import annotations

from sqlalchemy import update
from werkzeug.security import check_password_hash

from ..accounts.models import User
from ..accounts.services import has_password
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..i18n import _
from ..schools.models import School
from ..admin.services import record
from .erasure import erase_account
from .models import DeletionRequest

REASON_MAX = 2000


class PrivacyError(ValueError):
    """A step the request's state or the rules do not allow; the message is safe to show."""


def request_of(user: User, school: School) -> DeletionRequest | None:
    return db.session.execute(db.select(DeletionRequest).filter_by(school_id=school.id, user_id=user.id)).scalar_one_or_none()


def request_deletion(user: User, school: School, password: str | None, reason: str = "") -> DeletionRequest:
    """The holder asks, with their password again; an admin of the school decides. ``password`` None: an account
    without one, whose recent confirmation at its identity provider the view has checked
    (``lms.accounts.reauth``). One request per account: asking again after a cancellation or a refusal reopens it
    (race-free: a double click finds the row the first click made and is told it is pending)."""
    if (password is not None or has_password(user)) and not check_password_hash(user.password_hash, password or ""):
        raise PrivacyError(_("The password is not correct."))
    reason = reason.strip()
    if len(reason) > REASON_MAX:
        raise PrivacyError(_("Use at most %(num)d characters.", num=REASON_MAX))
    db.session.execute(insert_ignore(DeletionRequest, {
        "school_id": school.id, "user_id": user.id, "state": "cancelled", "reason": "", "decision_note": "",
        "requested_at": utcnow()}, ["school_id", "user_id"]))
    request = request_of(user, school)
    if request.state == "pending":
        raise PrivacyError(_("You have already asked to delete your account; an administrator will review it."))
    if request.state == "confirmed":
        raise PrivacyError(_("This account has already been deleted."))
    request.state, request.reason, request.requested_at = "pending", reason, utcnow()
    request.decided_at, request.decided_by_id, request.decision_note = None, None, ""
    db.session.flush()
    record(user, "deletion_requested", user)
    return request


def _close(request: DeletionRequest, state: str, **values) -> bool:
    """Move a pending request to ``state``, once: of two admins deciding at the same moment (or an admin and
    the holder cancelling), the second finds it no longer pending."""
    done = db.session.execute(
        update(DeletionRequest).where(DeletionRequest.id == request.id, DeletionRequest.state == "pending")
        .values(state=state, decided_at=utcnow(), **values).execution_options(synchronize_session=False)).rowcount
    db.session.refresh(request)
    return bool(done)


def cancel_request(user: User, school: School) -> DeletionRequest:
    """The holder changes their mind while the request is pending."""
    request = request_of(user, school)
    if request is None or not _close(request, "cancelled"):
        raise PrivacyError(_("There is no pending request to cancel."))
    record(user, "deletion_cancelled", user)
    return request


def pending_requests(school: School) -> list[DeletionRequest]:
    """The admins' queue, oldest first."""
    return list(db.session.execute(
        db.select(DeletionRequest).filter_by(school_id=school.id, state="pending")
        .order_by(DeletionRequest.requested_at, DeletionRequest.id).options(db.selectinload(DeletionRequest.user))).scalars())


def _decidable(request: DeletionRequest, admin: User) -> None:
    if request.state != "pending":
        raise PrivacyError(_("This request was already decided or cancelled."))
    if request.user_id == admin.id:
        raise PrivacyError(_("You cannot decide on the deletion of your own account: another administrator must."))


def refuse_request(request: DeletionRequest, admin: User, note: str) -> None:
    """Refused with a message the holder reads (a legal hold, an open dispute); they may ask again later."""
    _decidable(request, admin)
    note = note.strip()
    if not note:
        raise PrivacyError(_("Say why: the holder reads your message."))
    if not _close(request, "refused", decided_by_id=admin.id, decision_note=note):
        raise PrivacyError(_("This request was already decided or cancelled."))
    record(admin, "deletion_refused", request.user, note)


def confirm_request(request: DeletionRequest, admin: User) -> str:
    """Erase the account (see ``erasure``); returns the pseudonym that now stands for it."""
    _decidable(request, admin)
    # the holder's own words go with the rest of their data
    if not _close(request, "confirmed", decided_by_id=admin.id, reason=""):
        raise PrivacyError(_("This request was already decided or cancelled."))
    return erase_account(request.user, admin)

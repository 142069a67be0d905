"""The school admins' queue of deletion requests: confirm (the account is erased) or refuse with a message."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import require_admin
from ..accounts.messages import language_for
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school, find_school
from ..web import transaction
from . import messages, services
from .forms import RefuseForm
from .models import DeletionRequest

bp = Blueprint("privacy_admin", __name__, template_folder="templates", url_prefix="/admin/deletion-requests")
bp.before_request(require_admin)


def _request_or_404(request_id: int) -> DeletionRequest:
    row = db.session.get(DeletionRequest, request_id)
    if row is None or row.school_id != current_school().id:
        abort(404)
    return row


@bp.get("/")
def requests():
    school = find_school()
    return render_template("privacy/requests.html", rows=services.pending_requests(school) if school else [])


@bp.post("/<id:request_id>/confirm")
def confirm(request_id: int):
    row = _request_or_404(request_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    holder = row.user
    email, name, language = holder.email, holder.name, language_for(holder)  # the mail goes to the address erased
    with transaction(services.PrivacyError, success=_("The account is deleted: its personal data is erased and its "
                                                      "certificates are revoked.")) as done:
        services.confirm_request(row, current_user)
    if done.ok:
        messages.account_deleted(email, name, language)
    return redirect(url_for(".requests"))


@bp.post("/<id:request_id>/refuse")
def refuse(request_id: int):
    row = _request_or_404(request_id)
    form = RefuseForm()
    if not form.validate_on_submit():
        flash(_("Say why you refuse: the holder reads your message."), "error")
        return redirect(url_for(".requests"))
    with transaction(services.PrivacyError, success=_("The request is refused; the holder is told why.")) as done:
        services.refuse_request(row, current_user, form.note.data)
    if done.ok:
        messages.deletion_refused(row.user, row.decision_note)
    return redirect(url_for(".requests"))

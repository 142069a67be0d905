"""Admin pages: find certificates, revoke one with a public reason, reissue one, decide on learners'
reissue requests. Admins only."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import require_admin
from ..extensions import db
from ..i18n import _
from ..web import int_arg, transaction
from ..schools.services import current_school, find_school
from . import services
from .forms import DeclineForm, ReissueForm, RevokeForm
from .models import Certificate, ReissueRequest

bp = Blueprint("certificates_admin", __name__, template_folder="templates", url_prefix="/admin/certificates")
PAGE_SIZE = 50


bp.before_request(require_admin)


def _load(credential_id: str) -> Certificate:
    certificate = services.by_credential_id(credential_id)
    if certificate is None or certificate.school_id != current_school().id:
        abort(404)
    return certificate


@bp.get("/")
def index():
    query = request.args.get("q", "")[:200]
    status = request.args.get("status", "all")
    if status not in services.STATUSES:
        status = "all"
    page = int_arg("page", 1, minimum=1)
    school = find_school()  # read-only: a GET writes nothing (no school yet: no certificates)
    rows, total = services.search(school, query, status, PAGE_SIZE, (page - 1) * PAGE_SIZE) if school else ([], 0)
    return render_template("certificates/admin/index.html", rows=rows, total=total, query=query, status=status,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)), statuses=services.STATUSES)


@bp.get("/<credential_id>")
def detail(credential_id: str):
    certificate = _load(credential_id)
    return render_template("certificates/admin/detail.html", certificate=certificate,
                           history=services.history(certificate), revoke_form=RevokeForm(), reissue_form=ReissueForm())


@bp.post("/<credential_id>/revoke")
def revoke(credential_id: str):
    certificate = _load(credential_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        return render_template("certificates/admin/detail.html", certificate=certificate,
                               history=services.history(certificate), revoke_form=form, reissue_form=ReissueForm()), 400
    with transaction(services.CertificateError,
                     success=_("The certificate is revoked; its verification page and status list say so.")):
        services.revoke(certificate, current_user, form.reason.data)
    return redirect(url_for(".detail", credential_id=credential_id))


@bp.post("/<credential_id>/reissue")
def reissue(credential_id: str):
    certificate = _load(credential_id)
    form = ReissueForm()
    if not form.validate_on_submit():
        return render_template("certificates/admin/detail.html", certificate=certificate,
                               history=services.history(certificate), revoke_form=RevokeForm(), reissue_form=form), 400
    with transaction(services.CertificateError,
                     success=_("A new certificate was issued; the old one is revoked and points to it.")) as done:
        replacement = services.reissue(certificate, current_user, form.note.data or "")
    return redirect(url_for(".detail", credential_id=replacement.credential_id if done.ok else credential_id))


def _request_or_404(request_id: int) -> ReissueRequest:
    row = db.session.get(ReissueRequest, request_id)
    if row is None or row.school_id != current_school().id:
        abort(404)
    return row


@bp.get("/reissue-requests")
def requests():
    """Learners who changed their name and asked for their certificates with it, oldest first."""
    school = find_school()
    return render_template("certificates/admin/requests.html", rows=services.pending_requests(school) if school else [])


@bp.post("/reissue-requests/<id:request_id>/approve")
def approve_request(request_id: int):
    row = _request_or_404(request_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    with transaction(services.CertificateError,
                     success=_("The certificate was reissued with the learner's current name; the old one points "
                               "to it.")):
        services.approve_request(row, current_user)
    return redirect(url_for(".requests"))


@bp.post("/reissue-requests/<id:request_id>/decline")
def decline_request(request_id: int):
    row = _request_or_404(request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        flash(_("Say why you decline: the learner sees the reason."), "error")
        return redirect(url_for(".requests"))
    with transaction(services.CertificateError, success=_("The request is declined; the learner sees why.")):
        services.decline_request(row, current_user, form.note.data)
    return redirect(url_for(".requests"))

"""The learner's "Your data" page: download everything, ask to delete the account, or cancel the request."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm

from ..accounts import reauth
from ..accounts.services import AccountError, check_password
from ..extensions import limiter
from ..i18n import _, force_locale
from ..accounts.messages import language_for
from ..schools.services import current_school, find_school
from ..web import silently, transaction
from . import export, messages, services
from .forms import DeletionForm, ExportForm

bp = Blueprint("privacy", __name__, url_prefix="/account/data", template_folder="templates")


def _account() -> str:
    """Per account, whatever the device or address (the limits are checked before the log-in check)."""
    return f"account:{current_user.id}" if current_user.is_authenticated else "account:anonymous"


def _page(export_form: ExportForm | None = None, deletion_form: DeletionForm | None = None, status: int = 200):
    school = find_school()  # read-only: a GET writes nothing
    request = services.request_of(current_user, school) if school else None
    return render_template("privacy/index.html",
                           export_form=export_form or reauth.fitted(ExportForm(prefix="export"), current_user),
                           deletion_form=deletion_form or reauth.fitted(DeletionForm(prefix="delete"), current_user),
                           request=request), status


@bp.get("/")
@login_required
def index():
    return _page()


@bp.post("/export")
@login_required
@limiter.limit(lambda: current_app.config["LMS_EXPORT_RATE_LIMIT"], key_func=_account)
def download():
    """A POST with the password again (ASVS V3.3.4-style re-authentication), or for an account without one a
    recent confirmation at its identity provider (``reauth``): the ZIP holds everything about the person, so
    neither a link nor a session left open is enough; a POST is also never prefetched or cached."""
    form = reauth.fitted(ExportForm(prefix="export"), current_user)
    if not form.validate_on_submit() or reauth.unconfirmed(form, current_user):
        return _page(export_form=form, status=400)
    if form.password is not None:
        try:
            check_password(current_user, form.password.data)
        except AccountError:
            form.password.errors.append(_("The password is not correct."))
            return _page(export_form=form, status=400)
    with force_locale(language_for(current_user)):
        body = export.build_zip(current_user, current_school())
    response = Response(body, mimetype="application/zip")
    response.headers["Content-Disposition"] = "attachment; filename=conductor-my-data.zip"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/delete")
@login_required
@limiter.limit(lambda: current_app.config["LMS_LOGIN_ACCOUNT_RATE_LIMIT"], key_func=_account)
def request_deletion():
    form = reauth.fitted(DeletionForm(prefix="delete"), current_user)
    if not form.validate_on_submit() or reauth.unconfirmed(form, current_user):
        return _page(deletion_form=form, status=400)
    with transaction(services.PrivacyError, failure=silently,
                     success=_("Your request is sent: an administrator of your school will review it.")) as done:
        password = form.password.data if form.password is not None else None  # None: confirmed (reauth)
        services.request_deletion(current_user, current_school(), password, form.reason.data or "")
    if not done.ok:
        existing = services.request_of(current_user, current_school())
        if existing is not None and existing.state == "pending":
            flash(str(done.error), "error")  # the page shows the pending request, not the form
        elif form.password is not None:
            form.password.errors.append(str(done.error))
        else:
            form.form_errors.append(str(done.error))
        return _page(deletion_form=form, status=400)
    messages.deletion_requested(current_user)
    return redirect(url_for(".index"))


@bp.post("/delete/cancel")
@login_required
def cancel_deletion():
    if not FlaskForm().validate_on_submit():
        return _page(status=400)
    with transaction(services.PrivacyError, success=_("Your request is cancelled: your account stays.")):
        services.cancel_request(current_user, current_school())
    return redirect(url_for(".index"))

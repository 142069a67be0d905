"""The admin page of the school's learning record store: set it, turn it off, see what waits, retry now."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from ..access import require_admin
from ..admin.services import record
from ..i18n import _, ngettext
from ..schools.services import current_school, find_school
from ..web import transaction
from . import services
from .forms import RecordStoreForm, RetryForm

bp = Blueprint("xapi_admin", __name__, template_folder="templates", url_prefix="/admin/learning-records")


@bp.route("", methods=["GET", "POST"])
def settings():
    denied = require_admin()
    if denied is not None:
        return denied
    school = current_school() if request.method == "POST" else find_school()  # a GET writes nothing
    store = services.store_of(school) if school is not None else None
    form = RecordStoreForm(obj=store) if request.method == "GET" else RecordStoreForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            with transaction(services.StoreRefused, failure=lambda error: None,
                             success=_("The learning record store settings are saved.")) as done:
                saved = services.save_store(school, form.endpoint.data, form.key.data, form.secret.data or "",
                                            form.active.data)
                record(current_user, "xapi_store", school, endpoint=saved.endpoint, active=saved.active,
                       secret_changed=bool(form.secret.data))
            if done.ok:
                return redirect(url_for("xapi_admin.settings"))
            form.form_errors.append(str(done.error))
        status = 422
    form.secret.data = ""  # never shown back
    return render_template("xapi/settings.html", form=form, store=store, retry_form=RetryForm(),
                           status=services.status(school) if school is not None else None), status


@bp.post("/retry")
def retry():
    denied = require_admin()
    if denied is not None:
        return denied
    if not RetryForm().validate_on_submit():
        abort(400)
    school = current_school()
    with transaction() as done:
        number = services.retry_now(school)
        done.success = (ngettext("%(num)d statement will be sent now.", "%(num)d statements will be sent now.", number)
                        if number else _("No statement is waiting."))
    return redirect(url_for("xapi_admin.settings"))

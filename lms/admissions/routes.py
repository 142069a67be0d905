"""Public admission pages: the application form (no account needed) and the applicant's private status page."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for

from ..accounts.services import normalise_email
from ..extensions import db, limiter
from ..i18n import _, _l, interface_language
from ..schools.services import find_school
from ..web import body_limit, silently, transaction
from . import files, messages, questions, services
from .forms import ActionForm, apply_form
from .models import AdmissionRound

bp = Blueprint("admissions", __name__, template_folder="templates")
bp.add_app_template_filter(lambda status: str(STATUS_LABELS.get(status, status)), "application_status")
# The programme's and course's pages offer "Apply for <cohort>" while a round is open.
bp.add_app_template_global(lambda programme=None, course=None: services.open_rounds(find_school(), programme, course),
                           "admission_rounds_for")
# The status link is the only key to an application: it never leaves the page as a referrer, nor stays in a cache.
STATUS_LABELS = {"unconfirmed": _l("waiting for your confirmation"), "submitted": _l("submitted, under review"),
                 "accepted": _l("accepted"), "declined": _l("declined"), "withdrawn": _l("withdrawn")}
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "private, no-store"}


def _setting(name: str):
    return lambda: current_app.config[name]


def _submitted_email() -> str:
    return "apply-email:" + normalise_email(request.form.get("email", ""))[:254]


def _accepted(response) -> bool:
    return response.status_code == 302


def _open_round_or_404(round_id: int) -> AdmissionRound:
    school = find_school()
    round_ = db.session.get(AdmissionRound, round_id)
    if school is None or round_ is None or round_.school_id != school.id or not services.is_open(round_):
        abort(404)
    return round_


@bp.route("/apply/<id:round_id>", methods=["GET", "POST"])
@body_limit("LMS_APPLICATION_FILE_MAX_BYTES")
@limiter.limit(_setting("LMS_APPLY_RATE_LIMIT"), methods=["POST"])
@limiter.limit(_setting("LMS_APPLY_EMAIL_RATE_LIMIT"), methods=["POST"], key_func=_submitted_email,
               deduct_when=_accepted)
def apply(round_id: int):
    round_ = _open_round_or_404(round_id)
    asked = questions.load(round_.questions)
    form = apply_form(asked)
    limit = current_app.config["LMS_APPLICATION_FILE_MAX_BYTES"]
    status = 200
    if form.validate_on_submit():
        checked, refusal = None, None
        file_index = next((index for index, question in enumerate(asked) if question["kind"] == "file"), None)
        if file_index is not None:
            upload = getattr(form, f"q{file_index}").data
            if upload and getattr(upload, "filename", ""):
                try:
                    checked = files.check(upload.stream.read(limit + 1), upload.filename, limit)
                except files.FileRefused as error:
                    getattr(form, f"q{file_index}").errors.append(str(error))
                    refusal = error
        if refusal is None:
            answers = {str(index): getattr(form, f"q{index}").data or "" for index, question in enumerate(asked)
                       if question["kind"] != "file"}
            with transaction(services.AdmissionError, failure=silently) as done:
                application, token = services.apply(round_, form.name.data, form.email.data, answers, checked,
                                                    interface_language())
            if done.ok:
                messages.received(application, token)
                flash(_("Check your e-mail: open the link we sent to %(email)s to confirm your application.",
                        email=application.email), "info")
                return redirect(url_for("admissions.sent", round_id=round_.id))
            form.form_errors.append(str(done.error))
        status = 422
    elif request.method == "POST":
        status = 422
    return render_template("admissions/apply.html", round=round_, form=form, limit=limit), status


@bp.get("/apply/<id:round_id>/sent")
def sent(round_id: int):
    school = find_school()
    round_ = db.session.get(AdmissionRound, round_id)
    if school is None or round_ is None or round_.school_id != school.id:
        abort(404)
    return render_template("admissions/sent.html", round=round_)


def _by_token_or_404(token: str):
    application = services.by_token(token)
    school = find_school()
    if application is None or school is None or application.school_id != school.id:
        abort(404)
    return application


def _private(response):
    response.headers.update(PRIVATE_HEADERS)
    return response


@bp.get("/apply/status/<token>")
def status(token: str):
    application = _by_token_or_404(token)
    asked = questions.load(application.round.questions)
    page = render_template("admissions/status.html", application=application, asked=asked,
                           answers=json.loads(application.answers), token=token, form=ActionForm())
    return _private(current_app.make_response(page))


@bp.post("/apply/status/<token>/confirm")
def confirm(token: str):
    application = _by_token_or_404(token)
    if ActionForm().validate_on_submit():
        with transaction(services.AdmissionError,
                         success=_("Your application is confirmed: the school will review it.")):
            services.confirm(application)
    return _private(redirect(url_for("admissions.status", token=token)))


@bp.post("/apply/status/<token>/withdraw")
def withdraw(token: str):
    application = _by_token_or_404(token)
    if ActionForm().validate_on_submit():
        with transaction(services.AdmissionError, success=_("Your application is withdrawn.")):
            services.withdraw(application)
    return _private(redirect(url_for("admissions.status", token=token)))

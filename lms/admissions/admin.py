"""Staff pages of admissions: school admins make rounds and set the retention; they and the instructors of a
cohort review its applications and decide."""
from __future__ import annotations

import io
import json

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..access import require_admin_or_abort
from ..accounts.services import AccountError
from ..cohorts.models import Cohort
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school
from ..web import transaction
from . import messages, questions, services
from .forms import ActionForm, DeclineForm, RetentionForm, RoundForm
from .models import STATUSES, AdmissionRound, Application

bp = Blueprint("admissions_admin", __name__, url_prefix="/admin/admissions", template_folder="templates")


@bp.before_request
def require_reviewer():
    """School admins, and the instructors of a cohort that has a round (they review its applications only)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not services.reviews_any(current_user):
        abort(403)
    return None


def _cohorts(school) -> list[Cohort]:
    return list(db.session.execute(db.select(Cohort).where(Cohort.school_id == school.id, Cohort.archived.is_(False))
                                   .order_by(Cohort.starts_on.desc(), Cohort.name)).scalars())


def _round_form(school, round_: AdmissionRound | None = None) -> RoundForm:
    form = RoundForm()
    form.cohort.choices = [SelectChoice(cohort.id, cohort.name) for cohort in _cohorts(school)]
    if round_ is not None and request.method == "GET":
        form.cohort.data, form.closes_on.data, form.is_open.data = round_.cohort_id, round_.closes_on, round_.is_open
        form.questions.data = questions.text_of(questions.load(round_.questions))
    return form


def _round_or_404(round_id: int) -> AdmissionRound:
    round_ = db.session.get(AdmissionRound, round_id)
    if round_ is None or round_.school_id != current_school().id:
        abort(404)
    if not services.can_review(current_user, round_):
        abort(403)
    return round_


def _application_or_404(application_id: int) -> Application:
    application = db.session.get(Application, application_id)
    # Staff never see an application its sender has not confirmed: it may be someone else's address.
    if application is None or application.school_id != current_school().id or application.status == "unconfirmed":
        abort(404)
    if not services.can_review(current_user, application.round):
        abort(403)
    return application


def _save_round(school, round_, form):
    cohort = db.session.get(Cohort, form.cohort.data)
    with transaction(services.AdmissionError, questions.QuestionsRefused,
                     success=_("The admission round is saved.")) as done:
        round_ = services.save_round(round_, school, cohort, form.questions.data or "", form.closes_on.data,
                                     form.is_open.data, current_user)
    return round_, done


@bp.route("", methods=["GET", "POST"])
def index():
    school = current_school()
    if request.method == "POST":
        require_admin_or_abort()  # rounds are the school's: admins make them
    form = _round_form(school)
    retention = RetentionForm(months=school.admission_retention_months) if request.method == "GET" else RetentionForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            round_, done = _save_round(school, None, form)
            if done.ok:
                return redirect(url_for("admissions_admin.edit_round", round_id=round_.id))
            form.form_errors.append(str(done.error))
        status = 422
    rounds = services.rounds_of(school, current_user)
    return render_template("admissions/admin_index.html", form=form, retention=retention, rounds=rounds,
                           counts={round_.id: services.counts_of(round_) for round_ in rounds},
                           open_now={round_.id: services.is_open(round_) for round_ in rounds}), status


@bp.post("/retention")
def retention():
    require_admin_or_abort()
    school = current_school()
    form = RetentionForm()
    if form.validate_on_submit():
        with transaction(services.AdmissionError, success=_("The retention is saved.")):
            services.set_retention(school, form.months.data, current_user)
    else:
        flash(_("Choose between 0 and %(most)s months.", most=services.MAX_RETENTION_MONTHS), "error")
    return redirect(url_for("admissions_admin.index"))


@bp.route("/rounds/<id:round_id>", methods=["GET", "POST"])
def edit_round(round_id: int):
    round_ = _round_or_404(round_id)
    school = current_school()
    form = _round_form(school, round_)
    status = 200
    if request.method == "POST":
        require_admin_or_abort()
        if form.validate_on_submit():
            _saved, done = _save_round(school, round_, form)
            if done.ok:
                return redirect(url_for("admissions_admin.edit_round", round_id=round_.id))
            form.form_errors.append(str(done.error))
        status = 422
    shown = request.args.get("status", "")
    shown = shown if shown in STATUSES and shown != "unconfirmed" else ""
    return render_template("admissions/admin_round.html", round=round_, form=form, shown=shown,
                           statuses=[s for s in STATUSES if s != "unconfirmed"], open_now=services.is_open(round_),
                           applications=services.applications_of(round_, shown or None)), status


@bp.get("/applications/<id:application_id>")
def application(application_id: int):
    item = _application_or_404(application_id)
    return render_template("admissions/admin_application.html", application=item,
                           asked=questions.load(item.round.questions), answers=json.loads(item.answers),
                           accept_form=ActionForm(), decline_form=DeclineForm())


@bp.get("/applications/<id:application_id>/file")
def download(application_id: int):
    """The applicant's file, always as a download: never shown in the site's origin, whatever it holds."""
    item = _application_or_404(application_id)
    if item.file_data is None:
        abort(404)
    response = send_file(io.BytesIO(item.file_data), mimetype=item.file_type, as_attachment=True,
                         download_name=item.file_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.post("/applications/<id:application_id>/accept")
def accept(application_id: int):
    item = _application_or_404(application_id)
    if ActionForm().validate_on_submit():
        with transaction(services.AdmissionError, AccountError) as done:
            user, created = services.accept(item, current_user)
            done.success = _("%(name)s is accepted into %(cohort)s.", name=item.name, cohort=item.round.cohort.name)
        if done.ok:
            messages.accepted(item, user, created)
    return redirect(url_for("admissions_admin.application", application_id=item.id))


@bp.post("/applications/<id:application_id>/decline")
def decline(application_id: int):
    item = _application_or_404(application_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        return render_template("admissions/admin_application.html", application=item,
                               asked=questions.load(item.round.questions), answers=json.loads(item.answers),
                               accept_form=ActionForm(), decline_form=form), 422
    with transaction(services.AdmissionError, success=_("The application is declined and the applicant told.")) as done:
        services.decline(item, current_user, form.message.data)
    if done.ok:
        messages.declined(item)
    return redirect(url_for("admissions_admin.application", application_id=item.id))

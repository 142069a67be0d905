"""The school admin's cohort pages: list and create cohorts, edit and archive one, its deadlines, instructors,
learners, CSV imports and invitation links. Admins only; every cohort is loaded within the current school."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..access import require_admin
from ..accounts.models import User
from ..catalog.models import Course, Programme
from ..extensions import db
from ..i18n import _, ngettext
from ..accounts.services import of_this_school
from ..schools.services import current_school
from ..web import body_limit, int_arg, public_url, silently, transaction
from . import imports, services
from .forms import (ConfirmImportForm, CohortForm, CsrfForm, EditCohortForm, ImportForm, InstructorForm,
                    InvitationForm, ReasonForm)
from .messages import import_mails
from .models import Cohort, CohortInvitation

bp = Blueprint("cohorts_admin", __name__, url_prefix="/admin/cohorts", template_folder="templates")
bp.before_request(require_admin)


def cohort_or_404(cohort_id: int) -> Cohort:
    """A cohort of the current school; another school's is not found."""
    cohort = db.session.execute(db.select(Cohort).where(Cohort.id == cohort_id,
                                                        Cohort.school_id == current_school().id)).scalar_one_or_none()
    if cohort is None:
        abort(404)
    return cohort


def _back(cohort: Cohort, anchor: str = ""):
    return redirect(url_for("cohorts_admin.cohort", cohort_id=cohort.id) + (f"#{anchor}" if anchor else ""))


@bp.get("/")
def index():
    archived = request.args.get("archived") == "1"
    return render_template("cohorts/admin/index.html", cohorts=services.cohort_list(current_school(), archived),
                           archived=archived)


def _offering_choices(school) -> list[SelectChoice]:
    programmes, courses = services.offerings(school)
    return ([SelectChoice(f"programme:{p.id}", _("Programme: %(title)s", title=p.title)) for p in programmes]
            + [SelectChoice(f"course:{c.id}", _("Course: %(title)s", title=c.title)) for c in courses])


def _offering(value: str, school) -> Programme | Course | None:
    kind, _sep, number = value.partition(":")
    if not number.isdigit():
        return None
    programmes, courses = services.offerings(school)
    pool = programmes if kind == "programme" else courses if kind == "course" else []
    return next((item for item in pool if item.id == int(number)), None)


@bp.route("/new", methods=["GET", "POST"])
def new():
    school = current_school()
    form = CohortForm()
    form.offering.choices = _offering_choices(school)
    if form.validate_on_submit():
        offering = _offering(form.offering.data, school)
        if offering is None:
            abort(400)  # the choices were checked: only a forged form gets here
        with transaction(services.CohortError, failure=silently) as done:
            cohort = services.create_cohort(current_user, school, form.name.data, form.slug.data or "", offering,
                                            form.starts_on.data, form.ends_on.data)
            done.success = _("The cohort %(name)s is created.", name=cohort.name)
        if done.ok:
            return _back(cohort)
        form.name.errors.append(str(done.error))
    return render_template("cohorts/admin/new.html", form=form)


def _page_of(cohort: Cohort, edit_form=None, invitation_form=None, instructor_form=None, status=200, new_link=None):
    staff = services.staff_accounts(current_school())
    teaching = services.instructors(cohort)
    teaching_ids = {user.id for user in teaching}
    instructor_form = instructor_form or InstructorForm()
    instructor_form.user.choices = [SelectChoice(str(u.id), f"{u.name} ({u.email})") for u in staff
                                    if u.id not in teaching_ids]
    page = int_arg("page", 1, minimum=1)
    members, total = services.members_page(cohort, page)
    return render_template(
        "cohorts/admin/cohort.html", cohort=cohort, members=members, total=total, page=page,
        pages=max(1, -(-total // services.MEMBERS_PAGE)), instructors=teaching, instructor_form=instructor_form,
        edit_form=edit_form or EditCohortForm(obj=cohort), invitation_form=invitation_form or InvitationForm(),
        invitations=services.invitations(cohort), deadlines=services.deadlines(cohort),
        courses=services.offered_courses(cohort),
        link_state=services.link_state, new_link=new_link), status


@bp.get("/<id:cohort_id>")
def cohort(cohort_id: int):
    return _page_of(cohort_or_404(cohort_id))


@bp.post("/<id:cohort_id>/edit")
def edit(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    form = EditCohortForm()
    if form.validate_on_submit():
        with transaction(services.CohortError, success=_("Saved, and written to the audit log."),
                         failure=silently) as done:
            services.update_cohort(current_user, cohort, form.name.data, form.starts_on.data, form.ends_on.data)
        if done.ok:
            return _back(cohort)
        form.name.errors.append(str(done.error))
        db.session.refresh(cohort)
    return _page_of(cohort, edit_form=form, status=400)


@bp.post("/<id:cohort_id>/<any(archive, unarchive):action>")
def archive(cohort_id: int, action: str):
    cohort = cohort_or_404(cohort_id)
    if not CsrfForm().validate_on_submit():
        abort(400)
    message = _("The cohort is archived.") if action == "archive" else _("The cohort is active again.")
    with transaction(success=message):
        services.set_archived(current_user, cohort, action == "archive")
    return _back(cohort)


# --- Deadlines -----------------------------------------------------------------------------------------------

def _due_at(prefix: str, errors: list[str], label: str) -> tuple[bool, datetime | None]:
    """(given, moment) of a deadline's date and time fields; an unreadable one adds an error."""
    day, clock = request.form.get(f"{prefix}-date", "").strip(), request.form.get(f"{prefix}-time", "").strip()
    if not day and not clock:
        return True, None
    try:
        moment = datetime.combine(date.fromisoformat(day[:10]), time.fromisoformat(clock[:8]) if clock else time(23, 59))
    except ValueError:
        errors.append(_("%(what)s: give a date (YYYY-MM-DD) and a time (HH:MM).", what=label))
        return False, None
    return True, moment.replace(tzinfo=timezone.utc)


@bp.route("/<id:cohort_id>/deadlines", methods=["GET", "POST"])
def deadlines(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    courses = [(course, services.course_quizzes(course)) for course in services.offered_courses(cohort)]
    form, errors = CsrfForm(), []
    if form.validate_on_submit():
        wanted = {}
        for course, quizzes in courses:
            given, due = _due_at(f"course-{course.id}", errors, course.title)
            if given:
                wanted[(course.id, None)] = due
            for quiz in quizzes:
                given, due = _due_at(f"quiz-{quiz.id}", errors, quiz.title)
                if given:
                    wanted[(course.id, quiz.id)] = due
        if not errors:
            with transaction(services.CohortError, failure=silently) as done:
                changed = services.set_deadlines(current_user, cohort, wanted)
                done.success = ngettext("%(num)d deadline changed.", "%(num)d deadlines changed.", changed)
            if done.ok:
                return redirect(url_for("cohorts_admin.deadlines", cohort_id=cohort.id))
            errors.append(str(done.error))
    elif request.method == "POST":
        abort(400)
    return render_template("cohorts/admin/deadlines.html", cohort=cohort, courses=courses, form=form, errors=errors,
                           current=services.deadlines(cohort), values=request.form), 400 if errors else 200


# --- Instructors and members ---------------------------------------------------------------------------------

@bp.post("/<id:cohort_id>/instructors")
def add_instructor(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    form = InstructorForm()
    form.user.choices = [SelectChoice(str(u.id), u.name) for u in services.staff_accounts(current_school())]
    if not form.validate_on_submit():
        flash(_("Choose a staff account."), "error")
        return _back(cohort, "instructors")
    user = db.session.get(User, int(form.user.data))
    with transaction(services.CohortError, success=_("%(name)s teaches this cohort.", name=user.name)):
        services.add_instructor(current_user, cohort, user)
    return _back(cohort, "instructors")


@bp.post("/<id:cohort_id>/instructors/<id:user_id>/remove")
def remove_instructor(cohort_id: int, user_id: int):
    cohort = cohort_or_404(cohort_id)
    user = of_this_school(db.session.get(User, user_id)) or abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    with transaction(success=_("%(name)s no longer teaches this cohort.", name=user.name)):
        services.remove_instructor(current_user, cohort, user)
    return _back(cohort, "instructors")


@bp.post("/<id:cohort_id>/members/<id:user_id>/remove")
def remove_member(cohort_id: int, user_id: int):
    cohort = cohort_or_404(cohort_id)
    user = of_this_school(db.session.get(User, user_id)) or abort(404)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    with transaction(services.CohortError, success=_("%(name)s is no longer a learner of this cohort; their "
                                                     "progress is kept.", name=user.name)):
        services.remove_member(current_user, cohort, user, form.reason.data or "")
    return _back(cohort, "members")


# --- CSV import ----------------------------------------------------------------------------------------------

@bp.get("/<id:cohort_id>/import")
def import_form(cohort_id: int):
    return render_template("cohorts/admin/import.html", cohort=cohort_or_404(cohort_id), form=ImportForm(),
                           max_rows=current_app.config["LMS_COHORT_IMPORT_MAX_ROWS"])


@bp.post("/<id:cohort_id>/import")
@body_limit("LMS_COHORT_IMPORT_MAX_BYTES")
def import_preview(cohort_id: int):
    """The dry run: the file is read and checked, nothing is stored; the page lists what confirming would do."""
    cohort = cohort_or_404(cohort_id)
    form = ImportForm()
    max_rows = current_app.config["LMS_COHORT_IMPORT_MAX_ROWS"]
    if not form.validate_on_submit():
        return render_template("cohorts/admin/import.html", cohort=cohort, form=form, max_rows=max_rows), 400
    content = form.file.data.read(current_app.config["LMS_COHORT_IMPORT_MAX_BYTES"] + 1)
    if len(content) > current_app.config["LMS_COHORT_IMPORT_MAX_BYTES"]:
        form.file.errors.append(_("The file is too large."))
        return render_template("cohorts/admin/import.html", cohort=cohort, form=form, max_rows=max_rows), 400
    plan = imports.preview(cohort, content, max_rows)
    db.session.rollback()  # a dry run: nothing of it stays, not even the school it may have created
    confirm = ConfirmImportForm(sealed=imports.seal(cohort, current_user.id, content)) if plan.ok else None
    return render_template("cohorts/admin/preview.html", cohort=cohort, plan=plan, confirm=confirm,
                           shown=PREVIEW_ROWS), 200 if plan.ok else 400


PREVIEW_ROWS = 500  # rows listed per heading on the preview; the counts are always whole


# The sealed file is the upload's text in signed, compressed base64: allow for it beyond the upload's size.
@bp.post("/<id:cohort_id>/import/confirm")
@body_limit("LMS_COHORT_IMPORT_MAX_BYTES", envelope=1024 * 1024)
def import_confirm(cohort_id: int):
    cohort = cohort_or_404(cohort_id)
    form = ConfirmImportForm()
    if not form.validate_on_submit():
        abort(400)
    content = imports.unseal(cohort, current_user.id, form.sealed.data)
    if content is None:
        flash(_("This preview is no longer valid: upload the file again."), "error")
        return redirect(url_for("cohorts_admin.import_form", cohort_id=cohort.id))
    max_rows = current_app.config["LMS_COHORT_IMPORT_MAX_ROWS"]
    with transaction(imports.ImportRefused, failure=silently) as done:
        applied = imports.apply(cohort, content, max_rows)
        services.record(current_user, "cohort_import", cohort, "", created=len(applied.created),
                        added=len(applied.added), already=applied.already)
    if not done.ok:
        return render_template("cohorts/admin/preview.html", cohort=cohort, plan=done.error.plan, confirm=None,
                               shown=PREVIEW_ROWS), 400
    import_mails(cohort, applied.created, applied.added)
    flash(_("Imported: %(created)s new accounts invited, %(added)s existing accounts added, %(already)s already "
            "learners.", created=len(applied.created), added=len(applied.added), already=applied.already), "success")
    return _back(cohort, "members")


# --- Invitation links ----------------------------------------------------------------------------------------

@bp.post("/<id:cohort_id>/invitations")
def create_invitation(cohort_id: int):
    """Create a join link and show it once: only its SHA-256 is kept."""
    cohort = cohort_or_404(cohort_id)
    form = InvitationForm()
    if not form.validate_on_submit():
        return _page_of(cohort, invitation_form=form, status=400)
    expires = (datetime.combine(form.expires_on.data, time(23, 59, 59), tzinfo=timezone.utc)
               if form.expires_on.data else None)
    with transaction(services.CohortError, failure=silently) as done:
        _invitation, token = services.create_invitation(current_user, cohort, form.seats.data, expires)
    if not done.ok:
        form.seats.errors.append(str(done.error))
        return _page_of(cohort, invitation_form=form, status=400)
    # 201 Created: the page shows the new link, once (a logged-in page: no cache keeps it).
    return _page_of(cohort, new_link=public_url("cohort_join.join", token=token), status=201)


@bp.post("/<id:cohort_id>/invitations/<id:invitation_id>/revoke")
def revoke_invitation(cohort_id: int, invitation_id: int):
    cohort = cohort_or_404(cohort_id)
    invitation = db.session.get(CohortInvitation, invitation_id)
    if invitation is None or invitation.cohort_id != cohort.id:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    with transaction(success=_("The link is revoked: it no longer lets anyone join.")):
        services.revoke_invitation(current_user, invitation)
    return _back(cohort, "invitations")

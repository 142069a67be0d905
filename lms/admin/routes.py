"""Admin pages: find learners, enrol and unenrol them, reset an attempt, deactivate an account,
assign course authors, and read the audit log. Admins only, checked before every view."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..accounts.models import ROLES, User
from ..accounts.services import find_user, of_this_school
from ..access import authored_courses, owned_course_or_abort, require_admin
from ..catalog.models import Course
from ..extensions import db
from ..i18n import _, _l, ngettext
from ..web import int_arg, silently, transaction
from ..quizzes.models import Attempt
from ..reports.csvstream import csv_response
from ..schools.services import current_school
from . import queries, services
from .forms import AuthorForm, EnrolForm, ReasonForm, RemoveAuthorForm, RenameForm, RoleForm
from .labels import ACTION_LABELS, action_label, role_label, status_label, target_label

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")
bp.before_request(require_admin)
bp.add_app_template_filter(services.audit_details, "audit_details")
bp.add_app_template_filter(action_label, "audit_action")
bp.add_app_template_filter(role_label, "role_label")
bp.add_app_template_filter(status_label, "account_status")
bp.add_app_template_filter(target_label, "audit_target")

ACTIONS = tuple(ACTION_LABELS)


def _user_or_404(user_id: int) -> User:
    user = of_this_school(db.session.get(User, user_id))  # another school's account is not found here
    if user is None:
        abort(404)
    return user


def _back(user: User):
    return redirect(url_for("admin.learner", user_id=user.id))


def _page() -> int:
    return int_arg("page", 1, minimum=1)


# The intake pages each feature registers on the hub: (endpoint, label, hint).
INTAKE_LINKS = [("cohorts_admin.index", _l("Cohorts"), _l("intakes, deadlines, instructors, CSV import, invitation links")),
                ("admissions_admin.index", _l("Admissions"), _l("application forms and decisions")),
                ("teaching.home", _l("Teaching"), _l("cohorts' progress against their deadlines"))]


@bp.get("/")
def index():
    """The administrators' hub: every page they run, so the header keeps one link."""
    return render_template("admin/index.html", intake_links=INTAKE_LINKS)


@bp.get("/learners")
def learners():
    query, role = request.args.get("q", "")[:200], request.args.get("role", "")
    users, total = services.search_users(query, role, _page())
    return render_template("admin/learners.html", users=users, total=total, query=query, role=role, roles=ROLES,
                           page=_page(), pages=max(1, -(-total // services.PAGE_SIZE)))


@bp.get("/learners.csv")
def learners_csv():
    """Every matching account with its enrolment figures, streamed from a server-side cursor."""
    rows = queries.learner_rows(current_school(), request.args.get("q", "")[:200], request.args.get("role", ""))
    return csv_response("learners.csv", queries.LEARNER_COLUMNS, rows)


@bp.get("/learners/<id:user_id>")
def learner(user_id: int):
    user = _user_or_404(user_id)
    record = queries.learner_record(user)
    form = EnrolForm()
    form.course.choices = [SelectChoice(str(c.id), c.title) for c in record.open_courses]
    every_course = authored_courses(current_user)  # an admin's: every live course
    authoring = authored_courses(user) if user.is_author and not user.is_admin else []
    return render_template("admin/learner.html", learner=user, enrolments=record.enrolments, attempts=record.attempts,
                           enrol_form=form, role_form=RoleForm(role=user.role), history=record.history,
                           authoring=authoring, other_courses=[c for c in every_course if c not in authoring],
                           rename_form=RenameForm(prefix="rename", name=user.name))


def _act(user: User, action) -> object:
    with transaction(services.AdminError, success=_("Done, and written to the audit log.")):
        action()
    return _back(user)


def _reason_or_back(user: User) -> str | None:
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Say why: the reason goes in the audit log."), "error")
        return None
    return form.reason.data.strip()


@bp.post("/learners/<id:user_id>/enrol")
def enrol(user_id: int):
    user = _user_or_404(user_id)
    form = EnrolForm()
    form.course.choices = [SelectChoice(str(c.id), c.title) for c in queries.learner_record(user).open_courses]
    if not form.validate_on_submit():
        abort(400)  # a course this school does not offer is no choice
    course = db.session.get(Course, int(form.course.data))
    if course is None or course.retired:
        abort(404)
    return _act(user, lambda: services.enrol(current_user, user, course, current_school(), form.reason.data or ""))


@bp.post("/learners/<id:user_id>/unenrol/<id:course_id>")
def unenrol(user_id: int, course_id: int):
    user = _user_or_404(user_id)
    course = db.session.get(Course, course_id) or abort(404)
    reason = _reason_or_back(user)
    if reason is None:
        return _back(user)
    return _act(user, lambda: services.unenrol(current_user, user, course, reason))


@bp.post("/learners/<id:user_id>/attempts/<id:attempt_id>/reset")
def reset_attempt(user_id: int, attempt_id: int):
    user = _user_or_404(user_id)
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        abort(404)
    reason = _reason_or_back(user)
    if reason is None:
        return _back(user)
    return _act(user, lambda: services.reset_attempt(current_user, attempt, reason))


@bp.post("/learners/<id:user_id>/<any(deactivate, reactivate):action>")
def set_active(user_id: int, action: str):
    user = _user_or_404(user_id)
    reason = _reason_or_back(user)
    if reason is None:
        return _back(user)
    return _act(user, lambda: services.set_active(current_user, user, action == "reactivate", reason))


@bp.post("/learners/<id:user_id>/role")
def set_role(user_id: int):
    user = _user_or_404(user_id)
    form = RoleForm()
    if not form.validate_on_submit():
        flash(_("Choose a role and say why."), "error")
        return _back(user)
    return _act(user, lambda: services.set_role(current_user, user, form.role.data, form.reason.data))


@bp.post("/learners/<id:user_id>/name")
def rename(user_id: int):
    """Correct the learner's name, with a reason for the audit log; certificates keep theirs until reissued."""
    from ..certificates.services import outdated_certificates

    user = _user_or_404(user_id)
    form = RenameForm(prefix="rename")
    if not form.validate_on_submit():
        flash(_("Give the new name and say why: the reason goes in the audit log."), "error")
        return _back(user)
    with transaction(services.AdminError) as done:
        services.rename(current_user, user, form.name.data, form.reason.data)
        done.success = _("Done, and written to the audit log.")
    if done.ok:
        outdated = len(outdated_certificates(user))
        if outdated:
            flash(ngettext("%(num)d certificate of this learner still shows the earlier name: the learner can ask "
                           "for a reissue, or reissue from the certificates admin.",
                           "%(num)d certificates of this learner still show the earlier name: the learner can ask "
                           "for a reissue, or reissue from the certificates admin.", outdated), "info")
    return _back(user)


@bp.route("/courses/<slug>/authors", methods=["GET", "POST"])
def authors(slug: str):
    course = owned_course_or_abort(slug)
    form = AuthorForm()
    if request.method == "GET" and request.args.get("email"):  # from the account's admin page
        form.email.data = request.args.get("email", "")[:254]
    if form.validate_on_submit():
        user = find_user(form.email.data)
        if user is None:
            form.email.errors.append(_("No account uses this e-mail address."))
        else:
            with transaction(services.AdminError, success=_("%(name)s is now an author of %(course)s.", name=user.name,
                                                             course=course.title),
                             failure=silently) as done:
                services.add_author(current_user, course, user, form.reason.data or "")
            if done.ok:
                return redirect(url_for("admin.authors", slug=course.slug))
            form.email.errors.append(str(done.error))
    return render_template("admin/authors.html", course=course, authors=services.course_authors(course), form=form)


@bp.post("/courses/<slug>/authors/<id:user_id>/remove")
def remove_author(slug: str, user_id: int):
    course = owned_course_or_abort(slug)
    user = _user_or_404(user_id)
    form = RemoveAuthorForm()
    if not form.validate_on_submit():
        abort(400)
    with transaction(services.AdminError, success=_("%(name)s is no longer an author of %(course)s.",
                                                         name=user.name, course=course.title)):
        services.remove_author(current_user, course, user, form.reason.data or "")
    return redirect(url_for("admin.authors", slug=course.slug))


@bp.get("/audit")
def audit():
    action = request.args.get("action", "")
    entries, total = services.audit_page(action if action in ACTIONS else "", _page())
    return render_template("admin/audit.html", entries=entries, total=total, action=action, actions=ACTIONS,
                           page=_page(), pages=max(1, -(-total // services.PAGE_SIZE)))


@bp.get("/audit.csv")
def audit_csv():
    return csv_response("audit-log.csv", queries.AUDIT_COLUMNS, queries.audit_rows(current_school()))

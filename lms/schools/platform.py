"""The platform administrator's pages: every school of the deployment, and a new one with its first admin."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func

from ..access import require_platform_admin
from ..accounts import messages
from ..accounts.models import User
from ..accounts.services import AccountError, create_invited_user
from ..admin.services import record
from ..extensions import db
from ..i18n import _, force_locale
from ..web import transaction
from . import services
from .forms import HostsForm, NewSchoolForm
from .models import SchoolHost

bp = Blueprint("platform", __name__, template_folder="templates", url_prefix="/platform")


def _page(form: NewSchoolForm | None = None, status: int = 200):
    accounts = dict(db.session.execute(db.select(User.school_id, func.count(User.id)).group_by(User.school_id)).all())
    hosts: dict[int, list[str]] = {}
    for host in db.session.execute(db.select(SchoolHost).order_by(SchoolHost.position, SchoolHost.host)).scalars():
        hosts.setdefault(host.school_id, []).append(host.host)
    return render_template("school/platform.html", schools=services.all_schools(), accounts=accounts, hosts=hosts,
                           form=form or NewSchoolForm(), default_slug=services.default_slug()), status


@bp.get("/schools")
def schools():
    denied = require_platform_admin()
    return denied if denied is not None else _page()


@bp.post("/schools")
def create():
    denied = require_platform_admin()
    if denied is not None:
        return denied
    form = NewSchoolForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    with transaction(services.SchoolRefused, AccountError) as done:
        school = services.create_school(form.slug.data, form.name.data, services.parse_hosts(form.hosts.data))
        admin = create_invited_user(form.admin_email.data, form.admin_name.data, role="admin", school=school)
        record(current_user, "create_school", school, name=school.name, admin=admin.email)
        done.success = _("The school %(school)s is created; its first admin has an e-mail to choose a password.",
                         school=school.name)
    if not done.ok:
        form.form_errors.append(str(done.error))
        return _page(form, 422)
    with services.acting_for(school), force_locale(messages.language_for(admin)):
        messages.invitation(admin, _("You are the first administrator of %(school)s on Conductor.", school=school.name))
    return redirect(url_for("platform.schools"))


@bp.route("/schools/<slug>/hosts", methods=["GET", "POST"])
def hosts(slug: str):
    denied = require_platform_admin()
    if denied is not None:
        return denied
    school = services.school_by_slug(slug)
    if school is None:
        abort(404)
    form = HostsForm()
    status = 200
    if form.validate_on_submit():
        with transaction(services.SchoolRefused, success=_("The host names are saved.")) as done:
            before = services.hosts_of(school)
            services.set_hosts(school, services.parse_hosts(form.hosts.data))
            record(current_user, "school_hosts", school, previous=" ".join(before),
                   hosts=" ".join(services.hosts_of(school)))
        if done.ok:
            return redirect(url_for("platform.schools"))
        form.form_errors.append(str(done.error))
        status = 422
    elif form.is_submitted():
        status = 422
    else:
        form.hosts.data = "\n".join(services.hosts_of(school))
    return render_template("school/hosts.html", form=form, school=school,
                           default=school.slug == services.default_slug()), status

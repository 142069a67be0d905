"""A school admin's pages: the LTI platforms registered for their school, and the addresses to give them."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..access import require_admin
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school
from . import services as lti
from .forms import PlatformForm
from .models import LtiPlatform

bp = Blueprint("lti_admin", __name__, template_folder="templates", url_prefix="/admin/lti")
FIELDS = ("name", "issuer", "client_id", "auth_login_url", "auth_token_url", "key_set_url", "token_audience", "active")


def _platform_or_404(platform_id: int) -> LtiPlatform:
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is None or platform.school_id != current_user.school_id:
        abort(404)  # another school's platform is none of this admin's business
    return platform


def tool_urls() -> dict[str, str]:
    return {"login": url_for("lti.login", _external=True), "launch": url_for("lti.launch", _external=True),
            "jwks": url_for("lti.jwks", _external=True), "deep_link": url_for("lti.launch", _external=True),
            "register": url_for("lti.register", _external=True), "canvas": url_for("lti.canvas", _external=True)}


@bp.get("/")
def index():
    denied = require_admin()
    if denied is not None:
        return denied
    platforms = db.session.scalars(db.select(LtiPlatform).filter_by(school_id=current_user.school_id)
                                   .order_by(LtiPlatform.name, LtiPlatform.id)).all()
    return render_template("lti/admin_index.html", platforms=platforms, urls=tool_urls())


def _save(form: PlatformForm, platform: LtiPlatform | None):
    if not form.validate_on_submit():
        return None
    if platform is None:
        platform = LtiPlatform(school_id=current_school().id)
        db.session.add(platform)
    for name in FIELDS:
        value = getattr(form, name).data
        setattr(platform, name, value.strip() if isinstance(value, str) else value)
    try:
        db.session.flush()
        lti.set_deployments(platform, form.deployment_list())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        form.form_errors.append(_("A platform with this issuer and client ID is registered already."))
        return None
    return redirect(url_for("lti_admin.index"), 303)


@bp.route("/new", methods=["GET", "POST"])
def new():
    denied = require_admin()
    if denied is not None:
        return denied
    form = PlatformForm()
    saved = _save(form, None)
    if saved is not None:
        return saved
    return render_template("lti/admin_platform.html", form=form, platform=None), 422 if form.is_submitted() else 200


@bp.route("/<id:platform_id>", methods=["GET", "POST"])
def edit(platform_id: int):
    denied = require_admin()
    if denied is not None:
        return denied
    platform = _platform_or_404(platform_id)
    form = PlatformForm(obj=platform)
    if not form.is_submitted():
        form.deployment_ids.data = "\n".join(row.deployment_id for row in platform.deployments)
    saved = _save(form, platform)
    if saved is not None:
        return saved
    return render_template("lti/admin_platform.html", form=form, platform=platform), 422 if form.is_submitted() else 200

"""A school admin's pages: the LTI platforms registered for their school, and the addresses to give them."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from ..access import require_admin
from ..accounts.models import User
from ..accounts.services import find_user
from ..admin.services import record
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school
from . import services as lti
from .forms import LinkAccountForm, PlatformForm
from .models import LtiAccount, LtiPlatform

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
    return _edit_page(form, platform, LinkAccountForm(), 422 if form.is_submitted() else 200)


def _edit_page(form: PlatformForm, platform: LtiPlatform, link_form: LinkAccountForm, status: int, linking=None):
    accounts = db.session.execute(db.select(LtiAccount, User).join(User, User.id == LtiAccount.user_id)
                                  .where(LtiAccount.platform_id == platform.id,
                                         User.school_id == platform.school_id)  # another school's person: never
                                  .order_by(LtiAccount.created_at.desc(), LtiAccount.id.desc()).limit(200)).all()
    return render_template("lti/admin_platform.html", form=form, platform=platform, accounts=accounts,
                           link_form=link_form, linking=linking), status


@bp.post("/<id:platform_id>/accounts/<id:account_id>/link")
def link(platform_id: int, account_id: int):
    """The platform's user becomes this existing account: their next launch logs into it."""
    denied = require_admin()
    if denied is not None:
        return denied
    platform = _platform_or_404(platform_id)
    account = db.session.get(LtiAccount, account_id)
    if account is None or account.platform_id != platform.id:
        abort(404)
    link_form = LinkAccountForm()
    target = None
    if link_form.validate_on_submit():
        target = find_user(link_form.email.data)
        if target is None:
            link_form.email.errors.append(_("No account of this school has this address."))
    if target is None:
        form = PlatformForm(obj=platform)
        form.deployment_ids.data = "\n".join(row.deployment_id for row in platform.deployments)
        return _edit_page(form, platform, link_form, 422, linking=account.id)
    lti.link_account(platform, account.sub, target)
    record(current_user, "lti_link", target, platform=platform.name, sub=account.sub)
    db.session.commit()
    flash(_("The platform's user %(sub)s now logs into %(name)s.", sub=account.sub, name=target.name), "success")
    return redirect(url_for("lti_admin.edit", platform_id=platform.id), 303)

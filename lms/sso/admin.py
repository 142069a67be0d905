"""A school's admins register its identity providers and choose whether local passwords stay on."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm

from ..access import require_admin
from ..accounts.models import User
from ..admin.services import record
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school
from ..web import silently, transaction
from . import services
from .forms import ActiveForm, LinkSearchForm, PasswordsForm, ProviderForm
from .models import IdentityLink, IdentityProvider
from .routes import redirect_uri

bp = Blueprint("sso_admin", __name__, url_prefix="/admin/sso", template_folder="templates")
bp.before_request(require_admin)


def _provider_or_404(provider_id: int) -> IdentityProvider:
    provider = services.provider_of(current_school(), provider_id)
    if provider is None:
        abort(404)
    return provider


def _index(passwords_form: PasswordsForm | None = None, status: int = 200):
    school = current_school()
    return render_template("sso/admin_index.html", providers=services.providers_of(school), school=school,
                           passwords_form=passwords_form or PasswordsForm(local_passwords=school.local_passwords),
                           redirect_uri=redirect_uri()), status


@bp.get("/")
def index():
    return _index()


@bp.post("/passwords")
def passwords():
    form = PasswordsForm()
    if not form.validate_on_submit():
        abort(400)
    school = current_school()
    on = bool(form.local_passwords.data)
    with transaction(services.ProviderRefused, failure=silently) as done:
        services.set_local_passwords(school, on)
        record(current_user, "sso_local_passwords", school, on=on)
        done.success = (_("Local passwords are on: everyone may log in with a password.") if on else
                        _("Local passwords are off: people sign in with the school's providers; the school's "
                          "administrators keep their passwords."))
    if not done.ok:
        form.form_errors.append(str(done.error))
        return _index(form, 422)
    return redirect(url_for("sso_admin.index"))


def _save(provider: IdentityProvider | None):
    form = ProviderForm(obj=provider) if request.method == "GET" and provider is not None else ProviderForm()
    if request.method == "GET" and provider is not None:
        form.client_secret.data = ""
    status = 200
    if request.method == "POST":
        status = 422
        if form.validate_on_submit():
            with transaction(services.ProviderRefused, failure=silently) as done:
                saved = services.save_provider(
                    current_school(), provider, label=form.label.data, issuer=form.issuer.data,
                    client_id=form.client_id.data, client_secret=form.client_secret.data or None,
                    scopes=form.scopes.data or "", creates_accounts=bool(form.creates_accounts.data),
                    links_by_email=bool(form.links_by_email.data))
                record(current_user, "sso_provider_saved", saved, issuer=saved.issuer, label=saved.label,
                       creates_accounts=saved.creates_accounts, links_by_email=saved.links_by_email)
                done.success = _("The provider %(label)s is saved.", label=saved.label)
            if done.ok:
                return redirect(url_for("sso_admin.index"))
            form.form_errors.append(str(done.error))
    search = LinkSearchForm(request.args)
    linked = services.links_at(provider, search.q.data or "") if provider is not None else []
    return render_template("sso/provider.html", form=form, provider=provider, redirect_uri=redirect_uri(),
                           search=search, linked=linked), status


@bp.route("/new", methods=["GET", "POST"])
def new():
    return _save(None)


@bp.route("/<id:provider_id>", methods=["GET", "POST"])
def edit(provider_id: int):
    return _save(_provider_or_404(provider_id))


@bp.post("/<id:provider_id>/active")
def set_active(provider_id: int):
    provider = _provider_or_404(provider_id)
    form = ActiveForm()
    if not form.validate_on_submit() or form.active.data not in ("0", "1"):
        abort(400)
    active = form.active.data == "1"
    with transaction(services.ProviderRefused) as done:
        services.set_active(provider, active)
        record(current_user, "sso_provider_active", provider, active=active)
        done.success = (_("%(label)s is active: its button is on the log-in page.", label=provider.label) if active
                        else _("%(label)s is deactivated: nobody signs in with it.", label=provider.label))
    return redirect(url_for("sso_admin.index"))


@bp.post("/links/<id:link_id>/remove")
def unlink(link_id: int):
    link = db.session.get(IdentityLink, link_id)
    provider = services.provider_of(current_school(), link.provider_id) if link is not None else None
    if provider is None:
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    user = db.session.get(User, link.user_id)
    with transaction(success=_("%(email)s no longer signs in with %(label)s.", email=user.email, label=provider.label)):
        services.unlink(link)
        record(current_user, "sso_unlinked", user, provider=provider.label)
    return redirect(url_for("sso_admin.edit", provider_id=provider.id))

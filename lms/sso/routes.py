"""Signing in through a school's identity provider, and the account's page of linked providers."""
from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, redirect, render_template, request, session
from flask_login import current_user, login_required, login_user

from ..accounts.sessions import end_session, open_session
from ..extensions import limiter
from ..i18n import _
from ..schools.services import find_school
from ..web import public_url, safe_next, silently, transaction
from . import oidc, services

bp = Blueprint("sso", __name__, url_prefix="/account/sso", template_folder="templates")
PENDING = "lms_sso"  # the session key of the sign-ins under way in this browser
PENDING_SECONDS = 600  # a sign-in not back from the provider within 10 minutes is forgotten
MAX_PENDING = 5


def sign_in_buttons() -> list:
    """The active providers of the request's school, for the log-in page's buttons."""
    school = find_school()
    return services.providers_of(school, active_only=True) if school is not None else []


bp.app_context_processor(lambda: {"sso_buttons": sign_in_buttons})


def _login_limit():
    return current_app.config["LMS_LOGIN_RATE_LIMIT"]


def redirect_uri() -> str:
    """The address providers send the browser back to: the school's own, the one to register at the provider."""
    return public_url("sso.callback")


def _refused(message: str, status: int = 400):
    return render_template("sso/refused.html", message=message), status


@bp.get("/<id:provider_id>")
@limiter.limit(_login_limit)
def start(provider_id: int):
    """Send the browser to the provider; only a provider of this school, and active, exists here."""
    provider = services.provider_of(find_school(), provider_id)
    if provider is None or not provider.active:
        abort(404)
    try:
        outgoing = oidc.authorization_request(services.client_for(provider), redirect_uri())
    except oidc.SignInFailed as error:
        return _refused(str(error), 502)
    now = int(time.time())
    pending = [item for item in session.get(PENDING, []) if now - item["at"] < PENDING_SECONDS][-(MAX_PENDING - 1):]
    pending.append({"state": outgoing.state, "nonce": outgoing.nonce, "verifier": outgoing.verifier,
                    "provider": provider.id, "version": provider.version, "school": provider.school_id,
                    "next": safe_next(request.args.get("next"), "progress.dashboard"), "at": now})
    session[PENDING] = pending
    return redirect(outgoing.url)


def _take_pending(state: str) -> dict | None:
    """The sign-in this state names, once: it is forgotten as it is read, so a replayed answer finds nothing."""
    now = int(time.time())
    pending = [item for item in session.get(PENDING, []) if now - item["at"] < PENDING_SECONDS]
    found = next((item for item in pending if state and item["state"] == state), None)
    session[PENDING] = [item for item in pending if item is not found]
    return found


@bp.get("/callback")
@limiter.limit(_login_limit)
def callback():
    """The provider's answer: checked whole (state, school, issuer, code, id_token) before any account opens."""
    school = find_school()
    pending = _take_pending(request.args.get("state", ""))
    if pending is None or school is None or pending["school"] != school.id:
        return _refused(_("This sign-in has expired or was started on another site. Go back to the log-in page and "
                          "start again."))
    provider = services.provider_of(school, pending["provider"])
    if provider is None or not provider.active or provider.version != pending["version"]:
        return _refused(_("The school changed this provider's settings during your sign-in. Start again."))
    try:
        client = services.client_for(provider)
    except oidc.SignInFailed as error:
        return _refused(str(error), 502)
    if "error" in request.args:
        return _refused(_("The provider did not sign you in (%(reason)s).", reason=request.args["error"][:100]), 403)
    code = request.args.get("code", "")
    issuer = request.args.get("iss")
    if not code or (issuer is not None and issuer != client.issuer):
        return _refused(_("The provider's answer is incomplete or comes from another issuer. Start again."))
    try:
        claims = oidc.finish(client, redirect_uri(), code, pending["verifier"], pending["nonce"])
    except oidc.SignInFailed as error:
        return _refused(str(error), error.status)
    with transaction(services.SignInRefused, failure=silently) as done:
        user = services.sign_in(provider, claims)
        if current_user.is_authenticated:
            end_session(current_user)  # a sign-in over another one ends it
        open_session(user)
    if not done.ok:
        return _refused(str(done.error), 403)
    login_user(user)
    return redirect(safe_next(pending["next"], "progress.dashboard"))


@bp.get("/")
@login_required
def links():
    """The providers the account signs in with (an administrator unlinks them)."""
    return render_template("sso/links.html", links=services.links_of(current_user))

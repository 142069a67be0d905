"""Signing in through a school's identity provider, confirming it is you with it (an account without a password,
``lms.accounts.reauth``), and the account's page of linked providers."""
from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm

from ..accounts import reauth
from ..accounts.services import has_password
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
FORM_TARGETS = "lms_sso_form_targets"  # g: the providers' origins a page's confirmation buttons send the browser to
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:\d+)?")


def sign_in_buttons() -> list:
    """The active providers of the request's school, for the log-in page's buttons."""
    school = find_school()
    return services.providers_of(school, active_only=True) if school is not None else []


def confirming_providers() -> list:
    """The providers the logged-in account, if it has no password, can confirm it is them with."""
    if not current_user.is_authenticated or has_password(current_user):
        return []
    providers = services.confirming_providers(current_user)
    g.setdefault(FORM_TARGETS, set()).update(_authorization_origin(provider) for provider in providers)
    return providers


def _authorization_origin(provider) -> str:
    """Where a confirmation's POST redirects the browser: the origin of the provider's authorization endpoint (of
    its issuer when the discovery document cannot be read now; the button's POST then shows the refusal)."""
    try:
        url = oidc.discover(provider.issuer)["authorization_endpoint"]
    except oidc.SignInFailed:
        url = provider.issuer
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@bp.after_app_request
def confirmation_form_targets(response):
    """A page showing "Confirm it is you" buttons lets their forms go on to the providers: form-action covers the
    redirects of a form's submission, and the button's POST answers with a redirect to the provider."""
    origins = sorted(origin for origin in g.get(FORM_TARGETS, ()) if _ORIGIN.fullmatch(origin))
    policy = response.headers.get("Content-Security-Policy", "")
    if origins and "form-action 'self';" in policy:
        response.headers["Content-Security-Policy"] = policy.replace(
            "form-action 'self';", f"form-action 'self' {' '.join(origins)};", 1)
    return response


bp.app_context_processor(lambda: {"sso_buttons": sign_in_buttons, "sso_confirmations": confirming_providers,
                                  "sso_confirmed": lambda: current_user.is_authenticated and
                                  reauth.recent(current_user)})


def _login_limit():
    return current_app.config["LMS_LOGIN_RATE_LIMIT"]


def redirect_uri() -> str:
    """The address providers send the browser back to: the school's own, the one to register at the provider."""
    return public_url("sso.callback")


def _refused(message: str, status: int = 400, confirming: bool = False):
    return render_template("sso/refused.html", message=message, confirming=confirming), status


@bp.get("/<id:provider_id>")
@limiter.limit(_login_limit)
def start(provider_id: int):
    """Send the browser to the provider; only a provider of this school, and active, exists here."""
    provider = services.provider_of(find_school(), provider_id)
    if provider is None or not provider.active:
        abort(404)
    return _send(provider, safe_next(request.args.get("next"), "progress.dashboard"))


def _send(provider, next_url: str, **confirming):
    """Remember the request in this browser's session and send the browser to the provider. ``confirming``: the
    account and log-in a re-authentication is for (it asks the provider for a fresh sign-in)."""
    fresh = {"prompt": "login", "max_age": 0} if confirming else {}
    try:
        outgoing = oidc.authorization_request(services.client_for(provider), redirect_uri(), **fresh)
    except oidc.SignInFailed as error:
        return _refused(str(error), 502, confirming=bool(confirming))
    now = int(time.time())
    pending = [item for item in session.get(PENDING, []) if now - item["at"] < PENDING_SECONDS][-(MAX_PENDING - 1):]
    pending.append({"state": outgoing.state, "nonce": outgoing.nonce, "verifier": outgoing.verifier,
                    "provider": provider.id, "version": provider.version, "school": provider.school_id,
                    "next": next_url, "at": now, **confirming})
    session[PENDING] = pending
    return redirect(outgoing.url)


@bp.post("/<id:provider_id>/confirm")
@login_required
@limiter.limit(_login_limit)
def confirm(provider_id: int):
    """An account without a password confirms it is them: a fresh sign-in at a provider it is linked to."""
    provider = services.provider_of(find_school(), provider_id)
    if provider is None or provider not in confirming_providers():
        abort(404)
    if not FlaskForm().validate_on_submit():
        abort(400)
    return _send(provider, safe_next(request.form.get("next"), "accounts.profile"),
                 confirming=current_user.id, login=current_user.session_key)


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
    if "confirming" in pending:
        return _confirmed(pending, provider, client, code)
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


def _confirmed(pending: dict, provider, client: oidc.Client, code: str):
    """The end of a re-authentication: it counts only for the account and log-in that started it, and only when
    the provider's identity is the one linked to that account. Anything else changes nothing, and says so."""
    if (not current_user.is_authenticated or current_user.id != pending["confirming"]
            or current_user.session_key != pending["login"]):
        return _refused(_("This confirmation was started by another log-in. Nothing was changed."), 403,
                        confirming=True)
    try:
        claims = oidc.finish(client, redirect_uri(), code, pending["verifier"], pending["nonce"],
                             authenticated_after=pending["at"])
    except oidc.SignInFailed as error:
        return _refused(str(error), error.status, confirming=True)
    if not services.confirms(provider, claims, current_user):
        return _refused(_("You signed in at the provider as someone other than the person linked to your account, "
                          "so it does not confirm it is you. Nothing was changed."), 403, confirming=True)
    auth_time = claims.get("auth_time")
    reauth.record(current_user, auth_time if isinstance(auth_time, (int, float)) else time.time())
    flash(_("It is you: for the next %(num)d minutes, you can go on without a password.",
            num=reauth.SECONDS // 60), "success")
    return redirect(safe_next(pending["next"], "accounts.profile"))


@bp.get("/")
@login_required
def links():
    """The providers the account signs in with (an administrator unlinks them)."""
    return render_template("sso/links.html", links=services.links_of(current_user))

"""Registering Conductor with a platform: LTI Dynamic Registration (the admin sees what the platform offers and
confirms it; a GET changes nothing) and Canvas's JSON configuration. Views of the ``lti`` blueprint."""
from __future__ import annotations

from urllib.parse import urlsplit

import requests
from flask import abort, current_app, render_template, request
from flask_login import current_user

from .. import outbound
from ..config import is_development
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school, find_school
from . import frames, registration
from . import services as lti
from .admin import tool_urls
from .forms import LOOPBACK, RegistrationForm
from .models import LtiPlatform
from .routes import bp, log, refused


@bp.get("/register")
def register():
    """Dynamic Registration, opened by the platform: an admin of this school sees what would be registered and
    confirms it (the POST below). A GET changes nothing, since any page can make an admin's browser send one."""
    config_url = request.args.get("openid_configuration", "")
    if not current_user.is_authenticated or _framed():
        if not current_user.is_authenticated and request.headers.get("Sec-Fetch-Dest") == "document":
            return current_app.login_manager.unauthorized()  # a tab of its own: the log-in page works there
        if not _usable(config_url):
            return _unusable()
        # In the platform's frame the site's SameSite=Lax cookie is not sent, and a log-in page may not be framed.
        frames.allow_framing([lti.origin(config_url)])
        return render_template("lti/register_elsewhere.html", url=request.url, school=current_school())
    if not current_user.is_admin:
        abort(403)
    if not _usable(config_url):
        return _unusable()
    try:
        with _http() as http:
            config = registration.fetch_configuration(config_url, http)
    except registration.RegistrationFailed as error:
        return _failed(error)
    school = current_school()
    form = RegistrationForm(data={"openid_configuration": config_url,
                                  "registration_token": request.args.get("registration_token", "")})
    known = db.session.scalar(db.select(db.func.count(LtiPlatform.id))
                              .filter_by(issuer=config["issuer"], school_id=school.id))
    return render_template("lti/register_confirm.html", form=form, config=config, school=school, urls=tool_urls(),
                           scopes=registration.SCOPES, known=known,
                           product=registration.PLATFORM_CONFIGURATION)


@bp.post("/register")
def confirm_registration():
    """The admin's confirmation: fetch the platform's configuration again, register with it, keep the answer."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not current_user.is_admin:
        abort(403)
    form = RegistrationForm()
    if not form.validate_on_submit() or not _usable(form.openid_configuration.data):
        return _unusable()
    config_url = form.openid_configuration.data
    school = current_school()
    try:
        with _http() as http:
            config = registration.fetch_configuration(config_url, http)
            platform = registration.register(school, config, form.registration_token.data or None, tool_urls(),
                                             school.name, http)
    except registration.RegistrationConflict as error:
        log.info("LTI dynamic registration refused: %s", error)
        if error.ours:
            message = _("This school already has this platform registered with the client ID the platform sent "
                        "back: nothing was overwritten. Edit that registration under Admin → LTI platforms.")
        else:
            message = _("The platform sent back a client ID registered for another school: nothing was changed. "
                        "Start a new registration from the platform.")
        return refused(message, 409, title=_("Registration refused"))
    except registration.RegistrationFailed as error:
        return _failed(error)
    db.session.commit()
    frames.allow_framing([lti.origin(config_url)])  # the platform may show this page in its window or frame
    return render_template("lti/registered.html", platform=platform)


def _http() -> requests.Session:
    """The HTTP session of one registration's calls to the platform (a test gives its own)."""
    return outbound.session(registration.TIMEOUT)


def _framed() -> bool:
    return request.headers.get("Sec-Fetch-Dest") in ("iframe", "frame")


def _usable(config_url: str) -> bool:
    return bool(lti.origin(config_url)) and _allowed_address(config_url)


def _unusable():
    return refused(_("The platform did not give a usable configuration address."), title=_("Registration refused"))


def _failed(error: Exception):
    log.info("LTI dynamic registration failed: %s", error)
    return refused(_("Conductor could not complete the registration: the platform refused it, could not be reached "
                     "or gave a configuration Conductor cannot use. Start the registration again from the platform: "
                     "each registration it starts can be confirmed once."), 502,
                   title=_("Registration refused"), detail=str(error))


def _allowed_address(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" or (is_development(current_app.config) and parts.hostname in LOOPBACK)


@bp.get("/canvas.json")
def canvas():
    """Canvas's JSON configuration (Developer Keys → LTI Key → Enter URL)."""
    urls = tool_urls()
    school = find_school()
    name = school.name if school else "Conductor"
    domain = urlsplit(urls["launch"]).hostname
    return {
        "title": name,
        "description": "Conductor courses, lessons and quizzes",
        "oidc_initiation_url": urls["login"],
        "target_link_uri": urls["launch"],
        "public_jwk_url": urls["jwks"],
        "scopes": list(registration.SCOPES),
        "extensions": [{
            "domain": domain, "tool_id": "conductor", "platform": "canvas.instructure.com", "privacy_level": "public",
            "settings": {"text": name, "placements": [
                {"placement": "link_selection", "message_type": "LtiDeepLinkingRequest", "target_link_uri": urls["launch"]},
                {"placement": "assignment_selection", "message_type": "LtiDeepLinkingRequest",
                 "target_link_uri": urls["launch"]},
            ]},
        }],
        "custom_fields": {},
    }

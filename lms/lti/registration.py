"""IMS LTI Dynamic Registration 1.0, the tool's side: read the platform's configuration, register with it,
keep the client id and deployment id it returns as a platform of the school."""
from __future__ import annotations

from urllib.parse import urlsplit

import requests
from sqlalchemy.exc import IntegrityError

from .. import outbound
from ..extensions import db
from ..schools.models import School
from .models import LtiPlatform
from .services import origin, set_deployments

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = ("https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly")
TIMEOUT = 10


class RegistrationFailed(Exception):
    """The platform's configuration or answer cannot be used; the message says why."""


class RegistrationConflict(RegistrationFailed):
    """The platform answered with an issuer and client id Conductor already has: registered for this school
    (``ours``) or for another. Neither is changed: a registration never takes over or overwrites another."""

    def __init__(self, message: str, ours: bool):
        super().__init__(message)
        self.ours = ours


def tool_configuration(urls: dict[str, str], name: str) -> dict:
    """The client registration Conductor sends (also the base of the Canvas JSON configuration)."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls["login"],
        "redirect_uris": [urls["launch"]],
        "client_name": name,
        "jwks_uri": urls["jwks"],
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(SCOPES),
        TOOL_CONFIGURATION: {
            "domain": urlsplit(urls["launch"]).netloc,
            "target_link_uri": urls["launch"],
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [{"type": "LtiResourceLinkRequest", "target_link_uri": urls["launch"]},
                         {"type": "LtiDeepLinkingRequest", "target_link_uri": urls["launch"],
                          "label": name}],
        },
    }


def _why(error: Exception) -> str:
    return outbound.reason(error) if isinstance(error, outbound.ForbiddenAddress) else str(error)


def fetch_configuration(url: str, session: requests.Session) -> dict:
    try:
        response = session.get(url, timeout=TIMEOUT)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as error:
        raise RegistrationFailed(f"openid-configuration: {_why(error)}") from None
    if not isinstance(config, dict):
        raise RegistrationFailed("openid-configuration is not a JSON object")
    issuer = str(config.get("issuer") or "")
    if not issuer or origin(issuer) != origin(url):
        raise RegistrationFailed("the configuration's issuer is not the origin of its address")
    for key in ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint"):
        if not origin(str(config.get(key) or "")):
            raise RegistrationFailed(f"the configuration has no {key}")
    return config


def register(school: School, config: dict, registration_token: str | None, urls: dict[str, str], name: str,
             session: requests.Session) -> LtiPlatform:
    """POST Conductor's registration to the platform; store what it answers as a new platform of ``school``
    (an answer naming a registration Conductor has already, of any school, is refused)."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        response = session.post(config["registration_endpoint"], json=tool_configuration(urls, name), headers=headers,
                                timeout=TIMEOUT)
        response.raise_for_status()
        answer = response.json()
    except (requests.RequestException, ValueError) as error:
        raise RegistrationFailed(f"registration: {_why(error)}") from None
    client_id = str(answer.get("client_id") or "") if isinstance(answer, dict) else ""
    if not client_id:
        raise RegistrationFailed("the platform's answer has no client_id")
    deployment = str((answer.get(TOOL_CONFIGURATION) or {}).get("deployment_id") or "")
    platform_name = str((config.get(PLATFORM_CONFIGURATION) or {}).get("product_family_code") or config["issuer"])
    _refuse_known(config["issuer"], client_id, school)
    platform = LtiPlatform(school_id=school.id, issuer=config["issuer"], client_id=client_id[:255],
                           name=platform_name[:200], auth_login_url=config["authorization_endpoint"],
                           auth_token_url=config["token_endpoint"], key_set_url=config["jwks_uri"],
                           token_audience=str(config.get("authorization_server") or "")[:500], active=True)
    try:
        with db.session.begin_nested():  # the same registration saved meanwhile (a double click): refused the same
            db.session.add(platform)
            db.session.flush()
    except IntegrityError:
        _refuse_known(config["issuer"], client_id, school)
        raise
    set_deployments(platform, [deployment] if deployment else [])
    return platform


def _refuse_known(issuer: str, client_id: str, school: School) -> None:
    known = db.session.scalar(db.select(LtiPlatform).filter_by(issuer=issuer, client_id=client_id[:255]))
    if known is not None:
        raise RegistrationConflict(f"client id {client_id} of {issuer} is registered already",
                                   ours=known.school_id == school.id)

"""pylti1p3 over Conductor's tables: registrations and deployments from the database, launch data (state,
nonces, launches) in a table every worker shares, and the school's signing key as the tool's key."""
from __future__ import annotations

import json
import typing as t
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from pylti1p3.contrib.flask import FlaskCookieService, FlaskRequest, FlaskSessionService
from pylti1p3.deployment import Deployment
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract
from sqlalchemy import delete

from ..certificates.signing import signing_key
from ..db import utcnow
from ..extensions import db
from ..schools.models import School
from .models import LtiDeployment, LtiLaunchData, LtiPlatform

LAUNCH_DATA_SECONDS = 3600  # a launch's state and data: long enough for a learner's visit's deep-linking page


def find_platform(issuer: str, client_id: str | None, school: School | None = None) -> LtiPlatform | None:
    """The active platform of that issuer and client id (registered for ``school`` when given)."""
    query = db.select(LtiPlatform).filter_by(issuer=issuer, active=True)
    if client_id is not None:
        query = query.filter_by(client_id=client_id)
    if school is not None:
        query = query.filter_by(school_id=school.id)
    platforms = list(db.session.scalars(query.limit(2)))
    return platforms[0] if len(platforms) == 1 else None


def _pem(school: School) -> tuple[str, str]:
    key = signing_key(school).private_key
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    return private, public


def registration(platform: LtiPlatform, school: School) -> Registration:
    private, public = _pem(school)
    return (Registration().set_issuer(platform.issuer).set_client_id(platform.client_id)
            .set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
            .set_key_set_url(platform.key_set_url).set_auth_audience(platform.token_audience or None)
            .set_tool_private_key(private).set_tool_public_key(public))


class ToolConf(ToolConfAbstract[FlaskRequest]):
    """Registrations of ``school`` only: a platform of another school is unknown on this school's site."""

    def __init__(self, school: School):
        super().__init__()
        self.school = school
        self.issuers_relation_types = _ManyClients()

    def _platform(self, iss: str, client_id: str | None) -> LtiPlatform | None:
        return find_platform(iss, client_id, self.school)

    def find_registration_by_issuer(self, iss: str, *args, **kwargs) -> Registration | None:  # type: ignore[override]
        platform = self._platform(iss, None)
        return registration(platform, self.school) if platform else None

    def find_registration_by_params(self, iss: str, client_id: str, *args, **kwargs) -> Registration | None:  # type: ignore[override]
        platform = self._platform(iss, client_id)
        return registration(platform, self.school) if platform else None

    def find_deployment(self, iss: str, deployment_id: str) -> Deployment | None:
        return self.find_deployment_by_params(iss, deployment_id, None)  # type: ignore[arg-type]

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args, **kwargs) -> Deployment | None:
        platform = self._platform(iss, client_id)
        if platform is None or not deployment_id:
            return None
        found = db.session.scalar(db.select(LtiDeployment.id).filter_by(platform_id=platform.id,
                                                                        deployment_id=deployment_id))
        return Deployment().set_deployment_id(deployment_id) if found else None


class _ManyClients(dict):
    """Every issuer may have many client ids (one per registration), as pylti1p3 recommends."""

    def get(self, key, default=None):
        return "one-issuer-many-client-ids"


class DatabaseStorage(LaunchDataStorage[t.Any]):
    """Launch data in ``lti_launch_data``, with expiry; no session-id cookie (keys are random already)."""

    _session_cookie_name = None  # type: ignore[assignment]

    def can_set_keys_expiration(self) -> bool:
        return True

    def get_value(self, key: str) -> t.Any:
        row = db.session.get(LtiLaunchData, self._prepare_key(key))
        if row is None or row.expires_at <= utcnow():
            return None
        return json.loads(row.value)

    def set_value(self, key: str, value: t.Any, exp: int | None = None) -> None:
        key = self._prepare_key(key)
        now = utcnow()
        db.session.execute(delete(LtiLaunchData).where(LtiLaunchData.expires_at <= now))
        row = db.session.get(LtiLaunchData, key) or LtiLaunchData(key=key)
        row.value = json.dumps(value)
        row.expires_at = now + timedelta(seconds=exp or LAUNCH_DATA_SECONDS)
        db.session.add(row)
        db.session.flush()

    def check_value(self, key: str) -> bool:
        return self.get_value(key) is not None

    def take(self, key: str) -> bool:
        """Delete the key, True if it was there and alive: a nonce used once is gone for every worker."""
        result = db.session.execute(delete(LtiLaunchData).where(LtiLaunchData.key == self._prepare_key(key),
                                                                LtiLaunchData.expires_at > utcnow()))
        return result.rowcount == 1


class SessionService(FlaskSessionService):
    """Nonces are single-use: checking one deletes it, so a replayed id_token is refused."""

    _launch_data_lifetime = LAUNCH_DATA_SECONDS

    def __init__(self, request):
        super().__init__(request)
        self.set_data_storage(DatabaseStorage())

    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.take(self._get_key("nonce", nonce))


class CookieService(FlaskCookieService):
    """The OIDC state cookie comes back on the platform's cross-site POST: SameSite=None; Secure."""

    def update_response(self, response):
        for key, data in self._cookie_data_to_set.items():
            response.set_cookie(key, data["value"], max_age=data["exp"], secure=True, path="/", httponly=True,
                                samesite="None")


def services(request: FlaskRequest) -> dict[str, t.Any]:
    return {"session_service": SessionService(request), "cookie_service": CookieService(request)}

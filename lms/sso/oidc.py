"""The relying party's side of OpenID Connect: discovery (cached), the authorization request with PKCE, the code
exchange, the id_token's checks and the userinfo claims. No implicit flow: only ``response_type=code``.

Discovery documents and key sets are cached in Flask-Caching for ``LMS_SSO_METADATA_TTL`` seconds, keyed by the
issuer; a key the cached set lacks (the provider rotated its keys) fetches the set once more."""
from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from flask import current_app
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from .. import outbound
from ..extensions import cache
from ..i18n import _

# Asymmetric signatures only: never "none", and no HMAC keyed with the client secret.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
MAX_DOCUMENT_BYTES = 512 * 1024
LEEWAY = 60  # seconds of clock difference allowed between the provider and the site


class SignInFailed(ValueError):
    """The provider or its answer cannot be trusted; the message is safe to show."""
    status = 400


class IssuerMismatch(SignInFailed):
    """The discovery document names another issuer (often the same one with or without a trailing slash)."""


class ProviderBroken(SignInFailed):
    """The provider cannot be reached or answered something unreadable (HTML, a JSON without what it must hold):
    a bad gateway, never a server error here."""
    status = 502


@dataclass(frozen=True)
class Client:
    """What the flow needs of a provider, built from its row (keyed by its id and version)."""
    issuer: str
    client_id: str
    client_secret: str
    scopes: str


def check_issuer_url(text: str) -> str:
    """An issuer is an https address without query or fragment (plain http only on this machine's loopback)."""
    text = (text or "").strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:
        parts, host = None, ""
    if parts is None or not host or parts.query or parts.fragment or parts.username or parts.password:
        raise SignInFailed(_("The issuer must be an address such as https://login.example.org/realms/school."))
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(host)):
        raise SignInFailed(_("The issuer's address must start with https://."))
    return text


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _timeout() -> int:
    return current_app.config["LMS_SSO_HTTP_TIMEOUT"]


def _get_json(url: str) -> dict:
    with outbound.session(_timeout()) as http:
        return _json_from(http, url)


def _json_from(http: requests.Session, url: str) -> dict:
    """A provider's JSON object at ``url`` (at most ``MAX_DOCUMENT_BYTES``), or ``ProviderBroken`` saying why."""
    try:
        with http.get(url, timeout=_timeout(), stream=True, headers={"Accept": "application/json"}) as response:
            body = response.raw.read(MAX_DOCUMENT_BYTES + 1, decode_content=True)
            status = response.status_code
    except (AuthlibBaseError, requests.RequestException) as error:
        raise ProviderBroken(_("The provider at %(url)s cannot be reached (%(reason)s).", url=url,
                               reason=outbound.reason(error))) from None
    if status != 200 or len(body) > MAX_DOCUMENT_BYTES:
        raise ProviderBroken(_("The provider at %(url)s answered with an error (HTTP %(status)d).", url=url,
                               status=status))
    try:
        document = json.loads(body)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise ProviderBroken(_("The provider at %(url)s did not answer with a JSON document.", url=url))
    return document


def _endpoint(url) -> bool:
    """An endpoint the discovery document names: an https address (plain http only on loopback, for the tests)."""
    if not isinstance(url, str):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return False
    return bool(host) and (parts.scheme == "https" or (parts.scheme == "http" and _loopback(host)))


def _words(document: dict, name: str, default: list[str]) -> list[str]:
    """A list of names the document may give (``response_types_supported``...), the default when it gives none."""
    value = document.get(name, default)
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ProviderBroken(_("The discovery document's %(name)s is not a list of names.", name=name))
    return value


def _key(kind: str, issuer: str) -> str:
    return f"sso/{kind}/" + hashlib.sha256(issuer.encode()).hexdigest()


def discover(issuer: str, fresh: bool = False) -> dict:
    """The issuer's discovery document, checked: it names the same issuer and offers the code flow."""
    key = _key("discovery", issuer)
    document = None if fresh else cache.get(key)
    if document is None:
        document = _get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if document.get("issuer") != issuer:
            raise IssuerMismatch(_("The discovery document names the issuer %(named)s, not %(issuer)s: copy the "
                                   "issuer exactly as the provider names it.", named=str(document.get("issuer"))[:200],
                                   issuer=issuer))
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not _endpoint(document.get(name)):
                raise ProviderBroken(_("The discovery document has no %(name)s.", name=name))
        if document.get("userinfo_endpoint") is not None and not _endpoint(document["userinfo_endpoint"]):
            raise ProviderBroken(_("The discovery document has no %(name)s.", name="userinfo_endpoint"))
        if "code" not in _words(document, "response_types_supported", ["code"]):
            raise SignInFailed(_("The provider does not offer the authorization code flow."))
        if "S256" not in _words(document, "code_challenge_methods_supported", ["S256"]):
            raise SignInFailed(_("The provider does not offer PKCE with S256."))
        _words(document, "token_endpoint_auth_methods_supported", ["client_secret_basic"])
        cache.set(key, document, timeout=current_app.config["LMS_SSO_METADATA_TTL"])
    return document


def resolve_issuer(text: str) -> tuple[str, dict]:
    """The issuer an admin typed, as its discovery document names it (a trailing slash may differ)."""
    text = check_issuer_url(text)
    errors = []
    for candidate in dict.fromkeys((text, text.rstrip("/"), text.rstrip("/") + "/")):
        try:
            return candidate, discover(candidate, fresh=True)
        except SignInFailed as error:
            errors.append(error)
    # What is wrong with the document itself says more than another spelling's mismatch.
    raise next((error for error in errors if not isinstance(error, IssuerMismatch)), errors[-1])


def key_set(issuer: str, fresh: bool = False) -> KeySet:
    key = _key("jwks", issuer)
    keys = None if fresh else cache.get(key)
    cached = keys is not None
    if not cached:
        keys = _get_json(discover(issuer)["jwks_uri"])
    try:
        found = KeySet.import_key_set(keys)
    except (JoseError, ValueError, TypeError, KeyError, AttributeError):
        raise ProviderBroken(_("The provider's signing keys cannot be read.")) from None
    if not cached:  # only a set that reads: a broken one is fetched again next time
        cache.set(key, keys, timeout=current_app.config["LMS_SSO_METADATA_TTL"])
    return found


@dataclass(frozen=True)
class Request:
    """An authorization request: where to send the browser, and what the callback must find again."""
    url: str
    state: str
    nonce: str
    verifier: str


def authorization_request(client: Client, redirect_uri: str, *, prompt: str | None = None,
                          max_age: int | None = None) -> Request:
    """Send the browser here: code flow, PKCE S256, and a fresh state and nonce. A re-authentication asks for
    ``prompt=login`` and ``max_age=0`` (OpenID Connect Core 3.1.2.1): the person signs in again at the provider,
    whatever session they hold there."""
    document = discover(client.issuer)
    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
    query = {"response_type": "code", "client_id": client.client_id, "redirect_uri": redirect_uri,
             "scope": client.scopes, "state": state, "nonce": nonce,
             "code_challenge": create_s256_code_challenge(verifier), "code_challenge_method": "S256"}
    if prompt is not None:
        query["prompt"] = prompt
    if max_age is not None:
        query["max_age"] = str(max_age)
    endpoint = document["authorization_endpoint"]
    return Request(endpoint + ("&" if "?" in endpoint else "?") + urlencode(query), state, nonce, verifier)


def validate_id_token(client: Client, id_token: str, nonce: str, authenticated_after: int | None = None) -> dict:
    """The id_token's claims, once its signature (the issuer's keys), iss, aud, azp, exp and nonce are right; for
    a re-authentication started at ``authenticated_after``, an ``auth_time`` the provider sends must not be older."""
    for fresh in (False, True):
        keys = key_set(client.issuer, fresh=fresh)  # ProviderBroken when the keys cannot be read
        try:
            token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
            break
        except (JoseError, ValueError, TypeError, KeyError, AttributeError) as error:  # garbage is not signed
            failure = error
    else:
        raise SignInFailed(_("The provider's identity token is not signed with its keys.")) from failure
    claims = dict(token.claims)
    registry = jwt.JWTClaimsRegistry(leeway=LEEWAY, iss={"essential": True, "value": client.issuer},
                                     sub={"essential": True}, exp={"essential": True}, iat={"essential": True},
                                     nonce={"essential": True, "value": nonce})
    try:
        registry.validate(claims)
    except (ValueError, TypeError) as error:  # a claim of the wrong type ("exp": "tomorrow")
        raise SignInFailed(_("The provider's identity token is not valid (%(claim)s).", claim=type(error).__name__)
                           ) from None
    except JoseError as error:
        raise SignInFailed(_("The provider's identity token is not valid (%(claim)s).",
                             claim=getattr(error, "claim", None) or error.error)) from None
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if client.client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client.client_id):
        raise SignInFailed(_("The provider's identity token is meant for another application."))
    if not isinstance(claims.get("sub"), str) or not claims["sub"] or len(claims["sub"]) > 255:
        raise SignInFailed(_("The provider's identity token names nobody."))
    if authenticated_after is not None and "auth_time" in claims:
        auth_time = claims["auth_time"]
        if (not isinstance(auth_time, (int, float)) or isinstance(auth_time, bool)
                or auth_time < authenticated_after - LEEWAY):
            raise SignInFailed(_("The provider did not ask you to sign in again, so it cannot confirm it is you. "
                                 "Start again."))
    return claims


def _exchange(session: OAuth2Session, endpoint: str, code: str, verifier: str) -> dict:
    """The token endpoint's answer to the code: an OAuth error is the provider's refusal; HTML, a JSON that is not
    an object or an HTTP error is a broken provider."""
    try:
        return session.fetch_token(endpoint, grant_type="authorization_code", code=code, code_verifier=verifier)
    except AuthlibBaseError as error:
        raise SignInFailed(_("The provider refused to complete the sign-in (%(reason)s).",
                             reason=str(getattr(error, "error", None) or type(error).__name__)[:100])) from None
    except requests.HTTPError as error:
        raise ProviderBroken(_("The provider at %(url)s answered with an error (HTTP %(status)d).", url=endpoint,
                               status=error.response.status_code)) from None
    except requests.RequestException as error:
        raise ProviderBroken(_("The provider at %(url)s cannot be reached (%(reason)s).", url=endpoint,
                               reason=type(error).__name__)) from None
    except (ValueError, TypeError, KeyError):  # not a JSON object, or a token whose fields cannot be read
        raise ProviderBroken(_("The provider at %(url)s did not answer with a JSON document.", url=endpoint)
                             ) from None


def _userinfo(session: OAuth2Session, endpoint: str) -> dict:
    """The userinfo endpoint's claims: a provider that lists the endpoint answers it with a JSON object."""
    return _json_from(session, endpoint)


def finish(client: Client, redirect_uri: str, code: str, verifier: str, nonce: str,
           authenticated_after: int | None = None) -> dict:
    """Exchange the code (with the PKCE verifier) and return the person's claims: the id_token's, completed by
    the userinfo endpoint's for the same ``sub``. Any answer that cannot be read raises ``SignInFailed``.
    ``authenticated_after``: see ``validate_id_token``."""
    document = discover(client.issuer)
    methods = _words(document, "token_endpoint_auth_methods_supported", ["client_secret_basic"])
    method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
    with OAuth2Session(client.client_id, client.client_secret, token_endpoint_auth_method=method,
                       redirect_uri=redirect_uri, default_timeout=_timeout()) as session:
        outbound.guard(session)
        token = _exchange(session, document["token_endpoint"], code, verifier)
        if not isinstance(token.get("id_token"), str) or not token["id_token"]:
            raise ProviderBroken(_("The provider sent no identity token."))
        claims = validate_id_token(client, token["id_token"], nonce, authenticated_after)
        userinfo_endpoint = document.get("userinfo_endpoint")
        if userinfo_endpoint and isinstance(token.get("access_token"), str) and token["access_token"]:
            info = _userinfo(session, userinfo_endpoint)
            if info.get("sub") == claims["sub"]:  # another person's claims are ignored
                claims = {**info, **claims}
    return claims

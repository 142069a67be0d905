"""Tampered id_tokens for the tool's refusal tests: each one differs from a valid launch in one way only."""
from __future__ import annotations

import time
import typing as t

import jwt

from .state import new_key_pair

DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
KINDS = ("wrong_key", "wrong_aud", "expired", "unknown_deployment", "wrong_nonce", "wrong_iss", "unsigned")
# Tokens that break an id_token rule of LTI 1.3 (Security Framework 5.1.3) which pylti1p3 2.0 leaves to the
# tool: exp and iat are checked only when present (and iat in the future only by recent PyJWT, with no leeway),
# and of a list of audiences only the first is looked at, azp never.
CLAIM_KINDS = ("no_exp", "no_iat", "future_iat", "many_aud_no_azp", "many_aud_wrong_azp")
ALL_KINDS = KINDS + CLAIM_KINDS
_OTHER_KEY: list[str] = []


def other_key() -> str:
    """A private key this platform never published (made once per process)."""
    if not _OTHER_KEY:
        _OTHER_KEY.append(new_key_pair()[0])
    return _OTHER_KEY[0]


def claims_of(id_token: str) -> dict[str, t.Any]:
    return jwt.decode(id_token, options={"verify_signature": False})


def tamper(id_token: str, kind: str, private_key: str) -> str:
    """The id_token changed as `kind` says and signed again: with `private_key` unless the change is the key."""
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown tampering {kind!r}; one of {', '.join(ALL_KINDS)}")
    header = jwt.get_unverified_header(id_token)
    claims = claims_of(id_token)
    now = int(time.time())
    key = private_key
    if kind == "wrong_key":
        key = other_key()  # same kid in the header: the tool finds the platform's key and the signature fails
    elif kind == "wrong_aud":
        claims["aud"] = "someone-else"
        claims["azp"] = "someone-else"
    elif kind == "expired":
        claims["iat"], claims["exp"] = now - 3600, now - 600
    elif kind == "unknown_deployment":
        claims[DEPLOYMENT] = "unknown-deployment"
    elif kind == "wrong_nonce":
        claims["nonce"] = "nonce-the-tool-never-issued"
    elif kind == "wrong_iss":
        claims["iss"] = "https://platform.invalid"
    elif kind in ("no_exp", "no_iat"):
        del claims[kind[3:]]
    elif kind == "future_iat":
        claims["iat"], claims["exp"] = now + 3600, now + 3900
    elif kind in ("many_aud_no_azp", "many_aud_wrong_azp"):
        audience = claims["aud"][0] if isinstance(claims["aud"], list) else claims["aud"]
        claims["aud"] = [audience, "another-tool"]
        claims.pop("azp", None)
        if kind == "many_aud_wrong_azp":
            claims["azp"] = "another-tool"
    if kind == "unsigned":
        return jwt.encode(claims, None, algorithm="none", headers={"kid": header.get("kid")})
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": header.get("kid")})

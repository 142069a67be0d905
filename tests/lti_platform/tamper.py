"""Tampered id_tokens for the tool's refusal tests: each one differs from a valid launch in one way only."""
from __future__ import annotations

import time
import typing as t

import jwt

from .state import new_key_pair

DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"
KINDS = ("wrong_key", "wrong_aud", "expired", "unknown_deployment", "wrong_nonce", "wrong_iss", "unsigned")
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
    if kind not in KINDS:
        raise ValueError(f"unknown tampering {kind!r}; one of {', '.join(KINDS)}")
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
    if kind == "unsigned":
        return jwt.encode(claims, None, algorithm="none", headers={"kid": header.get("kid")})
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": header.get("kid")})

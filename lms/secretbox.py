"""Secrets an admin gives the site (an identity provider's client secret, a record store's password), kept in
the database sealed with a key derived from ``LMS_SECRET_KEY``: a copy of the database alone does not reveal
them. Changing ``LMS_SECRET_KEY`` makes them unreadable, and the pages that use them ask for them again."""
from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app


class SecretUnreadable(Exception):
    """The sealed value was sealed under another ``LMS_SECRET_KEY``, or was altered."""


def _box() -> Fernet:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"conductor secretbox v1").derive(secret)
    return Fernet(base64.urlsafe_b64encode(key))


def seal(text: str) -> str:
    """``text`` encrypted and authenticated, as ASCII for a text column ("" stays "": no secret given)."""
    return _box().encrypt(text.encode()).decode() if text else ""


def unseal(token: str) -> str:
    """The text ``seal`` was given; ``SecretUnreadable`` if the key changed or the value was altered."""
    if not token:
        return ""
    try:
        return _box().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        raise SecretUnreadable("this secret was sealed under another LMS_SECRET_KEY, or altered: enter it again") from None

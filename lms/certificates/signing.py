"""Which key signs, the same on every server: each key's public half is registered in the database,
where every server reads the published key set; the newest registered key signs, and only a server
holding its private half (in its keys folder) may sign. A server lacking it refuses, never making a
key of its own, so two servers never publish different keys."""
from __future__ import annotations

import json

from sqlalchemy import func

from ..db import insert_ignore
from ..extensions import db
from .keys import SigningKey, key_store
from .models import PublishedKey

MAX_TRIES = 16  # serials tried when racing servers register keys at the same moment


class SigningKeyUnavailable(Exception):
    """This server cannot sign: it lacks the private half of the current signing key."""


def published() -> list[PublishedKey]:
    """Every registered key, oldest first; the last one signs."""
    return list(db.session.scalars(db.select(PublishedKey).order_by(PublishedKey.serial)))


def public_jwk(record: PublishedKey) -> dict[str, str]:
    return json.loads(record.jwk)


def _insert(key: SigningKey, first: bool = False) -> bool:
    """Register one key after the newest (insert-ignore on both unique keys); False when ``first`` and
    a key is registered already, or when the key is registered already."""
    for _ in range(MAX_TRIES):
        top = db.session.scalar(db.select(func.max(PublishedKey.serial))) or 0
        if first and top:
            return False
        row = {"serial": top + 1, "kid": key.kid, "created": key.created,
               "jwk": json.dumps(key.public_jwk(), separators=(",", ":"))}
        if db.session.execute(insert_ignore(PublishedKey, row).returning(PublishedKey.id)).scalar_one_or_none():
            return True
        if db.session.scalar(db.select(PublishedKey.id).filter_by(kid=key.kid)) is not None:
            return False
    raise SigningKeyUnavailable("Could not register the signing key (other servers kept registering keys); try again.")


def register(keys: list[SigningKey]) -> int:
    """Register the public halves of ``keys`` (oldest first) not registered yet; returns how many.
    Run on `keys list`, `rotate`, `import`, a JWKS request and each signature, so the keys of an install
    made before the registry are published as soon as it is used."""
    known = set(db.session.scalars(db.select(PublishedKey.kid)))
    return sum(_insert(key) for key in keys if key.kid not in known)


def signing_key() -> SigningKey:
    """The newest registered key, from this server's folder. On a fresh install (no key registered
    anywhere) the first key is made here; racing servers register one of theirs, the losers drop theirs."""
    store = key_store()
    local = {key.kid: key for key in store.keys()}
    register(list(local.values()))
    newest = db.session.scalars(db.select(PublishedKey).order_by(PublishedKey.serial.desc()).limit(1)).first()
    if newest is None:
        with store.lock():
            key = store.create()
            if _insert(key, first=True):
                return key
            store.remove(key)
        newest = db.session.scalars(db.select(PublishedKey).order_by(PublishedKey.serial.desc()).limit(1)).first()
    if newest.kid in local:
        return local[newest.kid]
    raise SigningKeyUnavailable(
        f"Cannot sign: the current signing key {newest.kid} (made {newest.created}) is not in this server's "
        f"keys folder {store.folder}. Copy the keys from the server that made it (`flask lms keys export - | "
        f"flask lms keys import -`) or share the folder; no key was made.")

"""Which key signs a school's credentials, the same on every server: each key's public half is registered
in the database for its school, where every server reads the school's published key set; the school's
newest registered key signs, and only a server holding its private half (in the school's keys folder) may
sign. A server lacking it refuses, never making a key of its own, so two servers never publish different
keys. Each school has its own keys, so a credential verifies against its own school's keys only."""
from __future__ import annotations

import json

from sqlalchemy import func

from ..db import insert_ignore
from ..extensions import db
from ..schools.models import School
from .keys import SigningKey, key_store
from .models import PublishedKey

MAX_TRIES = 16  # serials tried when racing servers register keys at the same moment


class SigningKeyUnavailable(Exception):
    """This server cannot sign: it lacks the private half of the current signing key."""


def published(school: School) -> list[PublishedKey]:
    """Every key registered for the school, oldest first; the last one signs."""
    return list(db.session.scalars(db.select(PublishedKey).filter_by(school_id=school.id).order_by(PublishedKey.serial)))


def owners(kids: list[str]) -> dict[str, int]:
    """The school each of these keys is registered for, by key id (a key unknown so far is left out)."""
    return dict(db.session.execute(db.select(PublishedKey.kid, PublishedKey.school_id).where(PublishedKey.kid.in_(kids))).all())


def public_jwk(record: PublishedKey) -> dict[str, str]:
    return json.loads(record.jwk)


def _insert(school: School, key: SigningKey, first: bool = False) -> bool:
    """Register one key after the school's newest (insert-ignore on both unique keys); False when ``first``
    and a key is registered for the school already, or when the key is registered already."""
    for _ in range(MAX_TRIES):
        top = db.session.scalar(db.select(func.max(PublishedKey.serial)).filter_by(school_id=school.id)) or 0
        if first and top:
            return False
        row = {"school_id": school.id, "serial": top + 1, "kid": key.kid, "created": key.created,
               "jwk": json.dumps(key.public_jwk(), separators=(",", ":"))}
        if db.session.execute(insert_ignore(PublishedKey, row).returning(PublishedKey.id)).scalar_one_or_none():
            return True
        if db.session.scalar(db.select(PublishedKey.id).filter_by(kid=key.kid)) is not None:
            return False
    raise SigningKeyUnavailable("Could not register the signing key (other servers kept registering keys); try again.")


def register(school: School, keys: list[SigningKey]) -> int:
    """Register for the school the public halves of ``keys`` (oldest first, from its folder) not registered
    yet; returns how many. Run on `keys list`, `rotate`, `import`, a JWKS request and each signature, so the
    keys of an install made before the registry are published as soon as it is used."""
    known = set(db.session.scalars(db.select(PublishedKey.kid)))
    return sum(_insert(school, key) for key in keys if key.kid not in known)


def _newest(school: School) -> PublishedKey | None:
    return db.session.scalars(db.select(PublishedKey).filter_by(school_id=school.id)
                              .order_by(PublishedKey.serial.desc()).limit(1)).first()


def signing_key(school: School) -> SigningKey:
    """The school's newest registered key, from this server's folder. For a school with no key registered
    (a fresh install, a new school) the first key is made here; racing servers register one of theirs, the
    losers drop theirs."""
    store = key_store(school)
    local = {key.kid: key for key in store.keys()}
    register(school, list(local.values()))
    newest = _newest(school)
    if newest is None:
        with store.lock():
            key = store.create()
            if _insert(school, key, first=True):
                return key
            store.remove(key)
        newest = _newest(school)
    if newest.kid in local:
        return local[newest.kid]
    raise SigningKeyUnavailable(
        f"Cannot sign for {school.slug}: its current signing key {newest.kid} (made {newest.created}) is not in "
        f"this server's keys folder {store.folder}. Copy the keys from the server that made it (`flask lms keys "
        f"export --school {school.slug} - | flask lms keys import --school {school.slug} -`) or share the "
        f"folder; no key was made.")

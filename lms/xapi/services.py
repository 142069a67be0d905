"""A school's learning record store: setting it, sending it statements, and what waits for it."""
from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import requests
from flask import current_app
from sqlalchemy import delete, select

from .. import outbound
from ..config import is_development
from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..outbox.models import OutboxMessage
from ..outbox.services import Reject, Retry, counts, hurry
from ..schools.models import School
from ..secretbox import SecretUnreadable, seal, unseal
from .models import RecordStore

KIND = "xapi"
HEADERS = {"Content-Type": "application/json", "X-Experience-API-Version": "1.0.3"}
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
REFUSED = {400, 413, 422}  # the store will never take this statement: stop trying it


class StoreRefused(ValueError):
    """A setting the page cannot save; the message says why, for the admin."""


def store_of(school: School | int) -> RecordStore | None:
    school_id = school if isinstance(school, int) else school.id
    return db.session.execute(select(RecordStore).filter_by(school_id=school_id)).scalar_one_or_none()


def active_store(school_id: int) -> RecordStore | None:
    """The school's store when it is turned on: only then are statements made for its learners."""
    store = store_of(school_id)
    return store if store is not None and store.active else None


def check_endpoint(text: str) -> str:
    """The store's xAPI address, ending in "/": HTTPS, or HTTP on this machine in development."""
    text = (text or "").strip()
    try:
        parts = urlsplit(text)
        host = parts.hostname
        parts.port  # noqa: B018 (raises on a port that is not a number)
    except ValueError:
        host, parts = None, None
    if parts is None or not host or parts.scheme not in ("http", "https") or parts.username or parts.password \
            or parts.query or parts.fragment or len(text) > 490:
        raise StoreRefused(_("Write the record store's xAPI address in full, such as https://lrs.example.org/xAPI/ "
                             "(no user name, query or fragment)."))
    if parts.scheme == "http" and not (host in LOOPBACK and is_development(current_app.config)):
        raise StoreRefused(_("The record store's address must start with https:// (plain http is accepted only for "
                             "a store on this machine, in development)."))
    return text.rstrip("/") + "/"


def save_store(school: School, endpoint: str, key: str, secret: str, active: bool) -> RecordStore:
    """Set the school's store; an empty ``secret`` keeps the stored one (the page never shows it)."""
    endpoint, key = check_endpoint(endpoint), (key or "").strip()
    if not key or len(key) > 200:
        raise StoreRefused(_("Give the key (the user name) the record store gave you, at most 200 characters."))
    store = store_of(school)
    if store is None:
        if not secret:
            raise StoreRefused(_("Give the secret (the password) the record store gave you."))
        store = RecordStore(school_id=school.id, actor_salt=secrets.token_hex(16), created_at=utcnow())
        db.session.add(store)
    store.endpoint, store.key, store.active, store.updated_at = endpoint, key, active, utcnow()
    if secret:
        store.secret = seal(secret)
    db.session.flush()
    return store


def send(payload: dict) -> None:
    """The outbox's sender: PUT one statement by its id, so a resend is the same statement. Stored (2xx) or
    already stored (409, a statement with its id is there) is delivered; a refusal of the statement itself stops
    trying it; anything else (the store down, a wrong password, the store turned off) waits and is tried again."""
    store = active_store(payload["school_id"])
    if store is None:
        raise Retry("the school's learning record store is turned off or not set")
    try:
        password = unseal(store.secret)
    except SecretUnreadable as error:
        raise Retry(str(error)) from None
    statement = payload["statement"]
    token = base64.b64encode(f"{store.key}:{password}".encode()).decode()
    try:
        with outbound.session(current_app.config["LMS_XAPI_TIMEOUT"]) as http, \
                http.put(store.endpoint + "statements", params={"statementId": statement["id"]},
                         data=json.dumps(statement).encode(), allow_redirects=False, stream=True,
                         headers={**HEADERS, "Authorization": f"Basic {token}"}) as response:
            status = response.status_code
            detail = response.raw.read(200, decode_content=True).decode(errors="replace") if status >= 300 else ""
    except requests.RequestException as error:
        raise Retry(f"the record store could not be reached: {outbound.reason(error)}") from None
    if status == 409:
        return  # a statement with this id is stored already: this one, sent before a crash
    if status >= 300:  # a redirect is not followed: a PUT of credentials goes to the address the admin gave only
        message = f"the record store answered {status}: {detail}"
        raise Reject(message) if status in REFUSED else Retry(message)


@dataclass(frozen=True)
class Status:
    pending: int
    sent: int
    failed: int
    last_error: str
    last_error_at: datetime | None


def status(school: School) -> Status:
    """What waits for the school's store, what went out, what it refused, and the latest error."""
    numbers = {state: number for (kind, state), number in counts(school.id).items() if kind == KIND}
    latest = db.session.execute(select(OutboxMessage.error, OutboxMessage.created_at).where(
        OutboxMessage.school_id == school.id, OutboxMessage.kind == KIND, OutboxMessage.error != "",
        OutboxMessage.state != "sent").order_by(OutboxMessage.id.desc()).limit(1)).first()
    return Status(numbers.get("pending", 0), numbers.get("sent", 0), numbers.get("failed", 0),
                  latest.error if latest else "", latest.created_at if latest else None)


def retry_now(school: School) -> int:
    """Make every statement waiting for the school's store due now; they leave once the caller commits."""
    return len(hurry(KIND, school.id))


def learner_key(user_id: int) -> str:
    """The start of the outbox key of every statement about the learner (see ``receivers``)."""
    return f"u{user_id}:"


def forget_learner(user_id: int) -> int:
    """An erased account: its statements not sent yet are never sent, and those sent leave this database (the
    record store keeps its copies: removing them there is the school's to do). Returns how many were deleted."""
    prefix = learner_key(user_id).replace("_", r"\_").replace("%", r"\%")
    return db.session.execute(delete(OutboxMessage).where(
        OutboxMessage.kind == KIND, OutboxMessage.key.like(prefix + "%", escape="\\"))
        .execution_options(synchronize_session=False)).rowcount

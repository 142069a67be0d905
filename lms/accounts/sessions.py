"""Login sessions kept on the server: Flask-Login's cookies name one, and it holds only while its row does.

Logging out deletes the row, so a copy of the session or remember cookie taken before stops working,
while the account's sessions on other devices go on. A new password or a deactivated account ends
them all. A session lasts ``LMS_SESSION_HOURS`` after log-in, or ``LMS_REMEMBER_DAYS`` when the learner
asked to stay logged in on the device; then the learner logs in again.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta

from flask import current_app, has_request_context, request
from sqlalchemy import bindparam, delete

from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..schools.services import find_school
from .models import LoginSession, User


def open_session(user: User, remember: bool = False) -> LoginSession:
    """Start a login session for the user (a fresh random key each log-in), and drop expired ones."""
    config = current_app.config
    now = utcnow()
    lifetime = timedelta(hours=config["LMS_SESSION_HOURS"])
    if remember:  # never shorter than a plain log-in (LMS_REMEMBER_DAYS=0 turns remembering off)
        lifetime = max(lifetime, timedelta(days=config["LMS_REMEMBER_DAYS"]))
    db.session.execute(delete(LoginSession).where(LoginSession.expires_at <= now))
    agent = request.user_agent.string[:200] if has_request_context() else ""
    row = LoginSession(key=secrets.token_urlsafe(32), user_id=user.id, remember=remember, created_at=now,
                       expires_at=now + lifetime, user_agent=agent or None)
    db.session.add(row)
    db.session.flush()
    user.session_key = row.key
    return row


def end_session(user: User) -> None:
    """Log out: the session the user was loaded for ends, on the server."""
    if user.session_key:
        db.session.execute(delete(LoginSession).where(LoginSession.key == user.session_key))
        user.session_key = None


def end_sessions(user: User, keep: str | None = None) -> None:
    """End every session of the account, except the one named ``keep`` (the device making the change)."""
    statement = delete(LoginSession).where(LoginSession.user_id == user.id)
    if keep:
        statement = statement.where(LoginSession.key != keep)
    db.session.execute(statement)


def handle(row: LoginSession) -> str:
    """What names a session on the sessions page and in its form: a digest of its key, never the key
    itself (the key is the credential its cookies carry)."""
    return hashlib.sha256(row.key.encode()).hexdigest()[:24]


def active_sessions(user: User) -> list[LoginSession]:
    """The account's sessions that have not expired, the newest first."""
    return list(db.session.execute(
        db.select(LoginSession).where(LoginSession.user_id == user.id, LoginSession.expires_at > utcnow())
        .order_by(LoginSession.created_at.desc(), LoginSession.key)).scalars())


def end_chosen(user: User, choice: str) -> int:
    """End one of the account's other sessions (by its handle) or, for "others", all of them; the
    session making the request goes on. Returns how many ended (0 when the handle names none)."""
    others = [row for row in active_sessions(user) if row.key != user.session_key]
    chosen = others if choice == "others" else [row for row in others if handle(row) == choice]
    if chosen:
        db.session.execute(delete(LoginSession).where(LoginSession.key.in_([row.key for row in chosen])))
    return len(chosen)


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
             ("Chrome/", "Chrome"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device(user_agent: str | None) -> str:
    """A short, readable name for the device a session was opened on ("Firefox on Windows")."""
    if not user_agent:
        return _("A device not recorded")
    browser = next((name for mark, name in _BROWSERS if mark in user_agent), None)
    system = next((name for mark, name in _SYSTEMS if mark in user_agent), None)
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)
    return browser or system or re.sub(r"[^\x20-\x7e]", "", user_agent)[:60] or _("A device not recorded")


# Built once: on every request this costs about a quarter less than building it each time.
_SESSION_USER = (db.select(User).join(LoginSession, LoginSession.user_id == User.id)
                 .where(User.id == bindparam("id"), LoginSession.key == bindparam("key"),
                        LoginSession.expires_at > bindparam("now")))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the account, if its login session still exists and has not expired."""
    ident, _dot, key = user_id.partition(".")
    if not ident.isdigit() or not key:
        return None
    user = db.session.execute(_SESSION_USER, {"id": int(ident), "key": key, "now": utcnow()}).scalar_one_or_none()
    if user is None or not user.active:
        return None
    school = find_school()  # read once per request: the page's header shows it anyway
    if school is None or user.school_id != school.id:
        return None  # an account of another school is a stranger here, whatever cookie it shows
    user.session_key = key
    return user

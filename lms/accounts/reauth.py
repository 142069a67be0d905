"""Confirming it is you without a password. The pages that ask for the password again (the data export, the
deletion request, the change of e-mail address, logging out of other devices) cannot ask an account that has none (made by single sign-on, or
invited): such an account confirms by signing in again at its school's identity provider (``lms.sso``), which
records the moment here, in this browser's session, for this account and this log-in only. For the next
``SECONDS`` those pages take it instead of the password; an account with a password is always asked for it."""
from __future__ import annotations

import time

from flask import session
from flask_wtf import FlaskForm

from ..i18n import _
from .models import User
from .services import has_password

KEY = "lms_reauth"
SECONDS = 300  # five minutes


def record(user: User, at: float) -> None:
    """``user``, logged in on this browser, confirmed it is them at ``at`` (seconds since the epoch)."""
    session[KEY] = {"user": user.id, "login": user.session_key, "at": int(min(at, time.time()))}


def recent(user: User) -> bool:
    """Whether ``user`` confirmed it is them in this log-in, less than ``SECONDS`` ago."""
    mark = session.get(KEY)
    return (isinstance(mark, dict) and mark.get("user") == user.id and mark.get("login") == user.session_key
            and time.time() - mark.get("at", 0) <= SECONDS)


def fitted(form: FlaskForm, user: User, name: str = "password") -> FlaskForm:
    """The form of a page that asks for the password again, without its password field (``name``) for an account
    that has none (the page offers to confirm with the identity provider instead)."""
    if not has_password(user):
        del form[name]
    return form


def unconfirmed(form: FlaskForm, user: User, name: str = "password") -> bool:
    """True, with the form's error, when the form asks no password (``fitted``) and the account has not confirmed
    it is them recently: the page then does nothing. False when its password field is there to be checked."""
    if getattr(form, name) is not None or recent(user):
        return False
    form.form_errors.append(_("Your account has no password: first confirm it is you with your school's identity "
                              "provider, with the button above. A confirmation lasts %(num)d minutes.",
                              num=SECONDS // 60))
    return True

"""Account rules: registration, credentials, password resets, profile changes. No request, no commit."""
from __future__ import annotations

import hashlib

from flask import current_app
from sqlalchemy.exc import IntegrityError
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from ..db import insert_ignore, insert_ignore_many
from ..extensions import db
from ..i18n import LANGUAGES, _
from ..schools.models import School
from ..schools.services import current_school, find_school
from ..signals import name_changed
from .models import ROLES, User
from .sessions import end_chosen, end_sessions

RESET_SALT = "lms-password-reset"
REGISTER_SALT = "lms-registration"
EMAIL_CHANGE_SALT = "lms-email-change"
INVITATION_SALT = "lms-invitation"
# The password of an account made for someone (a cohort import, an admission) until they choose theirs:
# no password hash starts with "!", so no password matches it.
NO_PASSWORD = "!invited"
# Compared against when the e-mail is unknown, so a log-in takes as long either way.
_DUMMY_HASH: dict[str, str] = {}


class AccountError(ValueError):
    """A rule was broken; the message is safe to show to the user."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user(email: str, school: School | None = None) -> User | None:
    """The account with this address at ``school`` (default: the school of the request)."""
    school = school or find_school()
    if school is None:  # a fresh install: no school, so no account yet
        return None
    return db.session.execute(db.select(User).filter_by(school_id=school.id, email=normalise_email(email))
                              ).scalar_one_or_none()


def of_this_school(user: User | None) -> User | None:
    """``user`` if they belong to the school of the request, else None: an account is a stranger elsewhere."""
    school = find_school()
    return user if user is not None and school is not None and user.school_id == school.id else None


def _hash(password: str) -> str:
    return generate_password_hash(password, method=current_app.config["LMS_PASSWORD_HASH"])


def create_user(email: str, name: str, password: str, role: str = "learner", school: School | None = None,
                platform_admin: bool = False) -> User:
    """An account at ``school`` (default: the school of the request)."""
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (use one of: {', '.join(ROLES)})")
    school = school or current_school()
    taken = AccountError(_("An account with this e-mail address already exists."))
    if find_user(email, school) is not None:
        raise taken
    values = {"school_id": school.id, "email": normalise_email(email), "name": name.strip(),
              "password_hash": _hash(password), "role": role, "platform_admin": platform_admin}
    # Two sign-ups racing for one address (a double click on the registration link): the second is refused.
    user_id = db.session.execute(insert_ignore(User, values, ["school_id", "email"]).returning(User.id)
                                 ).scalar_one_or_none()
    if user_id is None:
        raise taken
    return db.session.get(User, user_id)


def create_invited_user(email: str, name: str, role: str = "learner", locale: str | None = None,
                        school: School | None = None) -> User:
    """An account made for someone by the school: no password matches it until its owner chooses one through the
    invitation link (``make_invitation_token``). Cheap to create (no password hashing), so an import of
    thousands of learners takes seconds."""
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (use one of: {', '.join(ROLES)})")
    if locale is not None and locale not in LANGUAGES:
        raise AccountError(f"unknown language '{locale}'")
    taken = AccountError(_("An account with this e-mail address already exists."))
    school = school or current_school()
    values = {"school_id": school.id, "email": normalise_email(email), "name": name.strip(),
              "password_hash": NO_PASSWORD, "role": role, "locale": locale}
    user_id = db.session.execute(insert_ignore(User, values, ["school_id", "email"]).returning(User.id)
                                 ).scalar_one_or_none()
    if user_id is None:
        raise taken
    return db.session.get(User, user_id)


def has_password(user: User) -> bool:
    return user.password_hash != NO_PASSWORD


def passwords_on(school: School | None = None) -> bool:
    """Whether the school (default: the request's) lets people log in with a password. Off, they sign in with its
    identity providers (lms/sso)."""
    school = school or find_school()
    return school is None or school.local_passwords


def keeps_password(user: User) -> bool:
    """Whether the account may use a password: everyone's while the school keeps local passwords; with them off,
    only the school's administrators and the platform's, so a broken provider setting can be repaired."""
    return user.is_admin or user.platform_admin or passwords_on(db.session.get(School, user.school_id))


def authenticate(email: str, password: str) -> User | None:
    user = find_user(email)
    if user is None:
        method = current_app.config["LMS_PASSWORD_HASH"]
        dummy = _DUMMY_HASH.setdefault(method, generate_password_hash("not-a-password", method=method))
        check_password_hash(dummy, password)
        return None
    if not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def set_password(user: User, password: str, keep_session: str | None = None) -> None:
    """Store a new password and end every session of the account but ``keep_session``."""
    user.password_hash = _hash(password)
    end_sessions(user, keep=keep_session)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """The user's own change: the session making it goes on, every other one ends."""
    check_password(user, current)
    set_password(user, new, keep_session=user.session_key)


def end_other_sessions(user: User, current: str | None, choice: str) -> int:
    """End another of the account's sessions, or all the others, once the password is given again (``current``;
    None when an account without a password confirmed it is them with its identity provider: ``reauth``)."""
    if current is None and has_password(user):
        raise AccountError(_("The password is not correct."))
    if current is not None and not check_password_hash(user.password_hash, current):
        raise AccountError(_("The password is not correct."))
    ended = end_chosen(user, choice)
    if not ended:
        raise AccountError(_("That session has already ended. The list below is up to date."))
    return ended


def _serializer(salt: str = RESET_SALT) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def make_registration_token(email: str, name: str) -> str:
    """The link that proves the address is the learner's: opening it finishes the registration."""
    school = find_school()  # the link finishes the account at the school it was asked for, on no other
    return _serializer(REGISTER_SALT).dumps({"email": normalise_email(email), "name": name.strip(),
                                             "school": school.id if school is not None else None})


def registration_for_token(token: str) -> tuple[str, str]:
    """The e-mail address and name a registration link was made for."""
    try:
        data = _serializer(REGISTER_SALT).loads(token, max_age=current_app.config["LMS_REGISTER_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise AccountError(_("This link has expired. Register again to get a new one.")) from None
    except BadSignature:
        raise AccountError(_("This link is not valid. Register again to get a new one.")) from None
    school = find_school()
    if data.get("school") is not None and (school is None or data["school"] != school.id):
        raise AccountError(_("This link is not valid. Register again to get a new one."))
    return data["email"], data["name"]


def _fingerprint(user: User) -> str:
    # Changes with the password, so a used token (or any older one) stops working.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_reset_token(token: str) -> User:
    try:
        data = _serializer().loads(token, max_age=current_app.config["LMS_RESET_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise AccountError(_("This reset link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise AccountError(_("This reset link is not valid. Ask for a new one.")) from None
    user = of_this_school(db.session.get(User, data.get("uid"))) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise AccountError(_("This reset link has already been used or is no longer valid. Ask for a new one."))
    return user


def make_invitation_token(user: User) -> str:
    """The link that lets an invited account's owner choose a password; it stops working once one is chosen."""
    return _serializer(INVITATION_SALT).dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_for_invitation_token(token: str) -> User:
    try:
        data = _serializer(INVITATION_SALT).loads(token, max_age=current_app.config["LMS_INVITATION_MAX_AGE"])
    except SignatureExpired:
        raise AccountError(_("This invitation has expired. Ask for a new password with your e-mail address.")) from None
    except BadSignature:
        raise AccountError(_("This invitation link is not valid.")) from None
    user = of_this_school(db.session.get(User, data.get("uid"))) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("fp") != _fingerprint(user):
        raise AccountError(_("This invitation has already been used: log in with your password, or reset it."))
    return user


def rename(user: User, name: str, actor: User) -> bool:
    """Set the name printed on new certificates; False when it is the same. Certificates already issued
    keep theirs (a snapshot): the ``name_changed`` signal lets certificates offer or make a reissue."""
    name = name.strip()
    if not name:
        raise AccountError(_("Enter a name."))
    if len(name) > 120:
        raise AccountError(_("Use at most 120 characters."))
    if name == user.name:
        return False
    previous, user.name = user.name, name
    db.session.flush()
    name_changed.send(user, previous=previous, actor=actor)
    return True


def choose_language(user: User, language: str | None) -> None:
    """The interface language the account reads in; None: the browser's, else the school's."""
    if language is not None and language not in LANGUAGES:
        raise ValueError(f"not an interface language: {language!r}")
    user.locale = language


def choose_reminders(user: User, wanted: bool) -> None:
    """Deadline reminders by e-mail on or off; mails about certificates and applications still go out."""
    user.reminders_off = not wanted


def check_password(user: User, password: str) -> None:
    if not check_password_hash(user.password_hash, password):
        raise AccountError(_("The current password is not correct."))


def make_email_change_token(user: User, new_email: str) -> str:
    """The link mailed to the new address. It names the account and its current address, so it works
    once: after the change (or another one) the current address differs and the link is refused."""
    return _serializer(EMAIL_CHANGE_SALT).dumps({"uid": user.id, "from": user.email, "to": normalise_email(new_email)})


def email_change_for_token(token: str) -> tuple[User, str]:
    """The account and the new address a link confirms, checked but not applied."""
    try:
        data = _serializer(EMAIL_CHANGE_SALT).loads(token, max_age=current_app.config["LMS_EMAIL_CHANGE_TOKEN_MAX_AGE"])
    except SignatureExpired:
        raise AccountError(_("This confirmation link has expired: your e-mail address is unchanged. "
                           "Ask for a new link from your profile page.")) from None
    except BadSignature:
        raise AccountError(_("This confirmation link is not valid: your e-mail address is unchanged. "
                           "Ask for a new link from your profile page.")) from None
    user = of_this_school(db.session.get(User, data.get("uid"))) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("from") != user.email:
        raise AccountError(_("This confirmation link has already been used or is no longer valid: your e-mail "
                           "address is unchanged."))
    if find_user(data["to"]) is not None:
        raise AccountError(_("Another account now uses this address: your e-mail address is unchanged."))
    return user, data["to"]


def change_email_for_token(token: str) -> tuple[User, str]:
    """Apply the e-mail change a link confirms; returns the account and its previous address."""
    user, new_email = email_change_for_token(token)
    previous, user.email = user.email, new_email
    try:
        db.session.flush()
    except IntegrityError:  # another account took the address a moment ago; the caller rolls back
        raise AccountError(_("Another account now uses this address: your e-mail address is unchanged.")) from None
    return user, previous


def find_users_by_email(emails: list[str], school: School | None = None) -> dict[str, int]:
    """The ids of the accounts using these addresses (normalised) at ``school`` (default: the request's), in one
    query: a bulk ``find_user``."""
    wanted = [normalise_email(email) for email in emails]
    school = school or find_school()
    if not wanted or school is None:
        return {}
    rows = db.session.execute(db.select(User.email, User.id).where(User.school_id == school.id, User.email.in_(wanted)))
    return {email: user_id for email, user_id in rows}


def create_invited_users(people: list[tuple[str, str]], role: str = "learner", locale: str | None = None,
                         school: School | None = None) -> dict[str, int]:
    """``create_invited_user`` for many (e-mail, name) pairs at ``school`` (default: the request's) in one
    statement; an address that already has an account there is left as it is. Returns the ids of the accounts the
    addresses now have."""
    if role not in ROLES:
        raise AccountError(f"unknown role '{role}' (use one of: {', '.join(ROLES)})")
    if locale is not None and locale not in LANGUAGES:
        raise AccountError(f"unknown language '{locale}'")
    school = school or current_school()
    rows = [{"school_id": school.id, "email": normalise_email(email), "name": name.strip(), "password_hash": NO_PASSWORD,
             "role": role, "locale": locale} for email, name in people]
    if rows:
        db.session.execute(insert_ignore_many(User, ["school_id", "email"]), rows)
    return find_users_by_email([row["email"] for row in rows], school)

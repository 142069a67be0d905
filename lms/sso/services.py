"""Single sign-on rules: a school's providers, and which account a provider's sign-in opens. No request, no commit.

Who an identity belongs to, in this order: the account linked to (provider, ``sub``); else, when the provider may
link by e-mail and says the address is verified, the school's *learner* account with that address (now linked: a
staff account never is, so a misconfigured or hostile provider cannot open an administrator's account); else, when
the provider creates accounts, a new learner account of the provider's school (with no password). Anything else is
refused, and nothing ever matches an account of another school."""
from __future__ import annotations

import re

from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..accounts.models import User
from ..accounts.services import AccountError, create_invited_user, find_user, normalise_email
from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..schools.models import School
from . import oidc, sealing
from .models import DEFAULT_SCOPES, IdentityLink, IdentityProvider

SCOPE = re.compile(r"[\x21\x23-\x5b\x5d-\x7e]{1,64}")


class ProviderRefused(ValueError):
    """A provider setting the school cannot take; the message says why, for the admin."""


class SignInRefused(ValueError):
    """The identity is genuine but opens no account here; the message says why, for the person."""


def providers_of(school: School, active_only: bool = False) -> list[IdentityProvider]:
    query = db.select(IdentityProvider).filter_by(school_id=school.id)
    if active_only:
        query = query.filter_by(active=True)
    return list(db.session.execute(query.order_by(IdentityProvider.label, IdentityProvider.id)).scalars())


def provider_of(school: School | None, provider_id: int) -> IdentityProvider | None:
    """The provider, if it belongs to ``school``: another school's provider does not exist here."""
    provider = db.session.get(IdentityProvider, provider_id)
    return provider if provider is not None and school is not None and provider.school_id == school.id else None


def client_for(provider: IdentityProvider) -> oidc.Client:
    """The provider's client, built once per edit (keyed by its id and version), its secret unsealed;
    ``oidc.SignInFailed`` when the secret was sealed under another ``LMS_SECRET_KEY``."""
    clients = current_app.extensions["lms"].setdefault("sso_clients", {})
    key = (provider.id, provider.version)
    if key not in clients:
        try:
            secret = sealing.unseal(provider.client_secret)
        except sealing.SecretUnreadable:
            raise oidc.SignInFailed(_("This provider's client secret can no longer be read (the site's secret key "
                                      "changed): the school's administrators must enter it again.")) from None
        clients[key] = oidc.Client(provider.issuer, provider.client_id, secret, provider.scopes)
    return clients[key]


def parse_scopes(text: str) -> str:
    scopes = list(dict.fromkeys((text or "").split())) or DEFAULT_SCOPES.split()
    if not all(SCOPE.fullmatch(scope) for scope in scopes) or len(" ".join(scopes)) > 255:
        raise ProviderRefused(_("Scopes are words separated by spaces, such as: openid email profile."))
    if "openid" not in scopes:
        raise ProviderRefused(_("The scopes must include openid."))
    return " ".join(scopes)


def save_provider(school: School, provider: IdentityProvider | None, *, label: str, issuer: str, client_id: str,
                  client_secret: str | None, scopes: str, creates_accounts: bool, links_by_email: bool) -> IdentityProvider:
    """Register (``provider`` None) or edit a provider, once its discovery document names the same issuer. An
    empty ``client_secret`` keeps the stored one on an edit."""
    label, client_id = label.strip(), client_id.strip()
    if not label or not client_id:
        raise ProviderRefused(_("The provider needs a button label and a client ID."))
    if provider is None and not client_secret:
        raise ProviderRefused(_("Give the client secret the provider issued for Conductor."))
    scopes = parse_scopes(scopes)
    try:
        issuer, _document = oidc.resolve_issuer(issuer)
    except oidc.SignInFailed as error:
        raise ProviderRefused(str(error)) from None
    if provider is not None and issuer != provider.issuer and has_links(provider):
        # A link names a person by the ``sub`` one issuer gave them: at another issuer the same ``sub`` is
        # someone else, who would open this account.
        raise ProviderRefused(_("Accounts are linked to this provider, so its issuer cannot change: register the new "
                                "issuer as another provider."))
    if provider is None:
        provider = IdentityProvider(school_id=school.id, active=True, version=1)
        db.session.add(provider)
    else:
        provider.version += 1  # the client built from the old settings is never used again
    provider.label, provider.issuer, provider.client_id, provider.scopes = label, issuer, client_id, scopes
    provider.creates_accounts, provider.links_by_email = creates_accounts, links_by_email
    if client_secret:
        provider.client_secret = sealing.seal(client_secret)
    db.session.flush()
    return provider


def has_links(provider: IdentityProvider) -> bool:
    return db.session.execute(db.select(IdentityLink.id).filter_by(provider_id=provider.id).limit(1)).first() is not None


def set_active(provider: IdentityProvider, active: bool) -> None:
    """Turn a provider on or off; the last active one stays while the school's local passwords are off."""
    school = db.session.get(School, provider.school_id)
    if not active and not school.local_passwords and provider.active \
            and [p.id for p in providers_of(school, active_only=True)] == [provider.id]:
        raise ProviderRefused(_("This is the school's only active provider and local passwords are off: turn local "
                                "passwords on first, or nobody but the administrators could sign in."))
    provider.active = active
    provider.version += 1
    db.session.flush()


def set_local_passwords(school: School, on: bool) -> None:
    """Local passwords on or off; off needs an active provider (the school's admins keep their passwords)."""
    if not on and not providers_of(school, active_only=True):
        raise ProviderRefused(_("Register and activate an identity provider before turning local passwords off."))
    school.local_passwords = on
    db.session.flush()


def _verified(claims: dict) -> bool:
    return claims.get("email_verified") in (True, "true")


def _name(claims: dict, email: str) -> str:
    name = claims.get("name") or " ".join(str(claims.get(part) or "") for part in ("given_name", "family_name")).strip()
    name = name or claims.get("preferred_username") or email.split("@")[0]
    return str(name).strip()[:120] or email[:120]


def _link(provider: IdentityProvider, user: User, sub: str, email: str) -> IdentityLink:
    link = IdentityLink(provider_id=provider.id, user_id=user.id, sub=sub, email=email[:254], last_used_at=utcnow())
    db.session.add(link)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        raise SignInRefused(_("Your account is already linked to another identity at this provider. Ask the "
                              "school's administrators to unlink it.")) from None
    return link


def sign_in(provider: IdentityProvider, claims: dict) -> User:
    """The account the provider's identity opens at the provider's school (see the module's rules)."""
    sub = claims["sub"]
    email = normalise_email(str(claims.get("email") or ""))
    link = db.session.execute(db.select(IdentityLink).filter_by(provider_id=provider.id, sub=sub)).scalar_one_or_none()
    if link is not None:
        user = db.session.get(User, link.user_id)
        if user is None or user.school_id != provider.school_id:  # never, by construction: refused all the same
            raise SignInRefused(_("No account at this school is linked to you."))
        _check_active(user)
        link.last_used_at = utcnow()
        if email:
            link.email = email[:254]
        db.session.flush()
        return user
    school = db.session.get(School, provider.school_id)
    existing = find_user(email, school) if email else None
    if existing is not None:
        if not provider.links_by_email:
            raise SignInRefused(_("An account of this school uses your e-mail address, but it is not linked to this "
                                  "provider. Ask the school's administrators to link it."))
        if not _verified(claims):
            raise SignInRefused(_("An account of this school uses your e-mail address, but the provider does not say "
                                  "the address is verified, so it cannot be linked."))
        if existing.role != "learner" or existing.platform_admin:
            # A provider that says an address is verified (misconfigured, or hostile) must not open a staff account.
            raise SignInRefused(_("An account of this school uses your e-mail address, but it is a staff account "
                                  "(instructor, author or administrator), and staff accounts are never linked "
                                  "through their e-mail address. Log in with your password, or ask the school's "
                                  "administrators if you cannot."))
        _check_active(existing)
        _link(provider, existing, sub, email)
        return existing
    if not provider.creates_accounts:
        raise SignInRefused(_("No account at this school is linked to you. Ask the school's administrators for one."))
    if not email or len(email) > 254 or "@" not in email:
        raise SignInRefused(_("The provider gave no e-mail address, so no account can be made for you."))
    try:
        user = create_invited_user(email, _name(claims, email), school=school)
    except AccountError as error:
        raise SignInRefused(str(error)) from None
    _link(provider, user, sub, email)
    return user


def _check_active(user: User) -> None:
    if not user.active:
        raise SignInRefused(_("This account is deactivated. Ask the school's administrators."))


def links_of(user: User) -> list[tuple[IdentityLink, IdentityProvider]]:
    return list(db.session.execute(
        db.select(IdentityLink, IdentityProvider).join(IdentityProvider, IdentityProvider.id == IdentityLink.provider_id)
        .where(IdentityLink.user_id == user.id).order_by(IdentityProvider.label)).all())


def confirming_providers(user: User) -> list[IdentityProvider]:
    """The active providers of the account's school it is linked to: those it can confirm it is them with."""
    return [provider for _link, provider in links_of(user)
            if provider.active and provider.school_id == user.school_id]


def confirms(provider: IdentityProvider, claims: dict, user: User) -> bool:
    """Whether the provider's identity is the one linked to ``user`` (a re-authentication opens nothing)."""
    link = db.session.execute(db.select(IdentityLink).filter_by(provider_id=provider.id, sub=claims["sub"])
                              ).scalar_one_or_none()
    return link is not None and link.user_id == user.id and user.school_id == provider.school_id


def links_at(provider: IdentityProvider, search: str = "", limit: int = 100) -> list[tuple[IdentityLink, User]]:
    """The provider's linked accounts (the first ``limit``, by e-mail), those whose address or name hold ``search``."""
    query = (db.select(IdentityLink, User).join(User, User.id == IdentityLink.user_id)
             .where(IdentityLink.provider_id == provider.id))
    if search:
        pattern = "%" + search.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(User.email.like(pattern, escape="\\") | db.func.lower(User.name).like(pattern, escape="\\"))
    return list(db.session.execute(query.order_by(User.email).limit(limit)).all())


def unlink(link: IdentityLink) -> None:
    db.session.delete(link)
    db.session.flush()

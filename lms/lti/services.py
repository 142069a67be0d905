"""What a verified launch does: find or make the account (by the platform's ``sub`` only), map its roles,
record the resource link and context, enrol learners. Takes claims already verified by pylti1p3."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete

from ..accounts.models import User
from ..accounts.services import AccountError, create_invited_user
from ..catalog.models import Course, Lesson, Module
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..progress.services import enrol
from ..quizzes.models import Quiz
from ..schools.models import School
from .models import (
    LtiAccount,
    LtiContext,
    LtiDeployment,
    LtiLaunch,
    LtiPlatform,
    LtiResourceLink,
)

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
ROLES_CLAIM = CLAIM + "roles"
CONTEXT_CLAIM = CLAIM + "context"
LINK_CLAIM = CLAIM + "resource_link"
CUSTOM_CLAIM = CLAIM + "custom"
MESSAGE_CLAIM = CLAIM + "message_type"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
DEEP_LINKING_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
# LTI role (the name after "#", of a context role or a sub-role) -> Conductor role for a new account.
# Administrators of the platform become instructors: a platform's admin is not this school's admin. A content
# developer too: a course's content developer on the platform is not an author of Conductor's whole catalogue.
ROLE_MAP = {"Instructor": "instructor", "TeachingAssistant": "instructor", "Administrator": "instructor",
            "ContentDeveloper": "instructor", "Mentor": "instructor"}
RANK = {"learner": 0, "instructor": 1, "author": 2, "admin": 3}
HIGHEST_LTI_ROLE = "instructor"  # no platform's claim, whatever ROLE_MAP says, makes an author or an admin
TARGET_PARAM = "conductor_target"  # the custom parameter a deep link carries: "quiz:12"


TIME_LEEWAY = 60  # seconds of clock difference allowed between a platform and Conductor


def token_problem(claims: dict, client_id: str, now: float) -> str | None:
    """Why a launch's claims, already verified by pylti1p3, still cannot be accepted, or None. pylti1p3 2.0
    checks ``exp`` and ``iat`` only when present, and takes the first ``aud`` as the client id without looking
    at the others or at ``azp``: the id_token rules of LTI 1.3 (Security Framework 5.1.3) need the rest."""
    exp, iat = claims.get("exp"), claims.get("iat")
    if not isinstance(exp, (int, float)) or isinstance(exp, bool):
        return "no exp"
    if exp <= now - TIME_LEEWAY:
        return "expired"
    if not isinstance(iat, (int, float)) or isinstance(iat, bool):
        return "no iat"
    if iat > now + TIME_LEEWAY:
        return "issued in the future"
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if not client_id or client_id not in audiences:
        return "not for this client"
    if len(audiences) > 1 and "azp" not in claims:
        return "several audiences and no azp"
    if "azp" in claims and claims["azp"] != client_id:
        return "azp is another client"
    return None


class LaunchRefused(Exception):
    """A verified token that Conductor still cannot act on (no such item, an item of another school)."""


def lti_role(roles: list[str]) -> str:
    """The Conductor role a new account gets: the highest the LTI roles map to (instructor at most), else learner."""
    mapped = ["learner"]
    for uri in roles or []:
        name = str(uri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        mapped.append(ROLE_MAP.get(name, "learner"))
    highest = max(mapped, key=lambda role: RANK.get(role, 0))
    return highest if RANK.get(highest, 0) <= RANK[HIGHEST_LTI_ROLE] else HIGHEST_LTI_ROLE


def teaches(roles: list[str]) -> bool:
    return lti_role(roles) != "learner"


def placeholder_email(platform: LtiPlatform, sub: str) -> str:
    """An address nobody receives mail at, unique per platform and user: ``lti-<hash>@<host>.invalid``."""
    digest = hashlib.sha256(f"{platform.id}:{sub}".encode()).hexdigest()[:20]
    host = (urlsplit(platform.issuer).hostname or "platform").strip(".")
    return f"lti-{digest}@{host}.invalid"


def display_name(claims: dict) -> str:
    name = str(claims.get("name") or " ".join(filter(None, [claims.get("given_name"), claims.get("family_name")]))).strip()
    return name[:120] or "LTI " + hashlib.sha256(str(claims.get("sub")).encode()).hexdigest()[:8]


def account_for(platform: LtiPlatform, claims: dict, school: School) -> tuple[User, bool]:
    """The account linked to the platform's ``sub``, or a new one in the platform's school. The e-mail of the
    claims is unverified: it never finds an existing account and never becomes a new account's address (which
    is a placeholder, so no later sign-in by that address reaches this account); it is kept as ``claimed_email``."""
    sub = str(claims.get("sub") or "")[:255]
    if not sub:
        raise LaunchRefused("the launch names no user")
    for _try in range(2):  # a second launch of the same new user racing this one: the loser finds its account
        found = _linked(platform, sub, school)
        if found is not None:
            return found, False
        email = str(claims.get("email") or "").strip()[:254]
        try:
            with db.session.begin_nested():
                user = create_invited_user(placeholder_email(platform, sub), display_name(claims), lti_role(claims.get(ROLES_CLAIM, [])),
                                           school=school)
                linked = db.session.execute(insert_ignore(
                    LtiAccount, {"platform_id": platform.id, "sub": sub, "user_id": user.id, "claimed_email": email,
                                 "created_at": utcnow()}, ["platform_id", "sub"]).returning(LtiAccount.id)
                ).scalar_one_or_none()
                if linked is None:
                    raise AccountError("linked meanwhile")
        except AccountError:
            continue  # the savepoint is undone: no account without its link
        return user, True
    raise LaunchRefused("the account could not be made")


def _linked(platform: LtiPlatform, sub: str, school: School) -> User | None:
    link = db.session.scalar(db.select(LtiAccount).filter_by(platform_id=platform.id, sub=sub))
    if link is None:
        return None
    user = db.session.get(User, link.user_id)
    if user is None or user.school_id != school.id:
        raise LaunchRefused("linked account not found in this school")
    return user


def link_account(platform: LtiPlatform, sub: str, user: User) -> LtiAccount:
    """An admin's decision: the platform's user ``sub`` is this existing account."""
    row = db.session.scalar(db.select(LtiAccount).filter_by(platform_id=platform.id, sub=sub))
    if row is None:
        row = LtiAccount(platform_id=platform.id, sub=sub, user_id=user.id)
        db.session.add(row)
    row.user_id = user.id
    db.session.flush()
    return row


@dataclass
class Target:
    kind: str
    item: object
    course: Course


def resolve(kind: str, ident: int, school_courses) -> Target | None:
    """The item a deep link names, if it is one of the courses this school offers."""
    model = {"course": Course, "module": Module, "lesson": Lesson, "quiz": Quiz}.get(kind)
    item = db.session.get(model, ident) if model else None
    if item is None:
        return None
    course = item if kind == "course" else db.session.get(Course, item.course_id)
    if course is None or course.id not in school_courses:
        return None
    return Target(kind, item, course)


def parse_target(value: str | None) -> tuple[str, int] | None:
    kind, _colon, ident = str(value or "").partition(":")
    if kind in ("course", "module", "lesson", "quiz") and ident.isdigit():
        return kind, int(ident)
    return None


def record_context(platform: LtiPlatform, claims: dict) -> LtiContext | None:
    context = claims.get(CONTEXT_CLAIM) or {}
    if not context.get("id"):
        return None
    row = db.session.scalar(db.select(LtiContext).filter_by(platform_id=platform.id, context_id=str(context["id"])[:255]))
    if row is None:
        row = LtiContext(platform_id=platform.id, context_id=str(context["id"])[:255])
        db.session.add(row)
    row.title = str(context.get("title") or context.get("label") or "")[:255]
    nrps = claims.get(NRPS_CLAIM) or {}
    if nrps.get("context_memberships_url"):
        row.memberships_url = str(nrps["context_memberships_url"])[:500]
    ags = claims.get(AGS_CLAIM) or {}
    if ags.get("lineitems"):
        row.lineitems_url = str(ags["lineitems"])[:500]
    db.session.flush()
    return row


def record_link(platform: LtiPlatform, claims: dict, context: LtiContext | None, target: Target) -> LtiResourceLink:
    link_id = str((claims.get(LINK_CLAIM) or {}).get("id") or "")[:255]
    row = db.session.scalar(db.select(LtiResourceLink).filter_by(platform_id=platform.id, resource_link_id=link_id))
    if row is None:
        row = LtiResourceLink(platform_id=platform.id, resource_link_id=link_id)
        db.session.add(row)
    row.context_id = context.id if context else None
    row.target, row.target_id, row.course_id = target.kind, target.item.id, target.course.id
    lineitem = (claims.get(AGS_CLAIM) or {}).get("lineitem")
    if lineitem:
        row.lineitem_url = str(lineitem)[:500]
    if context is not None and context.course_id is None:
        context.course_id = target.course.id
    db.session.flush()
    return row


def record_launch(link: LtiResourceLink, user: User, sub: str) -> None:
    row = db.session.scalar(db.select(LtiLaunch).filter_by(resource_link_id=link.id, user_id=user.id))
    if row is None:
        db.session.add(LtiLaunch(resource_link_id=link.id, user_id=user.id, sub=sub))
    else:
        row.last_launch_at = utcnow()
    db.session.flush()


def enrol_learner(user: User, course: Course, school: School) -> None:
    if user.role == "learner":
        enrol(user, course, school)


def set_deployments(platform: LtiPlatform, deployment_ids: list[str]) -> None:
    """The platform's deployment ids become exactly these."""
    wanted = {value.strip()[:255] for value in deployment_ids if value.strip()}
    db.session.execute(delete(LtiDeployment).where(LtiDeployment.platform_id == platform.id,
                                                   LtiDeployment.deployment_id.not_in(wanted or {""})))
    known = set(db.session.scalars(db.select(LtiDeployment.deployment_id).filter_by(platform_id=platform.id)))
    for value in sorted(wanted - known):
        db.session.add(LtiDeployment(platform_id=platform.id, deployment_id=value))
    db.session.flush()


def origin(url: str) -> str | None:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}"

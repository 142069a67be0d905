"""Names and Role Provisioning Services: the platform's course members become accounts (by ``sub``) and
enrolments in the linked course, ahead of their first launch; run again, it adds only who is new."""
from __future__ import annotations

from dataclasses import dataclass, field

from pylti1p3.exception import LtiException
from pylti1p3.names_roles import NamesRolesProvisioningService
from pylti1p3.service_connector import ServiceConnector
from requests import RequestException

from .. import outbound
from ..catalog.models import Course
from ..extensions import db
from ..progress.services import enrol, enrolment_for
from ..schools.models import School
from .ags import TIMEOUT
from .models import LtiContext, LtiPlatform
from .services import ROLES_CLAIM, LaunchRefused, account_for, display_name
from .tool import registration


class RosterUnavailable(Exception):
    """The platform did not give the members (no service for this course, or it is unreachable)."""


@dataclass
class RosterReport:
    created: list[str] = field(default_factory=list)
    linked: int = 0
    enrolled: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # members linked to an account of another school, or unmade


def fetch_members(platform: LtiPlatform, context: LtiContext, school: School) -> list[dict]:
    if not context.memberships_url:
        raise RosterUnavailable("no memberships URL")
    with outbound.session(TIMEOUT) as http:
        connector = ServiceConnector(registration(platform, school), requests_session=http)
        service = NamesRolesProvisioningService(connector, {"context_memberships_url": context.memberships_url,
                                                            "service_versions": ["2.0"]})
        try:
            return list(service.get_members())  # follows the rel="next" pages
        except (LtiException, RequestException) as error:
            raise RosterUnavailable(str(error)) from None


def import_members(platform: LtiPlatform, context: LtiContext, members: list[dict], school: School) -> RosterReport:
    """Accounts for the active members (found by sub, made when new), learners enrolled in the linked course. A
    member whose account cannot be used here (linked to an account of another school) is skipped and reported."""
    report = RosterReport()
    course = db.session.get(Course, context.course_id) if context.course_id else None
    for member in members:
        if str(member.get("status", "Active")) != "Active" or not member.get("user_id"):
            continue
        claims = {"sub": str(member["user_id"]), "name": member.get("name"), "given_name": member.get("given_name"),
                  "family_name": member.get("family_name"), "email": member.get("email"),
                  ROLES_CLAIM: member.get("roles") or []}
        try:
            user, created = account_for(platform, claims, school)
        except LaunchRefused:
            report.skipped.append(display_name(claims))
            continue
        if created:
            report.created.append(user.name)
        else:
            report.linked += 1
        if course is not None and user.role == "learner" and enrolment_for(user, course) is None:
            enrol(user, course, school)
            report.enrolled.append(user.name)
    db.session.flush()
    return report

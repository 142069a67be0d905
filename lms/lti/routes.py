"""The endpoints an LTI platform calls (open to everyone: the signed id_token is the proof), and the
deep-linking picker an instructor sees inside the platform."""
from __future__ import annotations

import logging
import time

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user
from pylti1p3.contrib.flask import FlaskMessageLaunch, FlaskOIDCLogin, FlaskRequest
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException, OIDCException
from pylti1p3.lineitem import LineItem

from .. import outbound
from ..accounts.sessions import open_session
from ..catalog.models import Course
from ..certificates.signing import public_jwk, published, signing_key
from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..schools.services import current_school, find_school
from ..signals import launched
from ..web import content_security_policy, token_is_proof
from . import catalog, frames, roster
from . import services as lti
from .ags import TIMEOUT
from .models import LtiContext, LtiPlatform
from .tool import ToolConf, find_platform, services

log = logging.getLogger("lms.lti")
bp = Blueprint("lti", __name__, template_folder="templates", url_prefix="/lti")
DEEP_LINK = "lti_deep_link"  # the session key naming a deep-linking launch awaiting the instructor's choice


def refused(message: str, status: int = 400, site_link: str | None = None, title: str | None = None,
            detail: str | None = None):
    """The refusal page; ``detail``: the technical reason, shown apart from the message, as it came (in English)."""
    db.session.rollback()
    return render_template("lti/refused.html", message=message, site_link=site_link, title=title,
                           detail=detail), status


def _unacceptable():
    return refused(_("This launch cannot be accepted: it is forged, expired, already used, or it comes from a "
                     "platform or deployment this school has not registered. Launch again from your LMS."))


def _frame_origins(platform: LtiPlatform) -> list[str]:
    """Who frames a launch's pages: the platform's issuer, its login URL, and the launch's ``Origin``."""
    return [lti.origin(platform.issuer), lti.origin(platform.auth_login_url),
            lti.origin(request.headers.get("Origin", ""))]


@bp.get("/jwks.json")
def jwks():
    """The tool's public keys (the school's signing keys), which platforms verify its messages with."""
    school = current_school()
    signing_key(school)  # made and registered on first use
    keys = [public_jwk(record) for record in published(school)]
    db.session.commit()
    response = {"keys": keys}
    return response, 200, {"Cache-Control": "public, max-age=300"}


@bp.route("/login", methods=["GET", "POST"])
@token_is_proof
def login():
    """OIDC third-party initiated login: send the browser back to the platform with a state and a nonce."""
    school = find_school()
    if school is None:
        return refused(_("This site has no school yet."), 404)
    flask_request = FlaskRequest()
    oidc = FlaskOIDCLogin(flask_request, ToolConf(school), **services(flask_request))
    try:
        response = oidc.redirect(url_for("lti.launch", _external=True))
    except (LtiException, OIDCException) as error:
        log.info("LTI login refused: %s", error)
        return refused(_("This LTI platform is not registered with this school, or it is turned off."))
    db.session.commit()
    return response


@bp.post("/launch")
@token_is_proof
def launch():
    """The platform's signed launch: verified by pylti1p3 (signature, issuer, audience, expiry, nonce used
    once, deployment) and ``token_problem`` (exp and iat required, every audience and azp), then the account
    is found by the platform's ``sub`` and logged in."""
    school = find_school()
    if school is None:
        return refused(_("This site has no school yet."), 404)
    flask_request = FlaskRequest()
    message = FlaskMessageLaunch(flask_request, ToolConf(school), **services(flask_request),
                                 requests_session=outbound.session(TIMEOUT))  # the platform's key set
    # iat is token_problem's, with its leeway (PyJWT's own check, when its version has one, allows none); the
    # audience is pylti1p3's registration lookup and token_problem's.
    message.set_jwt_verify_options({"verify_aud": False, "verify_iat": False})
    try:
        claims = message.get_launch_data()
    except LtiException as error:
        log.warning("LTI launch refused: %s", error)
        return _unacceptable()
    problem = lti.token_problem(claims, message.get_client_id(), time.time())
    if problem is not None:
        log.warning("LTI launch refused: %s", problem)
        return _unacceptable()
    platform = find_platform(claims["iss"], message.get_client_id(), school)
    if platform is None:
        return refused(_("This LTI platform is not registered with this school, or it is turned off."))
    try:
        user, _created = lti.account_for(platform, claims, school)
    except lti.LaunchRefused:
        return refused(_("The account linked to you is not an account of this school."), 403)
    if not user.active:
        return refused(_("Your account here is deactivated: ask the school's administrators."), 403)
    if user.is_admin or user.platform_admin:
        # An admin's session is never framable (a framed admin page could be clickjacked): this refusal alone
        # shows in the platform's frame, and the admin opens Conductor in a tab of its own.
        frames.allow_framing(_frame_origins(platform))
        return refused(_("Administrators of this school open Conductor directly, not inside another platform’s "
                         "page: an administrator’s pages are never shown in a frame."), 403,
                       site_link=url_for("catalog.home", _external=True))
    roles = claims.get(lti.ROLES_CLAIM, [])
    context = lti.record_context(platform, claims)
    destination = url_for("catalog.home")
    if message.is_deep_link_launch():
        if not lti.teaches(roles):
            return refused(_("Only the course's teachers may choose what Conductor adds to it."), 403)
        destination = url_for("lti.deep_link")
    else:
        target = _target(platform, claims, context)
        if target is not None:
            link = lti.record_link(platform, claims, context, target)
            lti.record_launch(link, user, str(claims["sub"]))
            lti.enrol_learner(user, target.course, school)
            launched.send(user, course=target.course, via="lti", at=utcnow())  # an xAPI "launched", per launch
            destination = catalog.url_of(target)
    row = open_session(user)
    login_user(user)
    frames.mark(row.key, _frame_origins(platform))
    if message.is_deep_link_launch():
        session[DEEP_LINK] = {"launch": message.get_launch_id(), "user": user.id}
    db.session.commit()
    return redirect(destination, 303)


def _target(platform, claims, context: LtiContext | None) -> lti.Target | None:
    """What the link opens: the item its deep link named, else the item recorded for it, else the context's course."""
    offered = catalog.offered_ids()
    named = lti.parse_target((claims.get(lti.CUSTOM_CLAIM) or {}).get(lti.TARGET_PARAM))
    if named:
        return lti.resolve(*named, offered)
    link_id = str((claims.get(lti.LINK_CLAIM) or {}).get("id") or "")
    known = catalog.known_link(platform, link_id)
    if known is not None:
        return lti.resolve(known.target, known.target_id, offered)
    if context is not None and context.course_id is not None:
        return lti.resolve("course", context.course_id, offered)
    return None


def _deep_link_launch():
    waiting = session.get(DEEP_LINK)
    school = find_school()
    if not isinstance(waiting, dict) or school is None or not current_user.is_authenticated:
        return None
    if waiting.get("user") != current_user.id:
        return None  # the teacher who launched it answers it, not whoever logs in on this browser next
    launch_id = str(waiting.get("launch") or "")
    flask_request = FlaskRequest()
    try:
        return FlaskMessageLaunch.from_cache(launch_id, flask_request, ToolConf(school), **services(flask_request),
                                             requests_session=outbound.session(TIMEOUT))
    except LtiException:
        return None


@bp.route("/deep-link", methods=["GET", "POST"])
def deep_link():
    """The catalog to pick from; the choice goes back to the platform as a signed LtiDeepLinkingResponse."""
    message = _deep_link_launch()
    if message is None:
        return refused(_("There is no deep-linking request waiting: start again from your LMS."), 403)
    items = catalog.choices()
    if request.method == "GET":
        return render_template("lti/deep_link.html", items=items, error=None)
    if not catalog.valid_choice(request.form.get("target"), items):
        return render_template("lti/deep_link.html", items=items, error=_("Choose one item.")), 422
    kind, ident = lti.parse_target(request.form["target"])
    target = lti.resolve(kind, ident, catalog.offered_ids())
    title = catalog.title_of(target)
    resource = (DeepLinkResource().set_url(url_for("lti.launch", _external=True)).set_title(title)
                .set_custom_params({lti.TARGET_PARAM: f"{kind}:{ident}"}))
    if kind in ("quiz", "course"):  # a quiz's best score, a course's completion: a column in the gradebook
        resource.set_lineitem(LineItem().set_score_maximum(100).set_label(title).set_resource_id(f"{kind}:{ident}"))
    deep_link = message.get_deep_link()
    token = deep_link.get_response_jwt([resource])
    return_url = message.get_launch_data()[lti.DEEP_LINKING_CLAIM]["deep_link_return_url"]
    session.pop(DEEP_LINK, None)
    db.session.commit()
    policy = content_security_policy().replace("form-action 'self'",
                                               f"form-action 'self' {lti.origin(return_url) or ''}".strip())
    return (render_template("lti/deep_link_return.html", return_url=return_url, token=token, title=title), 200,
            {"Content-Security-Policy": policy})


def _may_import() -> None:
    """Instructors and admins of the school import rosters (learners and authors may not)."""
    if current_user.role not in ("instructor", "admin"):
        abort(403)


def _contexts(school) -> list[LtiContext]:
    return list(db.session.scalars(db.select(LtiContext).join(LtiPlatform, LtiPlatform.id == LtiContext.platform_id)
                                   .where(LtiPlatform.school_id == school.id).order_by(LtiContext.title, LtiContext.id)))


@bp.get("/contexts")
@login_required
def contexts():
    """The platforms' courses that launched Conductor, each with its roster import."""
    _may_import()
    school = current_school()
    courses = dict(db.session.execute(db.select(Course.id, Course.title)).all())
    return render_template("lti/contexts.html", contexts=_contexts(school), courses=courses, report=None)


@bp.post("/contexts/<id:context_id>/roster")
@login_required
def import_roster(context_id: int):
    """Names and Role Provisioning Services: the context's members get accounts and enrolments."""
    _may_import()
    school = current_school()
    context = db.session.get(LtiContext, context_id)
    if context is None or context.platform.school_id != school.id:
        abort(404)
    try:
        members = roster.fetch_members(context.platform, context, school)
        report = roster.import_members(context.platform, context, members, school)
    except roster.RosterUnavailable as error:
        log.info("LTI roster of context %s unavailable: %s", context.id, error)
        db.session.rollback()
        flash(_("The platform did not give this course’s members; nothing was changed. Launch Conductor from the "
                "course once, then try again."), "error")
        return redirect(url_for("lti.contexts"), 303)
    db.session.commit()
    courses = dict(db.session.execute(db.select(Course.id, Course.title)).all())
    return render_template("lti/contexts.html", contexts=_contexts(school), courses=courses, report=report,
                           reported=context)


from . import register_routes  # noqa: E402,F401  (dynamic registration and Canvas's configuration join ``bp``)

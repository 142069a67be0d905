"""The learner's skills profile (``/account/skills``) and each skill's public page (``/skills/<slug>``), the
address Open Badges credentials align to."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user, login_required

from ..catalog.models import Skill
from ..extensions import db
from ..i18n import interface_language
from . import services

bp = Blueprint("skills", __name__, template_folder="templates")


@bp.get("/account/skills")
@login_required
def profile():
    """The signed-in learner's own profile against a role (``?role=<id>``; the first role by default)."""
    roles = services.live_roles()
    wanted = request.args.get("role")
    role = next((r for r in roles if r.slug == wanted), None) if wanted else (roles[0] if roles else None)
    if wanted and role is None:
        abort(404)
    found = services.profile(current_user, current_user.school_id, role, interface_language())
    return render_template("skills/profile.html", profile=found, roles=roles)


@bp.get("/skills/<slug>")
def skill(slug: str):
    """What the skill means and the lessons of this site that teach it, for anyone."""
    found = db.session.execute(db.select(Skill).filter_by(slug=slug, retired=False)).scalar_one_or_none()
    if found is None:
        abort(404)
    user = current_user if current_user.is_authenticated else None
    lessons = services.teaching_lessons([found.id], user, interface_language()).get(found.id, [])
    return render_template("skills/skill.html", skill=found, lessons=lessons)

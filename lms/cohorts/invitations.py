"""The public page of a cohort's invitation link, ``/join/<token>``: it names the school and the cohort; a
logged-in learner joins with one POST, taking one seat; a visitor logs in (or registers) first and comes back."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from ..extensions import db
from ..i18n import _
from ..schools.services import find_school
from ..web import transaction
from . import services
from .forms import CsrfForm

bp = Blueprint("cohort_join", __name__, template_folder="templates")


def invitation_or_404(token: str):
    """The link of the current school that ``token`` opens; any other token is not found."""
    invitation = services.invitation_for(token)
    school = find_school()
    if invitation is None or school is None or invitation.cohort.school_id != school.id:
        abort(404)
    return invitation, school


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    invitation, school = invitation_or_404(token)
    cohort = invitation.cohort
    state = services.link_state(invitation)
    member = current_user.is_authenticated and services.is_member(cohort, current_user)
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if not CsrfForm().validate_on_submit():
            abort(400)
        if current_user.role != "learner":
            abort(403)
        if not member and state.usable:
            with transaction(services.LinkClosed) as done:
                services.join_by_link(invitation, current_user)
                done.success = _("Welcome to the cohort %(name)s: its courses are on your dashboard.",
                                 name=cohort.name)
            if done.ok:
                return redirect(url_for("progress.dashboard"))
            db.session.refresh(invitation)
            state = services.link_state(invitation)
        elif member:
            return redirect(url_for("progress.dashboard"))
    status = 200 if state.usable or member else 410
    return render_template("cohorts/join.html", invitation=invitation, cohort=cohort, school=school, state=state,
                           member=member, form=CsrfForm(), login=url_for("accounts.login", next=request.path),
                           register=url_for("accounts.register")), status

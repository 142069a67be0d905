"""The instructor's side of cohorts: the cohorts one teaches, and a cohort's progress against its deadlines
(as a page and as a streamed CSV). Admins follow every cohort of their school; instructors the ones they teach."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import current_user

from ..extensions import db
from ..i18n import _l
from ..reports.csvstream import csv_response
from ..schools.services import find_school
from .models import Cohort
from .tracking import SORTS, cohort_progress, may_follow, taught_cohorts, teaches

bp = Blueprint("teaching", __name__, url_prefix="/teach", template_folder="templates")

STATE_WORDS = {"done": _l("done"), "late": _l("done late"), "due": _l("due"), "missed": _l("missed")}


@bp.before_request
def require_teacher():
    """Log in first; then admins, instructors and staff who teach a cohort (403 for anyone else)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not teaches(current_user, find_school()):
        abort(403)
    return None


@bp.app_template_filter("deadline_state")
def deadline_state(state: str) -> str:
    return str(STATE_WORDS[state])


def cohort_or_abort(cohort_id: int) -> Cohort:
    """Load the cohort within this school (404), then check that the reader follows it (403)."""
    school = find_school()
    cohort = db.session.execute(db.select(Cohort).where(Cohort.id == cohort_id, Cohort.school_id == school.id)
                                ).scalar_one_or_none() if school is not None else None
    if cohort is None:
        abort(404)
    if not may_follow(current_user, cohort):
        abort(403)
    return cohort


@bp.get("/")
def home():
    school = find_school()
    cohorts = taught_cohorts(current_user, school) if school is not None else []
    return render_template("cohorts/teach/home.html", cohorts=cohorts)


@bp.get("/cohorts/<id:cohort_id>")
def cohort(cohort_id: int):
    order = request.args.get("sort", "behind")
    order = order if order in SORTS else "behind"  # an unknown order is the default one, never an error
    progress = cohort_progress(cohort_or_abort(cohort_id), order=order)
    return render_template("cohorts/teach/cohort.html", cohort=progress.cohort, progress=progress, order=order)


def deadline_heading(deadline) -> str:
    return f"{deadline.course.title} · {deadline.quiz.title}" if deadline.quiz is not None else deadline.course.title


@bp.get("/cohorts/<id:cohort_id>/progress.csv")
def progress_csv(cohort_id: int):
    progress = cohort_progress(cohort_or_abort(cohort_id))
    columns = [_l("learner"), _l("email"), _l("behind"), _l("progress in percent"), _l("last activity")]
    columns += [deadline_heading(deadline) for deadline in progress.deadlines]

    def rows():
        for learner in progress.learners:
            yield [learner.name, learner.email, learner.behind, learner.percent, learner.last_activity,
                   *(deadline_state(mark.state) for mark in learner.marks)]

    return csv_response(f"cohort-{progress.cohort.slug}-progress.csv", columns, rows())

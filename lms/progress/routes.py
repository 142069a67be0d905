"""The learner's path: lesson pages, the actions that change progress, and the dashboard."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..catalog import services as catalog
from ..catalog.models import Programme
from ..cohorts.tracking import learner_deadlines
from ..i18n import _
from ..schools.services import current_school, find_school
from ..web import content_security_policy, get_or_404, transaction
from . import services, visits
from .forms import CompleteForm, EnrolForm
from .outline import NextStep, outline

bp = Blueprint("progress", __name__, template_folder="templates")


@bp.app_template_global()
def step_url(course_slug: str, step: NextStep) -> str:
    """Where a step of the learner's path is: a lesson, a quiz, an assignment, or the course page."""
    if step.kind == "lesson":
        return url_for("progress.lesson", slug=course_slug, lesson_slug=step.slug)
    if step.kind in ("quiz", "final"):
        return url_for("quizzes.quiz", course_slug=course_slug, quiz_slug=step.slug)
    if step.kind == "assignment":
        return url_for("assignments.assignment", course_slug=course_slug, slug=step.slug)
    return url_for("catalog.course", slug=course_slug)


@bp.get("/dashboard")
@login_required
def dashboard():
    school = find_school()  # read-only: a GET writes nothing (no school yet: nothing to show)
    courses, programmes = services.dashboard(current_user, school) if school is not None else ([], [])
    resume = next((summary for summary in courses if summary.enrolment.completed_at is None
                   and summary.enrolment.last_lesson is not None), None)
    step = services.next_step(current_user, resume.course, resume.enrolment) if resume is not None else None
    # The learner's cohort deadlines: one query, however many cohorts and deadlines (lms/cohorts/tracking.py).
    deadlines = learner_deadlines(current_user, school) if school is not None else []
    return render_template("progress/dashboard.html", courses=courses, programmes=programmes, resume=resume,
                           step=step, upcoming=[d for d in deadlines if d.state == "due"],
                           missed=[d for d in deadlines if d.state == "missed"], has_deadlines=bool(deadlines))


@bp.get("/courses/<slug>/continue")
@login_required
def resume(slug: str):
    """"Continue": the learner's next thing to do in the course, or the course page when all is done."""
    course = catalog.course_by_slug(slug, current_user)
    if course is None:
        abort(404)
    enrolment = services.enrolment_for(current_user, course)
    if enrolment is None:
        flash(_("Enrol in the course to follow it."), "info")
        return redirect(url_for("catalog.course", slug=course.slug))
    return redirect(step_url(course.slug, services.next_step(current_user, course, enrolment)))


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    course = catalog.course_by_slug(slug, current_user)
    if course is None:
        abort(404)
    if not EnrolForm().validate_on_submit():
        abort(400)
    with transaction(success=_("You are enrolled in %(title)s.", title=course.title)):
        services.start_course(current_user._get_current_object(), course, current_school())
    first = outline(course).lessons
    if first:
        return redirect(url_for("progress.lesson", slug=course.slug, lesson_slug=first[0].slug))
    return redirect(url_for("catalog.course", slug=course.slug))


@bp.post("/programmes/<slug>/enrol")
@login_required
def enrol_programme(slug: str):
    school = current_school()
    programme = get_or_404(Programme, school_id=school.id, slug=slug, retired=False)
    if not EnrolForm().validate_on_submit():
        abort(400)
    with transaction(success=_("You are enrolled in %(title)s and each of its courses.", title=programme.title)):
        services.enrol_programme(current_user, programme, school)
    return redirect(url_for("catalog.programme", slug=slug))


@bp.post("/courses/<slug>/<lesson_slug>/complete")
@login_required
def complete(slug: str, lesson_slug: str):
    found = catalog.lesson_with_course(slug, lesson_slug, current_user)
    if found is None:
        abort(404)
    course, lesson = found
    enrolment = services.enrolment_for(current_user, course)
    if enrolment is None:
        abort(403)
    if not CompleteForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        if services.complete_lesson(current_user, lesson, enrolment):
            done.success = _("Course complete: %(title)s. Well done.", title=course.title)
    if done.success:
        return redirect(url_for("catalog.course", slug=course.slug))
    # "Mark as complete and continue" goes where "Continue" goes: the next thing not done yet.
    return redirect(step_url(course.slug, services.next_step(current_user, course, enrolment)))


@bp.get("/courses/<slug>/<lesson_slug>")
def lesson(slug: str, lesson_slug: str):
    user = current_user if current_user.is_authenticated else None
    visit = visits.lesson_visit(slug, lesson_slug, user)
    if visit is None or not catalog.can_see(user, visit.course):
        abort(404)
    preview = visits.is_preview(visit, user)
    if preview and not visits.preview_allows(visit):
        if user is None:
            flash(_("Log in and enrol to read the rest of this course."), "info")
            return redirect(url_for("accounts.login", next=request.path))
        flash(_("Enrol in the course to read this lesson."), "info")
        return redirect(url_for("catalog.course", slug=visit.course.slug))
    if user is not None and visit.moves_on:  # a repeat visit to the same lesson writes nothing
        with transaction():
            visits.record_visit(user, visit)
    plan, item = visit.outline, visit.lesson
    previous, following = plan.neighbours(item.id)
    page = render_template("progress/lesson.html", course=visit.course, lesson=item, outline=plan, module=visit.module,
                           progress=visit.progress, state=visit.state, enrolled=visit.enrolment is not None,
                           preview=preview, previous=previous, following=following, after=plan.after(item.id),
                           base=url_for("catalog.course", slug=visit.course.slug))
    if not item.frame_origins:
        return page
    # The players this lesson embeds, and nothing else, may load in frames on this page.
    return page, {"Content-Security-Policy": content_security_policy(item.frame_origins)}

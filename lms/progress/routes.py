"""Actions that change a learner's progress, and the dashboard that shows it."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from ..catalog import services as catalog
from ..catalog.models import Programme
from ..extensions import db
from ..schools.services import current_school
from ..web import get_or_404
from . import services
from .forms import CompleteForm, EnrolForm

bp = Blueprint("progress", __name__, template_folder="templates")


@bp.get("/dashboard")
@login_required
def dashboard():
    courses, programmes = services.dashboard(current_user, current_school())
    db.session.commit()  # current_school() may have created the school on a fresh install
    resume = next((summary for summary in courses if summary.enrolment.completed_at is None
                   and summary.enrolment.last_lesson is not None and not summary.enrolment.last_lesson.retired), None)
    return render_template("progress/dashboard.html", courses=courses, programmes=programmes, resume=resume)


@bp.post("/courses/<slug>/enrol")
@login_required
def enrol(slug: str):
    course = catalog.course_by_slug(slug, current_user)
    if course is None:
        abort(404)
    if not EnrolForm().validate_on_submit():
        abort(400)
    services.enrol(current_user, course, current_school())
    db.session.commit()
    flash(f"You are enrolled in {course.title}.", "success")
    first = catalog.outline(course).lessons
    if first:
        return redirect(url_for("catalog.lesson", slug=course.slug, lesson_slug=first[0].slug))
    return redirect(url_for("catalog.course", slug=course.slug))


@bp.post("/programmes/<slug>/enrol")
@login_required
def enrol_programme(slug: str):
    school = current_school()
    programme = get_or_404(Programme, school_id=school.id, slug=slug, retired=False)
    if not EnrolForm().validate_on_submit():
        abort(400)
    services.enrol_programme(current_user, programme, school)
    db.session.commit()
    flash(f"You are enrolled in {programme.title} and each of its courses.", "success")
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
    finished = services.complete_lesson(current_user, lesson, enrolment)
    db.session.commit()
    if finished:
        flash(f"Course complete: {course.title}. Well done.", "success")
        return redirect(url_for("catalog.course", slug=course.slug))
    plan = catalog.outline(course)
    module, _ = plan.find(lesson.id)
    if module.quiz is not None and module.lessons[-1].id == lesson.id:
        # The module's last lesson: its quiz comes next, before the next module.
        return redirect(url_for("quizzes.quiz", course_slug=course.slug, quiz_slug=module.quiz.slug))
    _, following = plan.neighbours(lesson.id)
    if following is not None:
        return redirect(url_for("catalog.lesson", slug=course.slug, lesson_slug=following.slug))
    return redirect(url_for("catalog.course", slug=course.slug))

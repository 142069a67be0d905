"""Pages a visitor browses: the catalog, a programme, a course, a course's assets."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user

from ..assignments import services as assignments
from ..authoring.assets import asset_response
from ..i18n import interface_language
from ..progress import services as progress
from ..quizzes import summary as quizzes
from ..schools.services import find_school
from ..web import get_or_404
from . import services
from .models import Programme

bp = Blueprint("catalog", __name__, template_folder="templates")
bp.add_app_template_filter(services.level_label, "level_label")  # {{ course.level|level_label }}


def _user():
    return current_user if current_user.is_authenticated else None


@bp.get("/")
def home():
    school = find_school()
    courses, versions = services.one_version_each(services.visible_courses(_user()), interface_language())
    return render_template("catalog/home.html", programmes=services.programmes_for(school.id) if school else [],
                           courses=courses, versions=versions, shown={course.family: course for course in courses})


@bp.get("/programmes/<slug>")
def programme(slug: str):
    school = find_school()
    if school is None:
        abort(404)
    item = get_or_404(Programme, school_id=school.id, slug=slug, retired=False)
    user = _user()
    summaries = {}
    if user is not None:
        courses, _others = progress.dashboard(user, school)
        summaries = {summary.course.id: summary for summary in courses}
    # Each step in the reader's language where it has a visible version (any version counts as the step).
    shown = {course.family: course for course in
             services.one_version_each(services.visible_courses(user), interface_language())[0]}
    steps = [shown.get(course.family, course) for course in services.programme_courses(item, user)]
    return render_template("catalog/programme.html", programme=item, courses=steps, summaries=summaries)


@bp.get("/courses/<slug>/")
def course(slug: str):
    user = _user()
    item = services.course_by_slug(slug, user)
    if item is None:
        abort(404)
    progress_view = progress.course_progress(user, item)
    enrolment = progress.enrolment_for(user, item) if user else None
    lessons = progress_view.outline.lessons
    resume = None
    if enrolment and enrolment.last_lesson_id:
        resume = next((lesson for lesson in lessons if lesson.id == enrolment.last_lesson_id), None)
    states = quizzes.course_quizzes(user, item)
    work = assignments.states_in(user, item.id) if enrolment else {}
    step = progress_view.next_step({state.quiz.slug for state in states.values() if state.passed},
                                   enrolment.last_lesson_id,
                                   {slug for slug, state in work.items() if state in assignments.HANDED_IN}
                                   ) if enrolment else None
    following = progress.next_in_programme(user, item) if enrolment and enrolment.completed_at else None
    return render_template("catalog/course.html", course=item, outline=progress_view.outline, progress=progress_view,
                           enrolment=enrolment, first=lessons[0] if lessons else None, resume=resume, step=step,
                           next_course=following, base=url_for("catalog.course", slug=item.slug), quizzes=states,
                           assignment_states=work, assignment_labels=assignments.STATE_LABELS,
                           versions=services.versions_of(item, user))


@bp.get("/courses/<slug>")
def course_without_slash(slug: str):
    # Lesson links in rendered Markdown are relative to /courses/<slug>/, so the slash matters.
    return redirect(url_for("catalog.course", slug=slug), 308)


SVG_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@bp.get("/courses/<slug>/assets/<path:filename>")
def asset(slug: str, filename: str):
    item = services.course_by_slug(slug, _user())  # an unpublished course's files are as hidden as its pages
    if item is None:
        abort(404)
    response = asset_response(item, filename)  # uploads and synced assets live in the database
    if response is None:
        folder = Path(current_app.config["LMS_CONTENT_DIR"]) / Path(item.source_path).parent / "assets"
        response = send_from_directory(folder, filename, max_age=3600)
    if filename.lower().endswith(".svg"):
        # A diagram is drawn by its own <style> (light and dark); it may run nothing and load nothing,
        # and opened on its own it is a sandboxed document, never a page of the site.
        response.headers["Content-Security-Policy"] = SVG_POLICY
    if not item.published:  # only its authors see it: no shared cache may keep a copy for others
        response.cache_control.public = False
        response.cache_control.private = True
    return response

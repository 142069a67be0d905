"""Pages a visitor browses: the catalog, a programme, a course, a lesson, a course's assets."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_from_directory, url_for
from flask_login import current_user

from ..accounts.services import session_user_id
from ..authoring.assets import asset_response
from .. import shells
from ..extensions import db
from ..progress import services as progress
from ..quizzes import summary as quizzes
from ..schools.models import School
from ..web import csrf_token, get_or_404
from . import services
from .models import Course, Lesson, Programme

bp = Blueprint("catalog", __name__, template_folder="templates")


def _user():
    return current_user if current_user.is_authenticated else None


@bp.get("/")
def home():
    school = db_school()
    return render_template("catalog/home.html", programmes=services.programmes_for(school.id) if school else [],
                           courses=services.visible_courses(_user()))


def db_school() -> School | None:
    """The school, read-only: browsing never creates it (enrolling does)."""
    return db.session.execute(db.select(School).filter_by(slug=current_app.config["LMS_SCHOOL"])).scalar_one_or_none()


@bp.get("/programmes/<slug>")
def programme(slug: str):
    school = db_school()
    if school is None:
        abort(404)
    item = get_or_404(Programme, school_id=school.id, slug=slug, retired=False)
    user = _user()
    summaries = {}
    if user is not None:
        courses, _ = progress.dashboard(user, school)
        summaries = {summary.course.id: summary for summary in courses}
    steps = [step for step in item.steps if not step.course.retired and
             (step.course.published or services.can_see_unpublished(user))]
    return render_template("catalog/programme.html", programme=item, steps=steps, summaries=summaries)


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
    return render_template("catalog/course.html", course=item, outline=progress_view.outline, progress=progress_view,
                           enrolment=enrolment, first=lessons[0] if lessons else None, resume=resume,
                           base=url_for("catalog.course", slug=item.slug), quizzes=quizzes.course_quizzes(user, item))


@bp.get("/courses/<slug>")
def course_without_slash(slug: str):
    # Lesson links in rendered Markdown are relative to /courses/<slug>/, so the slash matters.
    return redirect(url_for("catalog.course", slug=slug), 308)


@bp.get("/courses/<slug>/<lesson_slug>")
def lesson(slug: str, lesson_slug: str):
    visit = progress.lesson_visit(slug, lesson_slug, session_user_id())  # reads the user too
    user = _user()
    if visit is not None and visit.user_id != (user.id if user else None):  # the session named someone else
        visit = progress.lesson_visit(slug, lesson_slug, user.id if user else None)
    if visit is None or not (visit.course.published or services.can_see_unpublished(user)):
        abort(404)
    course, item, enrolment = visit.course, visit.lesson, visit.enrolment
    plan = services.outline(course)
    view = services.Progress(plan, visit.states)
    first = plan.lessons[0] if plan.lessons else None
    is_preview = enrolment is None and not services.can_see_unpublished(user)
    if is_preview and (first is None or first.id != item.id):
        if user is None:
            flash("Log in and enrol to read the rest of this course.", "info")
            return redirect(url_for("accounts.login", next=request.path))
        flash("Enrol in the course to read this lesson.", "info")
        return redirect(url_for("catalog.course", slug=course.slug))
    state = view.state(item.id)
    if enrolment is not None and progress.record_visit(user, item.id, enrolment, started=state != "new"):
        db.session.commit()
        view.states.setdefault(item.id, "started")
        state = view.state(item.id)
    previous, following = plan.neighbours(item.id)
    module = plan.find(item.id)[0]

    def shared() -> dict:  # the same for every learner who gets this shape of the page
        return {"course": course, "lesson": db.session.get(Lesson, item.id), "outline": plan, "module": module,
                "previous": previous, "following": following, "enrolled": enrolment is not None, "state": state,
                "preview": is_preview, "base": url_for("catalog.course", slug=course.slug)}

    viewer = current_user._get_current_object()
    key = ("lesson", item.id, item.slug, item.content_hash, course.id, course.slug, course.content_hash,
           course.outline_hash, enrolment is not None, is_preview, state)
    flags = {"is_authenticated": viewer.is_authenticated, "is_admin": bool(user and user.is_admin),
             "is_author": bool(user and user.is_author)}
    return shells.render_page("catalog/lesson.html", key, shared,
                              live={"current_user": viewer, "progress": view, "csrf_token": csrf_token},
                              fixed={"current_user": flags})


@bp.get("/courses/<slug>/assets/<path:filename>")
def asset(slug: str, filename: str):
    item = get_or_404(Course, slug=slug, retired=False)
    stored = asset_response(item, filename)  # uploads and synced assets live in the database
    if stored is not None:
        return stored
    folder = Path(current_app.config["LMS_CONTENT_DIR"]) / Path(item.source_path).parent / "assets"
    return send_from_directory(folder, filename, max_age=3600)

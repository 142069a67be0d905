"""Assignment pages: the brief, the rubric and the learner's work (text, files, versions), and file downloads."""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..catalog import services as catalog
from ..catalog.models import Course
from ..cohorts.reviewing import staff_may_review
from ..i18n import _, _l
from ..progress.services import enrolment_for
from ..quizzes.services import can_take
from ..schools.services import current_school
from ..web import attachment, body_limit, speaking, transaction
from . import peer, services
from .grading import max_points
from .models import Assignment, SubmissionFile

bp = Blueprint("assignments", __name__, template_folder="templates")

bp.add_app_template_filter(max_points, "rubric_max_points")  # a submission's total, from the rubric it was made against
DECISION_LABELS = {"pass": _l("Passed"), "revise": _l("Revise and resubmit"), "fail": _l("Not passed")}


def _load(course_slug: str, slug: str) -> tuple[Course, Assignment]:
    course = catalog.course_by_slug(course_slug, current_user)
    assignment = services.assignment_for(course, slug) if course is not None else None
    if assignment is None:
        abort(404)
    return course, assignment


def _may_work(course: Course) -> bool:
    return can_take(current_user, course, enrolled=enrolment_for(current_user, course) is not None)


def _page_url(course: Course, assignment: Assignment) -> str:
    return url_for("assignments.assignment", course_slug=course.slug, slug=assignment.slug)


@bp.get("/courses/<course_slug>/assignments/<slug>")
@login_required
def assignment(course_slug: str, slug: str):
    course, item = _load(course_slug, slug)
    if not _may_work(course):
        flash(_("Enrol in the course to work on its assignments."), "info")
        return redirect(url_for("catalog.course", slug=course.slug))
    versions = services.versions_of(current_user, item)
    latest = versions[-1] if versions else None
    state = services.state_of(latest)
    draft = latest if state == "draft" else None
    # Before the first save of a new version, its text starts as the previous version's.
    text = draft.text if draft is not None else (latest.text if latest is not None and state == "revise" else "")
    speaking(course.language)
    return render_template("assignments/assignment.html", course=course, assignment=item, state=state,
                           decided_by_review=services.deciding_review(latest), peer_owed=peer.owed(current_user, item)
                           if item.peer and latest is not None and latest.submitted_at else None,
                           state_label=services.STATE_LABELS[state], latest=latest, draft=draft, text=text,
                           may_start=services.may_start(latest), earlier=[v for v in versions if v is not latest],
                           decision_labels=DECISION_LABELS, text_limit=services.TEXT_LIMIT,
                           max_mb=round(item.max_file_bytes / 1024 / 1024, 1), skills=services.skill_names(item))


def _act(course_slug: str, slug: str):
    course, item = _load(course_slug, slug)
    if not _may_work(course):
        abort(403)
    return course, item


@bp.post("/courses/<course_slug>/assignments/<slug>/save")
@login_required
def save(course_slug: str, slug: str):
    course, item = _act(course_slug, slug)
    with transaction(services.SubmissionRefused, success=_("Your draft is saved.")):
        services.save_text(current_user, item, current_school(), request.form.get("text", ""))
    return redirect(_page_url(course, item))


@bp.post("/courses/<course_slug>/assignments/<slug>/files")
@body_limit("LMS_SUBMISSION_FILE_MAX_BYTES")
@login_required
def upload(course_slug: str, slug: str):
    course, item = _act(course_slug, slug)
    sent = request.files.get("file")
    if sent is None or not sent.filename:
        flash(_("Choose a file to attach."), "error")
        return redirect(_page_url(course, item))
    with sent.stream:  # a large upload is spooled to a temporary file: closed once read
        data = sent.stream.read(item.max_file_bytes + 1)
    with transaction(services.SubmissionRefused) as done:
        added = services.add_file(services.draft_of(current_user, item, current_school()), data, sent.filename)
        done.success = _("%(name)s is attached.", name=added.name)
    return redirect(_page_url(course, item))


@bp.post("/courses/<course_slug>/assignments/<slug>/files/<id:file_id>/delete")
@login_required
def delete_file(course_slug: str, slug: str, file_id: int):
    course, item = _act(course_slug, slug)
    found = services.file_by_id(file_id)
    if found is None or found.submission.user_id != current_user.id or found.submission.assignment_id != item.id:
        abort(404)
    with transaction(services.SubmissionRefused, success=_("The file is deleted.")):
        services.delete_file(found.submission, found)
    return redirect(_page_url(course, item))


@bp.post("/courses/<course_slug>/assignments/<slug>/submit")
@login_required
def submit(course_slug: str, slug: str):
    course, item = _act(course_slug, slug)
    versions = services.versions_of(current_user, item)
    latest = versions[-1] if versions else None
    if latest is None or latest.status != "draft":  # nothing written yet, or a second tab's submit
        if services.may_start(latest):
            flash(_("Write your answer before you submit."), "error")
        else:
            flash(_("This version was already submitted."), "info")
        return redirect(_page_url(course, item))
    with transaction(services.SubmissionRefused, success=_("Your work is submitted for review.")):
        services.submit(latest)
    return redirect(_page_url(course, item))


@bp.get("/assignments/files/<id:file_id>")
@login_required
def download(file_id: int):
    """A submitted file, as an attachment, to those with a say on it; to anyone else it does not exist."""
    found: SubmissionFile | None = services.file_by_id(file_id)
    if found is None or not services.may_download(current_user, found, staff_may_review):
        abort(404)
    return attachment(found.data, services.media_type(found), found.name)

"""Authoring pages: the course workspace, the editor with its preview, history and restore, reorder
and uploads. Views load (404), check the author (403), then act; services hold the rules."""
from __future__ import annotations


from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SelectChoice

from ..content.errors import ContentInvalid
from ..extensions import db
from ..i18n import _, ngettext
from ..quizzes.rendering import attempt_page, quiz_page
from ..schools.services import current_school
from ..access import authored_course_or_abort, authored_courses, require_author
from ..web import body_limit, content_security_policy, database_int, int_arg, silently, speaking, transaction
from . import moves, services, uploads
from .diffs import diff_lines
from .forms import (
    ConfirmForm, EditorForm, MoveForm, NewAssignmentForm, NewCourseForm, NewLessonForm, NewModuleForm, NewQuizForm,
    UploadForm,
)
from .models import SourceRevision
from .outline import course_outline
from .preview import absolutise, preview
from .store import belongs_to, file_at, head_revision, revision_of, revisions_of

bp = Blueprint("authoring", __name__, url_prefix="/author", template_folder="templates")
bp.before_request(require_author)

def _file_or_404(course, path: str, markdown: bool = True):
    file = file_at(path) if belongs_to(course, path) else None
    if file is None or file.head_number == 0 or (markdown and not path.endswith(".md")):
        abort(404)
    return file


def _workspace(slug: str) -> str:
    return url_for("authoring.course", slug=slug)


def _editor(slug: str, path: str) -> str:
    return url_for("authoring.edit", slug=slug, path=path)


@bp.get("/")
def home():
    courses = authored_courses(current_user)
    return render_template("authoring/home.html", courses=[(c, len(services.drafts(c))) for c in courses])


@bp.route("/courses/new", methods=["GET", "POST"])
def new_course():
    form = NewCourseForm()
    skills = services.live_skills()
    form.skills.choices = [SelectChoice(skill.slug, skill.name) for skill in skills]
    errors = []
    if form.validate_on_submit():
        chosen = [skill for skill in skills if skill.slug in form.skills.data]
        with transaction(services.AuthoringError, ContentInvalid, failure=silently) as done:
            course = services.create_course(current_school(), current_user, form.slug.data, form.title.data.strip(),
                                            form.summary.data.strip(), form.level.data, float(form.hours.data), chosen)
            done.success = _("%(course)s is created and unpublished: learners see it once course.md says "
                             "'%(setting)s'.", course=course.title, setting="published: true")
        if done.ok:
            return redirect(_workspace(course.slug))
        if isinstance(done.error, ContentInvalid):
            errors = done.error.errors
        else:
            form.slug.errors.append(str(done.error))
    return render_template("authoring/new_course.html", form=form, errors=errors)


def _workspace_page(course, errors=(), status: int = 200):
    return render_template("authoring/course.html", course=course, outline=course_outline(course), errors=list(errors),
                           upload_limit=current_app.config["LMS_UPLOAD_MAX_BYTES"]), status


@bp.get("/courses/<slug>/")
def course(slug: str):
    return _workspace_page(authored_course_or_abort(slug))


@bp.post("/courses/<slug>/publish")
def publish_all(slug: str):
    item = authored_course_or_abort(slug)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    files = services.drafts(item)
    with transaction(ContentInvalid, success=ngettext("Published %(num)d file.", "Published %(num)d files.", len(files)),
                     failure=lambda error: _("Nothing was published: the drafts do not validate together. "
                                             "Fix the errors listed below.")) as done:
        services.publish(files, current_school())
    if not done.ok:
        return _workspace_page(item, done.error.errors, 422)
    return redirect(_workspace(item.slug))


@bp.post("/courses/<slug>/modules")
def new_module(slug: str):
    item = authored_course_or_abort(slug)
    form = NewModuleForm()
    if not form.validate_on_submit():
        flash(_("A module needs a title and a slug of lowercase letters, digits and '-'."), "error")
        return redirect(_workspace(item.slug))
    return _created(item, lambda: services.create_module(item, current_user, form.slug.data, form.title.data.strip()))


@bp.post("/courses/<slug>/lessons")
def new_lesson(slug: str):
    item = authored_course_or_abort(slug)
    form = NewLessonForm()
    if not form.validate_on_submit():
        flash(_("A lesson needs a title, a slug of lowercase letters, digits and '-', and minutes."), "error")
        return redirect(_workspace(item.slug))
    return _created(item, lambda: services.create_lesson(item, services.folder_of(item, form.folder.data), current_user,
                                                         form.slug.data, form.title.data.strip(), form.minutes.data))


@bp.post("/courses/<slug>/quizzes")
def new_quiz(slug: str):
    item = authored_course_or_abort(slug)
    form = NewQuizForm()
    if not form.validate_on_submit():
        abort(400)
    return _created(item, lambda: services.create_quiz(
        item, services.folder_of(item, form.folder.data) if form.folder.data else None, current_user))


@bp.post("/courses/<slug>/assignments")
def new_assignment(slug: str):
    item = authored_course_or_abort(slug)
    form = NewAssignmentForm()
    if not form.validate_on_submit():
        abort(400)
    return _created(item, lambda: services.create_assignment(item, services.folder_of(item, form.folder.data),
                                                             current_user))


def _created(course, create):
    with transaction(services.AuthoringError) as done:
        file = create()
        done.success = _("Created %(path)s as a draft.", path=file.path)
    if not done.ok:
        return redirect(_workspace(course.slug))
    return redirect(_editor(course.slug, file.path))


@bp.post("/courses/<slug>/move")
def move(slug: str):
    item = authored_course_or_abort(slug)
    form = MoveForm()
    if not form.validate_on_submit() or form.direction.data not in ("up", "down"):
        abort(400)
    file = _file_or_404(item, form.path.data)
    with transaction(services.AuthoringError, ContentInvalid, success=_("The new order is published."),
                     failure=_order_refused):
        moves.move_file(item, file, -1 if form.direction.data == "up" else 1, current_user, current_school())
    return redirect(_workspace(item.slug))


def _order_refused(error: Exception) -> str:
    if isinstance(error, ContentInvalid):
        return _("The new order does not validate: %(errors)s", errors="; ".join(str(e) for e in error.errors[:5]))
    return str(error)


@bp.post("/courses/<slug>/assets")
@body_limit("LMS_UPLOAD_MAX_BYTES")
def upload(slug: str):
    item = authored_course_or_abort(slug)
    limit = current_app.config["LMS_UPLOAD_MAX_BYTES"]
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose an image to upload."), "error")
        return redirect(_workspace(item.slug))
    data = form.image.data.stream.read(limit + 1)
    with transaction(services.AuthoringError) as done:
        file = uploads.store_image(item, form.image.data.filename or "", data, current_user, limit)
        done.success = _("Uploaded %(name)s: link it from a lesson as ../assets/%(name)s.", name=file.name)
    return redirect(_workspace(item.slug))


@bp.route("/courses/<slug>/files/<path:path>", methods=["GET", "POST"])
def edit(slug: str, path: str):
    item = authored_course_or_abort(slug)
    file = _file_or_404(item, path)
    form = EditorForm()
    publish_errors, status = [], 200
    if request.method == "GET":
        head = head_revision(file)
        form.text.data, form.base.data = (head.text if head else ""), str(file.head_number)
    elif not form.validate_on_submit() or database_int(form.base.data) is None:
        abort(400)
    elif form.save.data or form.publish.data:
        with transaction(services.AuthoringError, success=None if form.publish.data else _("Draft saved.")) as saved:
            services.save_draft(file, form.text.data or "", current_user, services.clean_note(form.note.data),
                                base=database_int(form.base.data))
        if not saved.ok:
            status = 409 if isinstance(saved.error, services.StaleEdit) else 422
        elif not form.publish.data:
            return redirect(_editor(item.slug, path))
        else:
            with transaction(ContentInvalid, success=_("Published: learners see this version now."),
                             failure=lambda error: _("The draft is saved but not published: fix the errors listed below.")) as published:
                services.publish([file], current_school())
            if published.ok:
                return redirect(_editor(item.slug, path))
            publish_errors, status = published.error.errors, 422
            form.base.data = str(file.head_number)
    text = (form.text.data or "").replace("\r\n", "\n")
    try:
        result = preview(path, text.encode("utf-8"))
    except UnicodeEncodeError:
        abort(400)
    speaking(item.language)
    # The editor's script: a video's placeholder in the live preview (authoring-editor.js fills the title).
    words = {"video": _("Video: %(title)s. Press Preview to play it here (the page must be reloaded to allow its host).")}
    page = render_template("authoring/editor.html", script_words=words, course=item, file=file, form=form, preview=result,
                           html=absolutise(result.html, _page_folder(item, result)), page_folder=_page_folder(item, result),
                           bases=_quiz_bases(result), publish_errors=publish_errors, confirm=ConfirmForm(),
                           live=revision_of(file, file.live_number), absolutise=absolutise)
    # The preview plays the lesson's videos as the lesson page would: its frame-src names their origins.
    return page, status, {"Content-Security-Policy": content_security_policy(result.frame_origins)}


def _page_folder(course, result) -> str:
    """The URL folder the previewed text's relative links are written against (an assignment's page is one deeper)."""
    return url_for("catalog.home") + f"courses/{course.slug}/" + ("assignments/" if result.kind == "assignment" else "")


def _quiz_bases(result) -> dict[str, str]:
    if result.kind != "quiz":
        return {}
    root, key = url_for("catalog.home"), result.path.rsplit("/", 1)[1].removesuffix(".md")
    return {"intro": root + quiz_page(result.course_slug, key), "questions": root + attempt_page(result.course_slug, key)}


@bp.post("/courses/<slug>/files/<path:path>/delete")
def delete(slug: str, path: str):
    item = authored_course_or_abort(slug)
    file = _file_or_404(item, path)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with transaction(services.AuthoringError,
                     success=_("%(name)s is deleted in a draft: publish the course's drafts to remove it for learners.",
                               name=file.name)) as done:
        services.delete_file(file, current_user)
    return redirect(_workspace(item.slug) if done.ok else _editor(item.slug, path))


@bp.get("/courses/<slug>/history/<path:path>")
def history(slug: str, path: str):
    item = authored_course_or_abort(slug)
    file = _file_or_404(item, path, markdown=False)
    return render_template("authoring/history.html", course=item, file=file, revisions=revisions_of(file))


@bp.get("/courses/<slug>/revisions/<id:revision_id>")
def revision(slug: str, revision_id: int):
    item = authored_course_or_abort(slug)
    found = db.session.get(SourceRevision, revision_id)
    if found is None or not belongs_to(item, found.file.path):
        abort(404)
    file = found.file
    previous = found.number - 1 or None
    published = file.live_number if file.live_number and file.live_number != found.number else None
    # A draft is compared with what learners see; ?against= picks the previous revision (or any other).
    against = int_arg("against")
    if against is None or against == found.number:
        against = published or previous
    older = revision_of(file, against)
    return render_template("authoring/revision.html", course=item, file=file, revision=found, older=older,
                           previous=previous, published=published,
                           lines=diff_lines(older.text if older else "", found.text), confirm=ConfirmForm())


@bp.post("/courses/<slug>/revisions/<id:revision_id>/restore")
def restore(slug: str, revision_id: int):
    item = authored_course_or_abort(slug)
    found = db.session.get(SourceRevision, revision_id)
    if found is None or not belongs_to(item, found.file.path):
        abort(404)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    with transaction() as done:
        created = services.restore(found, current_user)
        done.success = _("Revision %(number)s is restored as a new draft.", number=found.number) if created \
            else _("That text is already the latest.")
    return redirect(_editor(item.slug, found.file.path))

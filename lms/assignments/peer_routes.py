"""Peer review pages: the reviews a learner owes and gives, the reviews they received, and the reviewer pool.

Anonymous both ways: a reviewer never sees whose work it is (nor the files' names), a learner never sees who
reviewed them ("Reviewer 1, 2…").
"""
from __future__ import annotations


from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms import SelectChoice

from ..access import reported_courses, require_admin
from ..accounts.services import find_user
from ..catalog import services as catalog
from ..cohorts.reviewing import has_instructor
from ..extensions import db
from ..i18n import _
from ..web import attachment, database_int, silently, speaking, transaction
from . import forms, peer
from .filetypes import FILE_TYPES
from .forms import RubricInvalid
from .models import Assignment, PeerReviewer, Review, Submission, SubmissionFile

bp = Blueprint("peer_review", __name__, template_folder="templates")
PREFIX = "c-"  # the rubric's controls: c-<criterion key>, c-<criterion key>-comment


def _assignment(course_slug: str, module_slug: str) -> Assignment:
    """A live, peer-reviewed assignment of a course this reader may see (else 404)."""
    course = catalog.course_by_slug(course_slug, current_user)
    found = db.session.execute(db.select(Assignment).filter_by(course_id=course.id, slug=module_slug, retired=False)
                               ).scalar_one_or_none() if course is not None else None
    if found is None or not found.peer:
        abort(404)
    return found


def _allocation(review_id: int) -> Review:
    """A peer review allocated to the reader; anyone else gets a 404 (its existence is not disclosed)."""
    review = db.session.get(Review, review_id)
    if (review is None or review.kind != "peer" or review.reviewer_id != current_user.id
            or review.submission.school_id != current_user.school_id):
        abort(404)
    return review


def _received_url(assignment: Assignment) -> str:
    return url_for("peer_review.received", course_slug=assignment.course.slug, module_slug=assignment.slug)


@bp.get("/reviewing")
@login_required
def home():
    """The peer reviews the reader may give: on the assignments they submitted, and their pool's courses'."""
    rows = []
    for assignment in peer.reviewable_assignments(current_user):
        if catalog.course_by_slug(assignment.course.slug, current_user) is None:
            continue  # another school's course, or one no longer shown here
        rows.append((assignment, peer.owed(current_user, assignment), peer.given(current_user, assignment),
                     peer.open_allocation(current_user, assignment)))
    return render_template("assignments/peer_home.html", rows=rows, form=forms.ButtonForm())


@bp.post("/courses/<course_slug>/assignments/<module_slug>/reviews/next")
@login_required
def next_review(course_slug: str, module_slug: str):
    assignment = _assignment(course_slug, module_slug)
    if not peer.may_review(current_user, assignment):
        abort(403)
    if not forms.ButtonForm().validate_on_submit():
        abort(400)
    back = _received_url(assignment) if peer.has_submitted(current_user, assignment) else url_for("peer_review.home")
    with transaction(peer.PeerRefused) as done:
        review = peer.allocate(current_user, assignment)
    if not done.ok:
        return redirect(back)
    if review is None:
        flash(_("No submission is waiting for a review right now: come back later."), "info")
        return redirect(back)
    return redirect(url_for("peer_review.review", review_id=review.id))


@bp.route("/review/<id:review_id>", methods=["GET", "POST"])
@login_required
def review(review_id: int):
    found = _allocation(review_id)
    submission = found.submission
    rubric = submission.rubric or []
    form = forms.rubric_form(rubric, PREFIX)
    missing = ()
    if request.method == "POST":
        if found.submitted_at is not None:
            flash(_("This review was already submitted: it cannot be changed."), "error")
            return redirect(url_for("peer_review.review", review_id=found.id))
        try:
            read = forms.read_rubric(form, rubric, PREFIX)
        except RubricInvalid:
            abort(400)
        if read is not None:
            levels, comments = read
            with transaction(peer.PeerRefused, success=_("Your review is submitted. Thank you.")) as done:
                peer.submit_review(found, levels, comments, (form.comment.data or "").strip(),
                                   instructor_decides=has_instructor(submission))
            if done.ok:
                return redirect(url_for("peer_review.review", review_id=found.id))
        missing = tuple(c["key"] for c in rubric if form[PREFIX + c["key"]].errors)
    elif found.opened_at is None:
        with transaction():
            peer.open_review(found)
    assignment = submission.assignment
    speaking(assignment.course.language)
    posted = {c["key"]: form[PREFIX + c["key"]].data for c in rubric} if request.method == "POST" else {}
    said = {c["key"]: form[PREFIX + c["key"] + "-comment"].data or "" for c in rubric} if request.method == "POST" else {}
    return render_template("assignments/peer_review.html", review=found, submission=submission, rubric=rubric,
                           assignment=assignment, course=assignment.course, form=form, missing=missing,
                           posted={k: v for k, v in posted.items() if v is not None}, said=said, prefix=PREFIX,
                           owed=peer.owed(current_user, assignment)), 422 if missing else 200


@bp.get("/review/<id:review_id>/files/<id:file_id>")
@login_required
def review_file(review_id: int, file_id: int):
    """A file of the submission under review, for its reviewer only, under a name that cannot give the author away."""
    found = _allocation(review_id)
    item = db.session.get(SubmissionFile, file_id)
    if item is None or item.submission_id != found.submission_id:
        abort(404)
    number = [f.id for f in found.submission.files].index(item.id) + 1
    extension = item.name.rsplit(".", 1)[-1].lower() if "." in item.name else item.kind
    return attachment(item.data, FILE_TYPES[item.kind], f"submission-file-{number}.{extension}")


@bp.get("/courses/<course_slug>/assignments/<module_slug>/reviews")
@login_required
def received(course_slug: str, module_slug: str):
    """The reader's own submissions of this assignment and the peer reviews each received."""
    assignment = _assignment(course_slug, module_slug)
    versions = list(db.session.execute(db.select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.user_id == current_user.id,
        Submission.status.in_(("submitted", "decided"))).order_by(Submission.number.desc())).scalars())
    if not versions:
        abort(404)
    speaking(assignment.course.language)
    return render_template("assignments/peer_received.html", assignment=assignment, course=assignment.course,
                           versions=[(s, peer.peer_summary(s)) for s in versions], flag_form=forms.FlagForm(),
                           button=forms.ButtonForm(), owed=peer.owed(current_user, assignment),
                           given=peer.given(current_user, assignment),
                           current=peer.open_allocation(current_user, assignment))


@bp.post("/review/<id:review_id>/flag")
@login_required
def flag(review_id: int):
    """The reviewed learner flags a peer review as unfair, once; staff look at it."""
    found = db.session.get(Review, review_id)
    if (found is None or found.kind != "peer" or found.submitted_at is None
            or found.submission.user_id != current_user.id or found.submission.school_id != current_user.school_id):
        abort(404)
    form = forms.FlagForm()
    assignment = found.submission.assignment
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            abort(400)
        flash(_("Say why the review is unfair."), "error")
        return redirect(_received_url(assignment))
    with transaction(peer.PeerRefused, success=_("The review is flagged: staff will look at it.")):
        peer.flag_review(found, current_user, form.reason.data)
    return redirect(_received_url(assignment))


@bp.route("/admin/assignments/reviewers", methods=["GET", "POST"])
def reviewers():
    """The designated reviewers of each of the school's courses with peer-reviewed assignments."""
    refused = require_admin()
    if refused is not None:
        return refused
    courses = peer.pool_courses(reported_courses(current_user))
    form = forms.PoolForm()
    form.course.choices = [SelectChoice(course.slug, course.title) for course in courses]
    if request.method == "POST" and "member" in request.form:
        return _remove_member(courses)
    if form.validate_on_submit():
        course = next(c for c in courses if c.slug == form.course.data)
        user = find_user(form.email.data)
        if user is None:
            form.email.errors.append(_("No account uses this e-mail address."))
        else:
            with transaction(peer.PeerRefused, failure=silently, success=_(
                    "%(name)s now reviews the assignments of %(course)s.", name=user.name, course=course.title)) as done:
                peer.add_to_pool(current_user, course, user)
            if done.ok:
                return redirect(url_for("peer_review.reviewers"))
            form.email.errors.append(str(done.error))
    pools = [(course, peer.pool_members(current_user.school_id, course)) for course in courses]
    return render_template("assignments/peer_reviewers.html", pools=pools, form=form, remove=forms.RemoveForm()), \
        422 if form.errors else 200


def _remove_member(courses):
    form = forms.RemoveForm()
    member_id = database_int(form.member.data) if form.validate_on_submit() else None
    if member_id is None:
        abort(400)
    member = db.session.get(PeerReviewer, member_id)
    if member is None or member.school_id != current_user.school_id or member.course_id not in {c.id for c in courses}:
        abort(404)
    name = member.user.name
    with transaction(success=_("%(name)s no longer reviews this course's assignments.", name=name)):
        peer.remove_from_pool(member)
    return redirect(url_for("peer_review.reviewers"))

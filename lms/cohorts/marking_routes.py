"""Staff review of submissions: the queue, a submission's review page (rubric, inline comments, decision), flagged
peer reviews resolved, and the review-time report with its CSV. Admins see their school's work; instructors the
work of the learners they teach; anyone else gets 404 on a submission (its existence is not theirs to know)."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from ..assignments import marking
from ..assignments.grading import combined_points, counted_peer_reviews, percent_of
from ..assignments.models import Review, Submission
from ..catalog.models import Course
from ..extensions import db
from ..i18n import _, _l, number, percent
from ..reports.csvstream import csv_response
from ..schools.services import find_school
from ..web import database_int, speaking, transaction
from . import marking_queue as queue
from .models import Cohort
from .reviewing import staff_may_review
from .tracking import may_follow, taught_cohorts, teaches

bp = Blueprint("marking", __name__, url_prefix="/teach/reviews", template_folder="templates")

DECISION_WORDS = {"pass": _l("pass"), "revise": _l("revise"), "fail": _l("fail")}
MODE_WORDS = {"instructor": _l("instructor"), "peer+instructor": _l("peers and instructor"), "peer": _l("peers")}
BLANK_ANNOTATIONS = 3  # empty rows offered for new inline comments


@bp.before_request
def require_staff():
    """Log in first; then admins and instructors (403 for anyone else)."""
    if not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    if not teaches(current_user, find_school()):
        abort(403)
    return None


@bp.app_template_filter("decision_word")
def decision_word(decision: str | None) -> str:
    return str(DECISION_WORDS[decision]) if decision in DECISION_WORDS else ""


@bp.app_template_filter("review_hours")
def review_hours(value: float | None) -> str:
    return "–" if value is None else _("%(hours)s h", hours=number(round(value, 1)))


def _scope() -> queue.Scope:
    """The reader's scope, narrowed by the ``course`` (slug) and ``cohort`` (id) filters; an unknown filter is none."""
    school = find_school()
    if school is None:
        abort(404)
    course = cohort = None
    if request.args.get("course"):
        course = db.session.execute(db.select(Course).filter_by(slug=request.args["course"])).scalar_one_or_none()
    cohort_id = database_int(request.args.get("cohort"))
    if cohort_id is not None:
        cohort = db.session.execute(db.select(Cohort).where(Cohort.id == cohort_id, Cohort.school_id == school.id)
                                    ).scalar_one_or_none()
        cohort = cohort if cohort is not None and may_follow(current_user, cohort) else None
    return queue.Scope(current_user, school, course, cohort)


@bp.get("")
def queue_page():
    scope = _scope()
    awaiting, total = queue.awaiting(scope, queue.QUEUE_LIMIT)
    return render_template("cohorts/marking_queue.html", scope=scope, awaiting=awaiting, total=total,
                           flagged=queue.flagged(scope), courses=queue.courses_with_work(scope.school),
                           cohorts=taught_cohorts(current_user, scope.school), mode_words=MODE_WORDS)


def submission_or_404(submission_id: int) -> Submission:
    """The submission, if the reader is staff with a say on it; 404 otherwise (another school's, another cohort's)."""
    school = find_school()
    submission = db.session.get(Submission, submission_id)
    if (submission is None or school is None or submission.school_id != school.id or submission.status == "draft"
            or not staff_may_review(current_user, submission)):
        abort(404)
    return submission


def _file_links(submission: Submission) -> list[tuple]:
    """Each file with its download address (served by the submissions pages, with their own access check)."""
    prefix = request.script_root + current_app.extensions["lms"]["url_prefix"]
    return [(file, f"{prefix}/assignments/files/{file.id}") for file in submission.files]


def _review_page(submission: Submission, review: Review | None, posted: dict | None = None, status: int = 200,
                 may_decide: bool = True):
    rubric = submission.rubric or []
    peers = [r for r in submission.reviews if r.kind == "peer" and r.submitted_at is not None]
    combined = combined_points(rubric, counted_peer_reviews(submission)) if submission.assignment.peer else None
    values = posted or {"levels": dict(review.levels or {}) if review else {},
                        "comments": dict(review.comments or {}) if review else {},
                        "annotations": list(review.annotations or []) if review else [],
                        "feedback": review.comment if review else "", "decision": None}
    annotations = values["annotations"] + [{"quote": "", "comment": ""}] * BLANK_ANNOTATIONS
    speaking(submission.assignment.course.language)  # the rubric's words are the course's
    return render_template("cohorts/marking_review.html", submission=submission, assignment=submission.assignment,
                           review=review, rubric=rubric, peers=peers, combined=combined,
                           combined_percent=percent_of(rubric, combined) if combined else None,
                           files=_file_links(submission), values=values, annotations=annotations,
                           mode_words=MODE_WORDS, may_decide=may_decide), status


@bp.get("/<id:submission_id>")
def review_page(submission_id: int):
    submission = submission_or_404(submission_id)
    review = None
    if submission.status == "submitted" and submission.assignment.instructor:
        with transaction(marking.MarkingRefused) as done:
            review = marking.instructor_review(submission, current_user)  # review time starts at the first open
        if not done.ok:
            return _review_page(submission, None, may_decide=False)
    else:
        review = db.session.execute(db.select(Review).where(
            Review.submission_id == submission.id, Review.kind == "instructor",
            Review.reviewer_id == submission.decided_by_id)).scalar_one_or_none()
    return _review_page(submission, review)


def _posted(rubric: list[dict]) -> dict:
    """The review form as posted; a level that is not a number is a request no honest form sends (400)."""
    levels = {}
    for criterion in rubric:
        raw = request.form.get(f"level-{criterion['key']}")
        if raw:
            index = database_int(raw)
            if index is None:
                abort(400)
            levels[criterion["key"]] = index
    quotes, notes = request.form.getlist("quote"), request.form.getlist("note")
    if len(quotes) != len(notes):
        abort(400)
    return {"levels": levels,
            "comments": {c["key"]: request.form.get(f"level-{c['key']}-comment", "") for c in rubric},
            "annotations": [{"quote": q, "comment": n} for q, n in zip(quotes, notes)],
            "feedback": request.form.get("feedback", ""), "decision": request.form.get("decision")}


@bp.post("/<id:submission_id>")
def review_post(submission_id: int):
    submission = submission_or_404(submission_id)
    action = request.form.get("action")
    if action not in ("save", "decide"):
        abort(400)
    if submission.status != "submitted":
        flash(_("This submission was already decided; nothing was changed."), "info")
        return redirect(url_for("marking.review_page", submission_id=submission.id))
    posted = _posted(submission.rubric or [])
    with transaction(marking.MarkingRefused) as done:
        review = marking.instructor_review(submission, current_user)
        marking.save_review(review, posted["levels"], posted["comments"], posted["annotations"], posted["feedback"])
        if action == "decide":
            marking.decide(review, posted["decision"] or "", current_user)
            done.success = _("The decision is released to the learner.")
        else:
            done.success = _("Your review is saved as a draft.")
    if not done.ok:
        db.session.refresh(submission)
        if submission.status != "submitted":  # another instructor decided a moment earlier
            return redirect(url_for("marking.review_page", submission_id=submission.id))
        return _review_page(submission, None, posted, 422)
    if action == "decide":
        return redirect(url_for("marking.queue_page"))
    return redirect(url_for("marking.review_page", submission_id=submission.id))


def flag_message(outcome: marking.FlagOutcome, submission: Submission) -> str:
    if not outcome.upheld:
        return _("The flag is dismissed: the review still counts.")
    if not outcome.recomputed and outcome.before == "pass":
        return _("The flag is upheld: the review no longer counts. The pass already given stands.")
    if not outcome.recomputed:
        return _("The flag is upheld: the review no longer counts toward the grade.")
    grade = percent(submission.percent or 0)
    if outcome.decision_changed:
        return _("The flag is upheld. The grade is recomputed from the remaining reviews (%(grade)s), and the "
                 "decision changes from “%(before)s” to “%(after)s”.", grade=grade,
                 before=decision_word(outcome.before), after=decision_word(outcome.after))
    return _("The flag is upheld. The grade is recomputed from the remaining reviews (%(grade)s); the decision "
             "stays “%(decision)s”.", grade=grade, decision=decision_word(outcome.after))


@bp.post("/<id:submission_id>/flags/<id:review_id>")
def resolve_flag(submission_id: int, review_id: int):
    submission = submission_or_404(submission_id)
    review = db.session.get(Review, review_id)
    if review is None or review.submission_id != submission.id:
        abort(404)
    resolution = request.form.get("resolution")
    if resolution not in ("uphold", "dismiss"):
        abort(400)
    with transaction(marking.MarkingRefused) as done:
        outcome = marking.resolve_flag(review, current_user, uphold=resolution == "uphold")
        done.success = flag_message(outcome, submission)
    return redirect(url_for("marking.review_page", submission_id=submission.id))


def _report_rows(scope: queue.Scope):
    for (assignment_id, course, language, title), rows in queue.decided_times(scope).items():
        yield course, language, title, marking.review_times(rows)


@bp.get("/report")
def report():
    scope = _scope()
    return render_template("cohorts/marking_report.html", scope=scope, rows=list(_report_rows(scope)),
                           courses=queue.courses_with_work(scope.school),
                           cohorts=taught_cohorts(current_user, scope.school))


@bp.get("/report.csv")
def report_csv():
    scope = _scope()
    columns = [_l("course"), _l("assignment"), _l("decided submissions"), _l("median hours to decision"),
               _l("90th percentile hours to decision"), _l("median instructor hours"),
               _l("90th percentile instructor hours")]

    def cell(value):
        return "" if value is None else round(value, 2)

    def rows():
        for course, _language, title, times in _report_rows(scope):
            yield [course, title, times.count, cell(times.median_total), cell(times.p90_total),
                   cell(times.median_instructor), cell(times.p90_instructor)]

    return csv_response("review-times.csv", columns, rows())


@bp.get("/report/submissions.csv")
def submissions_csv():
    """The review time of each decided submission: the report's figures, one row each."""
    scope = _scope()
    columns = [_l("course"), _l("assignment"), _l("learner"), _l("version"), _l("decision"), _l("decided by"),
               _l("submitted at (UTC)"), _l("decided at (UTC)"), _l("hours to decision"), _l("instructor hours")]

    def rows():
        for row in queue.decided(scope):
            total, instructor = marking.hours(row.submitted_at, row.decided_at), marking.hours(row.opened_at, row.decided_at)
            yield [row.course_title, row.assignment, row.learner, row.number, row.decision,
                   _("an instructor") if row.by_instructor else _("the peers"),
                   row.submitted_at.isoformat(timespec="minutes"), row.decided_at.isoformat(timespec="minutes"),
                   "" if total is None else round(total, 2), "" if instructor is None else round(instructor, 2)]

    return csv_response("review-times-per-submission.csv", columns, rows())

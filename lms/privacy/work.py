"""A person's practical work in their export: their submissions (text, the names and sizes of their files, the
decisions, the reviews they received without who wrote them), the reviews they wrote, and the courses they are a
designated peer reviewer of. Nothing of another learner: a review written shows the review, not the work."""
from __future__ import annotations

from datetime import datetime

from ..assignments.models import Assignment, PeerReviewer, Review, Submission, SubmissionFile
from ..catalog.models import Course
from ..extensions import db
from ..schools.models import School

# What the person did to someone else's work: (model, column, time column, action), as export.STAFF_COLUMNS.
STAFF_COLUMNS = ((Submission, "decided_by_id", "decided_at", "decided a submission"),
                 (Review, "flag_resolved_by_id", "flag_resolved_at", "resolved a flagged review"),
                 (PeerReviewer, "added_by_id", "added_at", "designated a peer reviewer"))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None


def _review(review: Review) -> dict:
    return {"kind": review.kind, "submitted_at": _iso(review.submitted_at), "levels": review.levels,
            "points": review.points, "comments": review.comments, "annotations": review.annotations,
            "comment": review.comment}


def submissions(user, school: School, limit: int) -> list[dict]:
    """Each version the person made, the reviews it received (never their reviewers) and its files' names."""
    rows = db.session.execute(
        db.select(Submission, Assignment.slug, Assignment.title, Course.slug)
        .join(Assignment, Assignment.id == Submission.assignment_id).join(Course, Course.id == Assignment.course_id)
        .where(Submission.user_id == user.id, Submission.school_id == school.id)
        .order_by(Submission.created_at, Submission.id).limit(limit)).all()
    ids = [row.id for row, *_ in rows]
    files: dict[int, list[dict]] = {}
    for submission_id, name, kind, size in db.session.execute(
            db.select(SubmissionFile.submission_id, SubmissionFile.name, SubmissionFile.kind, SubmissionFile.size)
            .where(SubmissionFile.submission_id.in_(ids)).order_by(SubmissionFile.id)):
        files.setdefault(submission_id, []).append({"name": name, "kind": kind, "size": size})
    reviews: dict[int, list[dict]] = {}
    for (review,) in db.session.execute(db.select(Review).where(Review.submission_id.in_(ids),
                                                                Review.submitted_at.is_not(None)).order_by(Review.id)):
        reviews.setdefault(review.submission_id, []).append(
            {**_review(review), "flagged_at": _iso(review.flagged_at), "flag_reason": review.flag_reason or None})
    found = []
    for row, slug, title, course in rows:
        released = row.released_at is not None
        found.append({"course": course, "assignment": slug, "assignment_title": title, "version": row.number,
                      "status": row.status, "text": row.text, "created_at": _iso(row.created_at),
                      "submitted_at": _iso(row.submitted_at), "decision": row.decision if released else None,
                      "score": row.score if released else None, "percent": row.percent if released else None,
                      "feedback": row.feedback if released else None, "released_at": _iso(row.released_at),
                      "files": files.get(row.id, []), "reviews_received": reviews.get(row.id, [])})
    return found


def reviews_written(user, school: School, limit: int) -> list[dict]:
    """The reviews the person gave: their levels and words, the assignment, never whose work it was."""
    return [{"course": course, "assignment": slug, "allocated_at": _iso(review.allocated_at),
             "opened_at": _iso(review.opened_at), **_review(review)}
            for review, slug, course in db.session.execute(
                db.select(Review, Assignment.slug, Course.slug).join(Submission, Submission.id == Review.submission_id)
                .join(Assignment, Assignment.id == Submission.assignment_id).join(Course, Course.id == Assignment.course_id)
                .where(Review.reviewer_id == user.id, Submission.school_id == school.id)
                .order_by(Review.allocated_at, Review.id).limit(limit))]


def peer_reviewer_roles(user, school: School, limit: int) -> list[dict]:
    return [{"course": course, "since": _iso(row.added_at)}
            for row, course in db.session.execute(
                db.select(PeerReviewer, Course.slug).join(Course, Course.id == PeerReviewer.course_id)
                .where(PeerReviewer.user_id == user.id, PeerReviewer.school_id == school.id).limit(limit))]

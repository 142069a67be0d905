"""Peer review: who reviews whose submission (fairly, anonymously), a review's levels, and the grade the peers give.

Allocation picks, among the submitted and undecided submissions of the same assignment and school, the one with
the fewest live peer allocations, then the oldest; never the reviewer's own, never one they already have. An
allocation left unsubmitted for ``ALLOCATION_EXPIRES`` is withdrawn, so its submission goes to someone else.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Mapping

from sqlalchemy import and_, func, or_

from ..accounts.models import User
from ..catalog.models import Course
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..i18n import _
from . import grading
from .models import Assignment, PeerReviewer, Review, Submission

ALLOCATION_EXPIRES = timedelta(hours=48)
MAX_COMMENT = 5000


class PeerRefused(Exception):
    """A peer-review step the user cannot take now; the message says why."""


@dataclass
class PeerSummary:
    """What the peers say of a submission: the reviews that count and, once there is one, their combined points."""

    reviews: list[Review]
    needed: int
    points: dict[str, float] | None = None
    total: float | None = None
    percent: float | None = None
    passes: bool | None = None
    criteria: list[dict[str, Any]] = field(default_factory=list)


def in_pool(user: User, course: Course | int) -> bool:
    """Whether the school designated ``user`` to fill in peer reviews of the course."""
    course_id = course if isinstance(course, int) else course.id
    return db.session.execute(db.select(PeerReviewer.id).filter_by(
        school_id=user.school_id, course_id=course_id, user_id=user.id)).first() is not None


def has_submitted(user: User, assignment: Assignment) -> bool:
    return db.session.execute(db.select(Submission.id).where(
        Submission.assignment_id == assignment.id, Submission.user_id == user.id,
        Submission.status.in_(("submitted", "decided")))).first() is not None


def may_review(user: User, assignment: Assignment) -> bool:
    """Peers who submitted their own work, and the course's designated reviewers."""
    return (user.is_authenticated and assignment.peer and not assignment.retired
            and (has_submitted(user, assignment) or in_pool(user, assignment.course_id)))


def given(user: User, assignment: Assignment) -> int:
    """How many peer reviews ``user`` has submitted on this assignment."""
    return db.session.execute(db.select(func.count(Review.id)).join(Submission, Submission.id == Review.submission_id)
                              .where(Submission.assignment_id == assignment.id, Review.reviewer_id == user.id,
                                     Review.kind == "peer", Review.submitted_at.is_not(None))).scalar_one()


def owed(user: User, assignment: Assignment) -> int | None:
    """The reviews a learner still owes (None for a designated reviewer, who owes none and may give any)."""
    if in_pool(user, assignment.course_id) and not has_submitted(user, assignment):
        return None
    return max(0, assignment.peer_reviews - given(user, assignment))


def open_allocation(user: User, assignment: Assignment) -> Review | None:
    """The reviewer's allocation on this assignment that is not yet submitted (one at a time)."""
    return db.session.execute(db.select(Review).join(Submission, Submission.id == Review.submission_id).where(
        Submission.assignment_id == assignment.id, Review.reviewer_id == user.id, Review.kind == "peer",
        Review.submitted_at.is_(None)).order_by(Review.id)).scalars().first()


def withdraw_stale(assignment: Assignment) -> int:
    """Withdraw this assignment's unsubmitted allocations that were left too long (others may review them) or whose
    submission was decided meanwhile (an instructor's decision leaves nothing to review)."""
    ours = db.select(Submission.id).where(Submission.assignment_id == assignment.id)
    undecided = db.select(Submission.id).where(Submission.assignment_id == assignment.id,
                                               Submission.status == "submitted")
    return db.session.execute(db.delete(Review).where(
        Review.submission_id.in_(ours), Review.kind == "peer", Review.submitted_at.is_(None),
        or_(Review.allocated_at < utcnow() - ALLOCATION_EXPIRES, Review.submission_id.not_in(undecided)))
        .execution_options(synchronize_session=False)).rowcount


def _live():
    """A peer review that holds its place: submitted (and not left out after a flag), or allocated within the expiry."""
    return and_(Review.kind == "peer", Review.excluded.is_(False),
                or_(Review.submitted_at.is_not(None), Review.allocated_at >= utcnow() - ALLOCATION_EXPIRES))


def candidates(reviewer: User, assignment: Assignment):
    """The submissions ``reviewer`` may be given, the fairest first."""
    allocated = (db.select(func.count(Review.id)).where(Review.submission_id == Submission.id, _live())
                 .correlate(Submission).scalar_subquery())
    theirs = db.select(Review.submission_id).where(Review.reviewer_id == reviewer.id)
    return (db.select(Submission).where(
        Submission.assignment_id == assignment.id, Submission.school_id == reviewer.school_id,
        Submission.status == "submitted", Submission.user_id != reviewer.id, Submission.id.not_in(theirs),
        allocated < assignment.peer_reviews)
        .order_by(allocated, Submission.submitted_at, Submission.id))


def allocate(reviewer: User, assignment: Assignment) -> Review | None:
    """The reviewer's next submission to review (their open one first), or None when none is waiting.
    Raises PeerRefused when they may not review or have given every review they owe."""
    if not may_review(reviewer, assignment):
        raise PeerRefused(_("Submit your own work first: then you review your peers'."))
    # FOR UPDATE (PostgreSQL): the reviewer's requests take turns, so two tabs never pick two submissions.
    db.session.execute(db.select(User.id).where(User.id == reviewer.id).with_for_update())
    withdraw_stale(assignment)
    current = open_allocation(reviewer, assignment)
    if current is not None:
        return current
    if owed(reviewer, assignment) == 0:
        raise PeerRefused(_("You have given every review you owe on this assignment. Thank you."))
    submission = db.session.execute(candidates(reviewer, assignment).limit(1)).scalars().first()
    if submission is None:
        return None
    # Two tabs asking at once insert one row: the unique (submission, reviewer) pair ignores the second.
    db.session.execute(insert_ignore(Review, {"submission_id": submission.id, "reviewer_id": reviewer.id,
                                              "kind": "peer", "allocated_at": utcnow(), "levels": {}, "comments": {},
                                              "annotations": [], "comment": "", "flag_reason": "", "excluded": False},
                                     ["submission_id", "reviewer_id"]))
    return open_allocation(reviewer, assignment)


def open_review(review: Review) -> None:
    """Note when the reviewer first opened the allocation (review time is counted from there)."""
    if review.opened_at is None:
        review.opened_at = utcnow()
        db.session.flush()


def submit_review(review: Review, levels: Mapping[str, int], comments: Mapping[str, str], comment: str = "",
                  instructor_decides: bool = True) -> bool:
    """Store the reviewer's levels and comments, once; then grade the submission if it has its reviews
    (``release_if_reviewed``). Returns whether this review released a grade."""
    rubric = review.submission.rubric or []
    points = grading.level_points(rubric, levels)
    if points is None:
        raise PeerRefused(_("Choose a level for every criterion."))
    stored = db.session.execute(
        db.update(Review).where(Review.id == review.id, Review.submitted_at.is_(None))
        .values(levels=dict(levels), points=round(sum(points.values()), 2), submitted_at=utcnow(),
                comments={c["key"]: (comments.get(c["key"]) or "")[:MAX_COMMENT] for c in rubric},
                comment=comment[:MAX_COMMENT])
        .execution_options(synchronize_session=False)).rowcount
    if not stored:
        raise PeerRefused(_("This review was already submitted: it cannot be changed."))
    db.session.refresh(review)
    return release_if_reviewed(review.submission, instructor_decides)


def release_if_reviewed(submission: Submission, instructor_decides: bool = True) -> bool:
    """Release the peers' combined grade once enough reviews are in: always for a ``peer`` assignment; for a
    ``peer+instructor`` one only when no instructor decides for this learner (``instructor_decides`` false: a
    self-paced learner, in no cohort whose instructor teaches the course), so both audiences get a grade."""
    assignment = submission.assignment
    if assignment.review_mode == "instructor" or (assignment.review_mode == "peer+instructor" and instructor_decides):
        return False
    # FOR UPDATE (PostgreSQL): two last reviews submitted at once take turns here, so the second sees the first.
    db.session.execute(db.select(Submission.id).where(Submission.id == submission.id).with_for_update())
    db.session.expire_all()
    if submission.status != "submitted":
        return False
    summary = peer_summary(submission)
    if summary.points is None or len(summary.reviews) < assignment.peer_reviews:
        return False
    decision = "pass" if summary.passes else "revise"
    return grading.release(submission, decision, summary.points, decided_by=None)


def peer_summary(submission: Submission) -> PeerSummary:
    """The counted peer reviews and their combined points (the instructor's advice for ``peer+instructor``)."""
    reviews = grading.counted_peer_reviews(submission)
    rubric = submission.rubric or []
    summary = PeerSummary(reviews=reviews, needed=submission.assignment.peer_reviews, criteria=rubric)
    points = grading.combined_points(rubric, reviews) if reviews else None
    if points is not None:
        summary.points, summary.total = points, round(sum(points.values()), 2)
        summary.percent = grading.percent_of(rubric, points)
        summary.passes = grading.passes(submission.assignment, rubric, points)
    return summary


def flag_review(review: Review, user: User, reason: str) -> None:
    """The reviewed learner flags a peer review as unfair, once, for staff to look at."""
    if review.submission.user_id != user.id or review.kind != "peer" or review.submitted_at is None:
        raise PeerRefused(_("Only the learner whose work was reviewed may flag this review."))
    reason = reason.strip()[:MAX_COMMENT]
    if not reason:
        raise PeerRefused(_("Say why the review is unfair."))
    flagged = db.session.execute(
        db.update(Review).where(Review.id == review.id, Review.flagged_at.is_(None))
        .values(flagged_at=utcnow(), flag_reason=reason).execution_options(synchronize_session=False)).rowcount
    if not flagged:
        raise PeerRefused(_("You already flagged this review."))
    db.session.refresh(review)


def reviewable_assignments(user: User) -> list[Assignment]:
    """The peer-reviewed assignments ``user`` may review: those they submitted, and their pool's courses'."""
    pooled = db.select(PeerReviewer.course_id).filter_by(school_id=user.school_id, user_id=user.id)
    mine = db.select(Submission.assignment_id).where(Submission.user_id == user.id,
                                                     Submission.status.in_(("submitted", "decided")))
    return list(db.session.execute(db.select(Assignment).where(
        Assignment.retired.is_(False), Assignment.review_mode.in_(("peer", "peer+instructor")),
        or_(Assignment.id.in_(mine), Assignment.course_id.in_(pooled)))
        .order_by(Assignment.course_id, Assignment.slug)).scalars())


def pool_courses(courses: list[Course]) -> list[Course]:
    """Of ``courses``, those that hold a peer-reviewed assignment (the ones a reviewer pool serves)."""
    ids = set(db.session.execute(db.select(Assignment.course_id).where(
        Assignment.retired.is_(False), Assignment.review_mode.in_(("peer", "peer+instructor")))).scalars())
    return [course for course in courses if course.id in ids]


def pool_members(school_id: int, course: Course) -> list[PeerReviewer]:
    return list(db.session.execute(db.select(PeerReviewer).join(User, User.id == PeerReviewer.user_id)
                                   .where(PeerReviewer.school_id == school_id, PeerReviewer.course_id == course.id)
                                   .order_by(User.name, User.id)).scalars())


def add_to_pool(admin: User, course: Course, user: User) -> PeerReviewer:
    """Designate ``user`` (of the admin's school) to fill in peer reviews of ``course``."""
    if user.school_id != admin.school_id:
        raise PeerRefused(_("No account uses this e-mail address."))
    if in_pool(user, course):
        raise PeerRefused(_("%(name)s already reviews this course's assignments.", name=user.name))
    member = PeerReviewer(school_id=admin.school_id, course_id=course.id, user_id=user.id, added_by_id=admin.id)
    db.session.add(member)
    db.session.flush()
    return member


def remove_from_pool(member: PeerReviewer) -> None:
    """Their allocations already given stay theirs to finish; they are given no more."""
    db.session.delete(member)
    db.session.flush()

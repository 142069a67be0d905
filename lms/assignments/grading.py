"""How reviews become a grade, and how a decision reaches the learner.

Points come from the rubric the submission was made against (``Submission.rubric``): a review gives one
level per criterion. Several peer reviews combine criterion by criterion through the median of their
points, so one unusually harsh or generous reviewer moves the grade less than a mean would. A submission
passes when its percentage reaches the pass mark and, when the assignment says so, no criterion sits at its
lowest level.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from statistics import median
from typing import Any

from ..db import utcnow
from ..extensions import db
from ..signals import submission_decided
from .models import Assignment, Review, Submission

Rubric = list[dict[str, Any]]


def level_points(rubric: Rubric, levels: Mapping[str, int]) -> dict[str, float] | None:
    """Points per criterion for a level index per criterion key; None unless every criterion has a valid level."""
    points = {}
    for criterion in rubric:
        index = levels.get(criterion["key"])
        if not isinstance(index, int) or isinstance(index, bool) or not 0 <= index < len(criterion["levels"]):
            return None
        points[criterion["key"]] = float(criterion["levels"][index]["points"])
    return points


def max_points(rubric: Rubric) -> float:
    return sum(max(level["points"] for level in criterion["levels"]) for criterion in rubric)


def combined_points(rubric: Rubric, reviews: Iterable[Review]) -> dict[str, float] | None:
    """The median of the reviews' points, criterion by criterion; None without a complete review."""
    scored = [points for points in (level_points(rubric, review.levels) for review in reviews) if points is not None]
    if not scored:
        return None
    return {criterion["key"]: float(median(points[criterion["key"]] for points in scored)) for criterion in rubric}


def at_lowest_level(rubric: Rubric, points: Mapping[str, float]) -> list[str]:
    """The criteria whose points are those of their lowest level (or below it, for a median between two levels)."""
    return [c["key"] for c in rubric if points[c["key"]] <= min(level["points"] for level in c["levels"])]


def percent_of(rubric: Rubric, points: Mapping[str, float]) -> float:
    total = max_points(rubric)
    return round(100 * sum(points.values()) / total, 1) if total else 0.0


def passes(assignment: Assignment, rubric: Rubric, points: Mapping[str, float]) -> bool:
    if percent_of(rubric, points) < assignment.pass_mark:
        return False
    return not (assignment.lowest_level_fails and at_lowest_level(rubric, points))


def counted_peer_reviews(submission: Submission) -> list[Review]:
    """The submitted peer reviews that count toward the grade (an upheld flag leaves one out)."""
    return [r for r in submission.reviews if r.kind == "peer" and r.submitted_at is not None and not r.excluded]


def release(submission: Submission, decision: str, points: Mapping[str, float] | None, decided_by=None,
            feedback: str = "") -> bool:
    """Record a decision and give it to the learner, once: a guarded update, so two reviewers deciding at the same
    moment release one decision. Returns whether this call released it (and announced it)."""
    rubric = submission.rubric or []
    score = round(sum(points.values()), 2) if points is not None else None
    percent = percent_of(rubric, points) if points is not None else None
    now = utcnow()
    released = db.session.execute(
        db.update(Submission).where(Submission.id == submission.id, Submission.status == "submitted")
        .values(status="decided", decision=decision, score=score, percent=percent, decided_at=now, released_at=now,
                decided_by_id=decided_by.id if decided_by is not None else None, feedback=feedback)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(submission)
    if released:
        submission_decided.send(submission, passed=decision == "pass")
    return bool(released)

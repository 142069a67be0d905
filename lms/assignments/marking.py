"""An instructor's review of a submission: a draft kept between visits, a decision released once, inline comments
on passages of the learner's text, flagged peer reviews resolved, and how long reviews take.

Services flush, never commit; the view commits once. A refusal the reviewer can act on is a ``MarkingRefused``
carrying the message to show."""
from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from statistics import median

from ..accounts.models import User
from ..db import utcnow
from ..extensions import db
from ..i18n import _
from ..signals import submission_decided
from .grading import combined_points, counted_peer_reviews, level_points, passes, percent_of, release
from .models import DECISIONS, Review, Submission

MAX_ANNOTATIONS = 50
MAX_COMMENT = 4000  # characters of one criterion's comment or one inline comment
MAX_QUOTE = 1000
MAX_FEEDBACK = 20000
TAGS = re.compile(r"<[^>]+>")
SPACES = re.compile(r"\s+")


class MarkingRefused(ValueError):
    """A rule the reviewer can act on; ``str(error)`` is the message, in the reader's language."""


def instructor_review(submission: Submission, user: User) -> Review:
    """The reviewer's own review of the submission, started (with ``opened_at``, when review time starts) on first open."""
    review = db.session.execute(db.select(Review).where(Review.submission_id == submission.id,
                                                        Review.reviewer_id == user.id)).scalar_one_or_none()
    if review is None:
        review = Review(submission=submission, reviewer_id=user.id, kind="instructor", opened_at=utcnow(),
                        levels={}, comments={}, annotations=[], comment="")
        db.session.add(review)
        db.session.flush()
    elif review.kind != "instructor":  # one review per reviewer and submission: theirs is a peer's
        raise MarkingRefused(_("You reviewed this submission as a peer, so another instructor or an admin decides it."))
    elif review.opened_at is None:
        review.opened_at = utcnow()
        db.session.flush()
    return review


def _plain(text: str) -> str:
    return SPACES.sub(" ", text).strip().casefold()


def quotable_text(submission: Submission) -> tuple[str, str]:
    """The submission's text as written (Markdown) and as read (the rendered HTML without its tags), both
    normalised: a quote copied from either is found."""
    shown = html.unescape(TAGS.sub(" ", submission.text_html or ""))
    return _plain(submission.text or ""), _plain(shown)


def check_annotations(submission: Submission, annotations: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    """The inline comments kept (blank rows dropped): each quotes a passage of the text and says something on it."""
    written, shown = quotable_text(submission)
    kept = []
    for row in annotations:
        quote, comment = (row.get("quote") or "").strip(), (row.get("comment") or "").strip()
        if not quote and not comment:
            continue
        if not quote or not comment:
            raise MarkingRefused(_("Each inline comment needs both a quoted passage and a comment."))
        if len(quote) > MAX_QUOTE or len(comment) > MAX_COMMENT:
            raise MarkingRefused(_("An inline comment is too long: quote at most %(quote)d characters and comment in "
                                   "at most %(comment)d.", quote=MAX_QUOTE, comment=MAX_COMMENT))
        if _plain(quote) not in written and _plain(quote) not in shown:
            raise MarkingRefused(_("The passage “%(quote)s” is not in the learner's text: copy it from the text.",
                                   quote=quote[:80]))
        kept.append({"quote": quote, "comment": comment})
    if len(kept) > MAX_ANNOTATIONS:
        raise MarkingRefused(_("A review holds at most %(count)d inline comments.", count=MAX_ANNOTATIONS))
    return kept


def check_levels(rubric: list[dict], levels: Mapping[str, int]) -> dict[str, int]:
    """The levels chosen so far (a draft may leave criteria open); an unknown criterion or level is refused."""
    known = {criterion["key"]: len(criterion["levels"]) for criterion in rubric}
    for key, index in levels.items():
        if key not in known or not isinstance(index, int) or not 0 <= index < known[key]:
            raise MarkingRefused(_("Choose one of the rubric's levels for each criterion."))
    return dict(levels)


def save_review(review: Review, levels: Mapping[str, int], comments: Mapping[str, str],
                annotations: Iterable[Mapping[str, str]], feedback: str) -> Review:
    """Keep the reviewer's work as a draft; only an undecided submission of an instructor-reviewed assignment."""
    submission = review.submission
    if submission.status != "submitted":
        raise MarkingRefused(_("This submission is already decided: its review can no longer change."))
    if not submission.assignment.instructor:
        raise MarkingRefused(_("This assignment is reviewed by peers only."))
    rubric = submission.rubric or []
    keys = {criterion["key"] for criterion in rubric}
    kept_comments = {key: text.strip() for key, text in comments.items() if key in keys and text.strip()}
    if any(len(text) > MAX_COMMENT for text in kept_comments.values()) or len(feedback) > MAX_FEEDBACK:
        raise MarkingRefused(_("A comment is too long: write at most %(count)d characters per criterion.",
                               count=MAX_COMMENT))
    review.levels = check_levels(rubric, levels)
    review.comments = kept_comments
    review.annotations = check_annotations(submission, annotations)
    review.comment = feedback.strip()
    db.session.flush()
    return review


def decide(review: Review, decision: str, user: User) -> Submission:
    """Complete the review and release the decision with the points of its levels: once. A submission already decided
    (a second post, another instructor a moment earlier) is refused and nothing of this review changes."""
    submission = review.submission
    if decision not in DECISIONS:
        raise MarkingRefused(_("Choose a decision: pass, revise or fail."))
    points = level_points(submission.rubric or [], review.levels)
    if points is None:
        raise MarkingRefused(_("Choose a level for every criterion before deciding."))
    review.points = round(sum(points.values()), 2)
    review.submitted_at = utcnow()
    db.session.flush()
    if not release(submission, decision, points, decided_by=user, feedback=review.comment):
        raise MarkingRefused(_("This submission was already decided; nothing was changed."))
    return submission


@dataclass(frozen=True)
class FlagOutcome:
    """What resolving a flag did: upheld or dismissed; for a grade the peers gave, the score recomputed and the
    decision before and after (the same unless it changed)."""
    upheld: bool
    recomputed: bool = False
    before: str | None = None
    after: str | None = None

    @property
    def decision_changed(self) -> bool:
        return self.before != self.after


def resolve_flag(review: Review, user: User, uphold: bool) -> FlagOutcome:
    """Uphold (the review no longer counts) or dismiss a learner's flag on a peer review, once."""
    if review.kind != "peer" or review.flagged_at is None:
        raise MarkingRefused(_("This review was not flagged."))
    if review.flag_resolved_at is not None:
        raise MarkingRefused(_("This flag was already resolved; nothing was changed."))
    if review.reviewer_id == user.id:
        raise MarkingRefused(_("You wrote this review: another member of staff resolves the flag on it."))
    review.flag_resolved_at, review.flag_resolved_by_id = utcnow(), user.id
    review.excluded = uphold
    db.session.flush()
    submission = review.submission
    if not uphold or submission.status != "decided" or submission.decided_by_id is not None:
        return FlagOutcome(upheld=uphold)
    return _regrade(submission)


def _regrade(submission: Submission) -> FlagOutcome:
    """A peer-decided grade recomputed from the reviews that still count. A released pass stands (a completion or a
    certificate may rest on it), and so does the decision of a version the learner has since replaced: only the
    learner's latest version may turn into a pass, announced so that progress counts it."""
    rubric = submission.rubric or []
    before = submission.decision
    points = combined_points(rubric, counted_peer_reviews(submission))
    if points is None or before == "pass":  # nothing left to grade from, or a pass given: the grade stands
        return FlagOutcome(upheld=True, before=before, after=before)
    later = db.session.execute(db.select(Submission.id).where(
        Submission.assignment_id == submission.assignment_id, Submission.user_id == submission.user_id,
        Submission.number > submission.number)).first() is not None
    after = "pass" if passes(submission.assignment, rubric, points) and not later else before
    changed = db.session.execute(
        db.update(Submission).where(Submission.id == submission.id, Submission.status == "decided",
                                    Submission.decision == before)
        .values(score=round(sum(points.values()), 2), percent=percent_of(rubric, points), decision=after)
        .execution_options(synchronize_session=False)).rowcount
    db.session.refresh(submission)
    if changed and after != before:
        submission_decided.send(submission, passed=True)  # progress counts the pass it now is
    return FlagOutcome(upheld=True, recomputed=bool(changed), before=before, after=submission.decision)


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` of 0.9: the value 90 % of the others do not exceed)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass(frozen=True)
class ReviewTimes:
    """Hours from submission to decision, and from the instructor's first opening to the decision, for one assignment."""
    count: int
    median_total: float | None
    p90_total: float | None
    median_instructor: float | None
    p90_instructor: float | None


def hours(start: datetime | None, end: datetime | None) -> float | None:
    return None if start is None or end is None else max(0.0, (end - start).total_seconds() / 3600)


def review_times(rows: Iterable[tuple[datetime, datetime, datetime | None]]) -> ReviewTimes:
    """Figures for (submitted_at, decided_at, instructor opened_at) rows of decided submissions."""
    total, instructor = [], []
    for submitted_at, decided_at, opened_at in rows:
        total.append(hours(submitted_at, decided_at))
        if opened_at is not None:
            instructor.append(hours(opened_at, decided_at))
    return ReviewTimes(len(total), median(total) if total else None, percentile(total, 0.9),
                       median(instructor) if instructor else None, percentile(instructor, 0.9))

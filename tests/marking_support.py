"""Assignment files and submitted work for the instructor-review tests, made directly with the models (the
learner's submission pages and peer review are built elsewhere)."""
from __future__ import annotations

import html
from datetime import datetime, timedelta
from pathlib import Path

from lms.assignments.models import Assignment, Review, Submission
from lms.db import utcnow
from lms.extensions import db

from .content_factory import write

ASSIGNMENT = """\
---
title: Problem framing sheet
submit: [text]
review: {review}
{peers}pass_mark: 60
---
Frame one AI initiative.

## Rubric {{#rubric}}

### Problem statement {{#problem skill=ai-literacy}}
States the problem and who has it.

- **Not yet** (0): No problem is stated.
- **Partly** (5): The problem is stated without the people who have it.
- **Proficient** (10): The problem and its owners are stated.

### Success measure {{#measure skill=agile-delivery}}

- **Not yet** (0): No measure.
- **Proficient** (10): A measure with a target.
"""
TEXT = "Our churn model serves the retention team.\n\nSuccess is a churn rate below 5 % by June."


def write_assignment(content_dir: Path, review: str = "instructor", course: str = "intro-course",
                     module: str = "01-basics") -> Path:
    """An assignment of the module (format: lms/assignments/parsing.py), reviewed as ``review`` says."""
    peers = "peer_reviews: 2\n" if "peer" in review else ""
    return write(content_dir, f"assignments/{course}/{module}.md", ASSIGNMENT.format(review=review, peers=peers))


def assignment(slug: str = "basics") -> Assignment:
    return db.session.execute(db.select(Assignment).filter_by(slug=slug)).scalar_one()


def submit(user, item: Assignment, submitted_at: datetime | None = None, text: str = TEXT, number: int = 1) -> Submission:
    """A submitted version of ``user``'s work, with the assignment's rubric as it was then."""
    submission = Submission(assignment_id=item.id, user_id=user.id, school_id=user.school_id, number=number,
                            status="submitted", text=text, text_html="".join(
                                f"<p>{html.escape(part)}</p>" for part in text.split("\n\n")),
                            rubric=item.rubric, submitted_at=submitted_at or utcnow() - timedelta(hours=1))
    db.session.add(submission)
    db.session.flush()
    return submission


def peer_review(submission: Submission, reviewer, levels: dict[str, int], flagged: bool = False,
                comment: str = "A peer's view.") -> Review:
    """A submitted peer review, flagged by the learner when ``flagged``."""
    review = Review(submission_id=submission.id, reviewer_id=reviewer.id, kind="peer", levels=levels, comments={},
                    annotations=[], comment=comment, submitted_at=utcnow(), opened_at=utcnow() - timedelta(minutes=20),
                    flagged_at=utcnow() if flagged else None, flag_reason="Too harsh." if flagged else "")
    db.session.add(review)
    db.session.flush()
    return review

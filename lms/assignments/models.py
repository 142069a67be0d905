"""Assignments as loaded from content, the learners' submissions and their reviews.

A submission keeps the rubric it was submitted against, so a rubric edited later never changes how a
review already given reads or adds up. Files live in the database (backed up with it), never under the
web root, and are sent only as attachments to the people allowed to see them.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalog.models import Course, Module
from ..db import UTCDateTime, utcnow
from ..extensions import db

DECISIONS = ("pass", "revise", "fail")


class Assignment(db.Model):
    """A module's assignment (slug = the module's slug): a brief, what to submit, how it is reviewed, a rubric."""

    __tablename__ = "assignments"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("review_mode IN ('peer', 'instructor', 'peer+instructor')", name="review_mode"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark"),
        CheckConstraint("peer_reviews >= 0 AND peer_reviews <= 5", name="peer_reviews"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    brief_html: Mapped[str] = mapped_column(Text, default="")
    submit_text: Mapped[bool] = mapped_column(default=True)
    submit_files: Mapped[bool] = mapped_column(default=False)
    file_types: Mapped[list[str]] = mapped_column(JSON, default=list)
    max_file_bytes: Mapped[int] = mapped_column(default=10 * 1024 * 1024)
    max_files: Mapped[int] = mapped_column(default=0)
    review_mode: Mapped[str] = mapped_column(String(20))
    peer_reviews: Mapped[int] = mapped_column(default=0)
    pass_mark: Mapped[float] = mapped_column(default=60)
    lowest_level_fails: Mapped[bool] = mapped_column(default=False)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"key", "title", "skill", "description_html", "levels": [{"name", "points", "html"}]}], levels by points
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    max_points: Mapped[float] = mapped_column(default=0)
    source_path: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship()
    module: Mapped[Module] = relationship()

    @property
    def peer(self) -> bool:
        return self.review_mode in ("peer", "peer+instructor")

    @property
    def instructor(self) -> bool:
        return self.review_mode in ("instructor", "peer+instructor")

    def __repr__(self) -> str:
        return f"<Assignment {self.course_id}:{self.slug}>"


class Submission(db.Model):
    """One version of a learner's work: a draft until submitted; after a "revise" decision the learner
    starts the next number. ``decision`` and ``score`` are what the learner sees once ``released_at`` is set."""

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("assignment_id", "user_id", "number"),
        CheckConstraint("status IN ('draft', 'submitted', 'decided')", name="status"),
        CheckConstraint("decision IS NULL OR decision IN ('pass', 'revise', 'fail')", name="decision"),
        CheckConstraint("number >= 1", name="number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(default=1)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    text: Mapped[str] = mapped_column(Text, default="")  # Markdown as the learner wrote it
    text_html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised
    rubric: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)  # the assignment's rubric when submitted
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    score: Mapped[float | None] = mapped_column()  # points, out of the rubric's maximum
    percent: Mapped[float | None] = mapped_column()
    decision: Mapped[str | None] = mapped_column(String(8))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: the peers
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    feedback: Mapped[str] = mapped_column(Text, default="")  # the decider's overall comment

    assignment: Mapped[Assignment] = relationship()
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    files: Mapped[list[SubmissionFile]] = relationship(back_populates="submission", order_by="SubmissionFile.id",
                                                      cascade="all, delete-orphan")
    reviews: Mapped[list[Review]] = relationship(back_populates="submission", order_by="Review.id",
                                                 cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Submission {self.assignment_id}:{self.user_id}#{self.number} {self.status}>"


class SubmissionFile(db.Model):
    __tablename__ = "submission_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(8))  # a key of filetypes.FILE_TYPES, found from the content
    size: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[Submission] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<SubmissionFile {self.id} {self.kind}>"


class Review(db.Model):
    """A peer's or an instructor's review of one submission: a level per criterion, comments, and for a
    peer review, the learner's flag when they find it unfair. Reviewers are never shown to the learner."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("submission_id", "reviewer_id"),
        CheckConstraint("kind IN ('peer', 'instructor')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    allocated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first opened: review time is from here
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    levels: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # criterion key -> level index
    points: Mapped[float | None] = mapped_column()
    comments: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # criterion key -> comment
    annotations: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)  # [{"quote", "comment"}] on the text
    comment: Mapped[str] = mapped_column(Text, default="")  # overall
    flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flag_reason: Mapped[str] = mapped_column(Text, default="")
    flag_resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    flag_resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    excluded: Mapped[bool] = mapped_column(default=False)  # an upheld flag leaves it out of the grade

    submission: Mapped[Submission] = relationship(back_populates="reviews")
    reviewer: Mapped[User] = relationship(foreign_keys=[reviewer_id])

    def __repr__(self) -> str:
        return f"<Review {self.kind} {self.submission_id} by {self.reviewer_id}>"


class PeerReviewer(db.Model):
    """Someone a school designates to fill in peer reviews of a course when too few learners have submitted."""

    __tablename__ = "peer_reviewers"
    __table_args__ = (UniqueConstraint("school_id", "course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<PeerReviewer course={self.course_id} user={self.user_id}>"

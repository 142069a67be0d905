"""A cohort is one intake of a programme or a course at a school: its dates, a deadline per course (and per
quiz where set), its instructors and its learners. Joining a cohort enrols the learner in what it offers."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalog.models import Course, Programme
from ..db import UTCDateTime, utcnow
from ..extensions import db
from ..quizzes.models import Quiz

# How a learner came into a cohort.
SOURCES = ("import", "link", "admission", "staff")


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (
        UniqueConstraint("school_id", "slug"),
        CheckConstraint("(programme_id IS NULL) <> (course_id IS NULL)", name="one_offering"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    # What the cohort takes: a programme (all its courses) or one course, never both.
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id"), index=True)
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id"), index=True)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    programme: Mapped[Programme | None] = relationship()
    course: Mapped[Course | None] = relationship()

    def __repr__(self) -> str:
        return f"<Cohort {self.slug}>"


class CohortDeadline(db.Model):
    """When a course of the cohort (``quiz_id`` None) or one of its quizzes is due, as a UTC moment."""
    __tablename__ = "cohort_deadlines"
    __table_args__ = (
        # One deadline per course and one per quiz (NULL quiz ids are distinct in a plain unique key).
        Index("uq_cohort_deadlines_course", "cohort_id", "course_id", unique=True,
              sqlite_where=text("quiz_id IS NULL"), postgresql_where=text("quiz_id IS NULL")),
        Index("uq_cohort_deadlines_quiz", "cohort_id", "quiz_id", unique=True,
              sqlite_where=text("quiz_id IS NOT NULL"), postgresql_where=text("quiz_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    quiz_id: Mapped[int | None] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    cohort: Mapped[Cohort] = relationship()
    course: Mapped[Course] = relationship()
    quiz: Mapped[Quiz | None] = relationship()

    def __repr__(self) -> str:
        return f"<CohortDeadline cohort={self.cohort_id} course={self.course_id} quiz={self.quiz_id}>"


class CohortMember(db.Model):
    """A learner of the cohort."""
    __tablename__ = "cohort_members"
    __table_args__ = (CheckConstraint("source IN ('import', 'link', 'admission', 'staff')", name="source"),)

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    source: Mapped[str] = mapped_column(String(16))
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CohortMember cohort={self.cohort_id} user={self.user_id}>"


class CohortInstructor(db.Model):
    """A member of staff who teaches the cohort: sees its learners' progress and reviews their work."""
    __tablename__ = "cohort_instructors"

    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CohortInstructor cohort={self.cohort_id} user={self.user_id}>"


class CohortInvitation(db.Model):
    """A link anyone holding it may use to join the cohort, for a limited number of seats. Only the token's
    SHA-256 is stored; ``used`` grows by a guarded UPDATE, so two learners never take the last seat twice."""
    __tablename__ = "cohort_invitations"
    __table_args__ = (CheckConstraint("seats >= 1", name="seats"), CheckConstraint("used >= 0 AND used <= seats", name="used"))

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    seats: Mapped[int]
    used: Mapped[int] = mapped_column(default=0)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"<CohortInvitation {self.id} cohort={self.cohort_id} {self.used}/{self.seats}>"


class CalendarFeed(db.Model):
    """A learner's private iCalendar address: the token is the only key (calendar apps send no cookie), so only
    its SHA-256 is stored, and revoking it (or making a new one) ends the old address."""
    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<CalendarFeed {self.id} user={self.user_id}>"

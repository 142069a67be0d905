"""Quizzes as loaded from content, and attempts as taken: a question edit adds a version, never
rewrites one, so every attempt stays gradeable and reviewable exactly as it was taken."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..catalog.models import Course, Module
from ..db import UTCDateTime, utcnow
from ..extensions import db
from .qtypes import QuestionType, get_type

FINAL = "final"


class Quiz(db.Model):
    """A module's quiz (slug = the module's slug) or a course's final exam (slug "final")."""

    __tablename__ = "quizzes"
    __table_args__ = (
        UniqueConstraint("course_id", "slug"),
        CheckConstraint("pass_mark >= 0 AND pass_mark <= 100", name="pass_mark"),
        CheckConstraint("max_attempts >= 0", name="max_attempts"),
        CheckConstraint("time_limit IS NULL OR time_limit > 0", name="time_limit"),
        CheckConstraint("draw IS NULL OR draw > 0", name="draw"),
        CheckConstraint("review IN ('after_submit', 'after_pass', 'never')", name="review"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[int | None] = mapped_column(ForeignKey("modules.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    intro_html: Mapped[str] = mapped_column(Text, default="")
    pass_mark: Mapped[float] = mapped_column(default=70)
    max_attempts: Mapped[int] = mapped_column(default=0)  # 0: unlimited
    time_limit: Mapped[int | None] = mapped_column()  # minutes
    shuffle: Mapped[bool] = mapped_column(default=True)
    draw: Mapped[int | None] = mapped_column()
    review: Mapped[str] = mapped_column(String(16), default="after_submit")
    source_path: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(default=False)

    course: Mapped[Course] = relationship()
    module: Mapped[Module | None] = relationship()

    def __repr__(self) -> str:
        return f"<Quiz {self.course_id}:{self.slug}>"

    @property
    def is_final(self) -> bool:
        return self.module_id is None


class QuestionVersion(db.Model):
    """One version of a question; ``data`` is the type's data with its texts rendered to safe HTML."""

    __tablename__ = "question_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "key", "version"), CheckConstraint("points > 0", name="points"))

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))  # the question's id in the quiz file
    version: Mapped[int] = mapped_column(default=1)
    type: Mapped[str] = mapped_column(String(32))
    prompt_html: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    points: Mapped[float] = mapped_column(default=1)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(default=0)  # order in the quiz file
    # Every version but the current one is retired, and all of them when the question is removed.
    retired: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<QuestionVersion {self.quiz_id}:{self.key} v{self.version}>"

    @property
    def qtype(self) -> type[QuestionType]:
        """The registered type that shows, reads, grades and reports this question."""
        return get_type(self.type)


class Attempt(db.Model):
    """One try at a quiz; ``number`` is unique per learner and quiz, so a racing second start cannot
    add an attempt or exceed the allowed number."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "quiz_id", "number"),
        CheckConstraint("number >= 1", name="number"),
        CheckConstraint("score IS NULL OR (score >= 0 AND score <= 1)", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    seed: Mapped[int] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column()  # fraction of the points, 0..1
    passed: Mapped[bool | None] = mapped_column()
    late: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
    quiz: Mapped[Quiz] = relationship()

    def __repr__(self) -> str:
        return f"<Attempt {self.id} user={self.user_id} quiz={self.quiz_id} #{self.number}>"

    @property
    def is_open(self) -> bool:
        return self.submitted_at is None

    @property
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


class AttemptQuestion(db.Model):
    """The questions an attempt drew, in the order shown: fixed at start from the attempt's seed."""

    __tablename__ = "attempt_questions"
    __table_args__ = (UniqueConstraint("attempt_id", "position"),)

    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"), primary_key=True)
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"), primary_key=True)
    position: Mapped[int] = mapped_column()

    question: Mapped[QuestionVersion] = relationship()

    def __repr__(self) -> str:
        return f"<AttemptQuestion {self.attempt_id}:{self.position}>"


class AttemptAnswer(db.Model):
    """The learner's saved response to one question of an attempt; scored at submit."""

    __tablename__ = "attempt_answers"
    __table_args__ = (UniqueConstraint("attempt_id", "question_version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id", ondelete="CASCADE"))
    question_version_id: Mapped[int] = mapped_column(ForeignKey("question_versions.id"))
    response: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    score: Mapped[float | None] = mapped_column()  # fraction of the question's points

    def __repr__(self) -> str:
        return f"<AttemptAnswer {self.attempt_id}:{self.question_version_id}>"

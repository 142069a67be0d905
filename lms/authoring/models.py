"""The source of every content file with its revisions (who may author a course is in catalog).

The database holds the bytes of every file of the tree (courses/ and quizzes/), keyed by content
path, so the browser and Git edit one model: ``flask lms sync`` records what it loads, the editor
adds revisions, publishing loads the database's tree through the same sync, and ``flask lms
export`` writes that tree back out.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import UTCDateTime, utcnow
from ..extensions import db

ORIGINS = ("sync", "edit", "create", "restore", "move", "upload", "delete")


class SourceFile(db.Model):
    """One path of the content tree. ``synced_hash`` is what the last sync found on disk at this
    path; ``head_*`` is the latest revision (a draft when it differs from ``live_*``, the published
    one). A hash of None means the file does not exist at that point."""

    __tablename__ = "content_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    synced_hash: Mapped[str | None] = mapped_column(String(64))
    head_number: Mapped[int] = mapped_column(default=0)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    live_number: Mapped[int | None] = mapped_column()
    live_hash: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    revisions: Mapped[list[SourceRevision]] = relationship(back_populates="file", order_by="SourceRevision.number",
                                                           cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<SourceFile {self.path} head={self.head_number} live={self.live_number}>"

    @property
    def has_draft(self) -> bool:
        return self.head_hash != self.live_hash

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


class SourceRevision(db.Model):
    """Every save is a revision: who, when, why, and the file's exact bytes (None: deleted)."""

    __tablename__ = "content_revisions"
    __table_args__ = (
        UniqueConstraint("file_id", "number"),
        CheckConstraint("origin IN ('sync', 'edit', 'create', 'restore', 'move', 'upload', 'delete')", name="origin"),
        CheckConstraint("(data IS NULL) = (hash IS NULL)", name="deletion"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("content_files.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    data: Mapped[bytes | None] = mapped_column(LargeBinary)
    hash: Mapped[str | None] = mapped_column(String(64))
    origin: Mapped[str] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(String(300), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    file: Mapped[SourceFile] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<SourceRevision {self.file_id}#{self.number} {self.origin}>"

    @property
    def text(self) -> str:
        """The revision as text for the editor and diffs; undecodable bytes are shown replaced."""
        return "" if self.data is None else self.data.decode("utf-8", errors="replace")

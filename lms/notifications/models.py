"""One row per mail a learner is owed. The unique key (user, kind, subject) is the claim: whoever inserts the
row sends it, so two overlapping runs never send the same reminder twice."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db

# What a notification is about; its subject_id names a cohort deadline, or a certificate.
DEADLINE_KINDS = ("deadline_7d", "deadline_1d", "deadline_missed")
KINDS = (*DEADLINE_KINDS, "certificate_issued", "submission_decided")


class Notification(db.Model):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", "subject_id"),
        CheckConstraint("kind IN ('deadline_7d', 'deadline_1d', 'deadline_missed', 'certificate_issued', 'submission_decided')",
                        name="kind"),
        Index("ix_notifications_unsent", "school_id", sqlite_where=text("sent_at IS NULL"),
              postgresql_where=text("sent_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Handed to a sender (inline or a queued job) at this moment; a run takes back a row left unsent for an hour.
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by the job that sends it, before it sends: a second job holding the same row then sends nothing.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(String(300), default="")

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind} user={self.user_id} subject={self.subject_id}>"

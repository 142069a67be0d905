"""A request to delete an account: asked by its holder, confirmed or refused by a school admin."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import UTCDateTime, utcnow
from ..extensions import db

STATES = ("pending", "cancelled", "refused", "confirmed")


class DeletionRequest(db.Model):
    """One per account and school: asking again after a cancellation or a refusal reopens it; once
    confirmed it stays as the record that the account was erased, and when (its reason is cleared)."""

    __tablename__ = "deletion_requests"
    __table_args__ = (
        UniqueConstraint("school_id", "user_id"),
        CheckConstraint("state IN ('pending', 'cancelled', 'refused', 'confirmed')", name="state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")  # the holder's own words, optional
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(Text, default="")  # a refusal's message to the holder

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<DeletionRequest {self.id} user={self.user_id} {self.state}>"

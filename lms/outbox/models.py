"""One message for another system: what to send, where it stands, and when to try again."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db

STATES = ("pending", "sent", "failed")


class OutboxMessage(db.Model):
    """Put once per ``(kind, key)``; ``pending`` until its sender delivers it (``sent``) or refuses it for good
    (``failed``). A sender holds a message while ``claimed_until`` lies ahead, so two workers never send it
    at once; a failed try moves ``due_at`` later."""
    __tablename__ = "outbox_messages"
    __table_args__ = (UniqueConstraint("kind", "key"),
                      CheckConstraint("state IN ('pending', 'sent', 'failed')", name="state"),
                      Index("ix_outbox_messages_due", "state", "due_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(8), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str] = mapped_column(String(300), default="")

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.key} {self.state}>"

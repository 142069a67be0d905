"""A school's learning record store: where its xAPI statements go."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db


class RecordStore(db.Model):
    """One per school. ``secret`` is sealed (``lms.secretbox``); ``actor_salt`` keys the opaque names the store
    knows the school's learners by, so the store cannot tell who they are from their account ids."""
    __tablename__ = "xapi_record_stores"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), unique=True)
    endpoint: Mapped[str] = mapped_column(String(500))  # the xAPI base, such as https://lrs.example.org/xAPI/
    key: Mapped[str] = mapped_column(String(200))  # the basic-auth user name
    secret: Mapped[str] = mapped_column(Text, default="")  # sealed
    active: Mapped[bool] = mapped_column(default=True)
    actor_salt: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<RecordStore school={self.school_id} {self.endpoint} {'on' if self.active else 'off'}>"

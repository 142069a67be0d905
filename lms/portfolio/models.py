"""A learner's portfolio settings and the submissions it shows."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..assignments.models import Submission
from ..db import UTCDateTime, utcnow
from ..extensions import db

VISIBILITIES = ("off", "link", "public")

portfolio_submissions = Table(
    "portfolio_submissions",
    db.metadata,
    Column("portfolio_id", ForeignKey("portfolios.id", ondelete="CASCADE"), primary_key=True),
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
)


class Portfolio(db.Model):
    """``token`` makes the page's address: unguessable, so "link" shows it only to those given it; "public" is
    the same page, open to search engines. A new token retires the old address."""

    __tablename__ = "portfolios"
    __table_args__ = (UniqueConstraint("user_id"), CheckConstraint("visibility IN ('off', 'link', 'public')",
                                                                   name="visibility"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    visibility: Mapped[str] = mapped_column(String(8), default="off")
    token: Mapped[str] = mapped_column(String(43), unique=True)
    headline: Mapped[str] = mapped_column(String(200), default="")
    show_skills: Mapped[bool] = mapped_column(default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()
    submissions: Mapped[list[Submission]] = relationship(secondary=portfolio_submissions, order_by=Submission.id)

    def __repr__(self) -> str:
        return f"<Portfolio {self.user_id} {self.visibility}>"

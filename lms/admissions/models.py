"""An admission round takes applications to one cohort; an application is one person's answers and file."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, LargeBinary, String, Text, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from ..accounts.models import User
from ..cohorts.models import Cohort
from ..db import UTCDateTime, utcnow
from ..extensions import db

# unconfirmed: the applicant has not yet opened the mailed link (staff never see it);
# submitted: confirmed, waiting for a decision.
STATUSES = ("unconfirmed", "submitted", "accepted", "declined", "withdrawn")
# The statuses of an application still in play: one of them per address and round.
LIVE = ("unconfirmed", "submitted", "accepted")
LIVE_SQL = "status IN ('unconfirmed', 'submitted', 'accepted')"


class AdmissionRound(db.Model):
    __tablename__ = "admission_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    is_open: Mapped[bool] = mapped_column(default=False)
    closes_on: Mapped[date | None] = mapped_column(Date)  # the last day applications are taken
    # The form's questions, checked by ``questions.parse``: [{"label", "help", "kind", "required", "options"}].
    questions: Mapped[str] = mapped_column(Text, default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship()

    def __repr__(self) -> str:
        return f"<AdmissionRound {self.id} cohort={self.cohort_id}>"


class Application(db.Model):
    __tablename__ = "applications"
    __table_args__ = (
        CheckConstraint("status IN ('unconfirmed', 'submitted', 'accepted', 'declined', 'withdrawn')", name="status"),
        # One live application per address and round; a declined or withdrawn one lets the person apply again.
        Index("uq_applications_live", "round_id", "email", unique=True,
              sqlite_where=text(LIVE_SQL), postgresql_where=text(LIVE_SQL)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("admission_rounds.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))  # normalised
    language: Mapped[str] = mapped_column(String(8))  # of the page applied from: the mails' language
    answers: Mapped[str] = mapped_column(Text, default="{}")  # JSON {question index: answer}
    file_data: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))  # loaded only for a download
    file_type: Mapped[str | None] = mapped_column(String(100))
    file_size: Mapped[int | None] = mapped_column()
    file_name: Mapped[str | None] = mapped_column(String(160))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="unconfirmed", index=True)
    decision_message: Mapped[str] = mapped_column(Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256 of the private status link's token
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    round: Mapped[AdmissionRound] = relationship()
    decided_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Application {self.id} round={self.round_id} {self.status}>"

"""A certificate is a snapshot of what was achieved when it was issued: later edits to the learner,
the course or the school never change it; a reissue adds a new row and marks the old one replaced."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import UTCDateTime, utcnow
from ..extensions import db

KINDS = ("course", "programme")
STATUS_LIST_BITS = 131072  # the Bitstring Status List minimum: hides how many credentials a school issued


def status_list_size(entries: int) -> int:
    """Bits of a revocation list holding ``entries`` credentials: the minimum, and more so that the
    list stays at most a quarter full, so a random index is free at the first draw three times in four."""
    return STATUS_LIST_BITS * max(1, -(-4 * entries // STATUS_LIST_BITS))


class Certificate(db.Model):
    __tablename__ = "certificates"
    # One certificate per learner and course (or programme) and generation: completion issues
    # generation 1 with an insert-ignore, so racing workers issue it once; a reissue adds the next.
    __table_args__ = (
        UniqueConstraint("school_id", "user_id", "course_id", "generation"),
        UniqueConstraint("school_id", "user_id", "programme_id", "generation"),
        UniqueConstraint("school_id", "status_index"),
        CheckConstraint("status_index >= 0", name="status_index"),
        CheckConstraint("kind IN ('course', 'programme')", name="kind"),
        CheckConstraint("(kind = 'course' AND programme_id IS NULL) OR (kind = 'programme' AND course_id IS NULL)",
                        name="one_achievement"),
        CheckConstraint("generation >= 1", name="generation"),
        CheckConstraint("hours >= 0", name="hours"),
        CheckConstraint("replaced_by_id IS NULL OR revoked_at IS NOT NULL", name="replaced_is_revoked"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_id: Mapped[str] = mapped_column(String(64), unique=True)  # public, 128 random bits
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    # Links to the learner and the content; SET NULL keeps the record verifiable if they are deleted.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    programme_id: Mapped[int | None] = mapped_column(ForeignKey("programmes.id", ondelete="SET NULL"))
    generation: Mapped[int] = mapped_column(default=1)
    # Its bit in the school's revocation list, drawn at random when issued, so that indexes tell
    # neither how many certificates were issued nor in what order.
    status_index: Mapped[int] = mapped_column()
    # Credentials issued before indexes were random carry the certificate's id as their index, and
    # copies of them are out there: revoking such a certificate sets that bit too.
    legacy_status_index: Mapped[int | None] = mapped_column()

    # What was achieved, as it stood at issue.
    holder_name: Mapped[str] = mapped_column(String(120))
    achievement_slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    criteria: Mapped[str] = mapped_column(Text, default="")
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))
    content_version: Mapped[str] = mapped_column(String(64))
    # The ids of the skills the achievement evidenced when issued (its Open Badges alignments), in the framework's
    # order; None for a certificate issued before they were kept (its alignments are the content's current ones).
    skills: Mapped[list[str] | None] = mapped_column(JSON)
    school_name: Mapped[str] = mapped_column(String(200))
    signatory: Mapped[str] = mapped_column(String(200))
    signatory_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    accent: Mapped[str] = mapped_column(String(7), default="", server_default="")  # "#rrggbb" as issued; "" = default
    # The interface language the certificate was issued in (the learner's): its PDF and badge speak it.
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("school_logos.id", ondelete="SET NULL"))  # as issued
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))  # None: on completion

    # Revocation (a reissue revokes the old certificate and points at its replacement).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revocation_reason: Mapped[str] = mapped_column(Text, default="")
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    replaced_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    replaced_by: Mapped[Certificate | None] = relationship(remote_side=[id], foreign_keys=[replaced_by_id])

    def __repr__(self) -> str:
        return f"<Certificate {self.credential_id} {self.kind}:{self.achievement_slug} user={self.user_id}>"

    @property
    def is_valid(self) -> bool:
        return self.revoked_at is None

    @property
    def status(self) -> str:
        return "valid" if self.revoked_at is None else "revoked"


REQUEST_STATES = ("pending", "approved", "declined")


class ReissueRequest(db.Model):
    """A learner's request to reissue a certificate with their current name, decided by an admin (never
    the holder). One per certificate: asking again after a decline reopens it; a reissue closes it."""
    __tablename__ = "reissue_requests"
    __table_args__ = (CheckConstraint("state IN ('pending', 'approved', 'declined')", name="state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))  # the name asked for
    state: Mapped[str] = mapped_column(String(16), default="pending", index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decision_note: Mapped[str] = mapped_column(Text, default="")
    replacement_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="SET NULL"))

    certificate: Mapped[Certificate] = relationship(foreign_keys=[certificate_id])
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<ReissueRequest {self.id} certificate={self.certificate_id} {self.state}>"


class PublishedKey(db.Model):
    """The public half of one school's signing key, registered so that every server publishes the same key
    set; the private halves stay in each server's keys folder. The school's highest ``serial`` signs."""
    __tablename__ = "signing_keys"
    # serial is unique per school so that two servers making a school's first key at once cannot both register it.
    __table_args__ = (CheckConstraint("serial >= 1", name="serial"), UniqueConstraint("school_id", "serial"))

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)  # the issuer whose key it is
    serial: Mapped[int] = mapped_column()
    kid: Mapped[str] = mapped_column(String(64), unique=True)  # the RFC 7638 thumbprint
    jwk: Mapped[str] = mapped_column(Text)  # the public JWK as JSON (kty, n, e, alg, use)
    created: Mapped[str] = mapped_column(String(32))  # the key file's stamp, e.g. 20261206T045000123456Z
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PublishedKey school={self.school_id} {self.serial} {self.kid}>"

"""Schools: every programme, enrolment and certificate belongs to one; its settings brand the site."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db


class School(db.Model):
    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Settings edited by admins (the LMS_* configuration only seeds them when the school is created).
    short_name: Mapped[str] = mapped_column(String(60), default="", server_default="")
    accent: Mapped[str] = mapped_column(String(7), default="", server_default="")  # "#rrggbb"; "" = the stylesheet's
    signatory: Mapped[str] = mapped_column(String(200), default="", server_default="")
    signatory_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    footer_links: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON [[label, url], ...]
    logo_id: Mapped[int | None] = mapped_column(ForeignKey("school_logos.id", ondelete="SET NULL"))
    # The interface's language for a visitor whose browser names none we speak ("" = LMS_DEFAULT_LANGUAGE).
    default_language: Mapped[str] = mapped_column(String(8), default="", server_default="")
    # The shared courses the school offers besides its programmes' and its own (JSON list of slugs); "[]": all.
    catalog: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    # Bumped on every change: the key of the school's stylesheet and of anything cached that shows it.
    settings_version: Mapped[int] = mapped_column(default=1, server_default="1")
    # Applications not accepted are deleted this many months after they were made (0: kept; lms/admissions).
    admission_retention_months: Mapped[int] = mapped_column(default=0, server_default="0")
    # Off: people sign in through the school's identity providers (lms/sso); only its admins keep a password.
    local_passwords: Mapped[bool] = mapped_column(default=True, server_default=true())

    def __repr__(self) -> str:
        return f"<School {self.slug}>"


class SchoolHost(db.Model):
    """A host name a school answers on (``learn.example.org``, lower case, no port): a request on it acts for that
    school. A host names one school at most; the school ``LMS_SCHOOL`` answers on every host no school names."""
    __tablename__ = "school_hosts"

    host: Mapped[str] = mapped_column(String(253), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    # 0 is the school's own address: links in its e-mails and credentials name it.
    position: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<SchoolHost {self.host} school={self.school_id}>"


class SchoolLogo(db.Model):
    """An uploaded logo, checked and kept unchanged: certificates point at the one they were issued with."""
    __tablename__ = "school_logos"

    id: Mapped[int] = mapped_column(primary_key=True)
    media_type: Mapped[str] = mapped_column(String(32))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<SchoolLogo {self.id} {self.media_type}>"

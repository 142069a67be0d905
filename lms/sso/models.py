"""A school's identity providers (OpenID Connect) and the accounts each one signs in."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db

DEFAULT_SCOPES = "openid email profile"


class IdentityProvider(db.Model):
    """An OpenID provider a school trusts to say who its people are (Entra ID, Google Workspace, Keycloak...)."""
    __tablename__ = "identity_providers"
    __table_args__ = (CheckConstraint("version >= 1", name="version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))  # the button: "Sign in with Université X"
    issuer: Mapped[str] = mapped_column(String(500))  # as its discovery document names it
    client_id: Mapped[str] = mapped_column(String(255))
    client_secret: Mapped[str] = mapped_column(Text)  # sealed (lms.sso.sealing), never the secret itself
    scopes: Mapped[str] = mapped_column(String(255), default=DEFAULT_SCOPES)
    creates_accounts: Mapped[bool] = mapped_column(default=False)  # a first sign-in makes a learner account
    links_by_email: Mapped[bool] = mapped_column(default=False)  # a verified address links the school's account
    active: Mapped[bool] = mapped_column(default=True)
    version: Mapped[int] = mapped_column(default=1)  # bumped on each edit: the key of the client built from it
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<IdentityProvider {self.id} {self.issuer} school={self.school_id}>"


class IdentityLink(db.Model):
    """This account is the person the provider names ``sub`` (its stable, never reassigned identifier)."""
    __tablename__ = "identity_links"
    __table_args__ = (UniqueConstraint("provider_id", "sub"), UniqueConstraint("provider_id", "user_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("identity_providers.id", ondelete="CASCADE"), index=True)
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The address the provider gave at the last sign-in, for the account pages (the link is by ``sub``).
    email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<IdentityLink provider={self.provider_id} user={self.user_id}>"

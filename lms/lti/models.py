"""What an LTI platform registration holds, who came from it, and what was sent back to its gradebook."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime, utcnow
from ..extensions import db

TARGETS = ("course", "module", "lesson", "quiz")


class LtiPlatform(db.Model):
    """An LMS registered by a school's admin: its launches log into that school only."""

    __tablename__ = "lti_platforms"
    __table_args__ = (UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    issuer: Mapped[str] = mapped_column(String(500))
    client_id: Mapped[str] = mapped_column(String(255))
    auth_login_url: Mapped[str] = mapped_column(String(500))
    auth_token_url: Mapped[str] = mapped_column(String(500))
    key_set_url: Mapped[str] = mapped_column(String(500))
    # The "aud" of the tool's token request when the platform wants another than its token URL (Moodle: none).
    token_audience: Mapped[str] = mapped_column(String(500), default="", server_default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    deployments: Mapped[list[LtiDeployment]] = relationship(back_populates="platform", cascade="all, delete-orphan",
                                                            order_by="LtiDeployment.id")

    def __repr__(self) -> str:
        return f"<LtiPlatform {self.id} {self.issuer} {self.client_id}>"


class LtiDeployment(db.Model):
    __tablename__ = "lti_deployments"
    __table_args__ = (UniqueConstraint("platform_id", "deployment_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True)
    deployment_id: Mapped[str] = mapped_column(String(255))

    platform: Mapped[LtiPlatform] = relationship(back_populates="deployments")

    def __repr__(self) -> str:
        return f"<LtiDeployment {self.deployment_id} of platform {self.platform_id}>"


class LtiAccount(db.Model):
    """The platform's user (its ``sub``) is this Conductor account: the only way a launch finds an account."""

    __tablename__ = "lti_accounts"
    __table_args__ = (UniqueConstraint("platform_id", "sub"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True)
    sub: Mapped[str] = mapped_column(String(255))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    # The address the platform gave, kept for an admin to see; never used to find an account.
    claimed_email: Mapped[str] = mapped_column(String(254), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LtiAccount {self.sub} of platform {self.platform_id} -> user {self.user_id}>"


class LtiContext(db.Model):
    """A course of the platform (its ``context``), linked to a Conductor course by the first deep link into it."""

    __tablename__ = "lti_contexts"
    __table_args__ = (UniqueConstraint("platform_id", "context_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True)
    context_id: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(255), default="")
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    memberships_url: Mapped[str] = mapped_column(String(500), default="", server_default="")
    lineitems_url: Mapped[str] = mapped_column(String(500), default="", server_default="")

    platform: Mapped[LtiPlatform] = relationship()

    def __repr__(self) -> str:
        return f"<LtiContext {self.context_id} of platform {self.platform_id}>"


class LtiResourceLink(db.Model):
    """A placement in the platform (a resource link) and the Conductor item it opens."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (UniqueConstraint("platform_id", "resource_link_id"),
                      CheckConstraint("target IN ('course', 'module', 'lesson', 'quiz')", name="target"))

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(ForeignKey("lti_platforms.id", ondelete="CASCADE"), index=True)
    resource_link_id: Mapped[str] = mapped_column(String(255))
    context_id: Mapped[int | None] = mapped_column(ForeignKey("lti_contexts.id", ondelete="SET NULL"))
    target: Mapped[str] = mapped_column(String(8))
    target_id: Mapped[int] = mapped_column()  # the course's, module's, lesson's or quiz's id
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"), index=True)
    lineitem_url: Mapped[str] = mapped_column(String(500), default="", server_default="")

    platform: Mapped[LtiPlatform] = relationship()

    def __repr__(self) -> str:
        return f"<LtiResourceLink {self.resource_link_id} -> {self.target} {self.target_id}>"


class LtiLaunch(db.Model):
    """This learner came through this resource link: its grades go back to the link's line item."""

    __tablename__ = "lti_launches"
    __table_args__ = (UniqueConstraint("resource_link_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sub: Mapped[str] = mapped_column(String(255))
    last_launch_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    resource_link: Mapped[LtiResourceLink] = relationship()

    def __repr__(self) -> str:
        return f"<LtiLaunch user {self.user_id} via link {self.resource_link_id}>"


class LtiScore(db.Model):
    """A score queued for a platform's line item: one per attempt (or completion) and line item, never twice."""

    __tablename__ = "lti_scores"
    __table_args__ = (UniqueConstraint("resource_link_id", "user_id", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    resource_link_id: Mapped[int] = mapped_column(ForeignKey("lti_resource_links.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(64))  # "attempt:<id>" or "completion:<enrolment id>"
    score_given: Mapped[float] = mapped_column()
    score_maximum: Mapped[float] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<LtiScore {self.source} {self.score_given}/{self.score_maximum}>"


class LtiLaunchData(db.Model):
    """pylti1p3's state, nonces and launch data, shared by every worker; a nonce is deleted when used."""

    __tablename__ = "lti_launch_data"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    def __repr__(self) -> str:
        return f"<LtiLaunchData {self.key}>"

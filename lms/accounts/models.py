from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db

ROLES = ("learner", "instructor", "author", "admin")  # instructors teach cohorts (lms/cohorts)


class User(UserMixin, db.Model):
    # "user" is reserved in PostgreSQL.
    __tablename__ = "users"
    __table_args__ = (CheckConstraint("role IN ('learner', 'instructor', 'author', 'admin')", name="role"),
                      UniqueConstraint("school_id", "email"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # An account belongs to one school: the same address may hold separate accounts at two schools.
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The interface language the learner chose ("en", "fr"); None: the browser's, else the school's.
    locale: Mapped[str | None] = mapped_column(String(8))
    # A platform administrator creates schools and their first admins (a role above every school's admins);
    # in their own school they are an admin as well.
    platform_admin: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The learner asked for no e-mail about deadlines (lms.notifications); certificates and decisions still go out.
    reminders_off: Mapped[bool] = mapped_column(default=False, server_default=false())
    # The login session this object was loaded for (not a column): Flask-Login's id names it.
    session_key = None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """Account and login session, kept in the signed session and remember cookies."""
        if not self.session_key:
            raise RuntimeError("log in through lms.accounts.sessions.open_session, which names the login session")
        return f"{self.id}.{self.session_key}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_author(self) -> bool:
        return self.role in ("author", "admin")


class LoginSession(db.Model):
    """One log-in on one device. Logging out deletes it, so a copy of its cookies stops working there
    and nowhere else; a new password deletes the account's other ones."""

    __tablename__ = "login_sessions"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_agent: Mapped[str | None] = mapped_column(String(200))  # the browser that logged in, cut to 200

    def __repr__(self) -> str:
        return f"<LoginSession of user {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}>"

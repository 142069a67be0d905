"""Target profiles of roles, as loaded from ``courses/_roles/<id>.yaml``."""
from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class Role(db.Model):
    """A job role and the level it asks on each skill: ``targets`` is ``{skill id: {"level": 1-4, "reason"}}``,
    checked against the skills framework at sync."""

    __tablename__ = "skill_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    targets: Mapped[dict[str, dict[str, Any]]] = mapped_column(JSON, default=dict)
    position: Mapped[int] = mapped_column(default=0)
    source_path: Mapped[str] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))
    retired: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<Role {self.slug}>"

    def target_of(self, skill: str) -> int:
        """The level the role asks on a skill; 0 when it names none."""
        return int(self.targets.get(skill, {}).get("level", 0))

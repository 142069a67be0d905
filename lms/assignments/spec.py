"""The parsed form of an assignment file: its settings, its brief and its rubric."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REVIEW_MODES = ("peer", "instructor", "peer+instructor")
SUBMIT_KINDS = ("text", "files")


@dataclass(frozen=True)
class LevelSpec:
    name: str
    points: float
    text: str
    line: int = field(default=0, compare=False)


@dataclass(frozen=True)
class CriterionSpec:
    key: str
    title: str
    skill: str | None
    description: str
    levels: tuple[LevelSpec, ...]
    line: int = field(default=0, compare=False)

    @property
    def max_points(self) -> float:
        return max(level.points for level in self.levels)


@dataclass(frozen=True)
class AssignmentSpec:
    title: str
    review: str
    submit_text: bool = True
    submit_files: bool = False
    file_types: tuple[str, ...] = ()
    max_file_mb: float = 10
    max_files: int = 5
    peer_reviews: int = 0
    pass_mark: float = 60
    lowest_level_fails: bool = False
    skills: tuple[str, ...] = ()
    brief: str = ""
    brief_line: int = 1
    criteria: tuple[CriterionSpec, ...] = ()
    # Set by the loader: where the file is and what it was read from.
    source: str = ""
    hash: str = ""
    html: Any = None  # AssignmentHtml, None when the file is unchanged since the last sync

    @property
    def path(self) -> str:
        return self.source

    @property
    def max_points(self) -> float:
        return sum(criterion.max_points for criterion in self.criteria)

    @property
    def peer(self) -> bool:
        return self.review in ("peer", "peer+instructor")

    @property
    def instructor(self) -> bool:
        return self.review in ("instructor", "peer+instructor")


@dataclass(frozen=True)
class AssignmentHtml:
    brief_html: str
    # per criterion key: its description's HTML and each level's HTML, in order
    criteria: dict[str, tuple[str, tuple[str, ...]]]

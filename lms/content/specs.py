"""What the content tree says, parsed and validated, before anything touches the database."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .errors import ContentError


@dataclass
class SkillSpec:
    slug: str
    name: str
    description: str
    position: int


@dataclass
class LessonSpec:
    slug: str
    path: str
    hash: str
    position: int
    title: str = ""
    minutes: int = 0
    objectives: list[str] = field(default_factory=list)
    skills: list[str] = field(default_factory=list)
    summary: str = ""
    # None when the file is unchanged since the last sync and was not rendered again.
    body_html: str | None = None
    # The origins of the videos the body embeds (https://host), for the page's frame-src.
    frame_origins: list[str] = field(default_factory=list)


@dataclass
class ModuleSpec:
    slug: str
    path: str
    hash: str
    position: int
    folder: str
    title: str = ""
    summary: str = ""
    objectives: list[str] = field(default_factory=list)
    intro_html: str | None = None
    lessons: list[LessonSpec] = field(default_factory=list)


@dataclass
class CourseSpec:
    slug: str
    path: str
    hash: str
    position: int
    folder: str
    title: str = ""
    summary: str = ""
    level: str = "beginner"
    hours: float = 0
    skills: list[str] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    language: str = "en"
    certificate: bool = True
    published: bool = True
    translation_of: str | None = None  # the slug of the original course this one is a version of
    translation_line: int = 1
    school: str | None = None  # the school that owns the course: only its site offers it
    school_line: int = 1
    overview_html: str | None = None
    modules: list[ModuleSpec] = field(default_factory=list)

    @property
    def lessons(self) -> list[LessonSpec]:
        return [lesson for module in self.modules for lesson in module.lessons]


@dataclass
class ProgrammeSpec:
    slug: str
    path: str
    hash: str
    title: str = ""
    summary: str = ""
    courses: list[str] = field(default_factory=list)
    certificate: bool = True
    schools: list[str] = field(default_factory=list)  # the schools that offer it; none: the LMS_SCHOOL one
    schools_line: int = 1
    capstone: str | None = None  # "<course id>/<module id>": the assignment its certificate requires passed
    capstone_line: int = 1
    overview_html: str | None = None


@dataclass
class ContentTree:
    root: str
    skills: list[SkillSpec] = field(default_factory=list)
    courses: list[CourseSpec] = field(default_factory=list)
    programmes: list[ProgrammeSpec] = field(default_factory=list)
    # Parsed quizzes by (course slug, module slug or "final"), filled by the quiz loader.
    quizzes: dict[tuple[str, str], Any] = field(default_factory=dict)
    # Parsed assignments by (course slug, module slug), filled by the assignment loader.
    assignments: dict[tuple[str, str], Any] = field(default_factory=dict)
    # Role target profiles of courses/_roles/, filled by the skills package's loader.
    roles: list[Any] = field(default_factory=list)
    errors: list[ContentError] = field(default_factory=list)
    files: int = 0
    rendered: int = 0

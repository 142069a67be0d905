"""A course's outline (modules, lessons, quizzes) and one learner's way through it.

The outline is the same for every reader, so it is a cached fragment keyed by the course's outline
hash; a learner's states are read per request and laid over it as a ``Progress``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import bindparam

from ..caching import fragment
from ..catalog.models import Lesson, Module
from ..extensions import db
from ..quizzes.models import Quiz


@dataclass(frozen=True)
class OutlineLesson:
    id: int
    slug: str
    title: str
    minutes: int
    position: int


@dataclass(frozen=True)
class OutlineQuiz:
    slug: str
    title: str


@dataclass(frozen=True)
class OutlineModule:
    id: int
    slug: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    intro_html: str
    lessons: tuple[OutlineLesson, ...]
    quiz: OutlineQuiz | None = None

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class NextStep:
    """Where a learner goes after a lesson: ``kind`` is "quiz" (the module's), "final", "lesson" or "course"."""

    kind: str
    slug: str = ""
    title: str = ""


@dataclass(frozen=True)
class Outline:
    """A course's modules and lessons, in order."""

    modules: tuple[OutlineModule, ...]
    final: OutlineQuiz | None = None
    lessons: tuple[OutlineLesson, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lessons", tuple(lesson for module in self.modules for lesson in module.lessons))

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        lessons = self.lessons
        for index, lesson in enumerate(lessons):
            if lesson.id == lesson_id:
                return (lessons[index - 1] if index else None, lessons[index + 1] if index + 1 < len(lessons) else None)
        return None, None

    def find(self, lesson_id: int) -> tuple[OutlineModule, OutlineLesson] | None:
        for module in self.modules:
            for lesson in module.lessons:
                if lesson.id == lesson_id:
                    return module, lesson
        return None

    def after(self, lesson_id: int) -> NextStep:
        """What comes after this lesson: its module's quiz after the module's last lesson, the final exam
        after the course's last lesson, otherwise the next lesson (the course page when none is left)."""
        found = self.find(lesson_id)
        if found is not None:
            module, _ = found
            if module.quiz is not None and module.lessons[-1].id == lesson_id:
                return NextStep("quiz", module.quiz.slug, module.quiz.title)
        _, following = self.neighbours(lesson_id)
        if following is not None:
            return NextStep("lesson", following.slug, following.title)
        if self.final is not None and found is not None:
            return NextStep("final", self.final.slug, self.final.title)
        return NextStep("course")


_LABELS = {"new": "", "started": "Started", "completed": "Completed"}


@dataclass
class Progress:
    """One learner's states over an outline: new, started or completed per lesson."""

    outline: Outline
    states: dict[int, str] = field(default_factory=dict)

    def state(self, lesson_id: int) -> str:
        return self.states.get(lesson_id, "new")

    def label(self, lesson_id: int) -> str:
        """The state in words for screen readers; empty for a lesson not opened yet."""
        return _LABELS[self.states.get(lesson_id, "new")]

    def lessons_in(self, module: OutlineModule) -> list[tuple[OutlineLesson, str, str]]:
        """Each lesson of the module with its state and its state in words, for the outline."""
        states = self.states
        return [(lesson, state, _LABELS[state]) for lesson in module.lessons
                for state in (states.get(lesson.id, "new"),)]

    def completed_in(self, module: OutlineModule) -> int:
        return sum(self.states.get(lesson.id) == "completed" for lesson in module.lessons)

    def module_percent(self, module: OutlineModule) -> int:
        return round(100 * self.completed_in(module) / len(module.lessons)) if module.lessons else 0

    @property
    def completed(self) -> int:
        return sum(self.states.get(lesson.id) == "completed" for lesson in self.outline.lessons)

    @property
    def percent(self) -> int:
        total = len(self.outline.lessons)
        return round(100 * self.completed / total) if total else 0


_OUTLINE_QUERY = (
    db.select(Module.id, Module.slug, Module.title, Module.summary, Module.objectives, Module.intro_html,
              Lesson.id, Lesson.slug, Lesson.title, Lesson.minutes, Lesson.position)
    .join(Lesson, (Lesson.module_id == Module.id) & Lesson.retired.is_(False))
    .where(Module.course_id == bindparam("course_id"), Module.retired.is_(False))
    .order_by(Module.position, Lesson.position)
)
_QUIZ_QUERY = (db.select(Quiz.module_id, Quiz.slug, Quiz.title)
               .where(Quiz.course_id == bindparam("course_id"), Quiz.retired.is_(False)))


class Versioned(Protocol):
    """A course row or a lighter reference to one: its id and the hash of its structure."""

    id: int
    outline_hash: str


def outline(course: Versioned) -> Outline:
    """The course outline, read once per cache for each version of the course's structure."""
    return fragment("outline", (course.id, course.outline_hash), lambda: _read_outline(course.id))


def _read_outline(course_id: int) -> Outline:
    rows = db.session.execute(_OUTLINE_QUERY, {"course_id": course_id}).all()
    quizzes = {module_id: OutlineQuiz(slug, title)
               for module_id, slug, title in db.session.execute(_QUIZ_QUERY, {"course_id": course_id})}
    modules: dict[int, tuple[tuple, list[OutlineLesson]]] = {}
    for m_id, m_slug, m_title, m_summary, m_objectives, m_intro, *lesson in rows:
        modules.setdefault(m_id, ((m_id, m_slug, m_title, m_summary, tuple(m_objectives or ()), m_intro), []))[1].append(
            OutlineLesson(*lesson))
    return Outline(tuple(OutlineModule(*head, tuple(lessons), quizzes.get(head[0])) for head, lessons in modules.values()),
                   final=quizzes.get(None))

"""A course's outline (modules, lessons, quizzes, assignments) and one learner's way through it.

The outline is the same for every reader, so it is a cached fragment keyed by the course's outline
hash; a learner's states are read per request and laid over it as a ``Progress``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy import bindparam, literal, union_all

from ..assignments.models import Assignment
from ..caching import fragment
from ..catalog.models import Lesson, Module
from ..extensions import db
from ..i18n import _l, lazy_pgettext
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
class OutlineAssignment:
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
    assignment: OutlineAssignment | None = None

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass(frozen=True)
class NextStep:
    """A step of a learner's path: ``kind`` is "lesson", "quiz" (a module's), "assignment" (a module's), "final"
    (the final exam), or, as
    an answer to "what comes next", "course" (nothing after it: the course page) or "done" (all done)."""

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

    @property
    def steps(self) -> tuple[NextStep, ...]:
        """The learner's path in order: each module's lessons, its quiz and its assignment, then the final exam."""
        path: list[NextStep] = []
        for module in self.modules:
            path += [NextStep("lesson", lesson.slug, lesson.title) for lesson in module.lessons]
            if module.quiz is not None:
                path.append(NextStep("quiz", module.quiz.slug, module.quiz.title))
            if module.assignment is not None:
                path.append(NextStep("assignment", module.assignment.slug, module.assignment.title))
        if self.final is not None and path:
            path.append(NextStep("final", self.final.slug, self.final.title))
        return tuple(path)

    def following(self, kind: str, slug: str) -> NextStep:
        """The step after this one on the path (its module's quiz after a module's last lesson, the next
        module after a quiz, the final exam after the last module); the course page when none is left."""
        path = self.steps
        for index, step in enumerate(path):
            if step.kind == kind and step.slug == slug:
                return path[index + 1] if index + 1 < len(path) else NextStep("course")
        return NextStep("course")

    def after(self, lesson_id: int) -> NextStep:
        """What comes after this lesson on the path (see ``following``)."""
        found = self.find(lesson_id)
        return self.following("lesson", found[1].slug) if found is not None else NextStep("course")


# A lesson's state in words (the states themselves are codes): read at render time, in the page's language.
_LABELS = {"new": "", "started": lazy_pgettext("lesson state", "Started"), "completed": _l("Completed")}


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

    def next_step(self, passed: set[str], current: int | None = None, handed_in: set[str] = frozenset()) -> NextStep:
        """The next thing to do: the lesson the learner left unfinished (``current``, their resume
        pointer), otherwise the first step of the path not done yet (a lesson not completed, a quiz whose
        slug is not in ``passed``, an assignment whose slug is not in ``handed_in``: submitted or decided, with
        nothing left for the learner to do); kind "done" when every step is done."""
        found = self.outline.find(current) if current is not None else None
        if found is not None and self.states.get(current) != "completed":
            return NextStep("lesson", found[1].slug, found[1].title)
        slugs = {lesson.slug: lesson.id for lesson in self.outline.lessons}
        for step in self.outline.steps:
            if step.kind == "lesson":
                done = self.states.get(slugs[step.slug]) == "completed"
            else:
                done = step.slug in (handed_in if step.kind == "assignment" else passed)
            if not done:
                return step
        return NextStep("done")

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
# A module's quiz and assignment (module None: the final exam), in one query: "q" or "a", module, slug, title.
_QUIZ_QUERY = union_all(
    db.select(literal("q"), Quiz.module_id, Quiz.slug, Quiz.title)
    .where(Quiz.course_id == bindparam("course_id"), Quiz.retired.is_(False)),
    db.select(literal("a"), Assignment.module_id, Assignment.slug, Assignment.title)
    .where(Assignment.course_id == bindparam("course_id"), Assignment.retired.is_(False)))


class Versioned(Protocol):
    """A course row or a lighter reference to one: its id and the hash of its structure."""

    id: int
    outline_hash: str


def outline(course: Versioned) -> Outline:
    """The course outline, read once per cache for each version of the course's structure."""
    return fragment("outline", (course.id, course.outline_hash), lambda: _read_outline(course.id))


def _read_outline(course_id: int) -> Outline:
    rows = db.session.execute(_OUTLINE_QUERY, {"course_id": course_id}).all()
    quizzes: dict[int | None, OutlineQuiz] = {}
    assignments: dict[int | None, OutlineAssignment] = {}
    for kind, module_id, slug, title in db.session.execute(_QUIZ_QUERY, {"course_id": course_id}):
        if kind == "q":
            quizzes[module_id] = OutlineQuiz(slug, title)
        else:
            assignments[module_id] = OutlineAssignment(slug, title)
    modules: dict[int, tuple[tuple, list[OutlineLesson]]] = {}
    for m_id, m_slug, m_title, m_summary, m_objectives, m_intro, *lesson in rows:
        modules.setdefault(m_id, ((m_id, m_slug, m_title, m_summary, tuple(m_objectives or ()), m_intro), []))[1].append(
            OutlineLesson(*lesson))
    return Outline(tuple(OutlineModule(*head, tuple(lessons), quizzes.get(head[0]), assignments.get(head[0]))
                         for head, lessons in modules.values()),
                   final=quizzes.get(None))

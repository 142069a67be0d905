"""Catalog queries, shaped so a page costs a fixed number of SQL queries whatever the catalog's size."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from ..quizzes.models import Quiz
from ..shells import app_cache
from .models import Course, Lesson, Module, Programme, ProgrammeCourse


def can_see_unpublished(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_author)


def visible_courses(user: User | None) -> list[Course]:
    query = db.select(Course).where(Course.retired.is_(False)).order_by(Course.position, Course.title)
    if not can_see_unpublished(user):
        query = query.where(Course.published.is_(True))
    return list(db.session.execute(query.options(selectinload(Course.skills))).scalars())


def programmes_for(school_id: int) -> list[Programme]:
    query = (db.select(Programme).where(Programme.school_id == school_id, Programme.retired.is_(False))
             .order_by(Programme.title)
             .options(selectinload(Programme.steps).selectinload(ProgrammeCourse.course)))
    return list(db.session.execute(query).scalars())


def course_by_slug(slug: str, user: User | None) -> Course | None:
    course = db.session.execute(db.select(Course).filter_by(slug=slug, retired=False)).scalar_one_or_none()
    if course is None or (not course.published and not can_see_unpublished(user)):
        return None
    return course


_LESSON_QUERY = (
    db.select(Lesson, Course).join(Course, Lesson.course_id == Course.id)
    .where(Course.slug == bindparam("course"), Course.retired.is_(False),
           Lesson.slug == bindparam("lesson"), Lesson.retired.is_(False))
)


def lesson_with_course(course_slug: str, lesson_slug: str, user: User | None) -> tuple[Course, Lesson] | None:
    """The lesson and its course in one query (the statement is built once, at import)."""
    row = db.session.execute(_LESSON_QUERY, {"course": course_slug, "lesson": lesson_slug}).first()
    if row is None:
        return None
    lesson, course = row
    if not course.published and not can_see_unpublished(user):
        return None
    return course, lesson


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
class Outline:
    """A course's modules and lessons: the same for every learner, so it is cached per process."""

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


def outline(course: Course) -> Outline:
    """The course outline, read once per worker for each version of the course's content."""
    cache = app_cache("outlines")
    key = (course.id, course.outline_hash)
    cached = cache.get(key)
    if cached is not None:
        return cached
    rows = db.session.execute(_OUTLINE_QUERY, {"course_id": course.id}).all()
    quizzes = {module_id: OutlineQuiz(slug, title)
               for module_id, slug, title in db.session.execute(_QUIZ_QUERY, {"course_id": course.id})}
    modules: dict[int, tuple[tuple, list[OutlineLesson]]] = {}
    for m_id, m_slug, m_title, m_summary, m_objectives, m_intro, *lesson in rows:
        modules.setdefault(m_id, ((m_id, m_slug, m_title, m_summary, tuple(m_objectives or ()), m_intro), []))[1].append(
            OutlineLesson(*lesson))
    plan = Outline(tuple(OutlineModule(*head, tuple(lessons), quizzes.get(head[0])) for head, lessons in modules.values()),
                   final=quizzes.get(None))
    cache.put(key, plan)
    return plan

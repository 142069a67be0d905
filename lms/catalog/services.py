"""Catalog queries, shaped so a page costs a fixed number of SQL queries whatever the catalog's size."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
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


def lesson_with_course(course_slug: str, lesson_slug: str, user: User | None) -> tuple[Course, Lesson] | None:
    """The lesson and its course in one query."""
    row = db.session.execute(
        db.select(Lesson, Course).join(Course, Lesson.course_id == Course.id)
        .where(Course.slug == course_slug, Course.retired.is_(False),
               Lesson.slug == lesson_slug, Lesson.retired.is_(False))
    ).first()
    if row is None:
        return None
    lesson, course = row
    if not course.published and not can_see_unpublished(user):
        return None
    return course, lesson


@dataclass
class OutlineLesson:
    id: int
    slug: str
    title: str
    minutes: int
    position: int
    state: str = "new"  # new, started, completed


@dataclass
class OutlineModule:
    id: int
    slug: str
    title: str
    summary: str
    objectives: list[str]
    intro_html: str
    lessons: list[OutlineLesson] = field(default_factory=list)

    @property
    def completed(self) -> int:
        return sum(lesson.state == "completed" for lesson in self.lessons)

    @property
    def percent(self) -> int:
        return round(100 * self.completed / len(self.lessons)) if self.lessons else 0

    @property
    def minutes(self) -> int:
        return sum(lesson.minutes for lesson in self.lessons)


@dataclass
class Outline:
    modules: list[OutlineModule]

    @property
    def lessons(self) -> list[OutlineLesson]:
        return [lesson for module in self.modules for lesson in module.lessons]

    @property
    def completed(self) -> int:
        return sum(module.completed for module in self.modules)

    @property
    def percent(self) -> int:
        total = len(self.lessons)
        return round(100 * self.completed / total) if total else 0

    def neighbours(self, lesson_id: int) -> tuple[OutlineLesson | None, OutlineLesson | None]:
        lessons = self.lessons
        for index, lesson in enumerate(lessons):
            if lesson.id == lesson_id:
                return (lessons[index - 1] if index else None, lessons[index + 1] if index + 1 < len(lessons) else None)
        return None, None

    def apply_states(self, states: dict[int, str]) -> None:
        for lesson in self.lessons:
            lesson.state = states.get(lesson.id, "new")


def outline(course_id: int) -> Outline:
    """Modules and lessons of a course, without lesson bodies, in one query."""
    rows = db.session.execute(
        db.select(Module.id, Module.slug, Module.title, Module.summary, Module.objectives, Module.intro_html,
                  Lesson.id, Lesson.slug, Lesson.title, Lesson.minutes, Lesson.position)
        .join(Lesson, (Lesson.module_id == Module.id) & Lesson.retired.is_(False))
        .where(Module.course_id == course_id, Module.retired.is_(False))
        .order_by(Module.position, Lesson.position)
    ).all()
    modules: dict[int, OutlineModule] = {}
    for m_id, m_slug, m_title, m_summary, m_objectives, m_intro, l_id, l_slug, l_title, l_minutes, l_position in rows:
        module = modules.get(m_id)
        if module is None:
            module = modules[m_id] = OutlineModule(m_id, m_slug, m_title, m_summary, m_objectives or [], m_intro)
        module.lessons.append(OutlineLesson(l_id, l_slug, l_title, l_minutes, l_position))
    return Outline(list(modules.values()))

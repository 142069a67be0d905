"""Catalog queries, shaped so a page costs a fixed number of SQL queries whatever the catalog's size."""
from __future__ import annotations

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from .models import Course, Lesson, Programme, ProgrammeCourse


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

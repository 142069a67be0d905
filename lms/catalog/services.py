"""Catalog queries, shaped so a page costs a fixed number of SQL queries whatever the catalog's size
(for an author, one more per unpublished course: there are few).

Who may see a course is one rule, used by every page that shows a course or anything in it (the
catalog, the course page, lessons, assets, quizzes) and by enrolment: a published course is for
everyone; an unpublished one only for its own authors and for admins (``can_see``); a course a school owns,
for that school's site only. The same people
oversee it: they read every lesson without enrolling and may try its quizzes (``oversees``).
"""
from __future__ import annotations

import json
from typing import Protocol

from flask import g

from sqlalchemy import bindparam, case, func, or_
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..extensions import db
from ..i18n import _l
from ..schools.services import default_slug, find_school
from .models import Course, CourseAuthor, Lesson, Programme, ProgrammeCourse


class CourseLike(Protocol):
    """A Course, or a lighter row with the same two columns (the lesson page's CourseRef)."""

    id: int
    slug: str
    published: bool
    school_slug: str | None


def _signed_in(user: User | None) -> bool:
    return user is not None and bool(getattr(user, "is_authenticated", False))


def owned_here(course: CourseLike) -> bool:
    """Whether the school this request acts for writes the course: its own course, or a shared one on the
    ``LMS_SCHOOL`` school's site (the platform's). Another school offers a shared course but never edits it."""
    school = find_school()
    here = school.slug if school is not None else default_slug()
    return (course.school_slug or default_slug()) == here


def oversees(user: User | None, course: CourseLike) -> bool:
    """An admin, or an author of this course (being an author of another course is not enough), of the school
    that writes it. A query only for an author, and none for a course they author once its row is in the session."""
    if not _signed_in(user) or not (user.is_admin or user.is_author) or not owned_here(course):
        return False
    return user.is_admin or db.session.get(CourseAuthor, (course.id, user.id)) is not None


def offered_here(course: CourseLike) -> bool:
    """Whether the school this request acts for offers the course: its own (course.md's ``school``), or a shared
    one its catalog list names (a translation comes with its original) or one of its programmes holds; a school
    with no list offers every shared course."""
    school = find_school()
    if course.school_slug is not None:
        return school is not None and school.slug == course.school_slug
    listed = _catalog_list(school)
    if listed is None:
        return True
    return (course.slug in listed or getattr(course, "translation_of", None) in listed
            or course.id in _programme_course_ids(school))


def _catalog_list(school) -> frozenset[str] | None:
    """The school's list of shared courses (None: it offers every one), read once per request."""
    if school is None or school.catalog in (None, "", "[]"):
        return None
    cached = g.get("lms_catalog_list")
    if cached is None or cached[0] != (school.id, school.catalog):
        cached = g.lms_catalog_list = ((school.id, school.catalog), frozenset(json.loads(school.catalog)))
    return cached[1]


def _programme_course_ids(school) -> frozenset[int]:
    """The courses of the school's live programmes, read once per request (only for a school with a list)."""
    cached = g.get("lms_programme_courses")
    if cached is None or cached[0] != school.id:
        ids = db.session.execute(db.select(ProgrammeCourse.course_id).join(Programme, Programme.id == ProgrammeCourse.programme_id)
                                 .where(Programme.school_id == school.id, Programme.retired.is_(False))).scalars()
        cached = g.lms_programme_courses = (school.id, frozenset(ids))
    return cached[1]


def can_see(user: User | None, course: CourseLike) -> bool:
    """The rule: a course another school owns does not exist here; anyone sees a published course; its authors
    and admins see it unpublished too. Lists are filtered with it as well, so there is no second form of the rule
    to drift apart."""
    return offered_here(course) and (bool(course.published) or oversees(user, course))


LEVEL_ORDER = {"beginner": 0, "intermediate": 1, "advanced": 2}
# A course's level as a reader reads it (the stored value stays the English code).
LEVEL_LABELS = {"beginner": _l("Beginner"), "intermediate": _l("Intermediate"), "advanced": _l("Advanced")}


def level_label(level: str) -> str:
    """The level in the page's language: "Beginner", "Débutant"."""
    label = LEVEL_LABELS.get(level)
    return str(label) if label is not None else level.capitalize()


def visible_courses(user: User | None) -> list[Course]:
    """The catalog's order, for a beginner: first the courses of a programme in the programme's order
    (programmes by title, as the home page lists them), then the others; within each, beginner courses
    before intermediate before advanced, then by title."""
    step_rank = func.row_number().over(order_by=(Programme.title, Programme.id, ProgrammeCourse.position))
    steps = (db.select(ProgrammeCourse.course_id.label("course_id"), step_rank.label("rank"))
             .join(Programme, Programme.id == ProgrammeCourse.programme_id)
             .where(Programme.retired.is_(False)).subquery())
    first_step = (db.select(steps.c.course_id, func.min(steps.c.rank).label("rank"))
                  .group_by(steps.c.course_id).subquery())
    query = (db.select(Course).outerjoin(first_step, first_step.c.course_id == Course.id)
             .where(Course.retired.is_(False))
             .order_by(first_step.c.rank.is_(None), first_step.c.rank,
                       case(LEVEL_ORDER, value=Course.level, else_=len(LEVEL_ORDER)), Course.title, Course.id)
             .options(selectinload(Course.skills)))
    return [course for course in db.session.execute(query).scalars() if can_see(user, course)]


def language_matches(course: CourseLike, language: str) -> bool:
    return course.language.split("-")[0].lower() == language


def one_version_each(courses: list[Course], language: str) -> tuple[list[Course], dict[int, list[Course]]]:
    """The catalog for a reader of ``language``: one card per course, the version in the reader's language
    where there is one (else the original, else the first listed), in the place of the family's first
    version; and, for each card, the other versions the reader may open, by language."""
    families: dict[str, list[Course]] = {}
    for course in courses:
        families.setdefault(course.family, []).append(course)
    shown, others = [], {}
    for family in families.values():
        chosen = next((c for c in family if language_matches(c, language)), None) \
            or next((c for c in family if c.translation_of is None), family[0])
        shown.append(chosen)
        others[chosen.id] = sorted((c for c in family if c is not chosen), key=lambda c: c.language)
    return shown, others


def in_reader_language(course: Course, user: User | None, language: str) -> Course:
    """The version of ``course`` in ``language`` that ``user`` may see, else the course itself."""
    if language_matches(course, language):
        return course
    return next((version for version in versions_of(course, user) if language_matches(version, language)), course)


def versions_of(course: Course, user: User | None) -> list[Course]:
    """The other live versions of ``course`` (its translations, or its original and their siblings) that
    ``user`` may see, by language."""
    query = (db.select(Course).where(Course.retired.is_(False), Course.id != course.id,
                                     or_(Course.slug == course.family, Course.translation_of == course.family))
             .order_by(Course.language))
    return [version for version in db.session.execute(query).scalars() if can_see(user, version)]


def programme_courses(programme: Programme, user: User | None) -> list[Course]:
    """The live courses of a programme that ``user`` may see, in the programme's order."""
    return [step.course for step in programme.steps if not step.course.retired and can_see(user, step.course)]


def programmes_for(school_id: int) -> list[Programme]:
    query = (db.select(Programme).where(Programme.school_id == school_id, Programme.retired.is_(False))
             .order_by(Programme.title)
             .options(selectinload(Programme.steps).selectinload(ProgrammeCourse.course)))
    return list(db.session.execute(query).scalars())


def course_by_slug(slug: str, user: User | None) -> Course | None:
    """The live course, or None when there is none or ``user`` may not see it (a 404, never a 403:
    an unpublished course's existence is not disclosed)."""
    course = db.session.execute(db.select(Course).filter_by(slug=slug, retired=False)).scalar_one_or_none()
    if course is None or not can_see(user, course):
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
    if not can_see(user, course):
        return None
    return course, lesson

"""A lesson page's data: the learner's own part read per request, the lesson's text from the cache."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, update

from ..accounts.models import User
from ..caching import fragment
from ..catalog.models import Course, Lesson
from ..catalog.services import oversees
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..signals import lesson_opened
from .models import Enrolment, LessonProgress
from .outline import Outline, OutlineModule, Progress, outline

_lessons, _courses = Lesson.__table__, Course.__table__
_opened = Lesson.__table__.alias("opened")
_progress = LessonProgress.__table__
_enrolments = Enrolment.__table__

# The lesson and its course, with the learner's enrolment and the state of each lesson of the course
# they have opened: one row per opened lesson, or one row of NULLs.
_VISIT_QUERY = (
    db.select(_lessons.c.id, _lessons.c.slug, _lessons.c.content_hash,
              _courses.c.id.label("course_id"), _courses.c.slug.label("course_slug"), _courses.c.title.label("course_title"),
              _courses.c.published, _courses.c.outline_hash, _courses.c.language, _courses.c.school_slug,
              _courses.c.translation_of,
              _enrolments.c.id.label("enrolment_id"), _enrolments.c.last_lesson_id,
              _progress.c.lesson_id.label("opened_id"), _progress.c.completed_at)
    .select_from(
        _lessons.join(_courses, _courses.c.id == _lessons.c.course_id)
        .outerjoin(_enrolments, (_enrolments.c.course_id == _courses.c.id) & (_enrolments.c.user_id == bindparam("user")))
        .outerjoin(_progress.join(_opened, _opened.c.id == _progress.c.lesson_id),
                   (_opened.c.course_id == _courses.c.id) & (_progress.c.user_id == bindparam("user"))))
    .where(_courses.c.slug == bindparam("course"), _courses.c.retired.is_(False),
           _lessons.c.slug == bindparam("lesson"), _lessons.c.retired.is_(False))
)
_TEXT_QUERY = (db.select(Lesson.title, Lesson.minutes, Lesson.objectives, Lesson.body_html, Lesson.frame_origins)
               .where(Lesson.id == bindparam("lesson")))


@dataclass(frozen=True)
class CourseRef:
    id: int
    slug: str
    title: str
    published: bool
    outline_hash: str
    language: str = "en"  # the course's own language: its text carries it when the interface's differs
    school_slug: str | None = None  # the school that owns it, if one does
    translation_of: str | None = None  # the original's slug, for a translation


@dataclass(frozen=True)
class LessonText:
    """A lesson's article, rendered when the content was loaded: the same for every reader."""

    id: int
    slug: str
    title: str
    minutes: int
    objectives: tuple[str, ...]
    body_html: str
    frame_origins: tuple[str, ...] = ()  # where its videos come from: the page's frame-src


@dataclass(frozen=True)
class EnrolmentRef:
    id: int
    last_lesson_id: int | None


@dataclass
class LessonVisit:
    """Everything a lesson page shows, for one reader."""

    course: CourseRef
    lesson: LessonText
    enrolment: EnrolmentRef | None
    outline: Outline
    progress: Progress
    module: OutlineModule

    @property
    def state(self) -> str:
        return self.progress.state(self.lesson.id)

    @property
    def moves_on(self) -> bool:
        """Whether recording this visit changes anything: a first visit, or a move of the resume pointer."""
        return self.enrolment is not None and (self.state == "new" or self.enrolment.last_lesson_id != self.lesson.id)


def lesson_visit(course_slug: str, lesson_slug: str, user: User | None) -> LessonVisit | None:
    """The lesson page's data for ``user`` (None for a visitor); None when there is no such lesson."""
    rows = db.session.execute(_VISIT_QUERY, {"course": course_slug, "lesson": lesson_slug,
                                             "user": user.id if user is not None else None}).all()
    if not rows:
        return None
    first = rows[0]
    course = CourseRef(first.course_id, first.course_slug, first.course_title, first.published, first.outline_hash,
                       first.language, first.school_slug, first.translation_of)
    text = fragment("lesson", (first.id, first.content_hash), lambda: _read_text(first.id, first.slug))
    plan = outline(course)
    states = {row.opened_id: "completed" if row.completed_at else "started" for row in rows if row.opened_id is not None}
    enrolment = EnrolmentRef(first.enrolment_id, first.last_lesson_id) if first.enrolment_id is not None else None
    found = plan.find(text.id)
    if found is None:  # a lesson in no live module: not part of the course
        return None
    return LessonVisit(course, text, enrolment, plan, Progress(plan, states), found[0])


def _read_text(lesson_id: int, slug: str) -> LessonText:
    title, minutes, objectives, body_html, origins = db.session.execute(_TEXT_QUERY, {"lesson": lesson_id}).one()
    return LessonText(lesson_id, slug, title, minutes, tuple(objectives or ()), body_html, tuple(origins.split()))


def is_preview(visit: LessonVisit, user: User | None) -> bool:
    """A reader neither enrolled nor overseeing the course (its author, an admin) reads its first
    lesson as a free preview."""
    return visit.enrolment is None and not oversees(user, visit.course)


def preview_allows(visit: LessonVisit) -> bool:
    lessons = visit.outline.lessons
    return bool(lessons) and lessons[0].id == visit.lesson.id


def record_visit(user: User, visit: LessonVisit) -> None:
    """Mark the lesson started once and move the resume pointer (see ``LessonVisit.moves_on``)."""
    enrolment, lesson_id = visit.enrolment, visit.lesson.id
    if enrolment is None:
        return
    if visit.state == "new":
        opened = db.session.execute(insert_ignore(
            LessonProgress, {"user_id": user.id, "lesson_id": lesson_id, "started_at": utcnow()},
            ["user_id", "lesson_id"]).returning(LessonProgress.id)).scalar_one_or_none()
        visit.progress.states[lesson_id] = "started"
        if opened is not None:  # the first visit, not a racing second tab
            lesson_opened.send(user, course=visit.course, lesson=visit.lesson)
    if enrolment.last_lesson_id != lesson_id:
        db.session.execute(update(Enrolment).where(Enrolment.id == enrolment.id)
                           .values(last_lesson_id=lesson_id, last_activity_at=utcnow())
                           .execution_options(synchronize_session=False))

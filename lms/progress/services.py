"""Progress rules. Every write is an idempotent upsert or a guarded update, so a double click, two
tabs or two workers completing the same lesson leave exactly one row and one completion time."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, update

from ..accounts.models import User
from ..accounts.services import offer_user, user_columns
from ..catalog.models import Course, Lesson, Programme, ProgrammeCourse
from ..catalog.services import Progress, outline
from ..certificates.services import issue_course_certificate, issue_programme_certificate
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from ..schools.models import School
from .models import Enrolment, LessonProgress, ProgrammeEnrolment


_ENROLMENT_QUERY = db.select(Enrolment).where(Enrolment.user_id == bindparam("user"), Enrolment.course_id == bindparam("course"))
_STATES_QUERY = (
    db.select(LessonProgress.lesson_id, LessonProgress.completed_at)
    .join(Lesson, Lesson.id == LessonProgress.lesson_id)
    .where(LessonProgress.user_id == bindparam("user"), Lesson.course_id == bindparam("course"))
)


# A lesson page in one query: the lesson and its course, with the learner, their enrolment and the
# state of each lesson of the course they have opened (a row each; one row of NULLs if none).
_lessons, _courses = Lesson.__table__, Course.__table__
_opened = Lesson.__table__.alias("opened")
_progress = LessonProgress.__table__
_enrolments = Enrolment.__table__
_users = User.__table__
_VISIT_QUERY = (
    db.select(_lessons.c.id, _lessons.c.slug, _lessons.c.content_hash,
              _courses.c.id.label("course_id"), _courses.c.slug.label("course_slug"), _courses.c.title.label("course_title"),
              _courses.c.published, _courses.c.content_hash.label("course_hash"), _courses.c.outline_hash,
              _enrolments.c.id.label("enrolment_id"), _enrolments.c.last_lesson_id,
              _progress.c.lesson_id.label("opened_id"), _progress.c.completed_at, *user_columns())
    .select_from(
        _lessons.join(_courses, _courses.c.id == _lessons.c.course_id)
        .outerjoin(_users, _users.c.id == bindparam("user"))
        .outerjoin(_enrolments, (_enrolments.c.course_id == _courses.c.id) & (_enrolments.c.user_id == bindparam("user")))
        .outerjoin(_progress.join(_opened, _opened.c.id == _progress.c.lesson_id),
                   (_opened.c.course_id == _courses.c.id) & (_progress.c.user_id == bindparam("user"))))
    .where(_courses.c.slug == bindparam("course"), _courses.c.retired.is_(False),
           _lessons.c.slug == bindparam("lesson"), _lessons.c.retired.is_(False))
)


@dataclass(frozen=True)
class CourseRef:
    id: int
    slug: str
    title: str
    published: bool
    content_hash: str
    outline_hash: str


@dataclass(frozen=True)
class LessonRef:
    id: int
    slug: str
    content_hash: str


@dataclass(frozen=True)
class EnrolmentRef:
    id: int
    last_lesson_id: int | None


@dataclass(frozen=True)
class LessonVisit:
    """What a lesson page needs from the database; the lesson's text comes from the page cache."""

    course: CourseRef
    lesson: LessonRef
    enrolment: EnrolmentRef | None
    states: dict[int, str]
    user_id: int | None


def lesson_visit(course_slug: str, lesson_slug: str, user_id: int | None) -> LessonVisit | None:
    """The page's data for the learner ``user_id``; their user row is offered to the log-in loader."""
    # Core, on a connection of its own: the ORM session is not opened when the visit writes nothing.
    with db.engine.connect() as connection:
        rows = connection.execute(_VISIT_QUERY, {"course": course_slug, "lesson": lesson_slug, "user": user_id}).all()
    if not rows:
        return None
    first = rows[0]
    offer_user(first)
    enrolment = EnrolmentRef(first.enrolment_id, first.last_lesson_id) if first.enrolment_id is not None else None
    states = {row.opened_id: "completed" if row.completed_at else "started" for row in rows if row.opened_id is not None}
    return LessonVisit(CourseRef(first.course_id, first.course_slug, first.course_title, first.published, first.course_hash,
                                 first.outline_hash),
                       LessonRef(first.id, first.slug, first.content_hash), enrolment, states, user_id)


def enrolment_for(user: User, course: Course) -> Enrolment | None:
    return db.session.execute(_ENROLMENT_QUERY, {"user": user.id, "course": course.id}).scalars().first()


def enrol(user: User, course: Course, school: School) -> Enrolment:
    db.session.execute(insert_ignore(
        Enrolment, {"school_id": school.id, "user_id": user.id, "course_id": course.id,
                    "enrolled_at": utcnow(), "last_activity_at": utcnow()},
        ["school_id", "user_id", "course_id"]))
    return db.session.execute(
        db.select(Enrolment).filter_by(school_id=school.id, user_id=user.id, course_id=course.id)
    ).scalar_one()


def enrol_programme(user: User, programme: Programme, school: School) -> ProgrammeEnrolment:
    """Enrol in a programme and in each of its courses, so the learner can start anywhere."""
    db.session.execute(insert_ignore(
        ProgrammeEnrolment, {"school_id": school.id, "user_id": user.id, "programme_id": programme.id, "enrolled_at": utcnow()},
        ["school_id", "user_id", "programme_id"]))
    for step in programme.steps:
        enrol(user, step.course, school)
    return db.session.execute(
        db.select(ProgrammeEnrolment).filter_by(school_id=school.id, user_id=user.id, programme_id=programme.id)
    ).scalar_one()


def lesson_states(user: User, course_id: int) -> dict[int, str]:
    rows = db.session.execute(_STATES_QUERY, {"user": user.id, "course": course_id})
    return {lesson_id: "completed" if completed else "started" for lesson_id, completed in rows}


def course_progress(user: User | None, course: Course) -> Progress:
    """The course outline with this learner's states (none for a visitor)."""
    states = lesson_states(user, course.id) if user is not None and user.is_authenticated else {}
    return Progress(outline(course), states)


def record_visit(user: User, lesson_id: int, enrolment: EnrolmentRef, started: bool) -> bool:
    """Mark the lesson started once and move the resume pointer; returns whether anything changed,
    so a repeat visit to the same lesson writes nothing."""
    changed = False
    if not started:
        db.session.execute(insert_ignore(
            LessonProgress, {"user_id": user.id, "lesson_id": lesson_id, "started_at": utcnow()},
            ["user_id", "lesson_id"]))
        changed = True
    if enrolment.last_lesson_id != lesson_id:
        db.session.execute(update(Enrolment).where(Enrolment.id == enrolment.id)
                           .values(last_lesson_id=lesson_id, last_activity_at=utcnow())
                           .execution_options(synchronize_session=False))
        changed = True
    return changed


def complete_lesson(user: User, lesson: Lesson, enrolment: Enrolment) -> bool:
    """Complete a lesson; returns whether this call completed the course."""
    now = utcnow()
    db.session.execute(insert_ignore(
        LessonProgress, {"user_id": user.id, "lesson_id": lesson.id, "started_at": now, "completed_at": now},
        ["user_id", "lesson_id"]))
    db.session.execute(
        update(LessonProgress).where(LessonProgress.user_id == user.id, LessonProgress.lesson_id == lesson.id,
                                     LessonProgress.completed_at.is_(None)).values(completed_at=now))
    enrolment.last_lesson_id = lesson.id
    enrolment.last_activity_at = now
    db.session.flush()
    return update_course_completion(user, enrolment)


def remaining_lessons(user: User, course_id: int) -> int:
    done = (db.select(LessonProgress.lesson_id)
            .where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None)))
    return db.session.execute(
        db.select(func.count(Lesson.id))
        .where(Lesson.course_id == course_id, Lesson.retired.is_(False), Lesson.id.not_in(done))
    ).scalar_one()


def _passed_quizzes(user: User):
    return db.select(Attempt.quiz_id).where(Attempt.user_id == user.id, Attempt.passed.is_(True))


def quizzes_to_pass(user: User, course_id: int) -> int:
    """Module quizzes and the final exam of the course the learner has not passed yet."""
    return db.session.execute(
        db.select(func.count(Quiz.id))
        .where(Quiz.course_id == course_id, Quiz.retired.is_(False), Quiz.id.not_in(_passed_quizzes(user)))
    ).scalar_one()


def update_course_completion(user: User, enrolment: Enrolment) -> bool:
    """Set the completion time once, the first time no lesson is left and every quiz is passed;
    later content is not retroactive."""
    if (enrolment.completed_at is not None or remaining_lessons(user, enrolment.course_id)
            or quizzes_to_pass(user, enrolment.course_id)):
        return False
    result = db.session.execute(
        update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.refresh(enrolment)
    if result.rowcount:  # only the one call that completed the course issues its certificate
        issue_course_certificate(user, enrolment)
        update_programme_completion(user, enrolment.school_id)
    return bool(result.rowcount)


def update_programme_completion(user: User, school_id: int) -> None:
    # FOR UPDATE (PostgreSQL): two workers finishing a programme's last two courses take turns here, so the
    # second sees the first's completed course instead of both missing each other's.
    enrolled = db.session.execute(
        db.select(ProgrammeEnrolment).filter_by(user_id=user.id, school_id=school_id, completed_at=None)
        .with_for_update()).scalars().all()
    completed_courses = set(db.session.execute(
        db.select(Enrolment.course_id).where(Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None))).scalars())
    for membership in enrolled:
        courses = {step.course_id for step in membership.programme.steps}
        if courses and courses <= completed_courses:
            now = utcnow()
            done = db.session.execute(
                update(ProgrammeEnrolment).where(ProgrammeEnrolment.id == membership.id,
                                                 ProgrammeEnrolment.completed_at.is_(None))
                .values(completed_at=now).execution_options(synchronize_session=False)).rowcount
            if done:
                issue_programme_certificate(user, membership, now)


@dataclass
class CourseSummary:
    enrolment: Enrolment
    course: Course
    lessons: int
    completed: int
    quizzes_left: int = 0  # module quizzes and final exam not passed yet

    @property
    def percent(self) -> int:
        return round(100 * self.completed / self.lessons) if self.lessons else 0


@dataclass
class ProgrammeSummary:
    programme: Programme
    enrolled: bool
    courses: list[tuple[Course, int, bool]]  # course, percent, completed
    completed_at: object = None

    @property
    def percent(self) -> int:
        return round(sum(percent for _, percent, _ in self.courses) / len(self.courses)) if self.courses else 0


def dashboard(user: User, school: School) -> tuple[list[CourseSummary], list[ProgrammeSummary]]:
    """Every enrolment with its progress, and programme progress, in a fixed number of queries."""
    # Quizzes left to pass ride along with each enrolment, so the page keeps its query count.
    quizzes_left = (db.select(func.count(Quiz.id))
                    .where(Quiz.course_id == Enrolment.course_id, Quiz.retired.is_(False),
                           Quiz.id.not_in(_passed_quizzes(user)))
                    .correlate(Enrolment).scalar_subquery())
    enrolments = db.session.execute(
        db.select(Enrolment, quizzes_left).join(Course).where(Enrolment.user_id == user.id, Enrolment.school_id == school.id,
                                                              Course.retired.is_(False))
        .options(db.selectinload(Enrolment.course), db.selectinload(Enrolment.last_lesson))
        .order_by(Enrolment.last_activity_at.desc())).all()
    totals = dict(db.session.execute(
        db.select(Lesson.course_id, func.count(Lesson.id)).where(Lesson.retired.is_(False)).group_by(Lesson.course_id)).all())
    done = dict(db.session.execute(
        db.select(Lesson.course_id, func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user.id, LessonProgress.completed_at.is_not(None), Lesson.retired.is_(False))
        .group_by(Lesson.course_id)).all())
    summaries = [CourseSummary(e, e.course, totals.get(e.course_id, 0), done.get(e.course_id, 0), left)
                 for e, left in enrolments]
    by_course = {s.course.id: s for s in summaries}
    memberships = {m.programme_id: m for m in db.session.execute(
        db.select(ProgrammeEnrolment).filter_by(user_id=user.id, school_id=school.id)).scalars()}
    programmes = []
    for programme in db.session.execute(
            db.select(Programme).where(Programme.school_id == school.id, Programme.retired.is_(False))
            .options(db.selectinload(Programme.steps).selectinload(ProgrammeCourse.course))).scalars():
        steps = [step.course for step in programme.steps if not step.course.retired]
        if programme.id not in memberships and not any(course.id in by_course for course in steps):
            continue
        courses = [(c, by_course[c.id].percent if c.id in by_course else 0,
                    bool(c.id in by_course and by_course[c.id].enrolment.completed_at)) for c in steps]
        membership = memberships.get(programme.id)
        programmes.append(ProgrammeSummary(programme, membership is not None, courses,
                                           membership.completed_at if membership else None))
    return summaries, programmes

"""Progress rules. Every write is an idempotent upsert or a guarded update, so a double click, two
tabs or two workers completing the same lesson leave exactly one row and one completion time.
Completions are announced with signals (``lms.signals``): certificates react to them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import bindparam, func, or_, update

from ..accounts.models import User
from ..assignments.models import Assignment, Submission
from ..assignments.services import HANDED_IN
from ..assignments.services import states_in as assignment_states
from ..catalog.models import Course, Lesson, Programme, ProgrammeCourse
from ..catalog.services import can_see, in_reader_language, programme_courses
from ..i18n import interface_language
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..quizzes.models import Attempt, Quiz
from ..schools.models import School
from ..signals import course_completed, launched, programme_completed
from .models import Enrolment, LessonProgress, ProgrammeEnrolment
from .outline import NextStep, Progress, outline

_ENROLMENT_QUERY = db.select(Enrolment).where(Enrolment.user_id == bindparam("user"), Enrolment.course_id == bindparam("course"))
_STATES_QUERY = (
    db.select(LessonProgress.lesson_id, LessonProgress.completed_at)
    .join(Lesson, Lesson.id == LessonProgress.lesson_id)
    .where(LessonProgress.user_id == bindparam("user"), Lesson.course_id == bindparam("course"))
)


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


def start_course(user: User, course: Course, school: School) -> Enrolment:
    """The learner enrols in a course on the site: they start it (``launched``, for the record store)."""
    enrolment = enrol(user, course, school)
    launched.send(user, course=course, via="web")
    return enrolment


def enrol_programme(user: User, programme: Programme, school: School) -> ProgrammeEnrolment:
    """Enrol in a programme and in each of its courses the learner may see, so they can start anywhere.
    An unpublished course is left out; enrolling again once it is published adds it."""
    db.session.execute(insert_ignore(
        ProgrammeEnrolment, {"school_id": school.id, "user_id": user.id, "programme_id": programme.id, "enrolled_at": utcnow()},
        ["school_id", "user_id", "programme_id"]))
    for course in programme_courses(programme, user):
        enrol(user, course, school)
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


def passed_quiz_slugs(user: User, course_id: int) -> set[str]:
    return set(db.session.execute(
        db.select(Quiz.slug).where(Quiz.course_id == course_id, Quiz.retired.is_(False),
                                   Quiz.id.in_(_passed_quizzes(user)))).scalars())


def handed_in_slugs(user: User, course_id: int) -> set[str]:
    """The course's assignments the learner has nothing left to do on (submitted, passed or failed)."""
    return {slug for slug, state in assignment_states(user, course_id).items() if state in HANDED_IN}


def next_step(user: User, course: Course, enrolment: Enrolment) -> NextStep:
    """The learner's next thing to do in the course (see ``Progress.next_step``)."""
    return course_progress(user, course).next_step(passed_quiz_slugs(user, course.id), enrolment.last_lesson_id,
                                                   handed_in_slugs(user, course.id))


def completed_families(user: User) -> set[str]:
    """The courses the learner has completed, each counted with its versions in other languages."""
    return {family or slug for slug, family in db.session.execute(
        db.select(Course.slug, Course.translation_of).join(Enrolment, Enrolment.course_id == Course.id)
        .where(Enrolment.user_id == user.id, Enrolment.completed_at.is_not(None)))}


def next_in_programme(user: User, course: Course) -> Course | None:
    """The course after this one (in any of its languages) in the first programme holding it that the
    learner may see and has not completed in any language, in the reader's language where it has a version,
    to suggest once this one is done."""
    done = completed_families(user)
    programmes = db.session.execute(
        db.select(Programme).join(ProgrammeCourse).join(Course, Course.id == ProgrammeCourse.course_id)
        .where(or_(Course.slug == course.family, Course.translation_of == course.family),
               Programme.retired.is_(False))
        .order_by(Programme.title)).scalars()
    for programme in programmes:
        courses = programme_courses(programme, user)
        families = [item.family for item in courses]
        if course.family in families:
            later = [item for item in courses[families.index(course.family) + 1:] if item.family not in done]
            if later:
                return in_reader_language(later[0], user, interface_language())
    return None


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


def _passed_assignments(user: User):
    """Assignments whose passing decision the learner has been given."""
    return db.select(Submission.assignment_id).where(Submission.user_id == user.id, Submission.decision == "pass",
                                                     Submission.released_at.is_not(None))


def assignments_to_pass(user: User, course_id: int) -> int:
    return db.session.execute(
        db.select(func.count(Assignment.id))
        .where(Assignment.course_id == course_id, Assignment.retired.is_(False),
               Assignment.id.not_in(_passed_assignments(user)))
    ).scalar_one()


def capstone_passed(user: User, capstone: str) -> bool:
    """Whether the learner passed the programme's capstone (``<course slug>/<module slug>``)."""
    course_slug, _sep, module_slug = capstone.partition("/")
    return db.session.execute(
        db.select(Assignment.id).join(Course, Course.id == Assignment.course_id)
        .where(Course.slug == course_slug, Assignment.slug == module_slug,
               Assignment.id.in_(_passed_assignments(user)))).first() is not None


def quizzes_to_pass(user: User, course_id: int) -> int:
    """Module quizzes and the final exam of the course the learner has not passed yet."""
    return db.session.execute(
        db.select(func.count(Quiz.id))
        .where(Quiz.course_id == course_id, Quiz.retired.is_(False), Quiz.id.not_in(_passed_quizzes(user)))
    ).scalar_one()


def update_course_completion(user: User, enrolment: Enrolment) -> bool:
    """Set the completion time once, the first time no lesson is left and every quiz and assignment is passed;
    later content is not retroactive."""
    if (enrolment.completed_at is not None or remaining_lessons(user, enrolment.course_id)
            or quizzes_to_pass(user, enrolment.course_id) or assignments_to_pass(user, enrolment.course_id)):
        return False
    result = db.session.execute(
        update(Enrolment).where(Enrolment.id == enrolment.id, Enrolment.completed_at.is_(None))
        .values(completed_at=utcnow()).execution_options(synchronize_session=False))
    db.session.refresh(enrolment)
    if result.rowcount:  # only the one call that completed the course announces it
        course_completed.send(enrolment)
        update_programme_completion(user, enrolment.school_id)
    return bool(result.rowcount)


def update_programme_completion(user: User, school_id: int) -> None:
    # FOR UPDATE (PostgreSQL): two workers finishing a programme's last two courses take turns here, so the
    # second sees the first's completed course instead of both missing each other's.
    enrolled = db.session.execute(
        db.select(ProgrammeEnrolment).filter_by(user_id=user.id, school_id=school_id, completed_at=None)
        .with_for_update()).scalars().all()
    # A course counts in whichever language it was taken: its versions share a family (catalog.models).
    done = completed_families(user)
    for membership in enrolled:
        families = {step.course.family for step in membership.programme.steps}
        capstone = membership.programme.capstone
        if families and families <= done and (capstone is None or capstone_passed(user, capstone)):
            now = utcnow()
            done = db.session.execute(
                update(ProgrammeEnrolment).where(ProgrammeEnrolment.id == membership.id,
                                                 ProgrammeEnrolment.completed_at.is_(None))
                .values(completed_at=now).execution_options(synchronize_session=False)).rowcount
            if done:
                programme_completed.send(membership, completed_at=now)


@dataclass
class CourseSummary:
    enrolment: Enrolment
    course: Course
    lessons: int
    completed: int
    quizzes_left: int = 0  # module quizzes and final exam not passed yet
    assignments_left: int = 0  # assignments not passed yet

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
    # Quizzes and assignments left to pass ride along with each enrolment, so the page keeps its query count.
    quizzes_left = (db.select(func.count(Quiz.id))
                    .where(Quiz.course_id == Enrolment.course_id, Quiz.retired.is_(False),
                           Quiz.id.not_in(_passed_quizzes(user)))
                    .correlate(Enrolment).scalar_subquery())
    assignments_left = (db.select(func.count(Assignment.id))
                        .where(Assignment.course_id == Enrolment.course_id, Assignment.retired.is_(False),
                               Assignment.id.not_in(_passed_assignments(user)))
                        .correlate(Enrolment).scalar_subquery())
    enrolments = db.session.execute(
        db.select(Enrolment, quizzes_left, assignments_left).join(Course).where(Enrolment.user_id == user.id, Enrolment.school_id == school.id,
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
    # A course unpublished since the learner enrolled is not listed: its page is a 404 for them.
    summaries = [CourseSummary(e, e.course, totals.get(e.course_id, 0), done.get(e.course_id, 0), left, assignments)
                 for e, left, assignments in enrolments if can_see(user, e.course)]
    by_course = {s.course.id: s for s in summaries}
    memberships = {m.programme_id: m for m in db.session.execute(
        db.select(ProgrammeEnrolment).filter_by(user_id=user.id, school_id=school.id)).scalars()}
    programmes = []
    for programme in db.session.execute(
            db.select(Programme).where(Programme.school_id == school.id, Programme.retired.is_(False))
            .options(db.selectinload(Programme.steps).selectinload(ProgrammeCourse.course))).scalars():
        steps = programme_courses(programme, user)
        if programme.id not in memberships and not any(course.id in by_course for course in steps):
            continue
        courses = [(c, by_course[c.id].percent if c.id in by_course else 0,
                    bool(c.id in by_course and by_course[c.id].enrolment.completed_at)) for c in steps]
        membership = memberships.get(programme.id)
        programmes.append(ProgrammeSummary(programme, membership is not None, courses,
                                           membership.completed_at if membership else None))
    return summaries, programmes

"""Where a cohort's learners stand against its deadlines, and a learner's own deadlines, read in a fixed
number of aggregate queries whatever the number of learners (no query per learner or per deadline).

A deadline is met by a course's completion (``Enrolment.completed_at``) or, for a quiz, by the first passing
attempt's submission. Against each deadline a learner is: done (met in time), late (met after it), due (not
met, still ahead) or missed (not met, past). A learner with a missed deadline is behind."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select, union

from ..accounts.models import User
from ..catalog.models import Course, Lesson, ProgrammeCourse
from ..db import utcnow
from ..extensions import db
from ..progress.models import Enrolment, LessonProgress
from ..quizzes.models import Attempt, Quiz
from ..schools.models import School
from .models import Cohort, CohortDeadline, CohortInstructor, CohortMember

STATES = ("done", "late", "due", "missed")
# The queries of ``cohort_progress``: deadlines, learners, enrolments, quiz passes, lessons done, lessons of
# the offering. Tested at 3 and 30 learners (tests/test_cohort_tracking.py).
PROGRESS_QUERIES = 6
# The one query of ``learner_deadlines`` (the dashboard's and the calendar's).
LEARNER_QUERIES = 1


def state_of(due_at: datetime, done_at: datetime | None, now: datetime) -> str:
    if done_at is not None:
        return "done" if done_at <= due_at else "late"
    return "due" if due_at > now else "missed"


@dataclass(frozen=True)
class Mark:
    """One learner against one deadline."""
    state: str
    done_at: datetime | None = None


@dataclass
class LearnerProgress:
    user_id: int
    name: str
    email: str
    marks: list[Mark]
    lessons_done: int
    lessons_total: int
    last_activity: datetime | None

    @property
    def behind(self) -> bool:
        return any(mark.state == "missed" for mark in self.marks)

    @property
    def missed(self) -> int:
        return sum(mark.state == "missed" for mark in self.marks)

    @property
    def percent(self) -> int:
        return round(100 * self.lessons_done / self.lessons_total) if self.lessons_total else 0


@dataclass
class CohortProgress:
    cohort: Cohort
    deadlines: list[CohortDeadline]
    learners: list[LearnerProgress] = field(default_factory=list)

    @property
    def behind(self) -> int:
        return sum(learner.behind for learner in self.learners)


# The orders of the progress table: behind first (the default), by name, by progress (least first), by last
# activity (longest idle first: who to contact).
SORTS = {
    "behind": lambda row: (not row.behind, -row.missed, row.name.casefold(), row.user_id),
    "name": lambda row: (row.name.casefold(), row.user_id),
    "progress": lambda row: (row.percent, row.name.casefold(), row.user_id),
    "activity": lambda row: (row.last_activity is not None, row.last_activity or utcnow(), row.user_id),
}


def offering_courses(cohort: Cohort):
    """The ids of the courses the cohort takes, as a subquery: its course, or its programme's courses."""
    if cohort.course_id is not None:
        return select(Course.id).where(Course.id == cohort.course_id)
    return select(ProgrammeCourse.course_id).where(ProgrammeCourse.programme_id == cohort.programme_id)


def cohort_deadlines(cohort: Cohort) -> list[CohortDeadline]:
    """The cohort's deadlines, soonest first, with their course and quiz (one query)."""
    return list(db.session.execute(
        select(CohortDeadline).where(CohortDeadline.cohort_id == cohort.id)
        .options(db.joinedload(CohortDeadline.course), db.joinedload(CohortDeadline.quiz))
        .order_by(CohortDeadline.due_at, CohortDeadline.id)).scalars())


def cohort_progress(cohort: Cohort, now: datetime | None = None, order: str = "behind") -> CohortProgress:
    """Each learner of the cohort against each deadline, in ``PROGRESS_QUERIES``; behind learners first unless
    ``order`` names another of ``SORTS``."""
    now = now or utcnow()
    deadlines = cohort_deadlines(cohort)
    courses = offering_courses(cohort)
    learners = db.session.execute(
        select(User.id, User.name, User.email).join(CohortMember, CohortMember.user_id == User.id)
        .where(CohortMember.cohort_id == cohort.id)).all()
    # The learners' ids as a list (one expanding parameter), not a subquery: the planner then knows how few
    # they are and reads each one's rows by index, whatever the size of the tables across all schools.
    members = [user_id for user_id, *rest in learners]
    deadline_courses = {deadline.course_id for deadline in deadlines}
    enrolments = db.session.execute(
        select(Enrolment.user_id, Enrolment.course_id, Enrolment.completed_at, Enrolment.last_activity_at)
        .where(Enrolment.school_id == cohort.school_id, Enrolment.user_id.in_(members),
               Enrolment.course_id.in_(union(courses, select(CohortDeadline.course_id)
                                             .where(CohortDeadline.cohort_id == cohort.id))))).all()
    quizzes = select(CohortDeadline.quiz_id).where(CohortDeadline.cohort_id == cohort.id,
                                                   CohortDeadline.quiz_id.is_not(None))
    passes = {(user_id, quiz_id): at for user_id, quiz_id, at in db.session.execute(
        select(Attempt.user_id, Attempt.quiz_id, func.min(Attempt.submitted_at))
        .where(Attempt.school_id == cohort.school_id, Attempt.user_id.in_(members), Attempt.quiz_id.in_(quizzes),
               Attempt.passed.is_(True), Attempt.submitted_at.is_not(None))
        .group_by(Attempt.user_id, Attempt.quiz_id))}
    done = dict(db.session.execute(
        select(LessonProgress.user_id, func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(LessonProgress.user_id.in_(members), LessonProgress.completed_at.is_not(None),
               Lesson.retired.is_(False), Lesson.course_id.in_(courses))
        .group_by(LessonProgress.user_id)).all())
    total = db.session.execute(
        select(func.count(Lesson.id)).where(Lesson.retired.is_(False), Lesson.course_id.in_(courses))).scalar_one()
    completed, activity = {}, {}
    for user_id, course_id, completed_at, last_activity_at in enrolments:
        if course_id in deadline_courses:
            completed[(user_id, course_id)] = completed_at
        if last_activity_at is not None and (activity.get(user_id) is None or last_activity_at > activity[user_id]):
            activity[user_id] = last_activity_at
    rows = []
    for user_id, name, email in learners:
        marks = []
        for deadline in deadlines:
            met = (passes.get((user_id, deadline.quiz_id)) if deadline.quiz_id is not None
                   else completed.get((user_id, deadline.course_id)))
            marks.append(Mark(state_of(deadline.due_at, met, now), met))
        rows.append(LearnerProgress(user_id, name, email, marks, done.get(user_id, 0), total, activity.get(user_id)))
    rows.sort(key=SORTS.get(order, SORTS["behind"]))
    return CohortProgress(cohort, deadlines, rows)


def taught_cohorts(user: User, school: School) -> list[Cohort]:
    """The cohorts ``user`` teaches at ``school``, or every cohort of it for an admin; live ones first."""
    query = select(Cohort).where(Cohort.school_id == school.id)
    if not user.is_admin:
        query = query.join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id).where(
            CohortInstructor.user_id == user.id)
    return list(db.session.execute(query.order_by(Cohort.archived, Cohort.starts_on.desc(), Cohort.name)).scalars())


def teaches(user: User, school: School | None) -> bool:
    """Whether ``user`` may open the teaching pages: admins, instructors, and staff teaching a cohort."""
    if user.is_admin or user.role == "instructor":
        return True
    if school is None:
        return False
    return db.session.execute(
        select(CohortInstructor.cohort_id).join(Cohort, Cohort.id == CohortInstructor.cohort_id)
        .where(CohortInstructor.user_id == user.id, Cohort.school_id == school.id).limit(1)).first() is not None


def may_follow(user: User, cohort: Cohort) -> bool:
    """Admins follow every cohort of their school; others only the cohorts they teach."""
    if user.is_admin:
        return True
    return db.session.get(CohortInstructor, (cohort.id, user.id)) is not None


@dataclass(frozen=True)
class LearnerDeadline:
    """One of a learner's deadlines, with what it asks and where they stand."""
    id: int
    cohort_name: str
    course_slug: str
    course_title: str
    course_language: str
    quiz_slug: str | None
    quiz_title: str | None
    due_at: datetime
    state: str
    done_at: datetime | None


def met_at(user_id, deadline=CohortDeadline, school_id=Cohort.school_id):
    """SQL, correlated with the enclosing query: when the learner ``user_id`` met ``deadline`` (a ``CohortDeadline``
    or an alias) at the school ``school_id``: the course's completion, or the quiz's first passing submission;
    NULL while it is not met. The rule the dashboard, the calendar and the reminders share (``cohort_progress``
    applies it to a whole cohort at once)."""
    completed = (select(Enrolment.completed_at)
                 .where(Enrolment.user_id == user_id, Enrolment.school_id == school_id,
                        Enrolment.course_id == deadline.course_id)
                 .correlate_except(Enrolment).limit(1).scalar_subquery())
    passed = (select(func.min(Attempt.submitted_at))
              .where(Attempt.user_id == user_id, Attempt.school_id == school_id, Attempt.quiz_id == deadline.quiz_id,
                     Attempt.passed.is_(True), Attempt.submitted_at.is_not(None))
              .correlate_except(Attempt).scalar_subquery())
    return case((deadline.quiz_id.is_(None), completed), else_=passed)


def learner_deadlines(user: User, school: School, now: datetime | None = None) -> list[LearnerDeadline]:
    """Every deadline of the learner's live cohorts at ``school``, soonest first, with its state, in ONE query:
    when each was met rides along as a correlated subquery (``met_at``)."""
    now = now or utcnow()
    rows = db.session.execute(
        select(CohortDeadline.id, Cohort.name, Course.slug, Course.title, Course.language, Quiz.slug, Quiz.title,
               CohortDeadline.due_at, met_at(user.id, CohortDeadline, school.id))
        .join(Cohort, Cohort.id == CohortDeadline.cohort_id)
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .join(Course, Course.id == CohortDeadline.course_id)
        .outerjoin(Quiz, Quiz.id == CohortDeadline.quiz_id)
        .where(CohortMember.user_id == user.id, Cohort.school_id == school.id, Cohort.archived.is_(False),
               Course.retired.is_(False))
        .order_by(CohortDeadline.due_at, CohortDeadline.id)).all()
    deadlines = []
    for (deadline_id, cohort_name, course_slug, course_title, language, quiz_slug, quiz_title, due_at, met) in rows:
        deadlines.append(LearnerDeadline(deadline_id, cohort_name, course_slug, course_title, language, quiz_slug,
                                         quiz_title, due_at, state_of(due_at, met, now), met))
    return deadlines

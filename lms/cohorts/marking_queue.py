"""What awaits staff review, read in a fixed number of queries: the submissions awaiting an instructor's decision,
the peer reviews learners flagged, and the decided submissions the review-time report counts. An admin sees the
school's; an instructor the learners of the cohorts they teach."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import false, func, or_, select
from sqlalchemy.orm import aliased

from ..accounts.models import User
from ..assignments.models import Assignment, Review, Submission
from ..catalog.models import Course, ProgrammeCourse
from ..extensions import db
from ..schools.models import School
from .models import Cohort, CohortMember
from .reviewing import taught_learners_clause

# The queries of ``awaiting`` (one) and ``flagged`` (one); tests/test_marking.py counts them at 30 submissions.
QUEUE_QUERIES = 2
# The queue lists the oldest this many (with how many there are in all): a page an instructor can work through
# whatever the backlog, and a cost that does not grow with it (bench/practical_work.py).
QUEUE_LIMIT = 100


@dataclass(frozen=True)
class Scope:
    """Whose submissions a reader sees, narrowed to a course or a cohort when the queue is filtered."""
    user: User
    school: School
    course: Course | None = None
    cohort: Cohort | None = None

    def clauses(self) -> list:
        clauses = [Submission.school_id == self.school.id]
        if not self.user.is_admin:
            clauses.append(taught_learners_clause(self.user, Assignment.course_id) if self.user.role == "instructor"
                           else false())
        if self.course is not None:
            clauses.append(Assignment.course_id == self.course.id)
        if self.cohort is not None:
            cohort = self.cohort
            clauses.append(Submission.user_id.in_(select(CohortMember.user_id)
                                                  .where(CohortMember.cohort_id == cohort.id)))
            clauses.append(or_(Assignment.course_id == cohort.course_id,
                               Assignment.course_id.in_(select(ProgrammeCourse.course_id)
                                                        .where(ProgrammeCourse.programme_id == cohort.programme_id))))
        return clauses


@dataclass(frozen=True)
class Awaiting:
    """A submission awaiting an instructor's decision."""
    id: int
    number: int
    submitted_at: datetime
    learner: str
    assignment: str
    review_mode: str
    peer_wanted: int
    peer_in: int
    course_title: str
    course_language: str


def _peers_in():
    """SQL: the counted peer reviews of the correlated submission."""
    return (select(func.count(Review.id))
            .where(Review.submission_id == Submission.id, Review.kind == "peer", Review.submitted_at.is_not(None),
                   Review.excluded.is_(False)).correlate(Submission).scalar_subquery())


def awaiting(scope: Scope, limit: int = QUEUE_LIMIT) -> tuple[list[Awaiting], int]:
    """Submitted, undecided work of assignments an instructor reviews: the oldest ``limit``, oldest submitted first,
    and how many there are in all (one query: the count rides along as a window)."""
    rows = db.session.execute(
        select(Submission.id, Submission.number, Submission.submitted_at, User.name, Assignment.title,
               Assignment.review_mode, Assignment.peer_reviews, _peers_in(), Course.title, Course.language,
               func.count().over())
        .select_from(Submission)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .join(User, User.id == Submission.user_id)
        .where(Submission.status == "submitted", Assignment.review_mode.in_(("instructor", "peer+instructor")),
               *scope.clauses())
        .order_by(Submission.submitted_at, Submission.id).limit(limit)).all()
    return [Awaiting(*row[:-1]) for row in rows], (rows[0][-1] if rows else 0)


@dataclass(frozen=True)
class Flagged:
    """A peer review a learner flagged, not resolved yet."""
    review_id: int
    submission_id: int
    flagged_at: datetime
    reason: str
    learner: str
    assignment: str
    course_language: str


def flagged(scope: Scope) -> list[Flagged]:
    """Unresolved flags on peer reviews, oldest first (one query)."""
    rows = db.session.execute(
        select(Review.id, Submission.id, Review.flagged_at, Review.flag_reason, User.name, Assignment.title,
               Course.language)
        .select_from(Review)
        .join(Submission, Submission.id == Review.submission_id)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .join(User, User.id == Submission.user_id)
        .where(Review.kind == "peer", Review.flagged_at.is_not(None), Review.flag_resolved_at.is_(None),
               Review.reviewer_id != scope.user.id, *scope.clauses())
        .order_by(Review.flagged_at, Review.id))
    return [Flagged(*row) for row in rows]


@dataclass(frozen=True)
class Decided:
    """A decided submission and the moments its review time is counted from."""
    assignment_id: int
    course_title: str
    course_language: str
    assignment: str
    learner: str
    number: int
    decision: str
    by_instructor: bool
    submitted_at: datetime
    decided_at: datetime
    opened_at: datetime | None  # when the deciding instructor first opened it


def decided(scope: Scope) -> list[Decided]:
    """Each decided submission in scope, by course, assignment and decision time (one query)."""
    opened = aliased(Review)
    rows = db.session.execute(
        select(Assignment.id, Course.title, Course.language, Assignment.title, User.name, Submission.number,
               Submission.decision, Submission.decided_by_id.is_not(None), Submission.submitted_at,
               Submission.decided_at, opened.opened_at)
        .select_from(Submission)
        .join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .join(User, User.id == Submission.user_id)
        .outerjoin(opened, (opened.submission_id == Submission.id) & (opened.reviewer_id == Submission.decided_by_id)
                   & (opened.kind == "instructor"))
        .where(Submission.status == "decided", Submission.submitted_at.is_not(None),
               Submission.decided_at.is_not(None), *scope.clauses())
        .order_by(Course.title, Assignment.title, Assignment.id, Submission.decided_at, Submission.id))
    return [Decided(*row) for row in rows]


def decided_times(scope: Scope) -> dict[tuple[int, str, str, str], list[tuple]]:
    """Per assignment (id, course title, course language, assignment title): (submitted_at, decided_at, the deciding
    instructor's opened_at) of each decided submission (one query)."""
    grouped: dict[tuple[int, str, str, str], list[tuple]] = {}
    for row in decided(scope):
        key = (row.assignment_id, row.course_title, row.course_language, row.assignment)
        grouped.setdefault(key, []).append((row.submitted_at, row.decided_at, row.opened_at))
    return grouped


def courses_with_work(school: School) -> list[Course]:
    """The courses the queue may be filtered on: those with submitted work at the school."""
    return list(db.session.execute(
        select(Course).where(Course.id.in_(select(Assignment.course_id)
                                           .join(Submission, Submission.assignment_id == Assignment.id)
                                           .where(Submission.school_id == school.id,
                                                  Submission.status != "draft")))
        .order_by(Course.title)).scalars())

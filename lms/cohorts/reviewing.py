"""Who of a school's staff may see and review a learner's submission: the school's admins, and the
instructors of a cohort the learner belongs to whose course or programme holds the assignment's course."""
from __future__ import annotations

from sqlalchemy import or_

from ..accounts.models import User
from ..assignments.models import Submission
from ..catalog.models import ProgrammeCourse
from ..extensions import db
from .models import Cohort, CohortInstructor, CohortMember


def _taught_cohorts(school_id: int, course_id):
    """The school's cohorts with an instructor that hold course ``course_id`` (a column or a value), itself or in
    their programme."""
    return (db.select(Cohort.id).join(CohortInstructor, CohortInstructor.cohort_id == Cohort.id)
            .where(Cohort.school_id == school_id,
                   or_(Cohort.course_id == course_id,
                       Cohort.programme_id.in_(db.select(ProgrammeCourse.programme_id)
                                               .where(ProgrammeCourse.course_id == course_id)))))


def taught_learners_clause(user: User, course_id):
    """A clause on ``Submission.user_id``: the learners ``user`` teaches in a cohort that holds course ``course_id``
    (a column or a value), within ``user``'s school."""
    cohorts = _taught_cohorts(user.school_id, course_id).where(CohortInstructor.user_id == user.id)
    return Submission.user_id.in_(db.select(CohortMember.user_id).where(CohortMember.cohort_id.in_(cohorts)))


def staff_may_review(user: User, submission: Submission) -> bool:
    """Whether ``user`` is staff of the submission's school with a say on it (never across schools)."""
    if not user.is_authenticated or user.school_id != submission.school_id or user.id == submission.user_id:
        return False
    if user.is_admin:
        return True
    if user.role != "instructor":
        return False
    return db.session.execute(
        db.select(Submission.id).where(Submission.id == submission.id,
                                       taught_learners_clause(user, submission.assignment.course_id))).first() is not None


def has_instructor(submission: Submission) -> bool:
    """Whether an instructor of the school teaches this learner in a cohort that holds the assignment's course:
    such a learner's ``peer+instructor`` work waits for the instructor's decision."""
    cohorts = _taught_cohorts(submission.school_id, submission.assignment.course_id)
    return db.session.execute(db.select(CohortMember.user_id).where(
        CohortMember.user_id == submission.user_id, CohortMember.cohort_id.in_(cohorts))).first() is not None

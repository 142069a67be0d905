"""A small factory for cohort tests: cohorts, deadlines, learners and instructors made directly with the models
(the admin's pages that make them are another part of the issue)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from lms.accounts import services as accounts
from lms.catalog.models import Course, Lesson
from lms.cohorts.models import Cohort, CohortDeadline, CohortInstructor, CohortMember
from lms.db import utcnow
from lms.extensions import db
from lms.progress.models import Enrolment, LessonProgress
from lms.quizzes.models import Attempt, Quiz
from lms.schools.services import current_school

from .conftest import PASSWORD


def course(slug: str = "intro-course") -> Course:
    return db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()


def make_cohort(name: str = "Spring intake", slug: str = "spring", course_slug: str = "intro-course",
                school=None) -> Cohort:
    school = school or current_school()
    cohort = Cohort(school_id=school.id, slug=slug, name=name, course_id=course(course_slug).id,
                    starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18))
    db.session.add(cohort)
    db.session.flush()
    return cohort


def add_deadline(cohort: Cohort, due_at: datetime, quiz: Quiz | None = None, course_slug: str = "intro-course"):
    deadline = CohortDeadline(cohort_id=cohort.id, course_id=course(course_slug).id,
                              quiz_id=quiz.id if quiz else None, due_at=due_at)
    db.session.add(deadline)
    db.session.flush()
    return deadline


def make_account(email: str, name: str, role: str = "learner"):
    return accounts.create_user(email, name, PASSWORD, role)


def add_learner(cohort: Cohort, user, enrolled_course: str | None = "intro-course", completed_at=None,
                last_activity_at=None) -> None:
    db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, source="import"))
    if enrolled_course:
        db.session.add(Enrolment(school_id=cohort.school_id, user_id=user.id, course_id=course(enrolled_course).id,
                                 completed_at=completed_at, last_activity_at=last_activity_at or utcnow()))
    db.session.flush()


def add_instructor(cohort: Cohort, user) -> None:
    db.session.add(CohortInstructor(cohort_id=cohort.id, user_id=user.id))
    db.session.flush()


def complete_lessons(user, count: int, course_slug: str = "intro-course") -> None:
    lessons = db.session.execute(db.select(Lesson).filter_by(course_id=course(course_slug).id)
                                 .order_by(Lesson.position).limit(count)).scalars()
    for lesson in lessons:
        db.session.add(LessonProgress(user_id=user.id, lesson_id=lesson.id, completed_at=utcnow()))
    db.session.flush()


def pass_quiz(user, quiz: Quiz, at: datetime, number: int = 1, passed: bool = True) -> None:
    db.session.add(Attempt(user_id=user.id, quiz_id=quiz.id, school_id=current_school().id, number=number, seed=1,
                           started_at=at - timedelta(minutes=5), submitted_at=at, score=0.9 if passed else 0.2,
                           passed=passed))
    db.session.flush()

"""Cohorts with deadlines and learners for the notification tests, made straight in the database."""
from __future__ import annotations

from datetime import UTC, date, datetime

from lms.accounts import services as accounts
from lms.catalog.models import Course
from lms.cohorts.models import Cohort, CohortDeadline, CohortMember
from lms.extensions import db
from lms.quizzes.models import Quiz
from lms.schools.services import current_school, school_by_slug

from .conftest import PASSWORD

NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)
BASE = "http://a.example.org"


def make_cohort(app, learners: int = 1, due: datetime | None = None, quiz: bool = False,
                school_slug: str | None = None, prefix: str = "learner") -> dict:
    """A cohort of the synced course with one deadline (the course's, or a quiz's), and its learners."""
    with app.app_context():
        school = school_by_slug(school_slug) if school_slug else current_school()
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        cohort = Cohort(school_id=school.id, slug=f"{prefix}-spring", name="Spring 2027", course_id=course.id,
                        starts_on=date(2027, 1, 1), ends_on=date(2027, 6, 30))
        db.session.add(cohort)
        quiz_row = None
        if quiz:
            quiz_row = Quiz(course_id=course.id, slug=f"{prefix}-check", title="Checkpoint", source_path="q.md",
                            content_hash="x")
            db.session.add(quiz_row)
            db.session.flush()
        deadline = CohortDeadline(cohort=cohort, course_id=course.id, quiz_id=quiz_row.id if quiz_row else None,
                                  due_at=due or datetime(2027, 3, 6, 17, 0, tzinfo=UTC))
        db.session.add(deadline)
        users = []
        for number in range(learners):
            user = accounts.create_user(f"{prefix}{number}@example.com", f"Learner {number}", PASSWORD, school=school)
            db.session.flush()
            db.session.add(CohortMember(cohort_id=cohort.id, user_id=user.id, source="staff"))
            users.append(user.id)
        db.session.commit()
        return {"cohort": cohort.id, "deadline": deadline.id, "users": users, "course": course.id,
                "quiz": quiz_row.id if quiz_row else None, "school": school.id}


def outbox(app) -> list:
    return app.extensions["lms"]["outbox"]


def run(runner, when: datetime):
    result = runner.invoke(args=["lms", "reminders", "--now", when.isoformat()])
    assert result.exit_code == 0, (result.output, result.exception)
    return result

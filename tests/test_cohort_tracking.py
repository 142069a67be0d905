"""Where a cohort's learners stand against its deadlines (lms/cohorts/tracking.py): the four states, who is
behind, progress and last activity, and a query count that does not grow with the number of learners."""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from lms.cohorts import tracking
from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Quiz

from . import cohort_support as cs
from .quiz_support import write_quiz
from .test_queries import count_queries


@pytest.fixture()
def quiz_app(make_app, content_dir):
    write_quiz(content_dir)
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    return app


def basics():
    return db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one()


def test_each_learner_is_done_late_due_or_missed_against_each_deadline(quiz_app):
    now = utcnow()
    with quiz_app.app_context():
        cohort = cs.make_cohort()
        course_due = cs.add_deadline(cohort, now - timedelta(days=2))
        quiz_due = cs.add_deadline(cohort, now + timedelta(days=3), quiz=basics())
        on_time = cs.make_account("on-time@example.com", "Ann On Time")
        cs.add_learner(cohort, on_time, completed_at=now - timedelta(days=3))
        cs.pass_quiz(on_time, basics(), now - timedelta(days=1))
        late = cs.make_account("late@example.com", "Bob Late")
        cs.add_learner(cohort, late, completed_at=now - timedelta(days=1))
        cs.pass_quiz(late, basics(), now - timedelta(days=2), number=1, passed=False)  # a failed try meets nothing
        missing = cs.make_account("missing@example.com", "Cy Missing")
        cs.add_learner(cohort, missing, enrolled_course=None)  # never even enrolled
        progress = tracking.cohort_progress(cohort, now)
        states = {row.name: [mark.state for mark in row.marks] for row in progress.learners}
        assert [d.id for d in progress.deadlines] == [course_due.id, quiz_due.id]  # soonest first
        assert states == {"Ann On Time": ["done", "done"], "Bob Late": ["late", "due"], "Cy Missing": ["missed", "due"]}
        # A quiz deadline is met by the first PASSING attempt; after the deadline it is late.
        cs.pass_quiz(late, basics(), now + timedelta(days=4), number=2)
        later = tracking.cohort_progress(cohort, now + timedelta(days=5))
        bob = next(row for row in later.learners if row.name == "Bob Late")
        assert [mark.state for mark in bob.marks] == ["late", "late"]
        assert bob.marks[1].done_at == now + timedelta(days=4)
        cy = next(row for row in later.learners if row.name == "Cy Missing")
        assert [mark.state for mark in cy.marks] == ["missed", "missed"]


def test_behind_learners_come_first_with_progress_and_last_activity(quiz_app):
    now = utcnow()
    with quiz_app.app_context():
        cohort = cs.make_cohort()
        cs.add_deadline(cohort, now - timedelta(hours=1))
        ahead = cs.make_account("ahead@example.com", "Aaron Ahead")
        cs.add_learner(cohort, ahead, completed_at=now - timedelta(days=1), last_activity_at=now - timedelta(days=1))
        cs.complete_lessons(ahead, 4)
        behind = cs.make_account("behind@example.com", "Zoe Behind")
        cs.add_learner(cohort, behind, last_activity_at=now - timedelta(days=9))
        cs.complete_lessons(behind, 1)
        progress = tracking.cohort_progress(cohort, now)
        first, second = progress.learners
        assert (first.name, first.behind, first.percent) == ("Zoe Behind", True, 25)  # 1 of the course's 4 lessons
        assert (second.name, second.behind, second.percent) == ("Aaron Ahead", False, 100)
        assert first.last_activity == now - timedelta(days=9)
        assert progress.behind == 1


def test_a_programme_cohort_counts_the_lessons_of_every_course_of_the_programme(make_app, content_dir):
    from lms.catalog.models import Programme
    from lms.cohorts.models import Cohort

    from .content_factory import make_tree

    make_tree(content_dir, courses=("intro-course", "second-course"))
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    now = utcnow()
    with app.app_context():
        school = cs.current_school()
        programme = db.session.execute(db.select(Programme).filter_by(slug="pathway")).scalar_one()
        cohort = Cohort(school_id=school.id, slug="path", name="Pathway intake", programme_id=programme.id,
                        starts_on=date(2026, 1, 5), ends_on=date(2026, 12, 18))
        db.session.add(cohort)
        db.session.flush()
        cs.add_deadline(cohort, now - timedelta(days=1))
        cs.add_deadline(cohort, now + timedelta(days=9), course_slug="second-course")
        user = cs.make_account("path@example.com", "Pat Path")
        cs.add_learner(cohort, user, completed_at=now - timedelta(days=2))
        cs.complete_lessons(user, 4)  # all of the first course: 4 of the programme's 8 lessons
        cs.complete_lessons(user, 2, course_slug="second-course")
        (row,) = tracking.cohort_progress(cohort, now).learners
        assert [mark.state for mark in row.marks] == ["done", "due"]
        assert (row.lessons_done, row.lessons_total, row.percent) == (6, 8, 75)


def test_a_learner_of_another_cohort_is_not_listed(quiz_app):
    with quiz_app.app_context():
        spring, autumn = cs.make_cohort(), cs.make_cohort("Autumn intake", "autumn")
        cs.add_learner(spring, cs.make_account("spring@example.com", "Spring Learner"))
        cs.add_learner(autumn, cs.make_account("autumn@example.com", "Autumn Learner"))
        assert [row.name for row in tracking.cohort_progress(spring).learners] == ["Spring Learner"]


def progress_queries(app, learners: int) -> int:
    now = utcnow()
    with app.app_context():
        cohort = cs.make_cohort(slug=f"c{learners}")
        cs.add_deadline(cohort, now - timedelta(days=1))
        cs.add_deadline(cohort, now + timedelta(days=1), quiz=basics())
        for n in range(learners):
            user = cs.make_account(f"l{learners}-{n}@example.com", f"Learner {n}")
            cs.add_learner(cohort, user, completed_at=now if n % 2 else None)
            cs.complete_lessons(user, n % 4)
            if n % 3 == 0:
                cs.pass_quiz(user, basics(), now)
        db.session.commit()
        cohort_id = cohort.id
    with app.app_context():
        cohort = db.session.get(type(cohort), cohort_id)
        with count_queries(app) as statements:
            progress = tracking.cohort_progress(cohort)
        assert len(progress.learners) == learners
        return len(statements)


def test_the_progress_of_a_cohort_costs_the_same_queries_at_3_and_30_learners(quiz_app):
    small, large = progress_queries(quiz_app, 3), progress_queries(quiz_app, 30)
    assert small == large == tracking.PROGRESS_QUERIES


def test_a_learners_deadlines_are_one_query_with_their_states(quiz_app):
    now = utcnow()
    with quiz_app.app_context():
        cohort = cs.make_cohort()
        other = cs.make_cohort("Autumn intake", "autumn")
        user = cs.make_account("learner@example.com", "Ada Learner")
        cs.add_learner(cohort, user)
        cs.add_learner(other, user, enrolled_course=None)
        cs.add_deadline(cohort, now - timedelta(days=1))
        cs.add_deadline(cohort, now + timedelta(days=2), quiz=basics())
        cs.add_deadline(other, now + timedelta(days=1))
        archived = cs.make_cohort("Old intake", "old")
        archived.archived = True
        cs.add_learner(archived, user, enrolled_course=None)
        cs.add_deadline(archived, now + timedelta(hours=1))  # an archived cohort's deadlines are not shown
        cs.pass_quiz(user, basics(), now)
        db.session.commit()
        school, user_id = cs.current_school(), user.id  # loaded before counting
        with count_queries(quiz_app) as statements:
            deadlines = tracking.learner_deadlines(user, school, now)
        assert user.id == user_id
        assert len(statements) == tracking.LEARNER_QUERIES
        assert [(d.cohort_name, d.quiz_slug, d.state) for d in deadlines] == [
            ("Spring intake", None, "missed"), ("Autumn intake", None, "due"), ("Spring intake", "basics", "done")]

"""How reviews become a grade (median per criterion, the pass rule) and how a released decision completes a
course and a programme whose capstone it is, exactly once."""
from __future__ import annotations

from types import SimpleNamespace

from lms.accounts.models import User
from lms.assignments import grading
from lms.assignments.models import Assignment, Review, Submission
from lms.catalog.models import Course, Lesson, Programme
from lms.extensions import db
from lms.progress import services as progress
from lms.progress.models import Enrolment, ProgrammeEnrolment
from lms.schools.services import default_school
from lms.signals import submission_decided

from .content_factory import write
from .quiz_support import sync

RUBRIC = [
    {"key": "framing", "title": "Framing", "skill": "ai-literacy", "description_html": "",
     "levels": [{"name": "Not yet", "points": 0, "html": ""}, {"name": "Developing", "points": 5, "html": ""},
                {"name": "Proficient", "points": 10, "html": ""}]},
    {"key": "plan", "title": "Plan", "skill": None, "description_html": "",
     "levels": [{"name": "Not yet", "points": 2, "html": ""}, {"name": "Done", "points": 10, "html": ""}]},
]

ASSIGNMENT = """\
---
title: Plan an experiment
submit: [text]
review: peer
peer_reviews: 2
pass_mark: 50
skills: [ai-literacy]
---
Plan a two-week experiment for a model your team could ship.

## Rubric {#rubric}

### Framing {#framing skill=ai-literacy}

- **Not yet** (0): No measurable goal.
- **Proficient** (10): A goal with a number and an owner.
"""


def review(levels):
    return SimpleNamespace(levels=levels)


def test_reviews_combine_by_the_median_of_each_criterion():
    reviews = [review({"framing": 2, "plan": 0}), review({"framing": 0, "plan": 1}), review({"framing": 2, "plan": 1})]
    assert grading.combined_points(RUBRIC, reviews) == {"framing": 10.0, "plan": 10.0}
    # two reviews: the median is the mean of the two
    assert grading.combined_points(RUBRIC, reviews[:2]) == {"framing": 5.0, "plan": 6.0}
    assert grading.percent_of(RUBRIC, {"framing": 5.0, "plan": 6.0}) == 55.0


def test_an_incomplete_or_tampered_review_gives_no_points():
    assert grading.level_points(RUBRIC, {"framing": 2}) is None
    assert grading.level_points(RUBRIC, {"framing": 3, "plan": 0}) is None
    assert grading.level_points(RUBRIC, {"framing": True, "plan": 0}) is None
    assert grading.combined_points(RUBRIC, [review({"framing": "2", "plan": 0})]) is None


def test_the_pass_mark_and_the_lowest_level_rule():
    strict = SimpleNamespace(pass_mark=60, lowest_level_fails=True)
    lenient = SimpleNamespace(pass_mark=60, lowest_level_fails=False)
    points = {"framing": 10.0, "plan": 2.0}  # 60 %, with "plan" at its lowest level
    assert grading.passes(lenient, RUBRIC, points)
    assert not grading.passes(strict, RUBRIC, points)
    assert not grading.passes(lenient, RUBRIC, {"framing": 5.0, "plan": 2.0})


def test_a_passed_capstone_completes_the_course_and_then_the_programme_once(app, content_dir, make_user):
    write(content_dir, "assignments/intro-course/02-practice.md", ASSIGNMENT)
    programme = (content_dir / "courses/_programmes/pathway.md").read_text()
    write(content_dir, "courses/_programmes/pathway.md",
          programme.replace("courses:\n", "capstone: intro-course/practice\ncourses:\n"))
    sync(app)
    user_id = make_user()
    announced = []

    def listen(sender, passed, **_):
        announced.append(passed)

    with app.app_context(), submission_decided.connected_to(listen):
        user, school = db.session.get(User, user_id), default_school()
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        membership = progress.enrol_programme(user, db.session.execute(db.select(Programme)).scalar_one(), school)
        enrolment = db.session.execute(db.select(Enrolment).filter_by(user_id=user_id)).scalar_one()
        for lesson in db.session.execute(db.select(Lesson).filter_by(course_id=course.id)).scalars():
            progress.complete_lesson(user, lesson, enrolment)
        assert enrolment.completed_at is None and progress.assignments_to_pass(user, course.id) == 1

        assignment = db.session.execute(db.select(Assignment)).scalar_one()
        submission = Submission(assignment=assignment, user_id=user_id, school_id=school.id, status="submitted",
                                rubric=assignment.rubric, submitted_at=enrolment.enrolled_at)
        db.session.add(submission)
        db.session.flush()
        db.session.add_all([Review(submission_id=submission.id, reviewer_id=user_id, kind="peer",
                                   levels={"framing": 1}, submitted_at=enrolment.enrolled_at)])
        assert grading.release(submission, "pass", {"framing": 10.0})
        assert not grading.release(submission, "fail", {"framing": 0.0})  # a decision is given once
        db.session.commit()
        assert (submission.decision, submission.score, submission.percent) == ("pass", 10.0, 100.0)
        assert announced == [True]
        assert db.session.get(Enrolment, enrolment.id).completed_at is not None
        assert db.session.get(ProgrammeEnrolment, membership.id).completed_at is not None


def test_a_programme_waits_for_its_capstone_even_when_its_courses_are_complete(app, content_dir, make_user):
    write(content_dir, "assignments/intro-course/02-practice.md", ASSIGNMENT)
    sync(app)  # the course is completed before the capstone is named
    user_id = make_user()
    with app.app_context():
        user, school = db.session.get(User, user_id), default_school()
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        membership = progress.enrol_programme(user, db.session.execute(db.select(Programme)).scalar_one(), school)
        enrolment = db.session.execute(db.select(Enrolment).filter_by(user_id=user_id)).scalar_one()
        db.session.execute(db.update(Assignment).values(retired=True))
        for lesson in db.session.execute(db.select(Lesson).filter_by(course_id=course.id)).scalars():
            progress.complete_lesson(user, lesson, enrolment)
        db.session.commit()
        assert enrolment.completed_at is not None
        db.session.execute(db.update(ProgrammeEnrolment).values(completed_at=None))
        db.session.execute(db.update(Programme).values(capstone="intro-course/practice"))
        db.session.execute(db.update(Assignment).values(retired=False))
        progress.update_programme_completion(user, school.id)
        db.session.expire_all()
        assert db.session.get(ProgrammeEnrolment, membership.id).completed_at is None
        assignment = db.session.execute(db.select(Assignment)).scalar_one()
        submission = Submission(assignment=assignment, user_id=user_id, school_id=school.id, status="submitted",
                                rubric=assignment.rubric, submitted_at=enrolment.enrolled_at)
        db.session.add(submission)
        db.session.flush()
        grading.release(submission, "pass", {"framing": 10.0})
        db.session.commit()
        db.session.expire_all()
        assert db.session.get(ProgrammeEnrolment, membership.id).completed_at is not None

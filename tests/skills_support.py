"""Evidence for the skills profile, made directly with the models: quiz attempts with scored answers, and
released submissions with their reviews."""
from __future__ import annotations

from datetime import timedelta
from itertools import count

from lms.accounts.models import User
from lms.assignments.models import Assignment, Review, Submission
from lms.catalog.models import Course, Module
from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Attempt, AttemptAnswer, QuestionVersion, Quiz

from .content_factory import write

ROLE = """\
title: AI project manager
summary: Leads AI initiatives.
targets:
  ai-literacy:
    level: 3
    reason: Judges what a model can do.
  agile-delivery:
    level: 2
    reason: Runs experiments in sprints.
"""
LEVELS = [{"name": "Missing", "points": 0, "html": ""}, {"name": "Partial", "points": 2, "html": ""},
          {"name": "Good", "points": 4, "html": ""}]
_numbers = count(1)


def write_role(content_dir, text: str = ROLE, name: str = "ai-project-manager"):
    return write(content_dir, f"courses/_roles/{name}.yaml", text)


def make_quiz(course_slug: str = "intro-course", questions: dict[str, list[str]] | None = None, points: float = 1,
              retired: bool = False) -> Quiz:
    """A module quiz with one question per key, tagged with the given skills."""
    course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar_one()
    module = db.session.execute(db.select(Module).filter_by(course_id=course.id).order_by(Module.position)).scalars().first()
    number = next(_numbers)
    quiz = Quiz(course_id=course.id, module_id=module.id, slug=f"quiz-{number}", title=f"Quiz {number}",
                source_path=f"quizzes/{course_slug}/q{number}.md", content_hash="h", retired=retired)
    db.session.add(quiz)
    db.session.flush()
    for position, (key, skills) in enumerate((questions or {"q1": ["ai-literacy"]}).items()):
        db.session.add(QuestionVersion(quiz_id=quiz.id, key=key, type="choice", prompt_html=f"<p>Question <em>{key}</em></p>",
                                       points=points, skills=skills, data={}, content_hash=key, position=position))
    db.session.flush()
    return quiz


def answer(user_id: int, quiz: Quiz, scores: dict[str, float]) -> Attempt:
    """A submitted attempt with a score per question key."""
    user = db.session.get(User, user_id)
    versions = {v.key: v for v in db.session.execute(db.select(QuestionVersion).filter_by(quiz_id=quiz.id)).scalars()}
    number = 1 + (db.session.execute(db.select(db.func.max(Attempt.number)).filter_by(user_id=user_id, quiz_id=quiz.id))
                  .scalar() or 0)
    total = sum(scores.values()) / len(scores)
    attempt = Attempt(user_id=user_id, quiz_id=quiz.id, school_id=user.school_id, number=number, seed=1,
                      submitted_at=utcnow() + timedelta(seconds=number), score=total, passed=total >= 0.7)
    db.session.add(attempt)
    db.session.flush()
    for key, score in scores.items():
        db.session.add(AttemptAnswer(attempt_id=attempt.id, question_version_id=versions[key].id, response={}, score=score))
    db.session.flush()
    return attempt


def make_assignment(criteria: dict[str, str | None], course_slug: str = "intro-course") -> Assignment:
    """An instructor-reviewed assignment whose criteria (key: skill) have three levels of 0, 2 and 4 points."""
    course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar_one()
    module = db.session.execute(db.select(Module).filter_by(course_id=course.id).order_by(Module.position)).scalars().first()
    rubric = [{"key": key, "title": f"Criterion {key}", "skill": skill, "description_html": "", "levels": LEVELS}
              for key, skill in criteria.items()]
    number = next(_numbers)
    assignment = Assignment(course_id=course.id, module_id=module.id, slug=f"work-{number}", title=f"Project {number}",
                            review_mode="instructor", rubric=rubric, max_points=4.0 * len(rubric),
                            source_path=f"assignments/{course_slug}/w{number}.md", content_hash="h")
    db.session.add(assignment)
    db.session.flush()
    return assignment


def decide(user_id: int, assignment: Assignment, levels: dict[str, int], reviewer_id: int, number: int = 1,
           released: bool = True, kind: str = "instructor") -> Submission:
    """A submission reviewed at the given level indexes, decided and (unless told) released."""
    user = db.session.get(User, user_id)
    now = utcnow()
    submission = Submission(assignment_id=assignment.id, user_id=user_id, school_id=user.school_id, number=number,
                            status="decided" if released else "submitted", rubric=assignment.rubric, submitted_at=now,
                            decision="pass" if released else None, released_at=now if released else None,
                            decided_at=now if released else None)
    db.session.add(submission)
    db.session.flush()
    db.session.add(Review(submission_id=submission.id, reviewer_id=reviewer_id, kind=kind, submitted_at=now,
                          levels=levels))
    db.session.flush()
    return submission

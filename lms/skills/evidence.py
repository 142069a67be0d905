"""The evidence behind each skill: quiz questions the learner answered and rubric criteria of their released
work, each with a score fraction and a weight (docs/skills.md). Two queries for the quizzes, two for the work,
whatever the number of attempts."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from ..assignments.grading import combined_points, counted_peer_reviews
from ..assignments.models import Assignment, Submission
from ..catalog.models import Course
from ..extensions import db
from ..quizzes.models import Attempt, AttemptAnswer, QuestionVersion, Quiz
from .levels import RUBRIC_WEIGHT

MAX_LABEL = 140


@dataclass(frozen=True)
class Evidence:
    """One question or criterion counted toward one skill."""

    kind: str  # "question" or "criterion"
    label: str  # the question's prompt, or the criterion's title, as plain text
    source: str  # the quiz's or the assignment's title
    course_title: str
    course_slug: str
    fraction: float  # 0..1
    weight: float
    course_language: str = "en"  # the language of the label, the source and the course's title

    @property
    def percent(self) -> int:
        return round(self.fraction * 100)


def plain(html: str) -> str:
    """A prompt as one line of text, shortened for a table cell."""
    text = " ".join(Markup(html).striptags().split())
    return text if len(text) <= MAX_LABEL else text[:MAX_LABEL - 1].rstrip() + "…"


def quiz_evidence(user_id: int, school_id: int, skills: set[str]) -> dict[str, list[Evidence]]:
    """Per skill, each question (a quiz's question key) the learner answered in a submitted attempt of a live quiz,
    at their best score across attempts; the version answered then gives its points and skills."""
    rows = db.session.execute(
        db.select(AttemptAnswer.score, Attempt.submitted_at, QuestionVersion.quiz_id, QuestionVersion.key,
                  QuestionVersion.points, QuestionVersion.skills, QuestionVersion.prompt_html,
                  Quiz.title.label("quiz_title"), Course.title.label("course_title"), Course.slug,
                  Course.language)
        .join(Attempt, Attempt.id == AttemptAnswer.attempt_id)
        .join(QuestionVersion, QuestionVersion.id == AttemptAnswer.question_version_id)
        .join(Quiz, Quiz.id == Attempt.quiz_id).join(Course, Course.id == Quiz.course_id)
        .where(Attempt.user_id == user_id, Attempt.school_id == school_id, Attempt.submitted_at.is_not(None),
               AttemptAnswer.score.is_not(None), Quiz.retired.is_(False), Course.retired.is_(False))).all()
    best: dict[tuple[int, str], tuple] = {}
    for row in rows:
        key = (row.quiz_id, row.key)
        if key not in best or (row.score, row.submitted_at) > (best[key].score, best[key].submitted_at):
            best[key] = row
    found: dict[str, list[Evidence]] = {}
    for row in sorted(best.values(), key=lambda r: (r.slug, r.quiz_id, r.key)):
        for skill in dict.fromkeys(row.skills or []):
            if skill in skills:
                found.setdefault(skill, []).append(Evidence(
                    "question", plain(row.prompt_html), row.quiz_title, row.course_title, row.slug,
                    min(1.0, max(0.0, float(row.score))), float(row.points), row.language))
    return found


def released_points(submission: Submission) -> dict[str, float] | None:
    """The points per criterion behind the released grade: the instructor's review (the median of several) when
    there is one, else the median of the peer reviews that count; None when no complete review gives them."""
    rubric = submission.rubric or []
    instructor = [r for r in submission.reviews if r.kind == "instructor" and r.submitted_at is not None]
    points = combined_points(rubric, instructor) if instructor else None
    return points if points is not None else combined_points(rubric, counted_peer_reviews(submission))


def rubric_evidence(user_id: int, school_id: int, skills: set[str]) -> dict[str, list[Evidence]]:
    """Per skill, each skill-tagged criterion of the latest released, decided version of each of the learner's
    assignments (of a live assignment), scored as points given over the criterion's best level."""
    submissions = db.session.execute(
        db.select(Submission).join(Assignment, Assignment.id == Submission.assignment_id)
        .join(Course, Course.id == Assignment.course_id)
        .where(Submission.user_id == user_id, Submission.school_id == school_id, Submission.status == "decided",
               Submission.decision.is_not(None), Submission.released_at.is_not(None),
               Assignment.retired.is_(False), Course.retired.is_(False))
        .options(joinedload(Submission.assignment).joinedload(Assignment.course), selectinload(Submission.reviews))
    ).scalars().all()
    latest: dict[int, Submission] = {}
    for submission in submissions:
        if submission.assignment_id not in latest or submission.number > latest[submission.assignment_id].number:
            latest[submission.assignment_id] = submission
    found: dict[str, list[Evidence]] = {}
    for submission in sorted(latest.values(), key=lambda s: (s.assignment.course.slug, s.assignment.slug)):
        points = released_points(submission)
        if points is None:
            continue
        assignment = submission.assignment
        for criterion in submission.rubric or []:
            skill = criterion.get("skill")
            top = max((float(level["points"]) for level in criterion["levels"]), default=0.0)
            if skill not in skills or top <= 0:
                continue
            found.setdefault(skill, []).append(Evidence(
                "criterion", criterion["title"], assignment.title, assignment.course.title, assignment.course.slug,
                min(1.0, max(0.0, points[criterion["key"]] / top)), RUBRIC_WEIGHT, assignment.course.language))
    return found

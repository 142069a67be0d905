"""Store the quizzes of a validated tree: settings in place, a new question version only when a
question really changed, and retirement (never deletion) of what disappeared, so attempts keep
the exact questions they were taken with."""
from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING

from ..content.steps import ContentStep, register_step
from ..content.sync import SyncReport, changed, count, retire
from ..extensions import db
from .loading import read_quizzes
from .models import FINAL, QuestionVersion, Quiz
from .rendering import QuestionHtml
from .spec import QuestionSpec, QuizSpec

if TYPE_CHECKING:
    from ..catalog.models import Course
    from ..content.specs import ContentTree

SETTINGS = ("title", "pass_mark", "max_attempts", "time_limit", "shuffle", "draw", "review")


def question_hash(question: QuestionSpec) -> str:
    """What makes a version: anything that changes how the question reads or is graded."""
    source = {"type": question.type, "prompt": question.prompt, "body": question.body, "points": question.points,
              "skills": list(question.skills), "explanation": question.explanation, "data": question.data}
    return hashlib.sha256(json.dumps(source, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def sync_quizzes(tree: ContentTree, courses: dict[str, Course], modules: dict, report: SyncReport) -> list[Quiz]:
    """Create, update and retire quizzes; files unchanged since the last sync are skipped by hash.

    Returns every quiz row, so course outline hashes can cover them."""
    quizzes = {(q.course_id, q.slug): q for q in db.session.execute(db.select(Quiz)).scalars()}
    seen = set()
    for (course_slug, slug), spec in tree.quizzes.items():
        course = courses[course_slug]
        seen.add((course.id, slug))
        quiz = quizzes.get((course.id, slug))
        if not changed(quiz, spec, spec.html):
            report.unchanged += 1
            continue
        created = quiz is None
        if created:
            quiz = quizzes[(course.id, slug)] = Quiz(course_id=course.id, slug=slug)
            db.session.add(quiz)
        quiz.module_id = None if slug == FINAL else modules[(course.id, slug)].id
        _store_quiz(quiz, spec, report)
        count(report, created)
    retire(quizzes.values(), lambda q: (q.course_id, q.slug) in seen, report)
    return list(quizzes.values())


def _store_quiz(quiz: Quiz, spec: QuizSpec, report: SyncReport) -> None:
    for name in SETTINGS:
        setattr(quiz, name, getattr(spec, name))
    quiz.intro_html, quiz.source_path, quiz.content_hash, quiz.retired = spec.html.intro_html, spec.source, spec.hash, False
    db.session.flush()  # a new quiz needs its id before its questions
    versions: dict[str, list[QuestionVersion]] = {}
    for row in db.session.execute(db.select(QuestionVersion).filter_by(quiz_id=quiz.id)
                                  .order_by(QuestionVersion.version)).scalars():
        versions.setdefault(row.key, []).append(row)
    for position, question in enumerate(spec.questions):
        history = versions.pop(question.id, [])
        current = _store_question(quiz, question, spec.html.questions[question.id], position, history)
        if not history or current is not history[-1]:
            report.extra["new question versions"] = report.extra.get("new question versions", 0) + 1
        for row in history:
            row.retired = row is not current
    for history in versions.values():  # questions no longer in the file
        for row in history:
            row.retired = True


def _store_question(quiz: Quiz, question: QuestionSpec, html: QuestionHtml, position: int,
                    history: list[QuestionVersion]) -> QuestionVersion:
    """The current version: the latest one when the question is unchanged, else a new one."""
    digest = question_hash(question)
    latest = history[-1] if history else None
    if latest is None or latest.content_hash != digest:
        latest = QuestionVersion(quiz_id=quiz.id, key=question.id, version=latest.version + 1 if latest else 1,
                                 type=question.type, points=question.points, skills=list(question.skills),
                                 content_hash=digest)
        db.session.add(latest)
    # Same source, so re-rendered HTML (a new renderer, a moved link target) reads the same: update in place.
    latest.prompt_html, latest.body_html, latest.explanation_html = html.prompt_html, html.body_html, html.explanation_html
    latest.data, latest.position = html.data, position
    return latest


def _known() -> list[tuple[str, str]]:
    return list(db.session.execute(db.select(Quiz.source_path, Quiz.content_hash).where(Quiz.retired.is_(False))))


def _store(tree: ContentTree, courses: dict[str, Course], modules: dict, report: SyncReport) -> list[tuple[int, str]]:
    """Store the quizzes; what each course's outline shows of them is its quizzes' slugs, modules and titles."""
    rows = sorted(sync_quizzes(tree, courses, modules, report), key=lambda q: (q.course_id, q.slug))
    return [(q.course_id, f"q|{q.slug}|{q.module_id}|{q.title}|{q.retired}") for q in rows]


register_step(ContentStep("quizzes", read=read_quizzes, known=_known, store=_store))

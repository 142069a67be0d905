"""Conductor's catalog as an LTI platform sees it: the items a deep link may name, and their pages."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for

from ..access import offered_here_clause
from ..catalog.models import Course
from ..extensions import db
from ..quizzes.models import Quiz
from .models import LtiPlatform, LtiResourceLink
from .services import Target


def offered_ids() -> set[int]:
    """The published courses this school's site offers."""
    return set(db.session.scalars(db.select(Course.id).where(offered_here_clause(), Course.published.is_(True),
                                                             Course.retired.is_(False))))


def known_link(platform: LtiPlatform, link_id: str) -> LtiResourceLink | None:
    if not link_id:
        return None
    return db.session.scalar(db.select(LtiResourceLink).filter_by(platform_id=platform.id, resource_link_id=link_id))


def url_of(target: Target) -> str:
    course = target.course
    if target.kind == "lesson":
        return url_for("progress.lesson", slug=course.slug, lesson_slug=target.item.slug)
    if target.kind == "quiz":
        return url_for("quizzes.quiz", course_slug=course.slug, quiz_slug=target.item.slug)
    if target.kind == "module":
        return url_for("catalog.course", slug=course.slug) + f"#module-{target.item.slug}"
    return url_for("catalog.course", slug=course.slug)


def title_of(target: Target) -> str:
    return target.item.title


@dataclass
class Choice:
    value: str
    title: str
    kind: str
    children: list[Choice] = field(default_factory=list)


def choices() -> list[Choice]:
    """Each offered course with its modules, each module with its lessons and quiz, then the final exam."""
    courses = db.session.scalars(db.select(Course).where(Course.id.in_(offered_ids())).order_by(Course.title))
    items = []
    for course in courses:
        quizzes = {quiz.module_id: quiz for quiz in db.session.scalars(
            db.select(Quiz).filter_by(course_id=course.id, retired=False))}
        entry = Choice(f"course:{course.id}", course.title, "course")
        for module in course.modules:
            if module.retired:
                continue
            part = Choice(f"module:{module.id}", module.title, "module")
            part.children = [Choice(f"lesson:{lesson.id}", lesson.title, "lesson")
                             for lesson in module.lessons if not lesson.retired]
            if module.id in quizzes:
                part.children.append(Choice(f"quiz:{quizzes[module.id].id}", quizzes[module.id].title, "quiz"))
            entry.children.append(part)
        if None in quizzes:
            entry.children.append(Choice(f"quiz:{quizzes[None].id}", quizzes[None].title, "quiz"))
        items.append(entry)
    return items


def valid_choice(value: str | None, items: list[Choice]) -> bool:
    def values(entries):
        for entry in entries:
            yield entry.value
            yield from values(entry.children)

    return bool(value) and value in set(values(items))

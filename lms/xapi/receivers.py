"""Statements follow what learners do: each signal puts one statement per event in the outbox, in the transaction
that records it, when the learner's school has an active record store. Staff trying a quiz of a course they are not
enrolled in make no statement (progress does not count them either)."""
from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from datetime import datetime
from urllib.parse import quote

from flask import current_app, has_request_context

from ..accounts.models import User
from ..catalog.models import Course
from ..certificates.models import Certificate
from ..db import utcnow
from ..extensions import db
from ..outbox.services import put, register
from ..progress.models import Enrolment
from ..progress.services import enrolment_for
from ..quizzes.models import Attempt
from ..quizzes.services import attempt_questions, saved_answers
from ..schools.models import School
from ..schools.services import acting_for
from ..signals import attempt_graded, attempt_started, certificate_issued, course_completed, launched, lesson_opened
from ..web import public_url
from . import statements as xapi
from .models import RecordStore
from .services import KIND, active_store, learner_key, send

log = logging.getLogger("lms.xapi")
register(KIND, send)
TAGS = re.compile(r"<[^>]+>")


class Site:
    """The learner's school as the record store sees it: its address, the learner's opaque name, the activities."""

    def __init__(self, store: RecordStore, user: User):
        self.store, self.user = store, user
        self.school = db.session.get(School, store.school_id)
        self.learner = xapi.Learner(self.url("catalog.home"), xapi.opaque_name(store.actor_salt, user.id))

    def url(self, endpoint: str, **values) -> str:
        with acting_for(self.school):  # the school's own address, whatever site the request came to
            return public_url(endpoint, **values)

    def course(self, course) -> xapi.Activity:
        return xapi.Activity(self.url("catalog.course", slug=course.slug), "course", course.title, course.language)

    def registration(self, course) -> str:
        return xapi.registration(self.store.actor_salt, self.user.id, f"course:{course.id}")

    def put(self, key: str, build: Callable[[str], dict]) -> None:
        """Put the statement of the event ``key`` (about this learner) once; ``build(id)`` makes it."""
        key = learner_key(self.user.id) + key
        put(KIND, key, {"school_id": self.store.school_id,
                        "statement": build(xapi.statement_id(self.store.actor_salt, key))}, school_id=self.store.school_id)


def site_for(user: User) -> Site | None:
    """The learner's site, when their school sends statements (and links to it can be built here)."""
    store = active_store(user.school_id)
    if store is None:
        return None
    if not has_request_context() and not current_app.config.get("LMS_BASE_URL"):
        log.warning("No statement for %s: set LMS_BASE_URL, which statements name, to make them outside a request", user)
        return None
    return Site(store, user)


def _text(fragment: str, limit: int = 200) -> str:
    text = " ".join(html.unescape(TAGS.sub(" ", fragment or "")).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


@launched.connect
def on_launch(user: User, course: Course, via: str = "web", at: datetime | None = None, **_) -> None:
    """Once per learner and course on the site; once per launch through LTI (``at``, to the second)."""
    site = site_for(user)
    if site is None:
        return
    at = at or utcnow()
    key = f"course:{course.id}:launched:{via}" + ("" if via == "web" else f":{at:%Y%m%dT%H%M%S}")
    site.put(key, lambda id: xapi.launched(id=id, learner=site.learner, course=site.course(course), at=at,
                                           registration=site.registration(course)))


@lesson_opened.connect
def on_lesson(user: User, course, lesson, **_) -> None:
    site = site_for(user)
    if site is None:
        return
    at = utcnow()
    item = xapi.Activity(site.url("progress.lesson", slug=course.slug, lesson_slug=lesson.slug), "lesson",
                         lesson.title, course.language)
    site.put(f"lesson:{lesson.id}:experienced", lambda id: xapi.experienced(
        id=id, learner=site.learner, lesson=item, course=site.course(course), at=at,
        registration=site.registration(course)))


def _quiz(site: Site, attempt: Attempt) -> xapi.Activity:
    quiz, course = attempt.quiz, attempt.quiz.course
    return xapi.Activity(site.url("quizzes.quiz", course_slug=course.slug, quiz_slug=quiz.slug), "quiz", quiz.title,
                         course.language)


def _learner_site(attempt: Attempt) -> Site | None:
    """Only an enrolled learner's attempt counts (an author or admin trying the quiz does not)."""
    if enrolment_for(attempt.user, attempt.quiz.course) is None:
        return None
    return site_for(attempt.user)


@attempt_started.connect
def on_attempt(attempt: Attempt, **_) -> None:
    site = _learner_site(attempt)
    if site is None:
        return
    course = attempt.quiz.course
    site.put(f"attempt:{attempt.id}:attempted", lambda id: xapi.attempted(
        id=id, learner=site.learner, quiz=_quiz(site, attempt), course=site.course(course), at=attempt.started_at,
        registration=site.registration(course), number=attempt.number))


@attempt_graded.connect
def on_graded(attempt: Attempt, passed: bool, **_) -> None:
    """One "answered" per question of the attempt, then "passed" or "failed" for the attempt."""
    site = _learner_site(attempt)
    if site is None:
        return
    course = attempt.quiz.course
    quiz, parent, registration = _quiz(site, attempt), site.course(course), site.registration(course)
    answers = saved_answers(attempt)
    for question in attempt_questions(attempt):
        answer = answers.get(question.id)
        item = xapi.Activity(f"{quiz.iri}#{quote(question.key, safe='')}", "question",
                             _text(question.prompt_html) or question.key, course.language)
        site.put(f"attempt:{attempt.id}:answered:{question.id}", lambda id, item=item, answer=answer, question=question:
                 xapi.answered(id=id, learner=site.learner, question=item, quiz=quiz, course=parent,
                               at=attempt.submitted_at, registration=registration,
                               fraction=(answer.score or 0.0) if answer is not None else 0.0, points=question.points))
    site.put(f"attempt:{attempt.id}:{'passed' if passed else 'failed'}", lambda id: xapi.graded(
        id=id, learner=site.learner, quiz=quiz, course=parent, started=attempt.started_at,
        submitted=attempt.submitted_at, registration=registration, fraction=attempt.score or 0.0, passed=bool(passed)))


@course_completed.connect
def on_completed(enrolment: Enrolment, **_) -> None:
    site = site_for(enrolment.user)
    if site is None:
        return
    course = enrolment.course
    site.put(f"course:{course.id}:completed", lambda id: xapi.completed(
        id=id, learner=site.learner, course=site.course(course), enrolled=enrolment.enrolled_at,
        at=enrolment.completed_at, registration=site.registration(course)))


@certificate_issued.connect
def on_certificate(certificate: Certificate, **_) -> None:
    user = db.session.get(User, certificate.user_id) if certificate.user_id is not None else None
    site = site_for(user) if user is not None else None
    if site is None:
        return
    course = db.session.get(Course, certificate.course_id) if certificate.course_id is not None else None
    language = course.language if course is not None else certificate.language
    item = xapi.Activity(site.url("verification.verify", credential_id=certificate.credential_id), "certificate",
                         certificate.title, language)
    scope = f"course:{course.id}" if course is not None else f"programme:{certificate.programme_id}"
    site.put(f"certificate:{certificate.id}:earned", lambda id: xapi.earned(
        id=id, learner=site.learner, certificate=item, course=site.course(course) if course else None,
        at=certificate.issued_at, registration=xapi.registration(site.store.actor_salt, user.id, scope)))

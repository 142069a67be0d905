"""Quiz pages: the start page with the learner's history, the attempt form, and the result."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..access import attempt_or_abort
from ..i18n import _, _l
from ..web import silently, speaking, transaction
from .scripts import script_words
from ..catalog import services as catalog
from ..progress.outline import outline
from ..progress.services import enrolment_for, next_in_programme, next_step
from ..catalog.models import Course
from ..schools.services import current_school
from . import forms, services, summary
from .models import Attempt, Quiz
from .qtypes import InvalidResponse

bp = Blueprint("quizzes", __name__, template_folder="templates")

# Lazy: each is read in the language of the request that shows it (str() before flashing or JSON).
LATE_SAVE = _l("Time is up: these answers reached the server after the deadline and were not saved. "
               "The answers saved before the deadline are graded.")
TIME_UP_SUBMITTED = _l("Time is up: your attempt was submitted with the answers saved before the deadline.")
UNREADABLE = _l("These answers could not be read. Use the Save answers button.")
# The quiz's review setting (stored, compared in code) and the words the quiz page shows for it.
REVIEW_LABELS = {"after_submit": _l("after you submit"), "after_pass": _l("once you pass"), "never": _l("never")}

# {{ ngettext(..., quiz_plural_n(points)) }}: the plural form of a number of points that may be 2.5.
bp.add_app_template_global(summary.plural_n, "quiz_plural_n")


def _load(course_slug: str, quiz_slug: str, include_retired: bool = False) -> tuple[Course, Quiz]:
    course = catalog.course_by_slug(course_slug, current_user)
    quiz = services.quiz_for(course, quiz_slug, include_retired) if course is not None else None
    if quiz is None:
        abort(404)
    return course, quiz


def _attempt_url(course: Course, quiz: Quiz, attempt: Attempt) -> str:
    return url_for("quizzes.attempt", course_slug=course.slug, quiz_slug=quiz.slug, attempt_id=attempt.id)


@bp.get("/courses/<course_slug>/quiz/<quiz_slug>")
@login_required
def quiz(course_slug: str, quiz_slug: str):
    course, item = _load(course_slug, quiz_slug)
    if not services.can_take(current_user, course, enrolled=enrolment_for(current_user, course) is not None):
        flash(_("Enrol in the course to take its quizzes."), "info")
        return redirect(url_for("catalog.course", slug=course.slug))
    attempts = services.attempts_of(current_user, item)
    pool = len(services.question_pool(item))
    return render_template("quizzes/quiz.html", course=course, quiz=item, attempts=attempts,
                           state=summary.quiz_state(current_user, item, attempts),
                           current=next((a for a in attempts if a.is_open), None),
                           questions=min(item.draw or pool, pool), review_label=REVIEW_LABELS[item.review])


@bp.post("/courses/<course_slug>/quiz/<quiz_slug>/start")
@login_required
def start(course_slug: str, quiz_slug: str):
    course, item = _load(course_slug, quiz_slug)
    if not services.can_take(current_user, course, enrolled=enrolment_for(current_user, course) is not None):
        abort(403)
    if not forms.StartForm().validate_on_submit():
        abort(400)
    with transaction(services.QuizRefused) as done:
        attempt = services.start_attempt(current_user, item, current_school())
    if not done.ok:
        return redirect(url_for("quizzes.quiz", course_slug=course.slug, quiz_slug=item.slug))
    return redirect(_attempt_url(course, item, attempt))


@bp.get("/courses/<course_slug>/quiz/<quiz_slug>/attempts/<id:attempt_id>")
@login_required
def attempt(course_slug: str, quiz_slug: str, attempt_id: int):
    course, item = _load(course_slug, quiz_slug, include_retired=True)
    found = attempt_or_abort(item, attempt_id, viewing=True)
    if found.is_open and found.user_id == current_user.id and services.time_left(found) == timedelta(0):
        # Time ran out with the attempt still open (the page closed, or the browser went offline): it is
        # submitted now, graded on the answers that reached the server before the deadline.
        with transaction() as done:
            services.submit_attempt(found)
        if done.ok:
            flash(str(TIME_UP_SUBMITTED), "info")
    if found.is_open and found.user_id == current_user.id:
        return _attempt_page(course, item, found)
    return _result_page(course, item, found)


@bp.post("/courses/<course_slug>/quiz/<quiz_slug>/attempts/<id:attempt_id>")
@login_required
def answer(course_slug: str, quiz_slug: str, attempt_id: int):
    course, item = _load(course_slug, quiz_slug, include_retired=True)
    found = attempt_or_abort(item, attempt_id)
    action = request.form.get("action")
    if action not in ("save", "submit"):
        abort(400)
    if not found.is_open:
        flash(_("This attempt was already submitted."), "info")
        return redirect(_attempt_url(course, item, found))
    questions = services.attempt_questions(found)
    try:
        responses, mistakes = forms.read_responses(request.form, questions)
    except InvalidResponse:
        abort(400)
    with transaction(InvalidResponse, failure=silently) as done:
        outcome = services.answer_attempt(found, responses, mistakes, submit=action == "submit")
    if not done.ok:  # a response no honest form could post: nothing is saved
        abort(400)
    if outcome.time_up and not outcome.submitted:
        flash(str(LATE_SAVE), "error")
    elif outcome.mistakes:
        return _attempt_page(course, item, found, outcome.mistakes, forms.posted_values(request.form))
    elif not outcome.submitted:
        flash(_("Your answers are saved."), "success")
    return redirect(_attempt_url(course, item, found))


@bp.post("/courses/<course_slug>/quiz/<quiz_slug>/attempts/<id:attempt_id>/autosave")
@login_required
def autosave(course_slug: str, quiz_slug: str, attempt_id: int):
    """The attempt form, posted by quiz-autosave.js after each change: the same checks and the same
    save as the Save button, answered in JSON (never the answers' key) for the script to show."""
    course, item = _load(course_slug, quiz_slug, include_retired=True)
    found = attempt_or_abort(item, attempt_id)
    if not found.is_open:
        return jsonify(saved=False, message=_("This attempt was already submitted: reload the page to see it.")), 409
    try:
        responses, mistakes = forms.read_responses(request.form, services.attempt_questions(found))
    except InvalidResponse:
        return jsonify(saved=False, message=str(UNREADABLE)), 400
    with transaction(InvalidResponse, failure=silently) as done:
        outcome = services.answer_attempt(found, responses, mistakes, submit=False)
    if not done.ok:
        return jsonify(saved=False, message=str(UNREADABLE)), 400
    if outcome.time_up:
        return jsonify(saved=False, time_up=True, message=str(LATE_SAVE)), 409
    return jsonify(saved=True, mistakes={forms.field_name(question): outcome.mistakes[question.id]
                                         for question in services.attempt_questions(found)
                                         if question.id in outcome.mistakes})


def _attempt_page(course: Course, quiz: Quiz, attempt: Attempt, mistakes=None, values=None):
    questions = services.attempt_questions(attempt)
    if values is None:
        answers = services.saved_answers(attempt)
        values = {}
        for question in questions:
            answer = answers.get(question.id)
            values.update(forms.form_values(question, answer.response if answer else None))
    items = [(question, services.public_question(attempt, question)) for question in questions]
    left = services.time_left(attempt)
    speaking(course.language)
    return render_template("quizzes/attempt.html", course=course, quiz=quiz, attempt=attempt, items=items,
                           values=values, mistakes=mistakes or {}, time_left=left,
                           deadline_stamp=attempt.deadline.strftime("%Y-%m-%dT%H:%M:%SZ") if attempt.deadline else "",
                           time_up=left is not None and not left, field_name=forms.field_name,
                           script_words=script_words())


def _result_page(course: Course, quiz: Quiz, attempt: Attempt):
    passed_quiz = services.has_passed(attempt.user, quiz)
    allowed = services.review_allowed(attempt, passed_quiz)
    state = summary.quiz_state(attempt.user, quiz, services.attempts_of(attempt.user, quiz))
    mine = attempt.user_id == current_user.id
    # The learner's way on once this quiz is passed: the next thing to do, or the completed course.
    enrolment = enrolment_for(current_user, course) if mine and passed_quiz else None
    step = next_step(current_user, course, enrolment) if enrolment is not None else None
    following = next_in_programme(current_user, course) if enrolment is not None and enrolment.completed_at else None
    module = next((module for module in outline(course).modules if step is not None and step.kind == "lesson"
                   and any(lesson.slug == step.slug for lesson in module.lessons)), None)
    speaking(course.language)
    return render_template("quizzes/result.html", course=course, quiz=quiz, attempt=attempt, state=state,
                           review=allowed, items=summary.review_items(attempt) if allowed else [], mine=mine,
                           enrolment=enrolment, step=step, next_course=following,
                           next_module=module)

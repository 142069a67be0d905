"""Progress follows quizzes: a passed quiz may be the last step of a course."""
from __future__ import annotations

from ..quizzes.models import Attempt
from ..signals import attempt_graded
from .services import enrolment_for, update_course_completion


@attempt_graded.connect
def complete_course_on_pass(attempt: Attempt, passed: bool, **_) -> None:
    if not passed:
        return
    enrolment = enrolment_for(attempt.user, attempt.quiz.course)
    if enrolment is not None:
        update_course_completion(attempt.user, enrolment)

"""Progress follows quizzes and assignments: a passed quiz or assignment may be the last step of a course."""
from __future__ import annotations

from ..assignments.models import Submission
from ..quizzes.models import Attempt
from ..signals import attempt_graded, submission_decided
from .services import enrolment_for, update_course_completion, update_programme_completion


@attempt_graded.connect
def complete_course_on_pass(attempt: Attempt, passed: bool, **_) -> None:
    if not passed:
        return
    enrolment = enrolment_for(attempt.user, attempt.quiz.course)
    if enrolment is not None:
        update_course_completion(attempt.user, enrolment)


@submission_decided.connect
def complete_course_on_passed_assignment(submission: Submission, passed: bool, **_) -> None:
    if not passed:
        return
    enrolment = enrolment_for(submission.user, submission.assignment.course)
    if enrolment is None:
        return
    if not update_course_completion(submission.user, enrolment) and enrolment.completed_at is not None:
        # The course was complete before (a capstone added later): the programme may be waiting for this one.
        update_programme_completion(submission.user, enrolment.school_id)

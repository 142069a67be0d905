"""Grades back to the platforms (AGS): a graded attempt and a completed course queue a score in the outbox."""
from __future__ import annotations

from ..outbox.services import register
from ..signals import attempt_graded, course_completed
from . import ags

register(ags.KIND, ags.deliver)


@attempt_graded.connect
def _attempt_graded(attempt, **_extra) -> None:
    ags.quiz_graded(attempt)


@course_completed.connect
def _course_completed(enrolment, **_extra) -> None:
    ags.course_completed(enrolment.user_id, enrolment.course_id, enrolment.id, enrolment.school_id)

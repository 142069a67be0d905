"""Certificates follow completions: a course or programme completed once issues its certificate once;
and renames, when the school reissues automatically."""
from __future__ import annotations

from datetime import datetime

from ..accounts.models import User
from ..extensions import db
from ..progress.models import Enrolment, ProgrammeEnrolment
from ..signals import course_completed, name_changed, programme_completed
from .services import issue_course_certificate, issue_programme_certificate, reissue_on_rename


@course_completed.connect
def issue_for_course(enrolment: Enrolment, **_) -> None:
    issue_course_certificate(enrolment.user, enrolment)


@programme_completed.connect
def issue_for_programme(membership: ProgrammeEnrolment, completed_at: datetime, **_) -> None:
    issue_programme_certificate(db.session.get(User, membership.user_id), membership, completed_at)


@name_changed.connect
def reissue_after_rename(user: User, **_) -> None:
    reissue_on_rename(user)

"""Assignment and Grade Services: scores for a platform's line items, put in the outbox and sent by pylti1p3."""
from __future__ import annotations

import typing as t

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import func

from .. import outbound
from ..db import insert_ignore, utcnow
from ..extensions import db
from ..outbox.services import Reject, Retry, put
from ..quizzes.models import Attempt
from ..schools.models import School
from .models import LtiLaunch, LtiPlatform, LtiResourceLink, LtiScore
from .tool import registration

KIND = "lti-score"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem"
TIMEOUT = 15
PERMANENT = (400, 403, 404, 410, 422)  # the platform refuses this score for good (a line item deleted...)


def _graded_links(user_id: int, target: str, target_id: int) -> list[LtiLaunch]:
    """The launches of this learner through links to this item that have a line item."""
    return list(db.session.scalars(
        db.select(LtiLaunch).join(LtiResourceLink, LtiResourceLink.id == LtiLaunch.resource_link_id)
        .where(LtiLaunch.user_id == user_id, LtiResourceLink.target == target, LtiResourceLink.target_id == target_id,
               LtiResourceLink.lineitem_url != "")))


def _queue(launch: LtiLaunch, source: str, given: float, school_id: int) -> None:
    link = launch.resource_link
    row = {"resource_link_id": link.id, "user_id": launch.user_id, "source": source, "score_given": given,
           "score_maximum": 100.0, "created_at": utcnow()}
    db.session.execute(insert_ignore(LtiScore, row, ["resource_link_id", "user_id", "source"]))
    put(KIND, f"{link.id}:{launch.user_id}:{source}", {
        "platform_id": link.platform_id, "lineitem": link.lineitem_url, "user": launch.sub,
        "score_given": given, "score_maximum": 100.0, "timestamp": utcnow().isoformat(),
    }, school_id=school_id)


def quiz_graded(attempt: Attempt) -> None:
    """The learner's best score at the quiz, as a percentage, for each graded link they came through."""
    launches = _graded_links(attempt.user_id, "quiz", attempt.quiz_id)
    if not launches:
        return
    best = db.session.scalar(db.select(func.max(Attempt.score)).where(
        Attempt.user_id == attempt.user_id, Attempt.quiz_id == attempt.quiz_id, Attempt.submitted_at.is_not(None)))
    given = round(100 * max(best or 0.0, attempt.score or 0.0), 2)
    for launch in launches:
        _queue(launch, f"attempt:{attempt.id}", given, attempt.school_id)


def course_completed(user_id: int, course_id: int, enrolment_id: int, school_id: int) -> None:
    for launch in _graded_links(user_id, "course", course_id):
        _queue(launch, f"completion:{enrolment_id}", 100.0, school_id)


def deliver(payload: dict[str, t.Any]) -> None:
    """The outbox's sender: one score POST to the line item's ``/scores``."""
    platform = db.session.get(LtiPlatform, payload["platform_id"])
    if platform is None:
        raise Reject("the platform is no longer registered")
    if not platform.active:
        raise Retry("the platform is turned off")
    school = db.session.get(School, platform.school_id)
    grade = (Grade().set_score_given(payload["score_given"]).set_score_maximum(payload["score_maximum"])
             .set_activity_progress("Completed").set_grading_progress("FullyGraded")
             .set_timestamp(payload["timestamp"]).set_user_id(payload["user"]))
    with outbound.session(TIMEOUT) as http:
        connector = ServiceConnector(registration(platform, school), requests_session=http)
        service = AssignmentsGradesService(connector, {"scope": [SCORE_SCOPE], "lineitem": payload["lineitem"]})
        try:
            service.put_grade(grade)
        except LtiServiceException as error:
            status = error.response.status_code
            if status in PERMANENT and "/token" not in str(error.response.url):
                raise Reject(f"{status} from the platform") from None
            raise Retry(f"{status} from the platform") from None
        except requests.RequestException as error:
            raise Retry(str(error)) from None

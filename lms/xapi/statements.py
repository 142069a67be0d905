"""xAPI 1.0.3 statements built from plain data: no database, no HTTP, so each is checked by a unit test.

The verbs are ADL's (those cmi5 uses where it defines one); a certificate is "earned", the Tin Can registry's verb
(see docs/xapi.md for why). A statement's id is derived from its outbox key, so a resend is the same statement."""
from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

VERSION = "1.0.3"
PLATFORM = "Conductor"
ADL = "http://adlnet.gov/expapi/verbs/"
VERBS = {
    "launched": ADL + "launched",
    "experienced": ADL + "experienced",
    "attempted": ADL + "attempted",
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "completed": ADL + "completed",
    "earned": "http://id.tincanapi.com/verb/earned",
}
ACTIVITIES = "http://adlnet.gov/expapi/activities/"
ACTIVITY_TYPES = {
    "course": ACTIVITIES + "course",
    "lesson": ACTIVITIES + "lesson",
    "quiz": ACTIVITIES + "assessment",
    "question": ACTIVITIES + "question",
    "certificate": "http://id.tincanapi.com/activitytype/certificate",
}
# Statement and registration ids: UUIDs (version 5) in Conductor's own namespace.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://conductor.invalid/xapi")


@dataclass(frozen=True)
class Learner:
    """The actor as the record store knows it: an account on the school's site, named by an opaque id."""
    home_page: str
    name: str


@dataclass(frozen=True)
class Activity:
    iri: str
    kind: str  # a key of ACTIVITY_TYPES
    name: str
    language: str  # the course's language, an RFC 5646 tag ("en", "fr")
    description: str = ""


@dataclass(frozen=True)
class Score:
    scaled: float  # 0..1
    raw: float
    min: float
    max: float


def opaque_name(salt: str, user_id: int) -> str:
    """A stable name for the learner that the record store cannot turn back into an account id or an address."""
    return hmac.new(salt.encode(), f"user:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def registration(salt: str, user_id: int, scope: str) -> str:
    """One registration per learner and course (``scope`` "course:<id>"; "programme:<id>" for a programme): xAPI's
    way to group one learner's statements about a course."""
    return str(uuid.uuid5(NAMESPACE, f"{salt}:registration:{user_id}:{scope}"))


def statement_id(salt: str, key: str) -> str:
    """The statement's id, the same every time the same event (outbox key) is sent."""
    return str(uuid.uuid5(NAMESPACE, f"{salt}:statement:{key}"))


def timestamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as xAPI asks."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def duration(seconds: float) -> str:
    """An ISO 8601 duration such as ``PT1H2M3.5S`` (xAPI keeps hundredths of a second)."""
    seconds = max(0.0, round(seconds, 2))
    hours, rest = divmod(seconds, 3600)
    minutes, rest = divmod(rest, 60)
    text = "PT"
    if hours:
        text += f"{int(hours)}H"
    if minutes:
        text += f"{int(minutes)}M"
    if rest or text == "PT":
        text += f"{rest:.2f}".rstrip("0").rstrip(".") + "S"
    return text


def activity(item: Activity) -> dict:
    definition = {"type": ACTIVITY_TYPES[item.kind], "name": {item.language: item.name}}
    if item.description:
        definition["description"] = {item.language: item.description}
    return {"objectType": "Activity", "id": item.iri, "definition": definition}


def statement(*, id: str, learner: Learner, verb: str, target: Activity, at: datetime, registration: str,
              parent: tuple[Activity, ...] = (), grouping: tuple[Activity, ...] = (), result: dict | None = None,
              extra_context: dict | None = None) -> dict:
    """A whole statement; ``verb`` is a key of VERBS."""
    activities = {}
    if parent:
        activities["parent"] = [activity(item) for item in parent]
    if grouping:
        activities["grouping"] = [activity(item) for item in grouping]
    context = {"registration": registration, "platform": PLATFORM, "language": target.language, **(extra_context or {})}
    if activities:
        context["contextActivities"] = activities
    built = {
        "id": id, "version": VERSION,
        "actor": {"objectType": "Agent", "account": {"homePage": learner.home_page, "name": learner.name}},
        "verb": {"id": VERBS[verb], "display": {"en-US": verb}},
        "object": activity(target), "context": context, "timestamp": timestamp(at),
    }
    if result:
        built["result"] = result
    return built


def score(value: Score) -> dict:
    return {"scaled": round(value.scaled, 4), "raw": round(value.raw, 4), "min": value.min, "max": value.max}


# One function per event, each naming what it says.

def launched(*, id: str, learner: Learner, course: Activity, at: datetime, registration: str) -> dict:
    """The learner started the course (on the site, or from another platform through LTI)."""
    return statement(id=id, learner=learner, verb="launched", target=course, at=at, registration=registration)


def experienced(*, id: str, learner: Learner, lesson: Activity, course: Activity, at: datetime, registration: str) -> dict:
    """The learner opened a lesson for the first time."""
    return statement(id=id, learner=learner, verb="experienced", target=lesson, at=at, registration=registration,
                     parent=(course,))


def attempted(*, id: str, learner: Learner, quiz: Activity, course: Activity, at: datetime, registration: str,
              number: int) -> dict:
    """The learner started an attempt at a quiz (``number``: which attempt, from 1)."""
    return statement(id=id, learner=learner, verb="attempted", target=quiz, at=at, registration=registration,
                     parent=(course,), extra_context={"extensions": {ATTEMPT_EXTENSION: number}})


ATTEMPT_EXTENSION = "http://id.tincanapi.com/extension/attempt-id"


def answered(*, id: str, learner: Learner, question: Activity, quiz: Activity, course: Activity, at: datetime,
             registration: str, fraction: float, points: float) -> dict:
    """The learner's answer to one question, as graded: ``fraction`` of the question's ``points``."""
    result = {"score": score(Score(fraction, fraction * points, 0, points)), "success": fraction >= 1 - 1e-9,
              "completion": True}
    return statement(id=id, learner=learner, verb="answered", target=question, at=at, registration=registration,
                     parent=(quiz,), grouping=(course,), result=result)


def graded(*, id: str, learner: Learner, quiz: Activity, course: Activity, started: datetime, submitted: datetime,
           registration: str, fraction: float, passed: bool) -> dict:
    """A submitted attempt: passed or failed, its score in percent and how long it took."""
    result = {"score": score(Score(fraction, fraction * 100, 0, 100)), "success": passed, "completion": True,
              "duration": duration((submitted - started).total_seconds())}
    return statement(id=id, learner=learner, verb="passed" if passed else "failed", target=quiz, at=submitted,
                     registration=registration, parent=(course,), result=result)


def completed(*, id: str, learner: Learner, course: Activity, enrolled: datetime, at: datetime,
              registration: str) -> dict:
    """The learner completed the course; the duration runs from enrolment."""
    result = {"completion": True, "success": True, "duration": duration((at - enrolled).total_seconds())}
    return statement(id=id, learner=learner, verb="completed", target=course, at=at, registration=registration,
                     result=result)


def earned(*, id: str, learner: Learner, certificate: Activity, course: Activity | None, at: datetime,
           registration: str) -> dict:
    """A certificate was issued to the learner (for a course, or for a programme: then ``course`` is None)."""
    return statement(id=id, learner=learner, verb="earned", target=certificate, at=at, registration=registration,
                     parent=(course,) if course is not None else (), result={"completion": True, "success": True})

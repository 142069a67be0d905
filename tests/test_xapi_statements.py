"""The statements, built from plain data: the shapes docs/xapi.md promises, ids that a resend keeps."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from lms.xapi import statements as xapi

SALT = "a" * 32
LEARNER = xapi.Learner("https://learn.example.org/", xapi.opaque_name(SALT, 7))
COURSE = xapi.Activity("https://learn.example.org/courses/ia/", "course", "L’IA au travail", "fr")
QUIZ = xapi.Activity("https://learn.example.org/courses/ia/quiz/bases", "quiz", "Les bases", "fr")
AT = datetime(2026, 12, 7, 9, 30, 15, 250000, tzinfo=UTC)


def test_ids_are_stable_uuids_per_event_and_names_are_opaque():
    first = xapi.statement_id(SALT, "u7:attempt:3:passed")
    assert first == xapi.statement_id(SALT, "u7:attempt:3:passed") and uuid.UUID(first).version == 5
    assert first != xapi.statement_id(SALT, "u7:attempt:3:failed") != xapi.statement_id("b" * 32, "u7:attempt:3:passed")
    assert LEARNER.name == xapi.opaque_name(SALT, 7) != xapi.opaque_name(SALT, 8)
    assert "7" not in LEARNER.name[:1] and len(LEARNER.name) == 32
    assert xapi.registration(SALT, 7, "course:1") != xapi.registration(SALT, 7, "course:2")


def test_a_graded_attempt_says_passed_with_its_score_duration_and_course():
    statement = xapi.graded(id="x", learner=LEARNER, quiz=QUIZ, course=COURSE, started=AT - timedelta(minutes=4, seconds=2.5),
                            submitted=AT, registration="r", fraction=0.8333333, passed=True)
    assert statement["verb"] == {"id": "http://adlnet.gov/expapi/verbs/passed", "display": {"en-US": "passed"}}
    assert statement["actor"] == {"objectType": "Agent", "account": {"homePage": "https://learn.example.org/",
                                                                     "name": LEARNER.name}}
    assert statement["object"] == {"objectType": "Activity", "id": QUIZ.iri, "definition": {
        "type": "http://adlnet.gov/expapi/activities/assessment", "name": {"fr": "Les bases"}}}
    assert statement["result"] == {"score": {"scaled": 0.8333, "raw": 83.3333, "min": 0, "max": 100}, "success": True,
                                   "completion": True, "duration": "PT4M2.5S"}
    assert statement["context"] == {"registration": "r", "platform": "Conductor", "language": "fr",
                                    "contextActivities": {"parent": [xapi.activity(COURSE)]}}
    assert statement["timestamp"] == "2026-12-07T09:30:15.250Z" and statement["version"] == "1.0.3"
    failed = xapi.graded(id="y", learner=LEARNER, quiz=QUIZ, course=COURSE, started=AT, submitted=AT, registration="r",
                         fraction=0.2, passed=False)
    assert failed["verb"]["id"].endswith("/failed") and failed["result"]["success"] is False


def test_an_answer_is_scored_in_the_questions_points_within_its_quiz_and_course():
    question = xapi.Activity(QUIZ.iri + "#q1", "question", "Quelle tâche ?", "fr")
    statement = xapi.answered(id="x", learner=LEARNER, question=question, quiz=QUIZ, course=COURSE, at=AT,
                              registration="r", fraction=0.5, points=2)
    assert statement["result"]["score"] == {"scaled": 0.5, "raw": 1.0, "min": 0, "max": 2}
    assert statement["result"]["success"] is False
    assert statement["context"]["contextActivities"] == {"parent": [xapi.activity(QUIZ)], "grouping": [xapi.activity(COURSE)]}
    assert statement["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/question"


def test_the_other_verbs():
    lesson = xapi.Activity(COURSE.iri + "modeles", "lesson", "Les modèles", "fr")
    certificate = xapi.Activity("https://learn.example.org/verify/abc", "certificate", "L’IA au travail", "fr")
    made = [xapi.launched(id="1", learner=LEARNER, course=COURSE, at=AT, registration="r"),
            xapi.experienced(id="2", learner=LEARNER, lesson=lesson, course=COURSE, at=AT, registration="r"),
            xapi.attempted(id="3", learner=LEARNER, quiz=QUIZ, course=COURSE, at=AT, registration="r", number=2),
            xapi.completed(id="4", learner=LEARNER, course=COURSE, enrolled=AT - timedelta(days=1, hours=2), at=AT,
                           registration="r"),
            xapi.earned(id="5", learner=LEARNER, certificate=certificate, course=COURSE, at=AT, registration="r")]
    assert [statement["verb"]["id"] for statement in made] == [
        "http://adlnet.gov/expapi/verbs/launched", "http://adlnet.gov/expapi/verbs/experienced",
        "http://adlnet.gov/expapi/verbs/attempted", "http://adlnet.gov/expapi/verbs/completed",
        "http://id.tincanapi.com/verb/earned"]
    assert made[0]["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/course"
    assert made[1]["context"]["contextActivities"]["parent"][0]["id"] == COURSE.iri
    assert made[3]["result"] == {"completion": True, "success": True, "duration": "PT26H"}
    assert made[4]["object"]["definition"]["type"] == "http://id.tincanapi.com/activitytype/certificate"


def test_durations_are_iso_8601():
    assert [xapi.duration(s) for s in (0, 0.5, 59, 61.25, 3600, 3725.004)] == [
        "PT0S", "PT0.5S", "PT59S", "PT1M1.25S", "PT1H", "PT1H2M5S"]

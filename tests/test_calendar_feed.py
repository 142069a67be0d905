"""The learner's private iCalendar feed: made, shown again, replaced and revoked on /account/calendar; read by
calendar apps at /calendar/<token>.ics with no log-in, the token being the only key."""
from __future__ import annotations

import hashlib
import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from lms.cohorts.models import CalendarFeed, CohortDeadline
from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Quiz

from . import cohort_support as cs
from .conftest import PASSWORD, Auth
from .quiz_support import write_quiz

FEED = re.compile(r"https?://[^/\s<\"]+(/calendar/[A-Za-z0-9_-]+\.ics)")


@pytest.fixture()
def cohort_app(make_app, content_dir):
    write_quiz(content_dir)
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    now = utcnow()
    with app.app_context():
        cohort = cs.make_cohort()
        course_deadline = cs.add_deadline(cohort, now + timedelta(days=10))
        quiz = db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one()
        quiz_deadline = cs.add_deadline(cohort, now + timedelta(days=3), quiz=quiz)
        cs.add_learner(cohort, cs.make_account("learner@example.com", "Ada Learner"))
        cs.add_instructor(cohort, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        db.session.commit()
        app.ids = {"course": course_deadline.id, "quiz": quiz_deadline.id, "cohort": cohort.id}
    return app


def learner(app) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(email="learner@example.com", password=PASSWORD).status_code == 302
    return auth


def create(auth: Auth) -> str:
    response = auth.post("/account/calendar", token_from="/account/calendar")
    assert response.status_code == 302
    page = auth.client.get("/account/calendar").get_data(as_text=True)
    match = FEED.search(page)
    assert match, page
    assert f'href="webcal://localhost{match.group(1)}"' in page
    return match.group(1)


def test_the_page_explains_and_offers_to_create_an_address(cohort_app):
    page = learner(cohort_app).client.get("/account/calendar").get_data(as_text=True)
    assert "Anyone who has the address sees your deadlines" in page
    assert "Create my calendar address" in page and not FEED.search(page)


def test_a_calendar_app_reads_every_deadline_with_a_stable_uid(cohort_app):
    path = create(learner(cohort_app))
    app_client = cohort_app.test_client()  # a calendar app: no cookie
    response = app_client.get(path)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    calendar = Calendar.from_ical(response.data)
    events = calendar.walk("VEVENT")
    summaries = {str(event["SUMMARY"]): event for event in events}
    assert set(summaries) == {"Due: Intro Course", "Due: Basics check (Intro Course)"}
    quiz_event = summaries["Due: Basics check (Intro Course)"]
    assert str(quiz_event["URL"]).endswith("/courses/intro-course/quiz/basics")
    assert str(summaries["Due: Intro Course"]["URL"]).endswith("/courses/intro-course/")
    with cohort_app.app_context():
        due = db.session.get(CohortDeadline, cohort_app.ids["quiz"]).due_at
    assert quiz_event.decoded("DTSTART") == due.replace(microsecond=0)
    assert quiz_event.decoded("DTSTART").utcoffset() == timedelta(0)
    assert "DTSTAMP" in quiz_event
    uids = sorted(str(event["UID"]) for event in events)
    assert uids == sorted(f"cohort-deadline-{cohort_app.ids[k]}@localhost" for k in ("course", "quiz"))
    again = sorted(str(event["UID"]) for event in Calendar.from_ical(app_client.get(path).data).walk("VEVENT"))
    assert again == uids  # the same events on the next fetch, not duplicates


def test_the_feed_speaks_the_learners_language(cohort_app):
    auth = learner(cohort_app)
    auth.post("/account/profile/language", {"language": "fr"}, token_from="/account/profile")
    path = create(auth)
    events = Calendar.from_ical(cohort_app.test_client().get(path).data).walk("VEVENT")
    assert {str(event["SUMMARY"]) for event in events} == {"À rendre\u00a0: Intro Course",
                                                            "À rendre\u00a0: Basics check (Intro Course)"}


def test_the_address_is_shown_again_and_only_its_hash_is_stored(cohort_app):
    auth = learner(cohort_app)
    path = create(auth)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert FEED.search(auth.client.get("/account/calendar").get_data(as_text=True)).group(1) == path
    with cohort_app.app_context():
        feed = db.session.execute(db.select(CalendarFeed)).scalar_one()
        assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in feed.token_hash


def test_replacing_the_address_ends_the_old_one(cohort_app):
    auth = learner(cohort_app)
    old = create(auth)
    new = create(auth)
    assert old != new
    client = cohort_app.test_client()
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_a_revoked_unknown_or_malformed_token_is_404(cohort_app):
    auth = learner(cohort_app)
    path = create(auth)
    client = cohort_app.test_client()
    assert client.get("/calendar/" + "A" * 43 + ".ics").status_code == 404
    assert client.get("/calendar/short.ics").status_code == 404
    assert auth.post("/account/calendar/revoke", token_from="/account/calendar").status_code == 302
    assert client.get(path).status_code == 404
    page = auth.client.get("/account/calendar").get_data(as_text=True)
    assert not FEED.search(page) and "Create my calendar address" in page


def test_a_new_secret_key_ends_every_address(cohort_app, make_app):
    path = create(learner(cohort_app))
    rotated = make_app(SECRET_KEY="another-secret")
    assert rotated.test_client().get(path).status_code == 404
    page = learner(rotated).client.get("/account/calendar").get_data(as_text=True)
    assert not FEED.search(page) and "Create my calendar address" in page


def test_a_deactivated_learners_feed_is_404(cohort_app):
    path = create(learner(cohort_app))
    with cohort_app.app_context():
        from lms.accounts.services import find_user

        find_user("learner@example.com").active = False
        db.session.commit()
    assert cohort_app.test_client().get(path).status_code == 404


def test_the_forms_need_their_csrf_token(cohort_app):
    client = learner(cohort_app).client
    assert client.post("/account/calendar").status_code == 400
    assert client.post("/account/calendar/revoke").status_code == 400
    with cohort_app.app_context():
        assert db.session.execute(db.select(CalendarFeed)).first() is None


def test_a_learner_subscribes_misses_a_deadline_and_the_instructor_sees_them_behind(cohort_app):
    """The issue's check, end to end."""
    path = create(learner(cohort_app))
    feed = Calendar.from_ical(cohort_app.test_client().get(path).data)
    assert len(feed.walk("VEVENT")) == 2
    with cohort_app.app_context():  # time passes: the quiz deadline goes by, never passed
        deadline = db.session.get(CohortDeadline, cohort_app.ids["quiz"])
        deadline.due_at = utcnow() - timedelta(hours=1)
        db.session.commit()
    teacher = Auth(cohort_app.test_client())
    assert teacher.login(email="teacher@example.com", password=PASSWORD).status_code == 302
    page = teacher.client.get(f"/teach/cohorts/{cohort_app.ids['cohort']}").get_data(as_text=True)
    row = page[page.index('<tr class="behind">'):]
    assert "Behind" in row[:row.index("</tr>")] and "Ada Learner" in row[:row.index("</tr>")]
    dashboard = learner(cohort_app).client.get("/dashboard").get_data(as_text=True)
    assert "Missed" in dashboard and "Test: Basics check" in dashboard


def test_the_feed_is_rate_limited(cohort_app, make_app):
    path = create(learner(cohort_app))
    limited = make_app(RATELIMIT_ENABLED=True).test_client()
    answers = [limited.get(path).status_code for n in range(31)]
    assert answers[:30] == [200] * 30 and answers[30] == 429

"""xAPI statements reach each school's learning record store, a real one (Ralph on loopback): valid, once each, none
lost while the store is down, none sent for a school without a store or to another school's store."""
from __future__ import annotations

import re
import socket
import time
from collections import Counter

import pytest
from sqlalchemy import select

from lms.accounts import services as accounts
from lms.extensions import db
from lms.outbox.models import OutboxMessage
from lms.schools import services as schools
from lms.xapi.services import save_store

from .conftest import PASSWORD, Auth
from .lrs_support import PASSWORD as LRS_PASSWORD
from .lrs_support import USER, Ralph, ralph_credentials, ralph_lrs  # noqa: F401
from .quiz_support import (
    COURSE,
    QUIZ,
    answers_form,
    post_answers,
    questions,
    start,
    write_quiz,
)
from .test_school_content import B, make_school_b, tree_with_school_content

LESSONS = ("what-is-ai", "models", "sprints", "review")
# enrol; 4 lessons; a failed attempt (6 answers) and a passed one (6 answers); the course; its certificate
EXPECTED = {"launched": 1, "experienced": 4, "attempted": 2, "answered": 12, "failed": 1, "passed": 1,
            "completed": 1, "earned": 1}


def connect(app, endpoint: str, school_slug: str | None = None, active: bool = True) -> None:
    with app.test_request_context("/"):
        school = schools.school_by_slug(school_slug) if school_slug else schools.default_school()
        save_store(school, endpoint, USER, LRS_PASSWORD, active)
        db.session.commit()


def go_through_the_course(auth: Auth, app, base: str = "http://localhost", timings: list | None = None) -> None:
    """Enrol, read and complete every lesson, fail the quiz once, pass it: the course completes, the certificate
    is issued."""
    def timed(call, *args, **kwargs):
        began = time.monotonic()
        response = call(*args, **kwargs)
        if timings is not None:
            timings.append(time.monotonic() - began)
        assert response.status_code in (200, 302), response.status_code
        return response

    timed(auth.client.post, COURSE + "enrol", base_url=base, data={"csrf_token": auth.csrf(COURSE)})
    for lesson in LESSONS:
        timed(auth.client.get, COURSE + lesson, base_url=base)
        timed(auth.client.post, f"{COURSE}{lesson}/complete", base_url=base,
              data={"csrf_token": auth.csrf(COURSE + lesson)})
    for right in (2, None):  # 2 of 6 right: failed; then all right: passed
        attempt = start(auth)
        timed(post_answers, auth, attempt, answers_form(questions(app, attempt), right))


def learner(app, email="ada@example.com", school=None) -> Auth:
    with app.test_request_context("/"):
        accounts.create_user(email, "Ada Lovelace", PASSWORD, school=school or schools.default_school())
        db.session.commit()
    auth = Auth(app.test_client())
    assert auth.login(email=email).status_code == 302
    return auth


@pytest.fixture()
def course_app(make_app, content_dir, runner):
    write_quiz(content_dir)
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    return app


def outbox(app, state: str | None = None) -> list[OutboxMessage]:
    with app.app_context():
        query = select(OutboxMessage).where(OutboxMessage.kind == "xapi").order_by(OutboxMessage.id)
        if state:
            query = query.where(OutboxMessage.state == state)
        rows = list(db.session.execute(query).scalars())
        db.session.expunge_all()
        return rows


def verbs(statements: list[dict]) -> Counter:
    return Counter(statement["verb"]["id"].rsplit("/", 1)[1] for statement in statements)


def test_a_learners_course_arrives_in_the_record_store_valid_and_once(course_app, ralph_lrs):
    connect(course_app, ralph_lrs.endpoint)
    auth = learner(course_app)
    go_through_the_course(auth, course_app)
    stored = ralph_lrs.statements()
    assert verbs(stored) == EXPECTED
    assert len({statement["id"] for statement in stored}) == sum(EXPECTED.values())  # once each
    assert [row.state for row in outbox(course_app)] == ["sent"] * sum(EXPECTED.values())

    accounts_seen = {(s["actor"]["account"]["homePage"], s["actor"]["account"]["name"]) for s in stored}
    assert len(accounts_seen) == 1  # one learner, one stable name
    home, name = accounts_seen.pop()
    assert home == "http://localhost/" and len(name) == 32 and "ada" not in name.lower()
    assert "ada@example.com" not in str(stored) and "Lovelace" not in str(stored)
    assert {s["context"]["registration"] for s in stored} != set()
    course_registrations = {s["context"]["registration"] for s in stored if s["verb"]["id"].endswith(
        ("launched", "experienced", "attempted", "answered", "passed", "failed", "completed", "earned"))}
    assert len(course_registrations) == 1  # one learner, one course
    assert {s["context"]["platform"] for s in stored} == {"Conductor"}

    by_verb = {verb: [s for s in stored if s["verb"]["id"].endswith("/" + verb)] for verb in EXPECTED}
    [passed], [failed] = by_verb["passed"], by_verb["failed"]
    assert passed["object"]["id"] == "http://localhost" + QUIZ
    assert passed["object"]["definition"] == {"type": "http://adlnet.gov/expapi/activities/assessment",
                                              "name": {"en": "Basics check"}}
    assert passed["result"]["score"] == {"scaled": 1.0, "raw": 100.0, "min": 0, "max": 100}
    assert passed["result"]["success"] is True and passed["result"]["duration"].startswith("PT")
    assert failed["result"]["success"] is False and 0 < failed["result"]["score"]["scaled"] < 0.7
    assert passed["context"]["contextActivities"]["parent"][0]["id"] == "http://localhost" + COURSE
    answers = by_verb["answered"]
    assert all(a["object"]["id"].startswith("http://localhost" + QUIZ + "#") for a in answers)
    assert all(a["context"]["contextActivities"]["grouping"][0]["id"] == "http://localhost" + COURSE for a in answers)
    assert sum(a["result"]["success"] for a in answers) == 6 + 2
    [lesson] = [s for s in by_verb["experienced"] if s["object"]["id"].endswith("/models")]
    assert lesson["object"]["definition"]["name"] == {"en": "Models"}
    [completed] = by_verb["completed"]
    assert completed["object"]["id"] == "http://localhost" + COURSE and completed["result"]["completion"] is True
    [earned] = by_verb["earned"]
    assert earned["verb"]["id"] == "http://id.tincanapi.com/verb/earned"
    assert earned["object"]["id"].startswith("http://localhost/verify/")
    # when it happened: the attempt's submission, not the moment of sending
    with course_app.app_context():
        from lms.quizzes.models import Attempt

        submitted = db.session.execute(select(Attempt.submitted_at).where(Attempt.passed.is_(True))).scalar_one()
    assert passed["timestamp"] == submitted.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def test_with_the_store_down_nothing_is_lost_and_nothing_sent_twice(make_app, content_dir, ralph_lrs):
    write_quiz(content_dir)
    app = make_app(LMS_XAPI_TIMEOUT=2)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    connect(app, ralph_lrs.endpoint)
    auth = learner(app)
    ralph_lrs.stop()
    timings: list[float] = []
    # The store hangs: its port takes connections and never answers, so a try lasts the whole timeout.
    with socket.socket() as hung:
        hung.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        hung.bind(("127.0.0.1", ralph_lrs.port))
        hung.listen(16)
        go_through_the_course(auth, app, timings=timings)
        began = time.monotonic()  # the sweep, the store still hanging: one try, one timeout, for all of them
        result = app.test_cli_runner().invoke(args=["lms", "outbox", "deliver", "--all"])
        assert "0 of 23 message(s) delivered." in result.output and time.monotonic() - began < 2 + 1.5
    slowest, *others = sorted(timings, reverse=True)
    assert 2 <= slowest < 2 + 1.5  # one request waited one timeout (after its response was written)...
    assert max(others) < 1  # ...and no other: the statements after the failed one wait for the sweep
    waiting = outbox(app, "pending")
    assert len(waiting) == sum(EXPECTED.values())
    assert sum(row.attempts for row in waiting) == 2  # the request's try and the sweep's
    assert "timed out" in waiting[0].error

    ralph_lrs.start()
    assert ralph_lrs.statements() == []
    runner = app.test_cli_runner()
    result = runner.invoke(args=["lms", "outbox", "deliver", "--all"])
    total = sum(EXPECTED.values())
    assert f"{total} of {total} message(s) delivered." in result.output
    assert runner.invoke(args=["lms", "outbox", "deliver", "--all"]).output.startswith("0 of 0")
    stored = ralph_lrs.statements()
    assert verbs(stored) == EXPECTED and len({s["id"] for s in stored}) == total


def test_a_resent_statement_is_the_same_statement(course_app, ralph_lrs):
    """A sender that crashed after the store took the statement sends it again: the store keeps one."""
    from lms.outbox.services import deliver

    connect(course_app, ralph_lrs.endpoint)
    auth = learner(course_app)
    auth.client.post(COURSE + "enrol", data={"csrf_token": auth.csrf(COURSE)})
    [row] = outbox(course_app, "sent")
    with course_app.app_context():
        message = db.session.get(OutboxMessage, row.id)
        message.state = "pending"  # as if the crash came before it was marked sent
        db.session.commit()
        assert deliver([row.id], ignore_due=True) == 1
    assert len(ralph_lrs.statements()) == 1


def test_a_school_without_a_store_emits_nothing_and_no_school_gets_anothers(make_app, tmp_path, ralph_lrs):
    app = make_app(LMS_CONTENT_DIR=str(tree_with_school_content(tmp_path / "content")))
    make_school_b(app)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    connect(app, ralph_lrs.endpoint, "ecole-b")  # only school B has a record store

    auth = learner(app)  # a learner of the default school
    auth.client.post(COURSE + "enrol", data={"csrf_token": auth.csrf(COURSE)})
    auth.client.get(COURSE + "what-is-ai")
    assert outbox(app) == [] and ralph_lrs.statements() == []

    with app.test_request_context("/"):
        accounts.create_user("bea@example.com", "Béa Martin", PASSWORD, school=schools.school_by_slug("ecole-b"))
        db.session.commit()
    at_b = Auth(app.test_client())
    page = at_b.client.get("/account/login", base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    at_b.client.post("/account/login", base_url=B, data={"csrf_token": token, "email": "bea@example.com",
                                                         "password": PASSWORD})
    page = at_b.client.get(COURSE, base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert at_b.client.post(COURSE + "enrol", base_url=B, data={"csrf_token": token}).status_code == 302
    at_b.client.get(COURSE + "what-is-ai", base_url=B)
    stored = ralph_lrs.statements()
    assert verbs(stored) == {"launched": 1, "experienced": 1}
    assert {s["actor"]["account"]["homePage"] for s in stored} == {"http://b.example.org/"}  # B's own address
    assert {row.school_id for row in outbox(app)} == {stored_school_id(app, "ecole-b")}


def stored_school_id(app, slug: str) -> int:
    with app.app_context():
        return schools.school_by_slug(slug).id


def test_two_schools_each_get_their_own_statements(make_app, tmp_path, ralph_lrs, ralph_credentials):
    other = Ralph(tmp_path / "ralph-b", ralph_credentials)
    other.start()
    try:
        app = make_app(LMS_CONTENT_DIR=str(tree_with_school_content(tmp_path / "content")))
        make_school_b(app)
        assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
        connect(app, ralph_lrs.endpoint)
        connect(app, other.endpoint, "ecole-b")
        auth = learner(app)
        auth.client.post(COURSE + "enrol", data={"csrf_token": auth.csrf(COURSE)})
        assert verbs(ralph_lrs.statements()) == {"launched": 1}
        assert other.statements() == []
    finally:
        other.stop()


def test_with_redis_a_worker_sends_the_statements(make_app, content_dir, ralph_lrs):
    from redis import Redis
    from rq import Queue, SimpleWorker

    write_quiz(content_dir)
    url = "redis://127.0.0.1:6379/11"
    app = make_app(LMS_REDIS_URL=url, LMS_RQ_QUEUE="xapi-test")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    connect(app, ralph_lrs.endpoint)
    connection = Redis.from_url(url)
    queue = Queue("xapi-test", connection=connection)
    queue.empty()
    try:
        auth = learner(app)
        go_through_the_course(auth, app)
        assert ralph_lrs.statements() == [] and queue.count > 0  # queued, not sent by the requests
        with app.app_context():
            SimpleWorker([queue], connection=connection).work(burst=True)
        stored = ralph_lrs.statements()
        assert verbs(stored) == EXPECTED and len({s["id"] for s in stored}) == sum(EXPECTED.values())
    finally:
        queue.empty()
        connection.close()


def test_a_turned_off_store_gets_nothing_new(course_app, ralph_lrs):
    connect(course_app, ralph_lrs.endpoint, active=False)
    auth = learner(course_app)
    auth.client.post(COURSE + "enrol", data={"csrf_token": auth.csrf(COURSE)})
    assert outbox(course_app) == [] and ralph_lrs.statements() == []


def test_staff_trying_a_quiz_make_no_statement(course_app, ralph_lrs):
    connect(course_app, ralph_lrs.endpoint)
    with course_app.test_request_context("/"):
        accounts.create_user("admin@example.com", "Adèle Roux", PASSWORD, "admin", school=schools.default_school())
        db.session.commit()
    auth = Auth(course_app.test_client())
    auth.login(email="admin@example.com")
    attempt = start(auth)
    post_answers(auth, attempt, answers_form(questions(course_app, attempt)))
    auth.client.get(COURSE + "models")
    assert outbox(course_app) == []


def test_erasing_an_account_deletes_its_statements_not_sent(course_app, ralph_lrs):
    from lms.accounts.models import User
    from lms.privacy.erasure import erase_account

    connect(course_app, ralph_lrs.endpoint)
    auth = learner(course_app)
    other = learner(course_app, "grace@example.com")
    ralph_lrs.stop()
    for client in (auth, other):
        client.client.post(COURSE + "enrol", data={"csrf_token": client.csrf(COURSE)})
        client.client.get(COURSE + "what-is-ai")
    assert len(outbox(course_app, "pending")) == 4
    with course_app.test_request_context("/"):
        admin = accounts.create_user("admin@example.com", "Adèle Roux", PASSWORD, "admin", school=schools.default_school())
        ada = accounts.find_user("ada@example.com", schools.default_school())
        erase_account(ada, admin)
        db.session.commit()
        grace = accounts.find_user("grace@example.com", schools.default_school())
        assert {row.key.split(":")[0] for row in outbox(course_app)} == {f"u{grace.id}"}
        assert db.session.get(User, ada.id) is not None


def test_each_lti_launch_is_a_statement_and_starting_on_the_site_one(course_app):
    """The LTI launch (another package) sends ``launched`` with ``via="lti"``: one statement per launch."""
    from datetime import UTC, datetime

    from lms.catalog.models import Course
    from lms.signals import launched

    from .lrs_support import free_port

    connect(course_app, f"http://127.0.0.1:{free_port()}/xAPI/")  # nobody listens: the statements wait
    first, second = datetime(2026, 12, 7, 8, 0, 0, tzinfo=UTC), datetime(2026, 12, 7, 9, 30, 0, tzinfo=UTC)
    with course_app.test_request_context("/"):
        user = accounts.create_user("ada@example.com", "Ada Lovelace", PASSWORD, school=schools.default_school())
        course = db.session.execute(select(Course).filter_by(slug="intro-course")).scalar_one()
        for via, at in (("web", first), ("web", second), ("lti", first), ("lti", second), ("lti", second)):
            launched.send(user, course=course, via=via, at=at)
        db.session.commit()
        course_id = course.id
    rows = outbox(course_app)
    assert [row.key.split(":", 1)[1] for row in rows] == [
        f"course:{course_id}:launched:web", f"course:{course_id}:launched:lti:20261207T080000",
        f"course:{course_id}:launched:lti:20261207T093000"]
    assert [row.payload["statement"]["timestamp"] for row in rows] == [
        "2026-12-07T08:00:00.000Z", "2026-12-07T08:00:00.000Z", "2026-12-07T09:30:00.000Z"]
    assert {row.payload["statement"]["verb"]["id"] for row in rows} == {"http://adlnet.gov/expapi/verbs/launched"}

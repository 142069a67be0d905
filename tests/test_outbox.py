"""The outbox: a message put in a transaction goes out once it commits (after the response, on RQ with Redis),
is tried again while the other system is down, and is never sent twice."""
from __future__ import annotations

from datetime import timedelta

import pytest
from flask import has_request_context
from sqlalchemy import select

from lms.db import utcnow
from lms.extensions import db
from lms.outbox.models import OutboxMessage
from lms.outbox.services import BACKOFF, SENDERS, Reject, Retry, deliver, due_ids, put, register
from lms.secretbox import SecretUnreadable, seal, unseal


class Recorder:
    """A test sender: keeps what it was given; ``down`` makes it fail like a system that is unreachable."""

    def __init__(self):
        self.received: list[dict] = []
        self.down = False
        self.refuse = False

    def __call__(self, payload: dict) -> None:
        if self.refuse:
            raise Reject("the record store says this statement is malformed")
        if self.down:
            raise Retry("connection refused")
        self.received.append(payload)


@pytest.fixture()
def sender():
    recorder = Recorder()
    register("test", recorder)
    yield recorder
    SENDERS.pop("test", None)


def message(key: str) -> OutboxMessage:
    return db.session.execute(select(OutboxMessage).where(OutboxMessage.key == key)).scalar_one()


def test_a_message_is_put_once_per_key_and_delivered_once_committed(app, sender):
    with app.app_context():
        first = put("test", "attempt-1", {"score": 80})
        assert put("test", "attempt-1", {"score": 90}) is None  # the same attempt is never queued twice
        assert sender.received == []  # nothing leaves before the transaction commits
        db.session.commit()
        assert sender.received == [{"score": 80}]
        row = db.session.get(OutboxMessage, first)
        db.session.refresh(row)
        assert (row.state, row.attempts, row.sent_at is not None) == ("sent", 1, True)
        assert deliver([first], ignore_due=True) == 0  # a sent message is not sent again
        assert sender.received == [{"score": 80}]


def test_a_rolled_back_message_is_neither_kept_nor_sent(app, sender):
    with app.app_context():
        put("test", "attempt-2", {"score": 50})
        db.session.rollback()
        db.session.commit()
        assert sender.received == []
        assert db.session.execute(select(OutboxMessage)).first() is None


def test_in_a_request_the_message_leaves_after_the_response(make_app):
    application = make_app()
    seen = []
    recorder = Recorder()

    def view():
        put("test", "from-a-request", {"n": 1})
        db.session.commit()
        seen.append(list(recorder.received))  # still in the view: nothing sent yet
        return "done"

    application.add_url_rule("/outbox-test", "outbox_test", view)
    outside = []
    register("test", lambda payload: (outside.append(not has_request_context()), recorder(payload)))
    try:
        response = application.test_client().get("/outbox-test")
        assert response.status_code == 200
        assert seen == [[]]
        assert recorder.received == [{"n": 1}]
        assert outside == [True]  # sent once the request was over, not by it
    finally:
        SENDERS.pop("test", None)


def test_a_system_that_is_down_loses_nothing(app, sender, runner):
    with app.app_context():
        sender.down = True
        put("test", "a", {"n": 1})
        db.session.commit()  # tried once, inline: refused
        row = message("a")
        assert (row.state, row.attempts, row.error) == ("pending", 1, "connection refused")
        assert row.due_at > utcnow() + BACKOFF[0] - timedelta(seconds=5)
        put("test", "b", {"n": 2})
        db.session.commit()  # the system is failing: b waits for the sweep instead of a timeout in a request
        assert message("b").attempts == 0
        assert due_ids() == [message("b").id]  # a waits for its next try, b is due

        sender.down = False
        result = runner.invoke(args=["lms", "outbox", "deliver"])
        assert "1 of 1 message(s) delivered." in result.output
        result = runner.invoke(args=["lms", "outbox", "deliver", "--all"])
        assert "1 of 1 message(s) delivered." in result.output
        assert sorted(p["n"] for p in sender.received) == [1, 2]
        assert runner.invoke(args=["lms", "outbox", "deliver", "--all"]).output.startswith("0 of 0")
        assert "test\tsent\t2" in runner.invoke(args=["lms", "outbox", "status"]).output


def test_each_failed_try_waits_longer(app, sender):
    with app.app_context():
        sender.down = True
        put("test", "c", {"n": 3})
        db.session.commit()
        now = utcnow()
        for attempt in range(2, 8):
            row_id = message("c").id
            deliver([row_id], now=now + timedelta(days=attempt))
            db.session.expire_all()
            row = message("c")
            wait = BACKOFF[min(attempt, len(BACKOFF)) - 1]
            assert row.attempts == attempt
            assert row.due_at == now + timedelta(days=attempt) + wait
        assert row.state == "pending"  # never given up on


def test_a_refused_message_stops(app, sender):
    with app.app_context():
        sender.refuse = True
        put("test", "d", {"n": 4})
        db.session.commit()
        row = message("d")
        assert (row.state, row.error) == ("failed", "the record store says this statement is malformed")
        assert due_ids(ignore_due=True) == []


def test_a_message_another_sender_holds_is_left_alone(app, sender):
    with app.app_context():
        sender.down = True
        put("test", "e", {"n": 5})
        db.session.commit()
        row = message("e")
        row.claimed_until = utcnow() + timedelta(minutes=5)  # another worker took it a moment ago
        db.session.commit()
        sender.down = False
        assert deliver([row.id], ignore_due=True) == 0
        assert sender.received == []


def test_with_redis_a_worker_delivers_and_a_dead_redis_loses_nothing(make_app, sender):
    from redis import Redis
    from rq import Queue, SimpleWorker

    url = "redis://127.0.0.1:6379/11"
    application = make_app(LMS_REDIS_URL=url, LMS_RQ_QUEUE="outbox-test")
    connection = Redis.from_url(url)
    queue = Queue("outbox-test", connection=connection)
    queue.empty()
    try:
        with application.app_context():
            put("test", "f", {"n": 6})
            db.session.commit()
            assert sender.received == [] and queue.count == 1  # queued, not sent by the request
            SimpleWorker([queue], connection=connection).work(burst=True)
            assert sender.received == [{"n": 6}]
            assert message("f").state == "sent"

            application.config["LMS_REDIS_URL"] = "redis://127.0.0.1:1/0"  # Redis is down
            put("test", "g", {"n": 7})
            db.session.commit()  # no error: the row waits
            assert message("g").state == "pending"
            assert deliver(due_ids()) == 1
            assert sender.received[-1] == {"n": 7}
    finally:
        queue.empty()
        connection.close()


def test_secrets_are_sealed_with_the_site_key(app, make_app):
    with app.app_context():
        sealed = seal("client-secret-123")
        assert "client-secret-123" not in sealed
        assert unseal(sealed) == "client-secret-123"
        assert seal("") == "" and unseal("") == ""
    other = make_app(SECRET_KEY="another-secret")
    with other.app_context():
        with pytest.raises(SecretUnreadable):
            unseal(sealed)


def test_a_sweep_tries_a_failing_system_once(app, sender):
    """With a system down, a sweep does not wait for a timeout per message: one try, and the others of that kind
    and school are left untouched for the next sweep."""
    with app.app_context():
        sender.down = True
        ids = [put("test", key, {"key": key}) for key in ("h1", "h2", "h3")]
        db.session.info.pop("lms_outbox_new", None)  # not sent on commit: the sweep below sends them
        db.session.commit()
        assert deliver(ids, ignore_due=True) == 0
        assert [message(key).attempts for key in ("h1", "h2", "h3")] == [1, 0, 0]
        sender.down = False
        assert deliver(ids, ignore_due=True) == 3

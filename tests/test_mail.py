"""Mail leaves outside the request, and a production log never holds a mail's body (reset links)."""
from __future__ import annotations

import logging
import threading

import pytest

from lms import mail

from .conftest import Auth


class SlowSMTP:
    """Stands in for smtplib.SMTP: each message waits for ``release`` (a slow relay), then is kept."""

    sent: list = []
    release = threading.Event()

    def __init__(self, host, port, timeout):
        self.address = (host, port)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def send_message(self, message):
        self.release.wait(5)
        self.sent.append(message)


@pytest.fixture()
def slow_smtp(monkeypatch):
    monkeypatch.setattr(mail.smtplib, "SMTP", SlowSMTP)
    SlowSMTP.sent, SlowSMTP.release = [], threading.Event()
    yield SlowSMTP
    SlowSMTP.release.set()
    mail.flush_mail()


def production_app(make_app, **overrides):
    overrides.setdefault("LMS_BASE_URL", "http://localhost")  # production names its address (the test client's)
    return make_app(TESTING=False, LMS_ENV="production", LMS_SECURE_COOKIES=False, **overrides)


def test_a_reset_request_answers_before_its_mail_is_sent(make_app, make_user, slow_smtp):
    app = make_app(LMS_MAIL_BACKEND="smtp", LMS_SMTP_HOST="relay.example", LMS_SMTP_PORT=2525)
    make_user()
    auth = Auth(app.test_client())
    response = auth.post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset")
    assert response.status_code == 302
    assert slow_smtp.sent == []  # the request did not wait for the relay
    slow_smtp.release.set()
    mail.flush_mail()
    [message] = slow_smtp.sent
    assert message["To"] == "learner@example.com" and "/account/reset/" in message.get_content()


def test_a_mail_that_fails_is_logged_not_raised(make_app, make_user, monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(mail.smtplib, "SMTP", refuse)
    app = make_app(LMS_MAIL_BACKEND="smtp")
    make_user()
    auth = Auth(app.test_client())
    with caplog.at_level(logging.ERROR, logger="lms.mail"):
        assert auth.post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset").status_code == 302
        mail.flush_mail()
    assert "mail to learner@example.com (Reset your Conductor password) was not sent" in caplog.text


def test_the_log_backend_keeps_reset_links_out_of_a_production_log(make_app, make_user, caplog):
    app = production_app(make_app, LMS_MAIL_BACKEND="log")
    make_user()
    auth = Auth(app.test_client())
    with caplog.at_level(logging.WARNING, logger="lms.mail"):
        auth.post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset")
        mail.flush_mail()
    assert "mail to learner@example.com: Reset your Conductor password (not sent" in caplog.text
    assert "/account/reset/" not in caplog.text and "Hello" not in caplog.text


def test_the_log_backend_shows_the_whole_mail_in_development(make_app, make_user, caplog):
    app = make_app(LMS_MAIL_BACKEND="log")  # TESTING: development, as `make run`
    make_user()
    auth = Auth(app.test_client())
    with caplog.at_level(logging.WARNING, logger="lms.mail"):
        auth.post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset")
        mail.flush_mail()
    assert "http://localhost/account/reset/" in caplog.text


def test_production_without_smtp_says_so_at_start(make_app, caplog):
    with caplog.at_level(logging.WARNING, logger="lms"):
        production_app(make_app, LMS_MAIL_BACKEND="log")
    assert "LMS_MAIL_BACKEND=log sends no mail: new learners cannot finish registering" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="lms"):
        production_app(make_app, LMS_MAIL_BACKEND="smtp")
    assert "LMS_MAIL_BACKEND" not in caplog.text


def test_an_unknown_mail_backend_refuses_to_start(make_app):
    with pytest.raises(RuntimeError, match="LMS_MAIL_BACKEND is 'pigeon': use one of smtp, log, memory"):
        make_app(LMS_MAIL_BACKEND="pigeon")

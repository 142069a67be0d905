"""Rate limits that hold: per client address (the forwarded one only behind trusted proxies), per
account for log-ins, per address mailed for reset and registration mails, shared through Redis."""
from __future__ import annotations

import logging

import pytest
import redis

from .conftest import PASSWORD, Auth

REDIS_URL = "redis://127.0.0.1:6379/12"  # this suite's own Redis database, emptied before and after


def limited_app(make_app, **limits):
    settings = {"LMS_LOGIN_RATE_LIMIT": "100 per minute", "LMS_LOGIN_ACCOUNT_RATE_LIMIT": "100 per minute",
                "LMS_REGISTER_RATE_LIMIT": "100 per minute", "LMS_RESET_RATE_LIMIT": "100 per minute",
                "LMS_ACCOUNT_MAIL_RATE_LIMIT": "100 per hour"}
    return make_app(RATELIMIT_ENABLED=True, **{**settings, **limits})


def client_at(app, address: str | None = None, remote: str = "10.0.0.1") -> Auth:
    """A browser behind the proxy at ``remote``; the proxy forwards the browser's ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = remote
    if address:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return Auth(client)


def fail(auth: Auth, email: str = "learner@example.com") -> int:
    return auth.login(email=email, password="wrong-password!").status_code


def test_behind_a_trusted_proxy_each_client_has_its_own_bucket(make_app):
    app = limited_app(make_app, LMS_PROXY_COUNT=1, LMS_LOGIN_RATE_LIMIT="2 per minute")
    first, second = client_at(app, "203.0.113.1"), client_at(app, "203.0.113.2")
    assert [fail(first, f"a{n}@example.com") for n in range(3)] == [200, 200, 429]
    assert fail(second, "b@example.com") == 200


def test_without_trusted_proxies_x_forwarded_for_is_ignored(make_app):
    app = limited_app(make_app, LMS_LOGIN_RATE_LIMIT="2 per minute")
    first, second = client_at(app, "203.0.113.1"), client_at(app, "203.0.113.2")
    assert [fail(first, f"a{n}@example.com") for n in range(3)] == [200, 200, 429]
    assert fail(second, "b@example.com") == 429  # the same socket address: one bucket, whatever the header


def test_a_trusted_proxy_forwards_the_scheme_too(make_app, make_user):
    app = limited_app(make_app, LMS_PROXY_COUNT=1)
    make_user()
    auth = client_at(app, "203.0.113.1")
    auth.client.environ_base.update(HTTP_X_FORWARDED_PROTO="https", HTTP_REFERER="https://localhost/account/reset")
    auth.post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset")
    assert "https://localhost/account/reset/" in app.extensions["lms"]["outbox"][-1].get_content()


def test_a_locked_account_stays_locked_from_another_address(make_app, make_user):
    app = limited_app(make_app, LMS_PROXY_COUNT=1, LMS_LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    make_user()
    make_user(email="other@example.com", name="Other")
    attacker, owner = client_at(app, "198.51.100.7"), client_at(app, "203.0.113.9")
    assert [fail(attacker, "Learner@Example.com ") for _ in range(4)] == [200, 200, 200, 429]  # one account, any spelling
    assert owner.login().status_code == 429  # even the right password, from anywhere, waits
    assert owner.login(email="other@example.com").status_code == 302  # other accounts are not touched


def test_another_accounts_failures_lock_out_an_address_only_at_the_address_limit(make_app, make_user):
    app = limited_app(make_app, LMS_LOGIN_RATE_LIMIT="4 per minute", LMS_LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    make_user()
    make_user(email="bob@example.com", name="Bob")
    lab = client_at(app)  # one school computer room, one address
    assert [fail(lab) for _ in range(2)] == [200, 200]
    assert fail(lab) == 429  # that account is locked (a refused attempt checks no password, and counts for nothing)
    bob = client_at(app)
    assert bob.login(email="bob@example.com").status_code == 302  # 2 failures from the address: under its 4
    bob.logout()
    assert [fail(lab, "carol@example.com") for _ in range(2)] == [200, 200]  # the address's 3rd and 4th
    assert bob.login(email="bob@example.com").status_code == 429  # now the whole address waits


def test_successful_log_ins_use_up_neither_limit(make_app, make_user):
    app = limited_app(make_app, LMS_LOGIN_RATE_LIMIT="2 per minute", LMS_LOGIN_ACCOUNT_RATE_LIMIT="2 per minute")
    make_user()
    auth = client_at(app)
    for _ in range(3):
        assert auth.login(password=PASSWORD).status_code == 302
        auth.logout()


def reset(auth: Auth, email: str) -> int:
    return auth.post("/account/reset", {"email": email}, token_from="/account/reset").status_code


def register(auth: Auth, email: str) -> int:
    return auth.post("/account/register", {"name": "Someone", "email": email}, token_from="/account/register").status_code


def test_reset_and_registration_requests_are_limited_per_address(make_app):
    app = limited_app(make_app, LMS_RESET_RATE_LIMIT="2 per minute", LMS_REGISTER_RATE_LIMIT="2 per minute")
    auth = client_at(app)
    assert [reset(auth, f"r{n}@example.com") for n in range(3)] == [302, 302, 429]
    assert [register(auth, f"n{n}@example.com") for n in range(3)] == [302, 302, 429]
    elsewhere = client_at(app, remote="10.0.0.2")
    assert (reset(elsewhere, "r9@example.com"), register(elsewhere, "n9@example.com")) == (302, 302)


@pytest.mark.parametrize("email", ["learner@example.com", "nobody@example.com"])
def test_mails_about_one_address_are_limited_whoever_asks(make_app, make_user, email):
    """The same for an address with an account and one without, so the limit reveals neither."""
    app = limited_app(make_app, LMS_PROXY_COUNT=1, LMS_ACCOUNT_MAIL_RATE_LIMIT="2 per hour")
    make_user()
    outbox = app.extensions["lms"]["outbox"]
    assert reset(client_at(app, "198.51.100.1"), email) == 302
    assert register(client_at(app, "198.51.100.2"), email.upper()) == 302
    sent = len(outbox)
    assert reset(client_at(app, "198.51.100.3"), email) == 429
    assert register(client_at(app, "198.51.100.4"), email) == 429
    assert len(outbox) == sent
    assert register(client_at(app, "198.51.100.5"), "someone-else@example.com") == 302


def test_a_form_with_errors_uses_up_no_mail(make_app):
    app = limited_app(make_app, LMS_ACCOUNT_MAIL_RATE_LIMIT="1 per hour")
    auth = client_at(app)
    assert register(auth, "not-an-address") == 200
    assert register(auth, "not-an-address") == 200
    assert auth.post("/account/register", {"name": "", "email": "x@example.com"}, token_from="/account/register").status_code == 200
    assert register(auth, "x@example.com") == 302


@pytest.fixture()
def redis_db():
    connection = redis.Redis.from_url(REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def test_with_redis_every_worker_counts_in_one_place(make_app, redis_db):
    app = limited_app(make_app, LMS_REDIS_URL=REDIS_URL, LMS_LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    assert app.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    assert fail(client_at(app)) == 200
    keys = [key.decode() for key in redis_db.keys("*")]
    assert any("email:learner@example.com" in key for key in keys), keys
    assert any("10.0.0.1" in key for key in keys), keys


def production(make_app, **overrides):
    overrides.setdefault("LMS_BASE_URL", "http://localhost")  # production names its address (the test client's)
    return make_app(TESTING=False, LMS_ENV="production", LMS_MAIL_BACKEND="smtp", RATELIMIT_ENABLED=True, **overrides)


def test_production_without_redis_says_limits_are_per_process(make_app, redis_db, caplog):
    with caplog.at_level(logging.WARNING, logger="lms"):
        production(make_app)
    assert "Rate limits are kept in memory, per worker process" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="lms"):
        production(make_app, LMS_REDIS_URL=REDIS_URL)
    assert caplog.text == ""


def test_a_proxy_nobody_trusts_is_reported_once(make_app, caplog):
    app = production(make_app, LMS_SECURE_COOKIES=False)
    with caplog.at_level(logging.WARNING, logger="lms"):
        for _ in range(2):
            client_at(app, "203.0.113.1").client.get("/account/login")
    assert caplog.text.count("Requests carry X-Forwarded-For but no ProxyFix applies it") == 1
    caplog.clear()
    trusted = production(make_app, LMS_SECURE_COOKIES=False, LMS_PROXY_COUNT=1)
    with caplog.at_level(logging.WARNING, logger="lms"):
        client_at(trusted, "203.0.113.1").client.get("/account/login")
    assert "X-Forwarded-For" not in caplog.text


@pytest.mark.parametrize("setting, value, message", [
    ("LMS_LOGIN_ACCOUNT_RATE_LIMIT", "ten per minute", "LMS_LOGIN_ACCOUNT_RATE_LIMIT is 'ten per minute': write limits like"),
    ("LMS_ACCOUNT_MAIL_RATE_LIMIT", "", "LMS_ACCOUNT_MAIL_RATE_LIMIT is '': write limits like"),
    ("LMS_PROXY_COUNT", -1, "LMS_PROXY_COUNT is -1: it must be a whole number, at least 0"),
    ("LMS_SESSION_HOURS", 0, "LMS_SESSION_HOURS is 0: it must be a whole number, at least 1"),
])
def test_a_setting_the_site_cannot_work_with_refuses_to_start(make_app, setting, value, message):
    with pytest.raises(RuntimeError, match=message):
        make_app(**{setting: value})


def test_a_number_setting_that_is_not_a_number_is_named():
    from lms.config import env_settings

    with pytest.raises(RuntimeError, match="LMS_PROXY_COUNT='one' is not a valid value"):
        env_settings({"LMS_PROXY_COUNT": "one"})

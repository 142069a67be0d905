"""Login sessions live on the server: log-out ends them there, so copied cookies stop working."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.accounts.models import LoginSession, User
from lms.db import utcnow
from lms.extensions import db

from .conftest import PASSWORD, Auth

REMEMBER = "remember_token"


def copy_cookies(source, target, names=None) -> None:
    """What an attacker with the browser's cookie jar (or a copy of one cookie) would hold."""
    for name in names or ("session", REMEMBER):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(cookie.key, cookie.value)


def sessions_of(app) -> list[LoginSession]:
    with app.app_context():
        return list(db.session.execute(db.select(LoginSession)).scalars())


def test_a_cookie_jar_copied_before_log_out_is_sent_to_log_in_after(app, make_user, auth, client):
    make_user()
    auth.login()
    thief = app.test_client()
    copy_cookies(client, thief)
    assert thief.get("/dashboard").status_code == 200  # the copy works while the session lasts
    auth.logout()
    response = thief.get("/dashboard")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")
    assert sessions_of(app) == []


def test_a_remember_cookie_copied_before_log_out_no_longer_logs_in(app, make_user, auth, client):
    make_user()
    assert auth.login(remember="y").status_code == 302
    assert client.get_cookie(REMEMBER) is not None
    before = app.test_client()
    copy_cookies(client, before, [REMEMBER])
    assert before.get("/dashboard").status_code == 200  # the remember cookie alone logs in
    thief = app.test_client()
    copy_cookies(client, thief, [REMEMBER])
    auth.logout()
    assert thief.get("/dashboard").status_code == 302
    assert before.get("/dashboard").status_code == 302  # the session it had made ends as well


def test_logging_out_on_one_device_keeps_the_others(app, make_user, auth):
    make_user()
    phone = Auth(app.test_client())
    phone.login(remember="y")
    auth.login()
    auth.logout()
    assert auth.client.get("/dashboard").status_code == 302
    assert phone.client.get("/dashboard").status_code == 200


def test_each_log_in_gets_a_new_random_session(app, make_user, auth):
    user_id = make_user()
    auth.login()
    first = auth.client.get_cookie("session").value
    auth.logout()
    auth.login()
    rows = sessions_of(app)
    assert [row.user_id for row in rows] == [user_id] and len(rows[0].key) >= 43  # 256 random bits
    assert auth.client.get_cookie("session").value != first


def test_a_session_ends_after_its_lifetime(make_app, make_user):
    app = make_app(LMS_SESSION_HOURS=12, LMS_REMEMBER_DAYS=30)
    make_user()
    auth = Auth(app.test_client())
    auth.login()
    remembered = Auth(app.test_client())
    remembered.login(remember="y")
    plain, kept = sorted(sessions_of(app), key=lambda row: row.remember)
    assert timedelta(hours=11, minutes=59) < plain.expires_at - plain.created_at <= timedelta(hours=12)
    assert kept.expires_at - kept.created_at == timedelta(days=30)
    with app.app_context():
        db.session.get(LoginSession, plain.key).expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert auth.client.get("/dashboard").status_code == 302
    assert remembered.client.get("/dashboard").status_code == 200


def test_the_remember_cookie_lasts_as_long_as_its_session(make_app, make_user):
    app = make_app(LMS_REMEMBER_DAYS=30)
    make_user()
    client = app.test_client()
    Auth(client).login(remember="y")
    expires = client.get_cookie(REMEMBER).expires
    assert timedelta(days=29) < expires - utcnow() <= timedelta(days=30)


def test_expired_sessions_are_cleared_at_the_next_log_in(app, make_user, auth):
    make_user()
    auth.login()
    with app.app_context():
        for row in db.session.execute(db.select(LoginSession)).scalars():
            row.expires_at = utcnow() - timedelta(days=1)
        db.session.commit()
    Auth(app.test_client()).login()
    assert len(sessions_of(app)) == 1


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(app, make_user, auth):
    make_user()
    other = Auth(app.test_client())
    other.login(remember="y")
    auth.login()
    new = "a-brand-new-password"
    auth.post("/account/password", {"current": "correct-horse-battery", "password": new, "confirm": new},
              token_from="/account/password")
    assert auth.client.get("/dashboard").status_code == 200
    assert other.client.get("/dashboard").status_code == 302
    assert len(sessions_of(app)) == 1


def test_the_log_out_form_says_what_it_ends(app, make_user, auth):
    make_user()
    auth.login()
    page = auth.client.post("/account/logout", data={"csrf_token": auth.csrf("/")}, follow_redirects=True)
    assert "You are logged out on this device." in page.get_data(as_text=True)


def test_a_user_object_outside_a_session_has_no_login_id(app, make_user):
    user_id = make_user()
    with app.app_context():
        with pytest.raises(RuntimeError, match="open_session"):
            db.session.get(User, user_id).get_id()


def test_remembering_can_be_turned_off(make_app, make_user):
    app = make_app(LMS_SESSION_HOURS=2, LMS_REMEMBER_DAYS=0)
    make_user()
    Auth(app.test_client()).login(remember="y")
    [row] = sessions_of(app)
    assert row.expires_at - row.created_at == timedelta(hours=2)  # as long as any log-in, never shorter


def test_logging_in_over_another_session_ends_it(app, make_user, auth, client):
    make_user()
    make_user(email="next@example.com", name="Next Learner")
    auth.login()
    earlier = app.test_client()
    copy_cookies(client, earlier)
    # The next student, from a log-in page left open in another tab, without logging out:
    response = auth.post("/account/login", {"email": "next@example.com", "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert earlier.get("/dashboard").status_code == 302
    assert "Next Learner" in client.get("/dashboard").get_data(as_text=True)
    assert len(sessions_of(app)) == 1


# The sessions page (ASVS V3.3.4): the account's sessions on every device, and logging out of another
# one or of all the others, once the password is given again.
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
PHONE = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Mobile Safari/537.36")


def browser(app, agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def on_device(app, agent: str) -> Auth:
    device = Auth(browser(app, agent))
    assert device.login().status_code == 302
    return device


def session_choices(page: str) -> list[str]:
    import re

    return re.findall(r'name="which"[^>]* value="([^"]+)"', page)


def test_the_sessions_page_lists_every_device_and_never_shows_a_session_key(app, make_user):
    make_user()
    laptop, phone = on_device(app, FIREFOX), on_device(app, PHONE)
    page = laptop.client.get("/account/sessions").get_data(as_text=True)
    assert "Firefox on Windows <strong>(this device)</strong>" in page
    assert "Changing your password ends every session but this one." in page
    assert "Chrome on Android" in page and "Chrome on Android <strong>" not in page
    for row in sessions_of(app):
        assert row.key not in page  # the key is the credential: the page names sessions by a digest
    assert len(session_choices(page)) == 1  # only the other device can be ended here
    assert phone.client.get("/dashboard").status_code == 200


def test_logging_out_another_device_ends_it_there_and_keeps_this_one(app, make_user):
    make_user()
    laptop, phone = on_device(app, FIREFOX), on_device(app, PHONE)
    [other] = session_choices(laptop.client.get("/account/sessions").get_data(as_text=True))
    response = laptop.post("/account/sessions", {"which": other, "current": PASSWORD},
                           token_from="/account/sessions")
    assert response.status_code == 302
    assert "Logged out of 1 other device." in laptop.client.get("/account/sessions").get_data(as_text=True)
    assert phone.client.get("/dashboard").status_code == 302  # sent to log in
    assert laptop.client.get("/dashboard").status_code == 200
    assert len(sessions_of(app)) == 1


def test_all_other_devices_end_at_once(app, make_user):
    make_user()
    laptop = on_device(app, FIREFOX)
    phones = [on_device(app, PHONE) for _ in range(2)]
    page = laptop.client.get("/account/sessions").get_data(as_text=True)
    assert "All 2 other devices" in page
    laptop.post("/account/sessions", {"which": "others", "current": PASSWORD}, token_from="/account/sessions")
    assert [phone.client.get("/dashboard").status_code for phone in phones] == [302, 302]
    assert laptop.client.get("/dashboard").status_code == 200


def test_a_wrong_password_ends_nothing(app, make_user):
    make_user()
    laptop, phone = on_device(app, FIREFOX), on_device(app, PHONE)
    [other] = session_choices(laptop.client.get("/account/sessions").get_data(as_text=True))
    response = laptop.post("/account/sessions", {"which": other, "current": "not my password"}, token_from="/account/sessions")
    assert response.status_code == 200 and "The password is not correct." in response.get_data(as_text=True)
    assert phone.client.get("/dashboard").status_code == 200
    assert len(sessions_of(app)) == 2


def test_another_accounts_session_cannot_be_ended_from_here(app, make_user):
    make_user()
    make_user(email="other@example.com", name="Other")
    laptop, _ = on_device(app, FIREFOX), on_device(app, FIREFOX)
    victim = Auth(browser(app, PHONE))
    victim.login(email="other@example.com")
    from lms.accounts import sessions

    with app.app_context():
        [victim_row] = [row for row in sessions_of(app) if row.user_agent == PHONE]
        victims_handle = sessions.handle(victim_row)
    response = laptop.post("/account/sessions", {"which": victims_handle, "current": PASSWORD},
                           token_from="/account/sessions")
    assert response.status_code == 200 and "Not a valid choice" in response.get_data(as_text=True)
    assert victim.client.get("/dashboard").status_code == 200


def test_ending_sessions_needs_the_csrf_token(app, make_user):
    make_user()
    laptop, phone = on_device(app, FIREFOX), on_device(app, PHONE)
    [other] = session_choices(laptop.client.get("/account/sessions").get_data(as_text=True))
    response = laptop.client.post("/account/sessions", data={"which": other, "current": PASSWORD})
    assert response.status_code == 400
    assert phone.client.get("/dashboard").status_code == 200

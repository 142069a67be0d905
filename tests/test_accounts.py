"""Accounts as a user meets them, and as an attacker probes them."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import User
from lms.extensions import db

from .conftest import PASSWORD, Auth, last_link


def users(app) -> list[User]:
    with app.app_context():
        return list(db.session.execute(db.select(User)).scalars())


def register(auth, **fields):
    data = {"name": "Grace Hopper", "email": "Grace@Example.com", **fields}
    return auth.post("/account/register", data, token_from="/account/register")


def outbox(app) -> list:
    return app.extensions["lms"]["outbox"]


def test_registration_goes_through_a_link_sent_to_the_address(app, client, auth):
    response = register(auth)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert users(app) == []  # nothing is created until the address is proved
    [mail] = outbox(app)
    assert mail["To"] == "grace@example.com" and mail["Subject"] == "Finish creating your Conductor account"
    link = last_link(app, "/account/register/")
    page = client.get(link).get_data(as_text=True)
    assert "Grace Hopper (grace@example.com)" in page
    response = auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    [user] = users(app)
    assert (user.email, user.name, user.role) == ("grace@example.com", "Grace Hopper", "learner")
    assert PASSWORD not in user.password_hash and user.password_hash.startswith("pbkdf2:")
    assert "My learning" in client.get("/").get_data(as_text=True)


def test_production_hashes_with_scrypt(make_app):
    application = make_app(LMS_PASSWORD_HASH="scrypt")
    with application.app_context():
        from lms.accounts.services import create_user

        assert create_user("s@example.com", "S", PASSWORD).password_hash.startswith("scrypt:")


@pytest.mark.parametrize("fields, message", [
    ({"email": "not-an-email"}, "Invalid email address."),
    ({"name": ""}, "This field is required."),
    ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
])
def test_register_rejects_bad_input_and_sends_nothing(app, auth, fields, message):
    response = register(auth, **fields)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert users(app) == [] and outbox(app) == []


@pytest.mark.parametrize("fields, message", [
    ({"password": "short", "confirm": "short"}, "Use 10 to 128 characters."),
    ({"confirm": "something-else-entirely"}, "The passwords do not match."),
])
def test_the_password_page_rejects_bad_input_and_stores_nothing(app, auth, fields, message):
    register(auth)
    link = last_link(app, "/account/register/")
    response = auth.post(link, {"password": PASSWORD, "confirm": PASSWORD, **fields}, token_from=link)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert users(app) == []


def flashes(client) -> list:
    with client.session_transaction() as session:
        return session.get("_flashes", [])


def test_registration_answers_the_same_for_a_taken_address_and_mails_its_owner(app, make_user):
    make_user(email="taken@example.com", name="Owner")
    answers = []
    for email in ("taken@example.com", "fresh@example.com"):
        auth = Auth(app.test_client())
        response = register(auth, email=email.upper())
        answers.append([str(part).replace(email, "ADDRESS") for part in (
            response.status_code, response.headers.get("Location"), flashes(auth.client),
            [header.split("=", 1)[0] for header in response.headers.getlist("Set-Cookie")], response.get_data())])
    assert answers[0] == answers[1]
    assert answers[0][2] == str([("info", "Check your e-mail: we have sent a message to ADDRESS to continue.")])
    owner, newcomer = outbox(app)
    assert owner["To"] == "taken@example.com" and owner["Subject"] == "You already have a Conductor account"
    assert "http://localhost/account/login" in owner.get_content() and "http://localhost/account/reset" in owner.get_content()
    assert "/account/register/" not in owner.get_content()  # no way to a second account
    assert newcomer["To"] == "fresh@example.com" and "/account/register/" in newcomer.get_content()
    assert len(users(app)) == 1


@pytest.fixture()
def work_counter(app, monkeypatch):
    """Counts what a request asks of the database (each statement) and of the password hasher."""
    from lms.accounts import services

    from .test_queries import count_queries

    hashes: list[str] = []
    for name in ("generate_password_hash", "check_password_hash"):
        original = getattr(services, name)
        monkeypatch.setattr(services, name, lambda *args, _name=name, _original=original, **kwargs:
                            hashes.append(_name) or _original(*args, **kwargs))

    def measure(send):
        hashes.clear()
        with count_queries(app) as statements:
            response = send()
        return response.status_code, response.headers.get("Location"), list(statements), list(hashes)

    return measure


@pytest.mark.parametrize("path", ["/account/register", "/account/reset"])
def test_a_known_and_an_unknown_address_cost_the_same_work(app, make_user, work_counter, path):
    make_user(email="known@example.com")
    auth = Auth(app.test_client())
    work = {email: work_counter(lambda: auth.post(path, {"name": "Someone", "email": email}, token_from=path))
            for email in ("known@example.com", "unknown@example.com")}
    assert work["known@example.com"] == work["unknown@example.com"]
    assert [mail["To"] for mail in outbox(app)] == ["known@example.com", "unknown@example.com"]  # a mail each


def test_the_registration_mail_repeats_nothing_the_visitor_typed(app, auth):
    register(auth, name="Cheap pills at spam.example")  # anyone may send the form for any address
    assert "spam.example" not in outbox(app)[-1].get_content()


def test_a_registration_link_works_once(app, auth, client):
    register(auth)
    link = last_link(app, "/account/register/")
    assert auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link).status_code == 302
    auth.logout()
    again = auth.post(link, {"password": "another-password", "confirm": "another-password"}, token_from=link,
                      follow_redirects=True)
    assert "This link has already been used" in again.get_data(as_text=True)
    [user] = users(app)
    assert auth.login(email="grace@example.com").status_code == 302  # the first password holds


def test_expired_and_forged_registration_links_are_refused(make_app, client):
    application = make_app(LMS_REGISTER_TOKEN_MAX_AGE=-1)
    auth = Auth(application.test_client())
    register(auth)
    link = last_link(application, "/account/register/")
    expired = application.test_client().get(link, follow_redirects=True)
    assert "This link has expired" in expired.get_data(as_text=True)
    forged = client.get(link[:-2] + "xx", follow_redirects=True)
    assert "This link is not valid" in forged.get_data(as_text=True)


def test_two_accounts_racing_for_one_address_end_in_one_and_a_refusal(app, monkeypatch):
    from lms.accounts import services

    with app.app_context():
        services.create_user("race@example.com", "First", PASSWORD)
        db.session.commit()
        monkeypatch.setattr(services, "find_user", lambda email, school=None: None)  # both passed the check at once
        with pytest.raises(services.AccountError, match="already exists"):
            services.create_user("race@example.com", "Second", PASSWORD)
        db.session.rollback()
    assert [u.name for u in users(app)] == ["First"]


def test_forms_without_csrf_token_are_refused(app, client, make_user):
    response = client.post("/account/register", data={"name": "X", "email": "x@example.com"})
    assert response.status_code == 400
    assert users(app) == [] and outbox(app) == []
    make_user()
    assert client.post("/account/login", data={"email": "learner@example.com", "password": PASSWORD}).status_code == 400
    assert client.post("/account/login", data={"email": "learner@example.com", "password": PASSWORD,
                                               "csrf_token": "forged"}).status_code == 400


def test_login_logout(client, make_user, auth):
    make_user()
    assert "E-mail or password is not correct." in auth.login(password="wrong-password!").get_data(as_text=True)
    assert "E-mail or password is not correct." in auth.login(email="nobody@example.com").get_data(as_text=True)
    response = auth.login()
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    assert client.get("/dashboard").status_code == 200
    auth.logout()
    assert client.get("/dashboard").status_code == 302


def test_deactivated_account_cannot_log_in(app, make_user, auth):
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert auth.login().status_code == 200


@pytest.mark.parametrize("target, expected", [
    ("/courses/intro-course/", "/courses/intro-course/"),
    ("https://evil.example/phish", "/dashboard"),
    ("//evil.example/phish", "/dashboard"),
    ("/\\evil.example", "/dashboard"),
    ("javascript:alert(1)", "/dashboard"),
])
def test_next_redirects_only_to_local_paths(client, make_user, auth, target, expected):
    make_user()
    response = auth.login(next=target)
    assert response.headers["Location"] == expected


def test_change_password_ends_other_sessions(app, make_user, auth):
    make_user()
    other = app.test_client()
    from .conftest import Auth

    Auth(other).login()
    auth.login()
    new = "a-brand-new-password"
    response = auth.post("/account/password", {"current": PASSWORD, "password": new, "confirm": new},
                         token_from="/account/password")
    assert response.status_code == 302
    assert auth.client.get("/dashboard").status_code == 200  # this session goes on
    assert other.get("/dashboard").status_code == 302  # the other device is logged out
    auth.logout()
    assert auth.login(password=new).status_code == 302


def test_the_owner_is_told_when_the_password_changes(app, make_user, auth, client):
    make_user()
    auth.login()
    new = "a-brand-new-password"
    auth.post("/account/password", {"current": PASSWORD, "password": new, "confirm": new}, token_from="/account/password")
    auth.logout()
    link = request_reset(app, auth)
    auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
    notices = [mail for mail in outbox(app) if mail["Subject"] == "Your Conductor password was changed"]
    assert [mail["To"] for mail in notices] == ["learner@example.com"] * 2  # the change, then the reset
    assert "http://localhost/account/reset" in notices[0].get_content()


def test_change_password_needs_the_current_one(app, make_user, auth):
    make_user()
    auth.login()
    response = auth.post("/account/password", {"current": "wrong-password!", "password": "x" * 12, "confirm": "x" * 12},
                         token_from="/account/password")
    assert "The current password is not correct." in response.get_data(as_text=True)
    assert outbox(app) == []  # nothing changed, nothing to tell


def request_reset(app, auth, email="learner@example.com") -> str | None:
    """The reset link mailed for the address, or None when the mail holds none."""
    auth.post("/account/reset", {"email": email}, token_from="/account/reset")
    match = re.search(r"http://localhost(/account/reset/\S+)", outbox(app)[-1].get_content())
    return match.group(1) if match else None


def test_password_reset_is_single_use(app, make_user, auth, client):
    make_user()
    link = request_reset(app, auth)
    assert link is not None
    new = "reset-password-2026"
    response = auth.post(link, {"password": new, "confirm": new}, token_from=link)
    assert response.status_code == 302
    assert auth.login(password=new).status_code == 302
    auth.logout()
    reused = client.get(link, follow_redirects=True)
    assert "already been used" in reused.get_data(as_text=True)


def test_reset_does_not_reveal_unknown_addresses(app, auth):
    response = auth.post("/account/reset", {"email": "nobody@example.com"}, token_from="/account/reset", follow_redirects=True)
    assert "If an account uses that address" in response.get_data(as_text=True)
    [notice] = outbox(app)  # the owner of the address learns that no account uses it; no link to reset anything
    assert notice["To"] == "nobody@example.com" and "no active account uses it" in notice.get_content()
    assert "/account/reset/" not in notice.get_content()


def test_a_deactivated_account_gets_no_reset_link(app, make_user, auth):
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).active = False
        db.session.commit()
    assert request_reset(app, auth) is None


def test_expired_and_forged_reset_tokens_are_refused(make_app, make_user, client):
    application = make_app(LMS_RESET_TOKEN_MAX_AGE=-1)
    make_user()
    with application.app_context():
        from lms.accounts.services import make_reset_token

        token = make_reset_token(db.session.execute(db.select(User)).scalar_one())
    expired = application.test_client().get(f"/account/reset/{token}", follow_redirects=True)
    assert "expired" in expired.get_data(as_text=True)
    forged = client.get(f"/account/reset/{token[:-2]}xx", follow_redirects=True)
    assert "not valid" in forged.get_data(as_text=True)


def test_login_is_rate_limited(make_app, make_user):
    application = make_app(RATELIMIT_ENABLED=True, LMS_LOGIN_RATE_LIMIT="3 per minute")
    make_user()
    from .conftest import Auth

    auth = Auth(application.test_client())
    codes = [auth.login(password="wrong-password!").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert auth.login().status_code == 429  # even the right password waits


def test_successful_logins_do_not_use_up_the_limit(make_app, make_user):
    application = make_app(RATELIMIT_ENABLED=True, LMS_LOGIN_RATE_LIMIT="2 per minute")
    make_user()
    from .conftest import Auth

    auth = Auth(application.test_client())
    for _ in range(3):
        assert auth.login().status_code == 302
        auth.logout()


def test_create_user_command(app, runner):
    result = runner.invoke(args=["lms", "create-user", "--email", "boss@example.com", "--name", "Boss",
                                 "--role", "admin", "--password", "admin-password-1"])
    assert result.exit_code == 0, result.output
    assert [(u.email, u.role) for u in users(app)] == [("boss@example.com", "admin")]
    again = runner.invoke(args=["lms", "create-user", "--email", "boss@example.com", "--name", "B", "--password", "admin-password-1"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_demo_accounts_command_prints_logins(app, runner):
    result = runner.invoke(args=["lms", "demo-accounts"])
    assert result.exit_code == 0
    assert "learner@example.com" in result.output and "admin@example.com" in result.output
    assert sorted(u.role for u in users(app)) == ["admin", "author", "learner"]
    assert runner.invoke(args=["lms", "demo-accounts"]).exit_code == 0  # idempotent
    assert len(users(app)) == 3


def test_a_learner_who_finishes_registering_is_welcomed_once(app, auth, client):
    register(auth)
    link = last_link(app, "/account/register/")
    auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
    registration, welcome = outbox(app)
    assert welcome["To"] == "grace@example.com" and welcome["Subject"] == "Welcome to " + app.config["LMS_SCHOOL_NAME"]
    body = welcome.get_content()
    assert body.startswith("Hello Grace Hopper,")
    assert "http://localhost/help" in body and "http://localhost/dashboard" in body
    assert client.get("/help").status_code == 200
    auth.logout()
    auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)  # the used link: no second welcome
    assert [mail["Subject"] for mail in outbox(app)].count(welcome["Subject"]) == 1


def test_nobody_is_welcomed_before_the_address_is_proved(app, auth):
    register(auth)
    assert [mail["Subject"] for mail in outbox(app)] == ["Finish creating your Conductor account"]


def test_the_demo_author_gets_a_course_to_edit_once_content_is_loaded(app, runner, client, auth):
    first = runner.invoke(args=["lms", "demo-accounts"])
    assert "run `flask lms sync`, then this again" in first.output  # nothing loaded yet: says what to do
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    again = runner.invoke(args=["lms", "demo-accounts"])
    assert "The demo author writes 'Intro Course'" in again.output
    auth.login(email="author@example.com", password="author-demo-2026")
    assert client.get("/author/courses/intro-course/").status_code == 200
    assert runner.invoke(args=["lms", "demo-accounts"]).exit_code == 0  # idempotent: still one assignment
    with app.app_context():
        from lms.catalog.models import CourseAuthor

        assert db.session.execute(db.select(db.func.count()).select_from(CourseAuthor)).scalar_one() == 1

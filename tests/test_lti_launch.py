"""LTI launches signed by a stand-in platform: accepted ones log in the platform's user (found by its sub),
tampered ones are refused and change nothing."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from lms.accounts.models import User
from lms.extensions import db
from lms.lti.models import LtiAccount, LtiPlatform

from .lti_support import INSTRUCTOR, KeySetServer, begin, id_token, launch, new_key, register_platform


@pytest.fixture(scope="module")
def platform_key():
    return new_key()


@pytest.fixture()
def key_server(platform_key):
    server = KeySetServer(platform_key)
    yield server
    server.close()


@pytest.fixture()
def platform(app, key_server):
    return register_platform(app, key_server.url)


def accounts(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        return [(u.email, u.name, u.role) for u in db.session.scalars(db.select(User).order_by(User.id))]


def test_a_launch_creates_the_account_and_logs_it_in(app, client, platform, platform_key):
    response = launch(client, platform_key)
    assert response.status_code == 303
    assert accounts(app) == [("lea@example.org", "Léa Platform", "learner")]
    assert client.get("/account/profile").status_code == 200


def test_a_second_launch_finds_the_same_account_by_sub(app, client, platform, platform_key):
    launch(client, platform_key)
    launch(client, platform_key, email="changed@example.org", name="Someone Else")
    assert accounts(app) == [("lea@example.org", "Léa Platform", "learner")]


def test_an_email_of_an_existing_account_never_logs_into_it(app, client, make_user, platform, platform_key):
    make_user(email="lea@example.org", name="Léa Local", role="admin")
    response = launch(client, platform_key)
    assert response.status_code == 303
    found = accounts(app)
    assert found[0] == ("lea@example.org", "Léa Local", "admin")
    assert found[1][0].startswith("lti-") and found[1][0].endswith("@platform.example.org.invalid")
    assert found[1][2] == "learner"
    with app.app_context():
        link = db.session.scalar(db.select(LtiAccount))
        assert link.claimed_email == "lea@example.org"
        assert db.session.get(User, link.user_id).name == "Léa Platform"


def test_roles_map_to_instructor_never_admin(app, client, platform, platform_key):
    admin = "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"
    launch(client, platform_key, sub="teacher", roles=[INSTRUCTOR, admin], email="t@example.org")
    assert accounts(app) == [("t@example.org", "Léa Platform", "instructor")]


def test_the_login_redirect_carries_a_state_and_a_nonce(client, platform):
    response = client.get("/lti/login?iss=https%3A%2F%2Fplatform.example.org&login_hint=x&client_id=conductor-client"
                          "&target_link_uri=http%3A%2F%2Flocalhost%2Flti%2Flaunch")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    query = parse_qs(location.query)
    assert location.netloc == "platform.example.org"
    assert query["redirect_uri"] == ["http://localhost/lti/launch"] and query["nonce"] and query["state"]
    cookie = next(value for name, value in response.headers.items()
                  if name == "Set-Cookie" and value.startswith("lti1p3-state"))
    assert "SameSite=None" in cookie and "Secure" in cookie


def test_an_unknown_platform_cannot_begin(client, platform):
    response = client.post("/lti/login", data={"iss": "https://other.example.org", "login_hint": "x",
                                               "target_link_uri": "http://localhost/lti/launch"})
    assert response.status_code == 400


def refused(app, client, response) -> None:
    assert response.status_code in (400,) and "Launch refused" in response.get_data(as_text=True)
    assert accounts(app) == []
    assert client.get("/account/profile").status_code == 302  # not logged in


def test_a_token_signed_by_another_key_is_refused(app, client, platform):
    refused(app, client, launch(client, new_key()))


def test_a_token_for_another_audience_is_refused(app, client, platform, platform_key):
    refused(app, client, launch(client, platform_key, aud="another-tool"))


def test_an_expired_token_is_refused(app, client, platform, platform_key):
    refused(app, client, launch(client, platform_key, expires_in=-120))


def test_an_unknown_deployment_is_refused(app, client, platform, platform_key):
    refused(app, client, launch(client, platform_key, deployment="deployment-9"))


def test_a_replayed_token_is_refused(app, client, platform, platform_key):
    state, nonce = begin(client)
    token = id_token(platform_key, nonce)
    assert client.post("/lti/launch", data={"state": state, "id_token": token}).status_code == 303
    client.post("/account/logout")  # whatever: the replay must not log in again
    other = app.test_client()
    other.set_cookie(f"lti1p3-{state}", state)
    response = other.post("/lti/launch", data={"state": state, "id_token": token})
    assert response.status_code == 400
    assert other.get("/account/profile").status_code == 302


def test_a_turned_off_platform_is_refused(app, client, platform, platform_key):
    state, nonce = begin(client)
    with app.app_context():
        db.session.get(LtiPlatform, platform).active = False
        db.session.commit()
    refused(app, client, client.post("/lti/launch", data={"state": state, "id_token": id_token(platform_key, nonce)}))


def test_a_turned_off_platform_cannot_begin(app, client, key_server):
    register_platform(app, key_server.url, active=False)
    response = client.post("/lti/login", data={"iss": "https://platform.example.org", "login_hint": "x",
                                               "client_id": "conductor-client",
                                               "target_link_uri": "http://localhost/lti/launch"})
    assert response.status_code == 400


def test_a_launch_without_the_state_cookie_is_refused(app, client, platform, platform_key):
    state, nonce = begin(client)
    other = app.test_client()
    refused(app, other, other.post("/lti/launch", data={"state": state, "id_token": id_token(platform_key, nonce)}))

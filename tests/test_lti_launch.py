"""LTI launches signed by a stand-in platform: accepted ones log in the platform's user (found by its sub),
tampered ones are refused and change nothing."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.accounts.models import User
from lms.extensions import db
from lms.lti.models import LtiAccount, LtiPlatform

from .lti_support import (
    CLIENT_ID,
    INSTRUCTOR,
    KeySetServer,
    begin,
    id_token,
    launch,
    new_key,
    register_platform,
)
from .quiz_support import sync, write_quiz


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


def placeholder(app, platform: int, sub: str = "user-1") -> str:
    from lms.lti.services import placeholder_email

    with app.app_context():
        return placeholder_email(db.session.get(LtiPlatform, platform), sub)


def claimed(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(db.select(LtiAccount.claimed_email).order_by(LtiAccount.id)))


def test_a_launch_creates_the_account_and_logs_it_in(app, client, platform, platform_key):
    response = launch(client, platform_key)
    assert response.status_code == 303
    assert accounts(app) == [(placeholder(app, platform), "Léa Platform", "learner")]
    assert client.get("/account/profile").status_code == 200


def test_a_new_account_never_gets_the_address_the_platform_claims(app, client, platform, platform_key):
    """Unverified: it may be someone else's, whom a later sign-in by address (SSO) would then reach."""
    launch(client, platform_key, email="ceo@example.org")
    [(email, _name, _role)] = accounts(app)
    assert email == placeholder(app, platform)
    assert email.startswith("lti-") and email.endswith("@platform.example.org.invalid")
    assert claimed(app) == ["ceo@example.org"]  # kept for the school's admins to see


def test_a_second_launch_finds_the_same_account_by_sub(app, client, platform, platform_key):
    launch(client, platform_key)
    launch(client, platform_key, email="changed@example.org", name="Someone Else")
    assert accounts(app) == [(placeholder(app, platform), "Léa Platform", "learner")]


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
    assert accounts(app) == [(placeholder(app, platform, "teacher"), "Léa Platform", "instructor")]


def test_a_content_developer_becomes_an_instructor_not_an_author(app, client, platform, platform_key):
    developer = "http://purl.imsglobal.org/vocab/lis/v2/membership#ContentDeveloper"
    response = launch(client, platform_key, sub="developer", roles=[developer])
    assert response.status_code == 303
    assert [role for _email, _name, role in accounts(app)] == ["instructor"]


@pytest.mark.parametrize("mapped", ["author", "admin"])
def test_no_lti_role_gives_more_than_instructor(monkeypatch, mapped):
    from lms.lti import services

    every = [f"http://purl.imsglobal.org/vocab/lis/v2/membership#{name}" for name in services.ROLE_MAP]
    every += ["http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
              "http://purl.imsglobal.org/vocab/lis/v2/system/person#SysAdmin"]
    assert services.lti_role(every) == "instructor"
    monkeypatch.setitem(services.ROLE_MAP, "ContentDeveloper", mapped)  # a future edit of the map
    assert services.lti_role(every) == "instructor"


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


@pytest.mark.parametrize("forged", [
    {"drop": ("exp",)},  # pylti1p3 (PyJWT) checks exp only when present
    {"drop": ("iat",)},
    {"iat": int(time.time()) + 3600},  # issued an hour from now
    {"aud": [CLIENT_ID, "another-tool"]},  # several audiences and no azp
    {"aud": [CLIENT_ID, "another-tool"], "azp": "another-tool"},  # authorised for another client
    {"azp": "another-tool"},
    {"exp": "never"},
])
def test_a_token_missing_or_misusing_a_required_claim_is_refused(app, client, platform, platform_key, forged):
    refused(app, client, launch(client, platform_key, **forged))


@pytest.mark.parametrize("accepted", [
    {"aud": [CLIENT_ID, "another-tool"], "azp": CLIENT_ID},
    {"aud": [CLIENT_ID]},  # a list of one audience: no azp needed
    {"azp": CLIENT_ID},
    {"iat": int(time.time()) + 30},  # a platform's clock a little ahead
])
def test_several_audiences_with_this_tool_as_azp_are_accepted(app, client, platform, platform_key, accepted):
    assert launch(client, platform_key, **accepted).status_code == 303


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


@pytest.fixture()
def synced(app, content_dir):
    """The content tree, with its basics quiz, loaded into the database."""
    write_quiz(content_dir)
    sync(app)
    return app


def quiz_id(app, slug: str = "basics") -> int:
    from lms.quizzes.models import Quiz

    with app.app_context():
        return db.session.scalar(db.select(Quiz.id).filter_by(slug=slug))


def test_a_deep_linked_quiz_opens_and_enrols_the_learner(synced, client, platform, platform_key):
    app = synced
    custom = {"https://purl.imsglobal.org/spec/lti/claim/custom": {"conductor_target": f"quiz:{quiz_id(app)}"}}
    response = launch(client, platform_key, **custom)
    assert response.status_code == 303
    assert response.headers["Location"] == "/courses/intro-course/quiz/basics"
    assert client.get("/courses/intro-course/quiz/basics").status_code == 200
    with app.app_context():
        from lms.progress.models import Enrolment

        assert db.session.scalar(db.select(db.func.count(Enrolment.id))) == 1
    # The same link launched again without the custom parameter opens the recorded item.
    again = launch(app.test_client(), platform_key, sub="user-2", email="other@example.org")
    assert again.headers["Location"] == "/courses/intro-course/quiz/basics"


def test_an_item_of_a_course_this_school_does_not_offer_opens_nothing(synced, client, platform, platform_key):
    custom = {"https://purl.imsglobal.org/spec/lti/claim/custom": {"conductor_target": "quiz:999999"}}
    response = launch(client, platform_key, **custom)
    assert response.status_code == 303 and response.headers["Location"] == "/"


def deep_link_page(client, platform_key, roles=(INSTRUCTOR,)):
    return launch(client, platform_key, sub="teacher", roles=roles, email="t@example.org",
                  message_type="LtiDeepLinkingRequest")


def test_an_instructor_deep_links_a_quiz_with_a_line_item(synced, client, platform, platform_key, key_server):
    import jwt

    app = synced
    response = deep_link_page(client, platform_key)
    assert response.status_code == 303 and response.headers["Location"] == "/lti/deep-link"
    page = client.get("/lti/deep-link").get_data(as_text=True)
    assert "Basics check" in page
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    target = f"quiz:{quiz_id(app)}"
    answer = client.post("/lti/deep-link", data={"csrf_token": token, "target": target})
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert 'action="https://platform.example.org/deep-link-return"' in html
    assert "form-action 'self' https://platform.example.org" in answer.headers["Content-Security-Policy"]
    signed = re.search(r'name="JWT" value="([^"]+)"', html)[1]
    with app.test_request_context():
        jwks = client.get("/lti/jwks.json").get_json()
    key = jwt.PyJWKSet.from_dict(jwks)[jwt.get_unverified_header(signed)["kid"]].key
    claims = jwt.decode(signed, key, algorithms=["RS256"], audience="https://platform.example.org")
    assert claims["iss"] == "conductor-client"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["title"] == "Basics check" and item["custom"] == {"conductor_target": target}
    assert item["lineItem"]["scoreMaximum"] == 100 and item["lineItem"]["resourceId"] == target
    # The request is answered once.
    assert client.get("/lti/deep-link").status_code == 403


def test_a_learner_cannot_deep_link(synced, client, platform, platform_key):
    from .lti_support import LEARNER

    assert deep_link_page(client, platform_key, roles=(LEARNER,)).status_code == 403
    assert client.get("/lti/deep-link").status_code == 403


def test_a_choice_not_in_the_catalog_is_refused(synced, client, platform, platform_key):
    deep_link_page(client, platform_key)
    page = client.get("/lti/deep-link").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    response = client.post("/lti/deep-link", data={"csrf_token": token, "target": "quiz:999999"})
    assert response.status_code == 422 and "Choose one item." in response.get_data(as_text=True)


def cookie_of(response, name: str = "session") -> str:
    return next(value for key, value in response.headers.items() if key == "Set-Cookie" and value.startswith(name + "="))


def test_an_lti_session_may_be_framed_by_its_platform_only(synced, client, platform, platform_key):
    response = launch(client, platform_key)
    cookie = cookie_of(response)
    assert "SameSite=None" in cookie and "Secure" in cookie and "Partitioned" in cookie
    page = client.get("/courses/intro-course/")
    assert "frame-ancestors https://platform.example.org" in page.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in page.headers


def test_an_ordinary_session_stays_lax_and_unframed(synced, client, auth, make_user, platform, platform_key):
    make_user()
    response = auth.login()
    assert "SameSite=Lax" in cookie_of(response)
    page = client.get("/courses/intro-course/")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def link_sub(app, platform: int, sub: str, user_id: int) -> None:
    """What an admin's link (Admin → LTI platforms) does: the platform's ``sub`` logs into this account."""
    with app.app_context():
        db.session.add(LtiAccount(platform_id=platform, sub=sub, user_id=user_id))
        db.session.commit()


def test_an_admins_launch_is_refused_and_leaves_no_framable_session(synced, client, auth, make_user, platform,
                                                                     platform_key):
    app = synced
    link_sub(app, platform, "boss", make_user(email="admin@example.com", name="Adèle Admin", role="admin"))
    auth.login(email="admin@example.com")  # the admin's own session in this browser, too
    response = launch(client, platform_key, sub="boss")
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Administrators of this school open Conductor directly" in page
    assert '<a href="http://localhost/" target="_blank" rel="noopener">Open Conductor in a new tab</a>' in page
    # The refusal alone shows in the platform's frame.
    assert "frame-ancestors https://platform.example.org" in response.headers["Content-Security-Policy"]
    assert all("SameSite=Lax" in value for key, value in response.headers.items()
               if key == "Set-Cookie" and value.startswith("session="))
    after = client.get("/courses/intro-course/")
    assert "frame-ancestors 'none'" in after.headers["Content-Security-Policy"]
    assert after.headers["X-Frame-Options"] == "DENY"
    assert all("SameSite=Lax" in value for key, value in after.headers.items()
               if key == "Set-Cookie" and value.startswith("session="))
    with client.session_transaction() as stored:
        assert "lti_frame" not in stored
    # A learner's launch from the same platform still gets its framable session.
    learner = app.test_client()
    assert "SameSite=None" in cookie_of(launch(learner, platform_key, sub="pupil"))
    assert "X-Frame-Options" not in learner.get("/courses/intro-course/").headers


def test_an_admins_launch_logs_nobody_in(app, client, make_user, platform, platform_key):
    link_sub(app, platform, "boss", make_user(email="admin@example.com", name="Adèle Admin", role="admin"))
    assert launch(client, platform_key, sub="boss").status_code == 403
    assert client.get("/account/profile").status_code == 302


def test_logging_in_the_ordinary_way_after_a_launch_ends_the_framing(synced, client, auth, make_user, platform,
                                                                      platform_key):
    launch(client, platform_key)
    make_user(email="ada@example.com")
    auth.logout()
    response = auth.login(email="ada@example.com")
    assert "SameSite=Lax" in cookie_of(response)
    page = client.get("/courses/intro-course/")
    assert page.headers["X-Frame-Options"] == "DENY"


def test_a_platform_of_another_school_is_unknown_here(app, client, key_server, platform_key):
    from lms.schools.services import create_school, current_school

    with app.test_request_context():
        current_school()
        other = create_school("other", "Other School", ["other.example.org"])
        db.session.commit()
        register_platform(app, key_server.url, school=other)
    response = client.post("/lti/login", data={"iss": "https://platform.example.org", "login_hint": "x",
                                               "client_id": "conductor-client",
                                               "target_link_uri": "http://localhost/lti/launch"})
    assert response.status_code == 400
    assert launch(app.test_client(), platform_key, host="other.example.org").status_code == 303
    with app.app_context():
        assert [user.school_id for user in db.session.scalars(db.select(User))] == [other_id(app)]


def other_id(app) -> int:
    from lms.schools.models import School

    return db.session.scalar(db.select(School.id).filter_by(slug="other"))


def test_a_deep_linking_request_is_the_launching_teachers_only(synced, client, auth, make_user, platform, platform_key):
    deep_link_page(client, platform_key)
    make_user(email="ada@example.com", role="instructor")
    with client.session_transaction() as stored:
        waiting = stored["lti_deep_link"]
    auth.logout()
    auth.login(email="ada@example.com")
    with client.session_transaction() as stored:
        stored["lti_deep_link"] = waiting  # the request left in the browser's session
    assert client.get("/lti/deep-link").status_code == 403


def test_a_launch_naming_no_user_is_refused(app, client, platform, platform_key):
    refused(app, client, launch(client, platform_key, sub=""))


def test_two_first_launches_of_one_user_make_one_account(app, platform, monkeypatch):
    from lms.lti import services
    from lms.schools.services import current_school

    claims = {"sub": "same", "name": "Léa Platform", "email": "lea@example.org"}
    with app.test_request_context():
        row = db.session.get(LtiPlatform, platform)
        first, made = services.account_for(row, claims, current_school())
        db.session.commit()
        # The other worker's launch read no link before this one committed: its account and link are undone.
        original = services._linked
        calls = []
        monkeypatch.setattr(services, "_linked",
                            lambda *args: calls.append(1) or (None if len(calls) == 1 else original(*args)))
        second, made_again = services.account_for(row, claims, current_school())
        db.session.commit()
        assert made and not made_again and second.id == first.id
    assert accounts(app) == [(placeholder(app, platform, "same"), "Léa Platform", "learner")]

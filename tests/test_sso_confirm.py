"""An account without a password (made by single sign-on) exercises its rights: it confirms it is you by signing in
again at its school's provider (the independent oidc-provider, tests/sso_support.py), and for 5 minutes the data
export, the deletion request, the e-mail change and logging out of other devices take that confirmation
instead of the password. Without it, or with another person's identity, nothing is done."""
from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import requests

from lms.accounts.models import User
from lms.extensions import db
from lms.privacy.models import DeletionRequest

from .conftest import Auth
from .sso_support import local, log_in_at_provider, oidc_provider, register_provider, sign_in  # noqa: F401

CONFIRM = "Confirm it is you: Sign in with Université A"
NO_CONFIRMATION = "first confirm it is you with your school"


def profile_name(client) -> str | None:
    response = client.get("/account/profile")
    if response.status_code != 200:
        return None
    return re.search(r'name="name"[^>]*value="([^"]*)"', response.get_data(as_text=True)).group(1)


def exercise_rights(app, client) -> dict[str, int]:
    """Post the three forms without a password: each answer's status (the export's is 200 only with the ZIP)."""
    token = Auth(client).csrf("/account/data/")
    export = client.post("/account/data/export", data={"csrf_token": token})
    assert export.status_code != 200 or export.mimetype == "application/zip"
    deletion = client.post("/account/data/delete", data={"csrf_token": token, "delete-reason": "Leaving"})
    outbox = app.extensions["lms"]["outbox"]
    before = len(outbox)
    email = client.post("/account/profile/email", data={"csrf_token": token, "email": "grace.new@example.org"})
    assert (email.status_code == 302) == (len(outbox) == before + 1)  # the link is mailed only when accepted
    for response in (export, deletion, email):
        if response.status_code == 400:
            assert NO_CONFIRMATION in response.get_data(as_text=True)
    return {"export": export.status_code, "delete": deletion.status_code, "email": email.status_code}


def deletion_requests(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(db.select(DeletionRequest.state)).scalars())


def start_confirmation(client, provider_id: int, next_path: str = "/account/data/") -> str:
    """Click "Confirm it is you" on the page: the provider's address the browser is sent to."""
    page = client.get(next_path).get_data(as_text=True)
    assert CONFIRM in page
    response = client.post(f"/account/sso/{provider_id}/confirm",
                           data={"csrf_token": Auth(client).csrf(next_path), "next": next_path})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"]


def test_an_account_without_a_password_confirms_with_its_provider_then_exercises_its_rights(app, oidc_provider,
                                                                                             request):
    provider = oidc_provider()
    provider_id = register_provider(app, provider, creates_accounts=True)
    at_provider = requests.Session()  # Grace's browser keeps its session at the provider
    request.addfinalizer(at_provider.close)
    client = app.test_client()
    asked: list[str] = []
    start = client.get(f"/account/sso/{provider_id}")
    assert client.get(local(log_in_at_provider(start.headers["Location"], "grace@example.org", at_provider, asked))
                      ).status_code == 302
    assert asked == ["grace@example.org"] and profile_name(client) == "Grace Hopper"

    # The pages offer the provider instead of a password field; without a confirmation, nothing is done.
    for path in ("/account/data/", "/account/profile"):
        page = client.get(path).get_data(as_text=True)
        assert CONFIRM in page and 'type="password"' not in page, path
    assert exercise_rights(app, client) == {"export": 400, "delete": 400, "email": 400}
    assert deletion_requests(app) == []

    # A plain sign-in is not asked to log in again (the provider remembers Grace); a confirmation is.
    start = client.get(f"/account/sso/{provider_id}")
    assert client.get(local(log_in_at_provider(start.headers["Location"], "grace@example.org", at_provider, asked))
                      ).status_code == 302
    assert asked == ["grace@example.org"]
    outgoing = start_confirmation(client, provider_id)
    query = parse_qs(urlsplit(outgoing).query)
    assert (query["prompt"], query["max_age"]) == (["login"], ["0"])
    back = client.get(local(log_in_at_provider(outgoing, "grace@example.org", at_provider, asked)))
    assert asked == ["grace@example.org"] * 2  # the provider asked Grace to log in again
    assert back.status_code == 302 and back.headers["Location"] == "/account/data/"
    page = client.get("/account/data/").get_data(as_text=True)
    assert "you can go on without a password" in page and CONFIRM not in page

    assert exercise_rights(app, client) == {"export": 200, "delete": 302, "email": 302}
    assert deletion_requests(app) == ["pending"]

    # Five minutes later, the confirmation no longer counts.
    with client.session_transaction() as session:
        mark = session["lms_reauth"]
        session["lms_reauth"] = {**mark, "at": mark["at"] - 301}
    token = Auth(client).csrf("/account/data/")
    late = client.post("/account/data/export", data={"csrf_token": token})
    assert late.status_code == 400 and NO_CONFIRMATION in late.get_data(as_text=True)


def test_a_confirmation_with_another_persons_identity_changes_nothing(app, oidc_provider):
    provider = oidc_provider()
    provider_id = register_provider(app, provider, creates_accounts=True)
    ada = app.test_client()
    assert sign_in(ada, provider_id, "ada@example.org")[0].status_code == 302  # Ada's account, linked to sub-ada
    grace = app.test_client()
    assert sign_in(grace, provider_id, "grace@example.org")[0].status_code == 302

    for login in ("ada@example.org", "mallory@example.org"):  # linked to another account; linked to nobody
        response = grace.get(local(log_in_at_provider(start_confirmation(grace, provider_id), login)))
        assert response.status_code == 403, login
        page = response.get_data(as_text=True)
        assert "Confirmation refused" in page and "someone other than the person linked" in page
        assert "Nothing was changed" in page
        assert profile_name(grace) == "Grace Hopper"  # still Grace, never Ada
        assert exercise_rights(app, grace) == {"export": 400, "delete": 400, "email": 400}
    assert deletion_requests(app) == []
    with app.app_context():
        assert sorted(db.session.execute(db.select(User.email)).scalars()) == ["ada@example.org", "grace@example.org"]


def test_a_confirmation_counts_only_for_the_log_in_that_asked_and_a_fresh_sign_in(app, oidc_provider):
    provider = oidc_provider()
    provider_id = register_provider(app, provider, creates_accounts=True)
    client = app.test_client()
    assert sign_in(client, provider_id, "grace@example.org")[0].status_code == 302

    # The provider says Grace signed in before the confirmation began (auth_time): no confirmation.
    outgoing = start_confirmation(client, provider_id)
    with client.session_transaction() as session:
        pending = session["lms_sso"]
        session["lms_sso"] = [*pending[:-1], {**pending[-1], "at": pending[-1]["at"] + 120}]
    response = client.get(local(log_in_at_provider(outgoing, "grace@example.org")))
    assert response.status_code == 400 and "did not ask you to sign in again" in response.get_data(as_text=True)
    assert exercise_rights(app, client)["export"] == 400

    # A confirmation started before a log-out and a new log-in does not count for the new one.
    outgoing = start_confirmation(client, provider_id)
    client.post("/account/logout", data={"csrf_token": Auth(client).csrf("/")})
    assert sign_in(client, provider_id, "grace@example.org")[0].status_code == 302
    response = client.get(local(log_in_at_provider(outgoing, "grace@example.org")))
    assert response.status_code == 403 and "started by another log-in" in response.get_data(as_text=True)
    assert exercise_rights(app, client) == {"export": 400, "delete": 400, "email": 400}
    assert deletion_requests(app) == []


def test_an_account_with_a_password_is_always_asked_for_it(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    client = app.test_client()
    assert sign_in(client, provider_id, "ada@example.org")[0].status_code == 302  # linked, and with a password
    page = client.get("/account/data/").get_data(as_text=True)
    assert CONFIRM not in page and 'type="password"' in page
    token = Auth(client).csrf("/account/data/")
    assert client.post(f"/account/sso/{provider_id}/confirm", data={"csrf_token": token}).status_code == 404
    with client.session_transaction() as session:  # even a confirmation recorded for this log-in is not enough
        user_id, login = session["_user_id"].split(".")
        session["lms_reauth"] = {"user": int(user_id), "login": login, "at": int(time.time())}
    assert client.post("/account/data/export", data={"csrf_token": token}).status_code == 400
    assert client.post("/account/data/delete", data={"csrf_token": token}).status_code == 400
    assert deletion_requests(app) == []


def test_an_account_without_a_password_logs_out_another_device_once_confirmed(app, oidc_provider):
    from .test_sessions import session_choices

    provider = oidc_provider()
    provider_id = register_provider(app, provider, creates_accounts=True)
    laptop, phone = app.test_client(), app.test_client()
    assert sign_in(laptop, provider_id, "grace@example.org")[0].status_code == 302
    assert sign_in(phone, provider_id, "grace@example.org")[0].status_code == 302
    page = laptop.get("/account/sessions").get_data(as_text=True)
    assert CONFIRM in page and 'type="password"' not in page
    assert "Changing your password ends" not in page  # it has none to change
    [other] = session_choices(page)

    refused = laptop.post("/account/sessions", data={"csrf_token": Auth(laptop).csrf("/account/sessions"),
                                                      "which": other})
    assert NO_CONFIRMATION in refused.get_data(as_text=True)
    assert phone.get("/dashboard").status_code == 200  # still logged in there

    back = laptop.get(local(log_in_at_provider(start_confirmation(laptop, provider_id, "/account/sessions"),
                                               "grace@example.org")))
    assert back.status_code == 302 and back.headers["Location"] == "/account/sessions"
    ended = laptop.post("/account/sessions", data={"csrf_token": Auth(laptop).csrf("/account/sessions"),
                                                    "which": other})
    assert ended.status_code == 302
    assert phone.get("/dashboard").status_code == 302  # sent to log in
    assert laptop.get("/dashboard").status_code == 200


def test_an_account_without_a_password_is_offered_to_set_one_not_to_change_it(app, oidc_provider):
    """It has no current password to give: the password page sends it to the e-mailed link that sets one."""
    provider_id = register_provider(app, oidc_provider(), creates_accounts=True)
    client = app.test_client()
    assert sign_in(client, provider_id, "grace@example.org")[0].status_code == 302
    page = client.get("/account/password").get_data(as_text=True)
    assert "Current password" not in page and 'href="/account/reset"' in page
    assert "Get a link to set a password" in page
    for path in ("/account/profile", "/account/sessions"):
        page = client.get(path).get_data(as_text=True)
        assert "Set a password" in page and "Change your password" not in page, path


def test_an_account_with_a_password_still_changes_it(app, make_user, auth):
    make_user()
    auth.login()
    assert "Current password" in auth.client.get("/account/password").get_data(as_text=True)
    assert "Change your password" in auth.client.get("/account/profile").get_data(as_text=True)


def test_the_pages_with_a_confirmation_button_let_their_form_reach_the_provider(app, oidc_provider):
    """The button's POST answers with a redirect to the provider's authorization endpoint, and a page's
    form-action covers its forms' redirects: each page offering the button names that origin, no other page does."""
    provider = oidc_provider()
    provider_id = register_provider(app, provider, creates_accounts=True)
    client = app.test_client()
    assert sign_in(client, provider_id, "grace@example.org")[0].status_code == 302
    assert sign_in(app.test_client(), provider_id, "grace@example.org")[0].status_code == 302  # another device
    issuer = urlsplit(provider.issuer)
    for path in ("/account/data/", "/account/profile", "/account/sessions"):
        response = client.get(path)
        assert CONFIRM in response.get_data(as_text=True), path
        policy = response.headers["Content-Security-Policy"]
        assert f"form-action 'self' {issuer.scheme}://{issuer.netloc};" in policy, (path, policy)
    assert "form-action 'self';" in client.get("/dashboard").headers["Content-Security-Policy"]

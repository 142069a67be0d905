"""Accounts a school makes for someone (a cohort import, an admission): no password opens them until their
owner chooses one through the mailed invitation link, which works once."""
from __future__ import annotations

import time

from lms.accounts import messages, services
from lms.extensions import db

from .conftest import PASSWORD, last_link


def invite(app, email="nour@example.com", name="Nour Haddad", locale=None):
    with app.test_request_context("/"):
        user = services.create_invited_user(email, name, locale=locale)
        db.session.commit()
        messages.invitation(user, "You are in the May intake.")
        return user.id


def test_an_invited_account_opens_with_no_password_until_its_owner_chooses_one(app, client, auth):
    invite(app)
    for password in ("", "!invited", "invited", PASSWORD):
        assert auth.login("nour@example.com", password).status_code == 200  # the form again: refused
    [mail] = app.extensions["lms"]["outbox"]
    assert mail["To"] == "nour@example.com" and "You are in the May intake." in mail.get_content()
    link = last_link(app, "/account/welcome/")
    page = client.get(link).get_data(as_text=True)
    assert "nour@example.com" in page
    response = auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert client.get("/dashboard").status_code == 200  # logged in
    auth.logout()
    assert auth.login("nour@example.com", PASSWORD).status_code == 302


def test_the_invitation_works_once(app, client, auth):
    invite(app)
    link = last_link(app, "/account/welcome/")
    auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
    auth.logout()
    response = client.get(link)
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already been used" in page
    # Replaying the form with another password changes nothing.
    client.post(link, data={"password": "another-password-1", "confirm": "another-password-1"})
    assert auth.login("nour@example.com", "another-password-1").status_code == 200


def test_a_forged_or_expired_invitation_is_refused(make_app):
    app = make_app(LMS_INVITATION_MAX_AGE=1)
    client = app.test_client()
    invite(app)
    link = last_link(app, "/account/welcome/")
    forged = client.get(link[:-3] + "abc")
    assert forged.status_code == 302
    assert "not valid" in client.get(forged.headers["Location"]).get_data(as_text=True)
    time.sleep(2.1)
    expired = client.get(link)
    assert "has expired" in client.get(expired.headers["Location"]).get_data(as_text=True)


def test_the_invitation_mail_is_in_the_accounts_language(app):
    invite(app, locale="fr")
    mail = app.extensions["lms"]["outbox"][-1]
    assert "pour choisir votre mot de passe" in mail.get_content() and mail["Subject"].startswith("Votre compte chez")


def test_an_address_with_an_account_is_not_invited_twice(app):
    invite(app)
    with app.test_request_context("/"):
        try:
            services.create_invited_user("NOUR@example.com ", "Someone Else")
        except services.AccountError as error:
            assert "already exists" in str(error)
        else:
            raise AssertionError("a second account was made for one address")

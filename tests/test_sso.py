"""Single sign-on with OpenID Connect per school, against an independent provider (panva's oidc-provider) on
loopback: a provider of school A signs people in to A and never to B; accounts are linked, made or refused by the
school's rules; a tampered answer opens nothing; with local passwords off only administrators keep a password."""
from __future__ import annotations

import base64
import hashlib
import re
import secrets
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.extensions import db
from lms.schools import services as schools
from lms.schools.models import School
from lms.sso import oidc
from lms.sso import services as sso
from lms.sso.models import IdentityLink, IdentityProvider

from .conftest import PASSWORD, Auth
from .sso_support import (B_HOST, CLIENT_ID, OTHER_CALLBACK, OTHER_CLIENT_ID, OTHER_CLIENT_SECRET, local,
                          log_in_at_provider, oidc_provider, register_provider, sign_in)  # noqa: F401

A_URL, B_URL = "http://localhost", f"http://{B_HOST}"


def make_school_b(app) -> int:
    with app.test_request_context("/"):
        school = schools.create_school("ecole-b", "École B", [B_HOST])
        accounts.create_user("admin@example.com", "Bérénice Faure", PASSWORD, "admin", school=school)
        accounts.create_user("ada@example.org", "Ada at B", PASSWORD, school=school)
        db.session.commit()
        return school.id


def user_named(app, email: str, school_slug: str | None = None) -> User | None:
    with app.app_context():
        query = db.select(User).filter_by(email=email)
        if school_slug:
            query = query.join(School, School.id == User.school_id).where(School.slug == school_slug)
        user = db.session.execute(query).scalar_one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


def links(app) -> list[tuple[str, int, str]]:
    with app.app_context():
        return [(row.sub, row.user_id, row.email) for row in
                db.session.execute(db.select(IdentityLink).order_by(IdentityLink.id)).scalars()]


def logged_in_as(client, base_url=A_URL) -> str | None:
    """The name the profile page shows, or None when the client is not logged in there."""
    response = client.get("/account/profile", base_url=base_url)
    if response.status_code != 200:
        return None
    return re.search(r'name="name"[^>]*value="([^"]*)"', response.get_data(as_text=True)).group(1)


def test_a_learner_of_school_a_signs_in_with_the_provider_and_never_at_school_b(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    make_school_b(app)
    provider_id = register_provider(app, provider, links_by_email=True)
    client = app.test_client()

    page = client.get("/account/login", base_url=A_URL).get_data(as_text=True)
    assert "Sign in with Université A" in page and f'href="/account/sso/{provider_id}"' in page
    assert "Sign in with Université A" not in client.get("/account/login", base_url=B_URL).get_data(as_text=True)
    assert client.get(f"/account/sso/{provider_id}", base_url=B_URL).status_code == 404

    response, _back = sign_in(client, provider_id, "ada@example.org", next_path="/account/sso/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/sso/"
    assert logged_in_as(client) == "Ada Lovelace"
    ada_a = user_named(app, "ada@example.org", "default")
    assert links(app) == [("sub-ada", ada_a.id, "ada@example.org")]
    assert "Sign in with Université A" in client.get("/account/sso/", base_url=A_URL).get_data(as_text=True)
    assert logged_in_as(client, B_URL) is None  # Ada's account at B (same address) was not touched

    # A sign-in started at A, whose answer is replayed on B's host with A's session cookie: refused, nobody logged in.
    thief = app.test_client()
    started = thief.get(f"/account/sso/{provider_id}", base_url=A_URL)
    back = log_in_at_provider(started.headers["Location"], "ada@example.org")
    thief.set_cookie("session", thief.get_cookie("session").value, domain=B_HOST)
    refused = thief.get(local(back), base_url=B_URL)
    assert refused.status_code == 400 and "started on another site" in refused.get_data(as_text=True)
    assert logged_in_as(thief, B_URL) is None


def test_a_first_sign_in_makes_the_account_and_the_next_finds_it_by_sub_after_an_address_change(app, oidc_provider):
    provider = oidc_provider()
    provider_id = register_provider(app, provider, creates_accounts=True)
    client = app.test_client()
    response, _back = sign_in(client, provider_id, "grace@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"
    grace = user_named(app, "grace@example.org")
    assert (grace.name, grace.role, grace.password_hash) == ("Grace Hopper", "learner", accounts.NO_PASSWORD)
    with app.app_context():
        assert db.session.get(School, grace.school_id).slug == "default"
    client.post("/account/logout", data={"csrf_token": Auth(client).csrf("/")})
    assert logged_in_as(client) is None

    provider.change_account(sub="sub-grace", email="grace.hopper@example.org")
    response, _back = sign_in(app.test_client(), provider_id, "grace.hopper@example.org",
                              next_path="https://evil.example/")
    assert response.status_code == 302 and response.headers["Location"] == "/dashboard"  # never another site
    assert links(app) == [("sub-grace", grace.id, "grace.hopper@example.org")]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 1


def test_an_unverified_address_links_no_account_and_no_rule_makes_one(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="mallory@example.org", name="Mallory Martin")
    provider_id = register_provider(app, provider, links_by_email=True)
    client = app.test_client()
    response, _back = sign_in(client, provider_id, "mallory@example.org")
    assert response.status_code == 403
    assert "does not say the address is verified" in response.get_data(as_text=True)
    response, _back = sign_in(client, provider_id, "grace@example.org")  # no account, and this provider makes none
    assert response.status_code == 403 and "No account at this school is linked to you" in response.get_data(as_text=True)
    assert logged_in_as(client) is None and links(app) == []


def test_a_verified_address_links_a_learner_but_never_a_staff_account(app, make_user, oidc_provider):
    """A provider that may link by e-mail (misconfigured, or hostile) says an administrator's address is verified:
    the administrator's account is neither opened nor linked, whatever the staff role."""
    provider = oidc_provider()
    ada = make_user(email="ada@example.org", name="Ada Lovelace")
    grace = make_user(email="grace@example.org", name="Grace Hopper", role="admin")
    provider_id = register_provider(app, provider, links_by_email=True, creates_accounts=True)
    learner = app.test_client()
    assert sign_in(learner, provider_id, "ada@example.org")[0].status_code == 302
    assert logged_in_as(learner) == "Ada Lovelace" and links(app) == [("sub-ada", ada, "ada@example.org")]
    for role, platform_admin in (("admin", False), ("instructor", False), ("author", False), ("learner", True)):
        with app.app_context():
            user = db.session.get(User, grace)
            user.role, user.platform_admin = role, platform_admin
            db.session.commit()
        client = app.test_client()
        response, _back = sign_in(client, provider_id, "grace@example.org")
        assert response.status_code == 403, role
        assert "staff accounts are never linked" in response.get_data(as_text=True)
        assert logged_in_as(client) is None and links(app) == [("sub-ada", ada, "ada@example.org")]
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 2  # no account made either


def test_an_address_match_without_the_linking_rule_is_refused(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, creates_accounts=True)  # creates, but may not link
    client = app.test_client()
    response, _back = sign_in(client, provider_id, "ada@example.org")
    assert response.status_code == 403 and "not linked to this provider" in response.get_data(as_text=True)
    assert logged_in_as(client) is None and links(app) == []


def test_a_deactivated_account_stays_refused(app, make_user, oidc_provider):
    provider = oidc_provider()
    ada = make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    assert sign_in(app.test_client(), provider_id, "ada@example.org")[0].status_code == 302
    with app.app_context():
        db.session.get(User, ada).active = False
        db.session.commit()
    client = app.test_client()
    response, _back = sign_in(client, provider_id, "ada@example.org")
    assert response.status_code == 403 and "deactivated" in response.get_data(as_text=True)
    assert logged_in_as(client) is None


def test_a_wrong_state_or_a_replayed_answer_opens_nothing(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    client = app.test_client()
    started = client.get(f"/account/sso/{provider_id}")
    back = log_in_at_provider(started.headers["Location"], "ada@example.org")
    query = parse_qs(urlsplit(back).query)
    forged = client.get("/account/sso/callback?" + urlencode({"code": query["code"][0], "state": "forged"}))
    assert forged.status_code == 400 and logged_in_as(client) is None
    before = client.get_cookie("session").value  # the session cookie that still holds the sign-in under way
    assert client.get(local(back)).status_code == 302  # the genuine answer still works, once
    assert client.get(local(back)).status_code == 400  # its state is spent in this browser
    replay = app.test_client()
    replay.set_cookie("session", before)  # a copy of the older cookie brings the state back: the code is spent
    response = replay.get(local(back))
    assert response.status_code == 400 and "invalid_grant" in response.get_data(as_text=True)
    assert logged_in_as(replay) is None


def test_an_answer_from_another_issuer_is_refused(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    client = app.test_client()
    started = client.get(f"/account/sso/{provider_id}")
    back = log_in_at_provider(started.headers["Location"], "ada@example.org")
    mixed = re.sub(r"iss=[^&]+", "iss=https%3A%2F%2Fevil.example", local(back))
    response = client.get(mixed)
    assert response.status_code == 400 and logged_in_as(client) is None


def other_applications_id_token(issuer: str, nonce: str) -> str:
    """An id_token the provider issued to another application (its own client, its own code exchange)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    url = issuer + "/auth?" + urlencode({"client_id": OTHER_CLIENT_ID, "response_type": "code", "scope": "openid email",
                                         "redirect_uri": OTHER_CALLBACK, "state": "s", "nonce": nonce,
                                         "code_challenge": challenge, "code_challenge_method": "S256"})
    code = parse_qs(urlsplit(log_in_at_provider(url, "ada@example.org")).query)["code"][0]
    with requests.post(issuer + "/token", data={"grant_type": "authorization_code", "code": code,
                                                "redirect_uri": OTHER_CALLBACK, "code_verifier": verifier},
                       auth=(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET), timeout=10) as response:
        return response.json()["id_token"]


def test_an_id_token_for_another_audience_a_wrong_nonce_or_a_forged_signature_is_refused(app, oidc_provider):
    provider = oidc_provider()
    token = other_applications_id_token(provider.issuer, "the-nonce")
    mine = oidc.Client(provider.issuer, CLIENT_ID, "unused", "openid")
    theirs = oidc.Client(provider.issuer, OTHER_CLIENT_ID, "unused", "openid")
    with app.app_context():
        assert oidc.validate_id_token(theirs, token, "the-nonce")["sub"] == "sub-ada"  # genuine for its audience
        with pytest.raises(oidc.SignInFailed, match="another application"):
            oidc.validate_id_token(mine, token, "the-nonce")
        with pytest.raises(oidc.SignInFailed, match="nonce"):
            oidc.validate_id_token(theirs, token, "another-nonce")
        header, payload, signature = token.split(".")
        forged_payload = base64.urlsafe_b64encode(
            base64.urlsafe_b64decode(payload + "==").replace(b"sub-ada", b"sub-eve")).rstrip(b"=").decode()
        with pytest.raises(oidc.SignInFailed, match="not signed"):
            oidc.validate_id_token(theirs, ".".join((header, forged_payload, signature)), "the-nonce")


def admin_client(app, email="admin@example.com", base_url=A_URL) -> Auth:
    auth = Auth(app.test_client())
    response = auth.client.post("/account/login", base_url=base_url,
                                data={"email": email, "password": PASSWORD,
                                      "csrf_token": auth.csrf("/account/login") if base_url == A_URL else
                                      _csrf_on(auth, base_url)})
    assert response.status_code == 302
    return auth


def _csrf_on(auth: Auth, base_url: str, path: str = "/account/login") -> str:
    page = auth.client.get(path, base_url=base_url).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def test_an_admin_registers_a_provider_only_when_its_discovery_names_the_same_issuer(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    admin = admin_client(app)
    form = admin.client.get("/admin/sso/new").get_data(as_text=True)
    assert "http://localhost/account/sso/callback" in form  # the redirect URI to register at the provider
    values = {"label": "Sign in with Université A", "client_id": CLIENT_ID, "client_secret": "s3cret",
              "scopes": "openid email profile"}
    wrong = admin.post("/admin/sso/new", {**values, "issuer": provider.issuer + "/elsewhere"}, token_from="/admin/sso/new")
    assert wrong.status_code == 422 and "HTTP 404" in wrong.get_data(as_text=True)
    no_openid = admin.post("/admin/sso/new", {**values, "issuer": provider.issuer, "scopes": "email"},
                           token_from="/admin/sso/new")
    assert no_openid.status_code == 422 and "must include openid" in no_openid.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(IdentityProvider)) == 0
    saved = admin.post("/admin/sso/new", {**values, "issuer": provider.issuer + "/"}, token_from="/admin/sso/new")
    assert saved.status_code == 302
    with app.app_context():
        row = db.session.execute(db.select(IdentityProvider)).scalar_one()
        assert (row.issuer, row.client_id, row.active) == (provider.issuer, CLIENT_ID, True)  # as discovery names it
        provider_id, version = row.id, row.version
    # An edit keeps the secret when the field is left empty, and its new settings apply at once (a new version).
    edited = admin.post(f"/admin/sso/{provider_id}", {**values, "client_secret": "", "issuer": provider.issuer,
                                                      "label": "Université A"}, token_from=f"/admin/sso/{provider_id}")
    assert edited.status_code == 302
    with app.app_context():
        row = db.session.get(IdentityProvider, provider_id)
        assert (row.label, row.version) == ("Université A", version + 1)
        assert sso.client_for(row).client_secret == "s3cret"
        assert "s3cret" not in row.client_secret  # sealed in the database


def test_an_admin_of_school_b_neither_sees_nor_changes_school_a_providers(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_school_b(app)
    provider_id = register_provider(app, provider)
    admin_b = admin_client(app, base_url=B_URL)
    assert "Université A" not in admin_b.client.get("/admin/sso/", base_url=B_URL).get_data(as_text=True)
    assert admin_b.client.get(f"/admin/sso/{provider_id}", base_url=B_URL).status_code == 404
    token = _csrf_on(admin_b, B_URL, "/admin/sso/")
    assert admin_b.client.post(f"/admin/sso/{provider_id}/active", base_url=B_URL,
                               data={"csrf_token": token, "active": "0"}).status_code == 404
    with app.app_context():
        assert db.session.get(IdentityProvider, provider_id).active is True


def test_with_local_passwords_off_only_administrators_keep_a_password(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    make_user(email="ada@example.org", name="Ada Lovelace")
    admin = admin_client(app)
    refused = admin.post("/admin/sso/passwords", {}, token_from="/admin/sso/")
    assert refused.status_code == 422 and "before turning local passwords off" in refused.get_data(as_text=True)
    provider_id = register_provider(app, provider, links_by_email=True)
    assert admin.post("/admin/sso/passwords", {}, token_from="/admin/sso/").status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(School.local_passwords)).scalar_one() is False

    visitor = Auth(app.test_client())
    page = visitor.client.get("/account/login").get_data(as_text=True)
    assert 'name="password"' not in page and "Sign in with Université A" in page
    assert 'name="password"' in visitor.client.get("/account/login?staff=1").get_data(as_text=True)
    learner = visitor.login(email="ada@example.org")
    assert learner.status_code == 200 and "Passwords are off at this school" in learner.get_data(as_text=True)
    assert logged_in_as(visitor.client) is None
    assert visitor.client.get("/account/register").status_code == 403
    app.extensions["lms"]["outbox"].clear()
    visitor.post("/account/reset", {"email": "ada@example.org"}, token_from="/account/reset")
    assert app.extensions["lms"]["outbox"] == []  # no reset link for a learner
    visitor.post("/account/reset", {"email": "admin@example.com"}, token_from="/account/reset")
    assert len(app.extensions["lms"]["outbox"]) == 1  # the admin can still repair their own access
    assert Auth(app.test_client()).login(email="admin@example.com").status_code == 302
    assert sign_in(visitor.client, provider_id, "ada@example.org")[0].status_code == 302  # the provider still works
    assert visitor.client.get("/account/password").status_code == 403

    # The school's only active provider cannot be deactivated while passwords are off.
    admin.post(f"/admin/sso/{provider_id}/active", {"active": "0"}, token_from="/admin/sso/")
    with app.app_context():
        assert db.session.get(IdentityProvider, provider_id).active is True


def test_a_learner_sees_the_linked_provider_and_an_admin_unlinks_it(app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    learner = app.test_client()
    assert sign_in(learner, provider_id, "ada@example.org")[0].status_code == 302
    assert "Sign in with Université A (as ada@example.org)" in learner.get("/account/sso/").get_data(as_text=True)
    admin = admin_client(app)
    listing = admin.client.get(f"/admin/sso/{provider_id}?q=ada").get_data(as_text=True)
    link_id = re.search(r'/admin/sso/links/(\d+)/remove', listing).group(1)
    assert admin.post(f"/admin/sso/links/{link_id}/remove", token_from=f"/admin/sso/{provider_id}").status_code == 302
    assert links(app) == []
    assert "linked to no identity provider" in learner.get("/account/sso/").get_data(as_text=True)


def test_a_provider_with_linked_accounts_keeps_its_issuer(app, make_user, oidc_provider):
    """A ``sub`` names a person at one issuer only: at another, the same ``sub`` is someone else."""
    first, second = oidc_provider(), oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, first, links_by_email=True)
    assert sign_in(app.test_client(), provider_id, "ada@example.org")[0].status_code == 302
    with app.test_request_context("/"):
        row = db.session.get(IdentityProvider, provider_id)
        with pytest.raises(sso.ProviderRefused, match="issuer cannot change"):
            sso.save_provider(schools.current_school(), row, label=row.label, issuer=second.issuer,
                              client_id=CLIENT_ID, client_secret=None, scopes=row.scopes, creates_accounts=False,
                              links_by_email=True)


def test_links_are_exported_and_erased_with_the_account(app, make_user, oidc_provider):
    from lms.privacy.erasure import erase_account
    from lms.privacy.export import collect

    provider = oidc_provider()
    admin_id = make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    ada = make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    assert sign_in(app.test_client(), provider_id, "ada@example.org")[0].status_code == 302
    with app.test_request_context("/"):
        user = db.session.get(User, ada)
        exported = collect(user, schools.current_school())["identity_links"]
        assert [(row["provider"], row["subject"], row["email"]) for row in exported] == [
            ("Sign in with Université A", "sub-ada", "ada@example.org")]
        erase_account(user, db.session.get(User, admin_id))
        db.session.commit()
    assert links(app) == []
    client = app.test_client()  # the provider's identity is a stranger now
    assert sign_in(client, provider_id, "ada@example.org")[0].status_code == 403


def test_a_secret_sealed_under_another_site_key_refuses_the_sign_in_with_a_message(app, make_app, make_user, oidc_provider):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)
    rekeyed = make_app(SECRET_KEY="another-site-key")  # LMS_SECRET_KEY changed since the secret was sealed
    response = rekeyed.test_client().get(f"/account/sso/{provider_id}")
    assert response.status_code == 502 and "must enter it again" in response.get_data(as_text=True)


def test_the_discovery_document_and_the_keys_are_read_once_and_then_cached(app, make_user, oidc_provider, monkeypatch):
    provider = oidc_provider()
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(app, provider, links_by_email=True)  # reads the discovery document
    fetched = []
    read = oidc._get_json

    def counted(url):
        fetched.append(url.removeprefix(provider.issuer))
        return read(url)

    monkeypatch.setattr(oidc, "_get_json", counted)
    for _attempt in range(2):
        assert sign_in(app.test_client(), provider_id, "ada@example.org")[0].status_code == 302
    assert fetched == ["/jwks"]  # the keys once for both sign-ins; the document from the registration's read

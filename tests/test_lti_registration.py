"""LTI Dynamic Registration: a GET shows what would be registered and changes nothing; the admin's POST (with
its CSRF token) registers; outside the platform's frame's reach, a page sends the admin to a tab of their own;
a registration never takes over or overwrites one Conductor has already. The platform is a stand-in here
(tests/test_lti_end_to_end.py drives the independent one)."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from lms.extensions import db
from lms.lti import register_routes
from lms.lti.models import LtiPlatform

ISSUER = "https://platform.example.org"
CONFIG_URL = ISSUER + "/.well-known/openid-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REGISTER = "/lti/register?" + urlencode({"openid_configuration": CONFIG_URL, "registration_token": "token-1"})


class Answer:
    def __init__(self, data):
        self.data = data

    def raise_for_status(self):
        pass

    def json(self):
        return self.data


class StandInPlatform:
    """The platform's two answers: its OpenID configuration, and a client id for Conductor's registration."""

    def __init__(self, client_id: str = "client-1"):
        self.client_id = client_id
        self.fetched, self.registrations = [], []

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def get(self, url, timeout):
        self.fetched.append(url)
        return Answer({"issuer": ISSUER, "authorization_endpoint": ISSUER + "/auth", "token_endpoint": ISSUER + "/token",
                       "jwks_uri": ISSUER + "/jwks", "registration_endpoint": ISSUER + "/register",
                       "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                           "product_family_code": "moodle", "version": "4.5"}})

    def post(self, url, json, headers, timeout):
        self.registrations.append((url, json, headers))
        return Answer({**json, "client_id": self.client_id, TOOL_CONFIGURATION: {"deployment_id": "deployment-1"}})


@pytest.fixture()
def platform(monkeypatch):
    stand_in = StandInPlatform()
    monkeypatch.setattr(register_routes, "_http", lambda: stand_in)
    return stand_in


@pytest.fixture()
def admin(make_user, auth):
    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    assert auth.login(email="admin@example.com").status_code == 302
    return auth


def platforms(app) -> list[tuple[str, str, bool, list[str]]]:
    with app.app_context():
        return [(p.issuer, p.client_id, p.active, [d.deployment_id for d in p.deployments])
                for p in db.session.scalars(db.select(LtiPlatform).order_by(LtiPlatform.id))]


def form_of(page: str) -> dict[str, str]:
    return dict(re.findall(r'<input[^>]* name="([^"]+)" type="hidden" value="([^"]*)"', page)) or \
        {name: value for value, name in re.findall(r'<input[^>]* value="([^"]*)"[^>]* name="([^"]+)"', page)}


def test_a_get_by_an_admin_shows_the_registration_and_changes_nothing(app, admin, platform):
    response = admin.client.get(REGISTER)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    for shown in (ISSUER, "moodle 4.5", ISSUER + "/auth", ISSUER + "/token", ISSUER + "/jwks", ISSUER + "/register",
                  "http://localhost/lti/login", "http://localhost/lti/launch", "http://localhost/lti/jwks.json"):
        assert shown in page
    assert 'action="/lti/register"' in page and "Register this platform" in page
    assert platform.fetched == [CONFIG_URL] and platform.registrations == []  # nothing was sent to the platform
    assert platforms(app) == []
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]  # no clickjacking of the button


def test_the_admins_post_registers_the_platform(app, admin, platform):
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    assert fields["openid_configuration"] == CONFIG_URL and fields["registration_token"] == "token-1"
    response = admin.client.post("/lti/register", data=fields)
    assert response.status_code == 200 and "Registration complete" in response.get_data(as_text=True)
    assert platforms(app) == [(ISSUER, "client-1", True, ["deployment-1"])]
    [(url, sent, headers)] = platform.registrations
    assert url == ISSUER + "/register" and headers["Authorization"] == "Bearer token-1"
    assert sent["initiate_login_uri"] == "http://localhost/lti/login"
    assert platform.fetched == [CONFIG_URL, CONFIG_URL]  # the POST reads the configuration again
    assert f"frame-ancestors {ISSUER}" in response.headers["Content-Security-Policy"]


def test_a_post_without_the_csrf_token_registers_nothing(app, admin, platform):
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    del fields["csrf_token"]
    assert admin.client.post("/lti/register", data=fields).status_code == 400
    assert platform.registrations == [] and platforms(app) == []


@pytest.mark.parametrize("role", ["learner", "instructor", "author"])
def test_only_an_admin_may_register(app, auth, make_user, platform, role):
    make_user(email="someone@example.com", role=role)
    auth.login(email="someone@example.com")
    assert auth.client.get(REGISTER).status_code == 403
    fields = {"openid_configuration": CONFIG_URL, "registration_token": "token-1"}
    assert auth.post("/lti/register", fields).status_code == 403
    assert platform.fetched == [] and platforms(app) == []


def test_in_the_platforms_frame_a_visitor_is_sent_to_a_new_tab(app, client, platform):
    """The frame does not carry the site's SameSite=Lax cookie, and a log-in page may not be framed."""
    response = client.get(REGISTER, headers={"Sec-Fetch-Dest": "iframe"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    link = re.search(r'<a class="button" href="([^"]+)" target="_blank" rel="noopener">', page)
    target = urlsplit(link[1].replace("&amp;", "&")) if link else None
    assert (target.scheme, target.netloc, target.path) == ("http", "localhost", "/lti/register")
    assert parse_qs(target.query) == {"openid_configuration": [CONFIG_URL], "registration_token": ["token-1"]}
    assert "administrator of" in page
    assert f"frame-ancestors {ISSUER}" in response.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in response.headers
    assert platform.fetched == []  # a visitor makes Conductor fetch nothing
    # The same URL in a tab of its own leads to the log-in page, then back to the registration.
    tab = client.get(REGISTER, headers={"Sec-Fetch-Dest": "document"})
    assert tab.status_code == 302 and tab.headers["Location"].startswith("/account/login")


def test_an_admins_registration_inside_a_frame_is_sent_to_a_new_tab_too(app, admin, platform):
    response = admin.client.get(REGISTER, headers={"Sec-Fetch-Dest": "iframe"})
    assert response.status_code == 200 and 'target="_blank"' in response.get_data(as_text=True)
    assert platform.fetched == []


@pytest.mark.parametrize("address", ["http://platform.example.org/.well-known/openid-configuration",
                                     "javascript:alert(1)", ""])
def test_a_configuration_address_that_is_not_https_is_refused(app, admin, client, platform, address):
    url = "/lti/register?" + urlencode({"openid_configuration": address})
    response = admin.client.get(url)
    assert response.status_code == 400
    assert "The platform did not give a usable configuration address." in response.get_data(as_text=True)
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    assert admin.client.post("/lti/register", data={**fields, "openid_configuration": address}).status_code == 400
    assert platform.registrations == [] and platforms(app) == []


def test_a_registration_never_overwrites_this_schools_registration(app, admin, platform):
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    admin.client.post("/lti/register", data=fields)
    with app.app_context():
        row = db.session.scalar(db.select(LtiPlatform))
        row.active, row.name, row.auth_login_url = False, "Our Moodle", ISSUER + "/kept"
        db.session.commit()
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    response = admin.client.post("/lti/register", data=fields)  # the platform answers the same client id
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "nothing was overwritten" in page
    with app.app_context():
        row = db.session.scalar(db.select(LtiPlatform))
        assert (row.active, row.name, row.auth_login_url) == (False, "Our Moodle", ISSUER + "/kept")


def test_a_registration_never_takes_over_another_schools_platform(app, admin, platform):
    from lms.schools.services import create_school, current_school

    with app.test_request_context():
        current_school()
        other = create_school("other", "Other School", ["other.example.org"])
        db.session.flush()
        db.session.add(LtiPlatform(school_id=other.id, name="Their Moodle", issuer=ISSUER, client_id="client-1",
                                   auth_login_url=ISSUER + "/auth", auth_token_url=ISSUER + "/token",
                                   key_set_url=ISSUER + "/jwks"))
        db.session.commit()
        other_id = other.id
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    response = admin.client.post("/lti/register", data=fields)
    assert response.status_code == 409 and "registered for another school" in response.get_data(as_text=True)
    with app.app_context():
        assert [(p.school_id, p.name) for p in db.session.scalars(db.select(LtiPlatform))] == [(other_id, "Their Moodle")]


def test_the_same_registration_saved_meanwhile_is_refused_not_a_500(app, admin, platform, monkeypatch):
    from lms.lti import registration

    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    admin.client.post("/lti/register", data=fields)
    checked = registration._refuse_known
    calls = []

    def too_late(*args):  # the first look finds nothing: the other request saved it just after
        calls.append(args)
        if len(calls) > 1:
            checked(*args)

    monkeypatch.setattr(registration, "_refuse_known", too_late)
    fields = form_of(admin.client.get(REGISTER).get_data(as_text=True))
    response = admin.client.post("/lti/register", data=fields)
    assert response.status_code == 409 and "nothing was overwritten" in response.get_data(as_text=True)
    assert len(calls) == 2
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LtiPlatform.id))) == 1


def test_a_configuration_on_a_private_address_is_never_fetched(app, admin):
    url = "/lti/register?" + urlencode({"openid_configuration": "https://169.254.169.254/.well-known/openid-configuration"})
    response = admin.client.get(url)  # the real HTTP session of lms/outbound.py: the address is refused, not called
    page = response.get_data(as_text=True)
    assert response.status_code == 502 and "169.254.169.254 is private or reserved" in page
    assert platforms(app) == []

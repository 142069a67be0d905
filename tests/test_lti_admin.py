"""A school admin registers LTI platforms for their school only; the tool's addresses and keys are published."""
from __future__ import annotations

import pytest

from lms.extensions import db
from lms.lti.models import LtiDeployment, LtiPlatform

FORM = {"name": "Moodle of the Faculty", "issuer": "https://moodle.example.org", "client_id": "abc123",
        "deployment_ids": "1\n2\n", "auth_login_url": "https://moodle.example.org/mod/lti/auth.php",
        "auth_token_url": "https://moodle.example.org/mod/lti/token.php",
        "key_set_url": "https://moodle.example.org/mod/lti/certs.php", "token_audience": "", "active": "y"}


@pytest.fixture()
def admin(make_user, auth):
    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    assert auth.login(email="admin@example.com").status_code == 302


def platforms(app) -> list[tuple[str, str, bool, list[str]]]:
    with app.app_context():
        return [(p.name, p.client_id, p.active, [d.deployment_id for d in p.deployments])
                for p in db.session.scalars(db.select(LtiPlatform).order_by(LtiPlatform.id))]


def test_an_admin_registers_edits_and_turns_off_a_platform(app, auth, admin):
    response = auth.post("/admin/lti/new", FORM, token_from="/admin/lti/new")
    assert response.status_code == 303
    assert platforms(app) == [("Moodle of the Faculty", "abc123", True, ["1", "2"])]
    page = auth.client.get("/admin/lti/").get_data(as_text=True)
    assert "Moodle of the Faculty" in page and "http://localhost/lti/login" in page
    assert "http://localhost/lti/jwks.json" in page and "http://localhost/lti/register" in page
    with app.app_context():
        platform_id = db.session.scalar(db.select(LtiPlatform.id))
    edit = f"/admin/lti/{platform_id}"
    assert "abc123" in auth.client.get(edit).get_data(as_text=True)
    changed = {**FORM, "deployment_ids": "2\n3", "active": ""}
    assert auth.post(edit, changed, token_from=edit).status_code == 303
    assert platforms(app) == [("Moodle of the Faculty", "abc123", False, ["2", "3"])]


@pytest.mark.parametrize(("field", "value", "message"), [
    ("issuer", "not a url", "Enter a full web address"),
    ("key_set_url", "http://moodle.example.org/certs.php", "Use an https:// address"),
    ("client_id", "", "This field is required."),
    ("deployment_ids", "", "This field is required."),
])
def test_a_bad_registration_changes_nothing(app, auth, admin, field, value, message):
    response = auth.post("/admin/lti/new", {**FORM, field: value}, token_from="/admin/lti/new")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert platforms(app) == []


def test_http_is_accepted_for_loopback_in_development(app, auth, admin):
    form = {**FORM, "key_set_url": "http://127.0.0.1:8000/jwks"}
    assert auth.post("/admin/lti/new", form, token_from="/admin/lti/new").status_code == 303


def test_http_is_refused_in_production(make_app, make_user):
    app = make_app(TESTING=False, LMS_ENV="production", LMS_BASE_URL="http://localhost", WTF_CSRF_ENABLED=False)
    with app.test_request_context("/admin/lti/new", method="POST", data={**FORM, "key_set_url": "http://127.0.0.1/j"}):
        from lms.lti.forms import PlatformForm

        form = PlatformForm()
        assert not form.validate() and "https://" in form.key_set_url.errors[0]


def test_the_same_issuer_and_client_id_twice_is_refused(app, auth, admin):
    auth.post("/admin/lti/new", FORM, token_from="/admin/lti/new")
    response = auth.post("/admin/lti/new", {**FORM, "name": "Again"}, token_from="/admin/lti/new")
    assert response.status_code == 422 and "registered already" in response.get_data(as_text=True)
    assert len(platforms(app)) == 1


def test_another_schools_platform_is_not_found(app, auth, admin):
    from lms.schools.services import create_school, current_school

    with app.test_request_context():
        current_school()
        other = create_school("other", "Other School", ["other.example.org"])
        db.session.flush()
        platform = LtiPlatform(school_id=other.id, name="Their Moodle", issuer="https://their.example.org",
                               client_id="x", auth_login_url="https://their.example.org/a",
                               auth_token_url="https://their.example.org/t", key_set_url="https://their.example.org/k")
        db.session.add(platform)
        db.session.commit()
        platform_id = platform.id
    assert "Their Moodle" not in auth.client.get("/admin/lti/").get_data(as_text=True)
    assert auth.client.get(f"/admin/lti/{platform_id}").status_code == 404
    edit = f"/admin/lti/{platform_id}"
    assert auth.post(edit, FORM, token_from="/admin/lti/new").status_code == 404
    with app.app_context():
        assert db.session.get(LtiPlatform, platform_id).name == "Their Moodle"
        assert db.session.scalar(db.select(db.func.count(LtiDeployment.id))) == 0


def test_the_jwks_publishes_the_schools_signing_key(app, client):
    from lms.certificates.signing import signing_key
    from lms.schools.services import current_school

    response = client.get("/lti/jwks.json")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    keys = response.get_json()["keys"]
    with app.test_request_context():
        kid = signing_key(current_school()).kid
    assert [key["kid"] for key in keys] == [kid] and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_the_canvas_configuration_names_the_tools_urls(client):
    config = client.get("/lti/canvas.json").get_json()
    assert config["oidc_initiation_url"] == "http://localhost/lti/login"
    assert config["target_link_uri"] == "http://localhost/lti/launch"
    assert config["public_jwk_url"] == "http://localhost/lti/jwks.json"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes"]


def test_an_admin_links_a_platform_user_to_an_existing_account(app, auth, admin, make_user):
    from lms.admin.models import AuditEntry
    from lms.lti.models import LtiAccount

    auth.post("/admin/lti/new", FORM, token_from="/admin/lti/new")
    existing = make_user(email="lea@example.org", name="Léa Local")
    placeholder = make_user(email="lti-abc@moodle.example.org.invalid", name="Léa Platform")
    with app.app_context():
        platform_id = db.session.scalar(db.select(LtiPlatform.id))
        row = LtiAccount(platform_id=platform_id, sub="42", user_id=placeholder, claimed_email="lea@example.org")
        db.session.add(row)
        db.session.commit()
        account_id = row.id
    edit = f"/admin/lti/{platform_id}"
    page = auth.client.get(edit).get_data(as_text=True)
    assert "lti-abc@moodle.example.org.invalid" in page and "lea@example.org" in page
    action = f"{edit}/accounts/{account_id}/link"
    unknown = auth.post(action, {"email": "nobody@example.org"}, token_from=edit)
    assert unknown.status_code == 422 and "No account of this school has this address." in unknown.get_data(as_text=True)
    assert auth.post(action, {"email": "lea@example.org"}, token_from=edit).status_code == 303
    with app.app_context():
        assert db.session.get(LtiAccount, account_id).user_id == existing
        assert db.session.scalar(db.select(AuditEntry.action).filter_by(target_id=existing)) == "lti_link"

"""The admin page of the school's learning record store: its own admins set it, the secret is never shown back and
kept when left blank, a bad address is refused with a message, and what waits can be retried now."""
from __future__ import annotations

import re

import pytest

from lms.accounts import services as accounts
from lms.extensions import db
from lms.schools import services as schools
from lms.secretbox import unseal
from lms.xapi.models import RecordStore
from lms.xapi.services import StoreRefused, check_endpoint

from .conftest import PASSWORD, Auth
from .lrs_support import PASSWORD as LRS_PASSWORD
from .lrs_support import USER, ralph_credentials, ralph_lrs  # noqa: F401
from .test_school_content import B, make_school_b

PAGE = "/admin/learning-records"


def admin(app, email="admin@example.com") -> Auth:
    with app.test_request_context("/"):
        if accounts.find_user(email, schools.default_school()) is None:
            accounts.create_user(email, "Adèle Roux", PASSWORD, "admin", school=schools.default_school())
            db.session.commit()
    auth = Auth(app.test_client())
    assert auth.login(email=email).status_code == 302
    return auth


def store(app, school_slug: str | None = None) -> RecordStore | None:
    with app.app_context():
        slug = school_slug or app.config["LMS_SCHOOL"]
        row = db.session.execute(db.select(RecordStore).join(schools.School, schools.School.id == RecordStore.school_id)
                                 .where(schools.School.slug == slug)).scalar_one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def save(auth: Auth, base: str = "http://localhost", **fields):
    data = {"endpoint": "http://127.0.0.1:8100/xAPI/", "key": "conductor", "secret": "", "active": "y", **fields}
    page = auth.client.get(PAGE, base_url=base).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    return auth.client.post(PAGE, base_url=base, data={"csrf_token": token, **{k: v for k, v in data.items() if v is not None}})


def test_the_secret_is_sealed_never_shown_and_kept_when_left_blank(app):
    auth = admin(app)
    assert save(auth, secret="first-secret-123").status_code == 302
    saved = store(app)
    assert saved.endpoint == "http://127.0.0.1:8100/xAPI/" and saved.active
    assert "first-secret-123" not in saved.secret
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert "first-secret-123" not in page and saved.secret not in page and "A secret is saved." in page
    assert save(auth, key="renamed", secret="").status_code == 302
    with app.app_context():
        assert unseal(store(app).secret) == "first-secret-123" and store(app).key == "renamed"
    assert save(auth, active=None).status_code == 302  # unticked: turned off
    assert store(app).active is False
    assert "Sending is turned off" in auth.client.get(PAGE).get_data(as_text=True)


@pytest.mark.parametrize("endpoint, message", [
    ("ftp://lrs.example.org/xAPI/", "Write the record store"),
    ("lrs.example.org/xAPI", "Write the record store"),
    ("https://user:pw@lrs.example.org/xAPI/", "Write the record store"),
    ("http://lrs.example.org/xAPI/", "must start with https://"),
])
def test_a_bad_address_is_refused_with_a_message(app, endpoint, message):
    auth = admin(app)
    response = save(auth, endpoint=endpoint, secret="s3cret")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Nothing was changed" in page and message in page
    assert store(app) is None


def test_a_first_setting_needs_its_secret(app):
    response = save(admin(app), secret="")
    assert response.status_code == 422 and "Give the secret" in response.get_data(as_text=True)
    assert store(app) is None


def test_plain_http_to_this_machine_is_for_development_only(app):
    with app.app_context():
        assert check_endpoint("http://localhost:8100/xAPI") == "http://localhost:8100/xAPI/"
        app.config["TESTING"] = False
        try:
            with pytest.raises(StoreRefused):
                check_endpoint("http://127.0.0.1:8100/xAPI/")
            assert check_endpoint("https://lrs.example.org/xAPI") == "https://lrs.example.org/xAPI/"
        finally:
            app.config["TESTING"] = True


def test_each_school_admin_sets_their_own_schools_store_only(app):
    make_school_b(app)
    at_b = Auth(app.test_client())
    page = at_b.client.get("/account/login", base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    at_b.client.post("/account/login", base_url=B, data={"csrf_token": token, "email": "admin-b@example.com",
                                                         "password": PASSWORD})
    assert save(at_b, base=B, endpoint="https://lrs.b.example.org/xAPI/", secret="b-secret").status_code == 302
    assert store(app, "ecole-b").endpoint == "https://lrs.b.example.org/xAPI/" and store(app) is None
    own = admin(app)
    assert "lrs.b.example.org" not in own.client.get(PAGE).get_data(as_text=True)
    # B's admin is a stranger on the default school's site
    assert at_b.client.get(PAGE).status_code == 302  # to the log-in page


def test_what_waits_is_shown_and_retried_now(app, ralph_lrs):
    auth = admin(app)
    assert save(auth, endpoint=ralph_lrs.endpoint, key=USER, secret=LRS_PASSWORD).status_code == 302
    ralph_lrs.stop()
    with app.test_request_context("/"):
        accounts.create_user("ada@example.com", "Ada Lovelace", PASSWORD, school=schools.default_school())
        db.session.commit()
    learner = Auth(app.test_client())
    learner.login(email="ada@example.com")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    learner.client.post("/courses/intro-course/enrol", data={"csrf_token": learner.csrf("/courses/intro-course/")})
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert re.search(r"Waiting to be sent</dt><dd>1<", page) and "could not be reached" in page

    ralph_lrs.start()
    response = auth.post(PAGE + "/retry", token_from=PAGE)
    assert response.status_code == 302
    assert "1 statement will be sent now." in auth.client.get(PAGE).get_data(as_text=True)
    assert len(ralph_lrs.statements()) == 1
    page = auth.client.get(PAGE).get_data(as_text=True)
    assert re.search(r"Sent</dt><dd>1<", page) and "Retry now" not in page

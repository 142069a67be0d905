"""Bounded input: request bodies have a size limit (uploads their own)."""
from __future__ import annotations

import io

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.accounts.models import User
from lms.authoring import store
from lms.extensions import db

from .authoring_support import WORKSPACE, make_account, png
from .conftest import PASSWORD, Auth

MEGABYTE = 1024 * 1024


def users(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(db.select(User.email).order_by(User.email)).scalars())


def test_a_log_in_form_larger_than_the_limit_is_refused_unread(app, make_user, auth, client):
    make_user()
    response = auth.post("/account/login", {"email": "learner@example.com", "password": "x" * (2 * MEGABYTE)},
                         token_from="/account/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "Too large" in page and "at most 1,024 KB" in page
    assert response.headers["Content-Security-Policy"]
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_a_registration_larger_than_the_limit_stores_nothing(make_app):
    app = make_app(LMS_MAX_FORM_BYTES=10_000)  # the setting is the limit
    auth = Auth(app.test_client())
    form = {"name": "n" * 20_000, "email": "big@example.com", "password": PASSWORD, "confirm": PASSWORD}
    response = auth.post("/account/register", form, token_from="/account/register")
    assert response.status_code == 413 and "at most 9 KB" in response.get_data(as_text=True)
    assert users(app) == []
    form["name"] = "Small Enough"
    assert auth.post("/account/register", form, token_from="/account/register").status_code == 302
    assert users(app) == ["big@example.com"]


def test_a_body_of_unknown_length_is_cut_off_at_the_limit(make_app):
    """A chunked body declares no length: it is read only up to the limit."""
    app = make_app(WTF_CSRF_ENABLED=False)
    body = io.BytesIO(b"email=a%40example.com&password=" + b"x" * (2 * MEGABYTE))
    # gunicorn, for one, passes a chunked body on as a stream it ends (wsgi.input_terminated).
    chunked = {"headers": {"Transfer-Encoding": "chunked"}, "environ_overrides": {"wsgi.input_terminated": True},
               "content_type": "application/x-www-form-urlencoded"}
    response = app.test_client().post("/account/login", input_stream=body, **chunked)
    assert response.status_code == 413 and "at most 1,024 KB" in response.get_data(as_text=True)
    assert body.tell() == MEGABYTE  # the rest was never read
    small = io.BytesIO(b"email=a%40example.com&password=wrong-password")
    response = app.test_client().post("/account/login", input_stream=small, **chunked)
    assert response.status_code == 200 and "E-mail or password is not correct" in response.get_data(as_text=True)


@pytest.fixture()
def admin(synced, make_user, auth):
    make_account(synced, make_user, "admin")
    assert auth.login(email="admin@example.com").status_code == 302
    return auth


def upload(auth: Auth, data: bytes):
    """The form as a browser posts it, encoded in memory (the test client's own spools big ones to a file)."""
    boundary, body = encode_multipart({"csrf_token": auth.csrf(WORKSPACE),
                                       "image": FileStorage(io.BytesIO(data), "big.png", content_type="image/png")})
    return auth.client.post(WORKSPACE + "assets", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_an_upload_has_its_own_larger_limit(synced, admin):
    image = png() + b"\0" * (MEGABYTE + MEGABYTE // 2)  # 1.5 MB: over the form limit, under the 2 MB upload limit
    assert upload(admin, image).status_code == 302
    with synced.app_context():
        assert store.file_at("courses/intro-course/assets/big.png") is not None
    too_big = upload(admin, png() + b"\0" * (3 * MEGABYTE))
    assert too_big.status_code == 413 and "at most 2,048 KB" in too_big.get_data(as_text=True)
    with synced.app_context():
        assert len(store.live_data("courses/intro-course/assets/big.png")) < 2 * MEGABYTE  # the first one stays

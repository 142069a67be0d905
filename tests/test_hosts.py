"""The Host header is the client's to choose: links that leave the site come from LMS_BASE_URL, and a
request for a host the site does not serve is refused before anything runs."""
from __future__ import annotations

import json
import re

import pytest
from flask import Flask

from lms import LMS, create_app

from .certificate_support import finish_course, only_certificate
from .conftest import Auth
from .test_open_badges import b64decode

BASE = "https://learn.example.org"
FORGED = "attacker.example"
ALIAS = "www.learn.example.org"  # another name the site answers to (LMS_TRUSTED_HOSTS)


@pytest.fixture()
def site(make_app):
    """A site with its public address set, that also answers to the test client's localhost and an alias."""
    app = make_app(LMS_BASE_URL=BASE, LMS_TRUSTED_HOSTS="localhost, www.learn.example.org")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    return app


def test_production_refuses_to_start_without_a_base_url(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("LMS_SECRET_KEY", "from-env")
    monkeypatch.delenv("LMS_BASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="LMS_BASE_URL must be set outside development"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    host = Flask("host_site")
    host.config.update(SECRET_KEY="host-secret", LMS_DATABASE_URL="sqlite://")
    with pytest.raises(RuntimeError, match="LMS_BASE_URL must be set outside development"):
        LMS(host, url_prefix="/learn")  # mounted, too
    for address in ("learn.example.org", "ftp://learn.example.org", "https://learn.example.org/?a=1", "https://"):
        with pytest.raises(RuntimeError, match="LMS_BASE_URL must be the site's address"):
            create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "LMS_BASE_URL": address})
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "LMS_BASE_URL": BASE})
    assert app.config["TRUSTED_HOSTS"] == ["learn.example.org"]


def test_development_needs_no_base_url_and_answers_any_host(monkeypatch, client):
    monkeypatch.delenv("LMS_BASE_URL", raising=False)
    monkeypatch.setenv("LMS_ENV", "development")
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    assert create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}).config["TRUSTED_HOSTS"] is None  # make run
    assert client.get("/", environ_overrides={"HTTP_HOST": "127.0.0.1:5000"}).status_code == 200


def on_host(app, name: str) -> Auth:
    """A browser that asks for ``name`` (its cookies go to that host, as a browser's would)."""
    client = app.test_client()
    client.environ_base["HTTP_HOST"] = name
    return Auth(client)


def test_a_reset_mail_links_to_the_base_url_whatever_host_the_request_named(site, make_user):
    make_user()
    response = on_host(site, ALIAS).post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset")
    assert response.status_code == 302
    [mail] = site.extensions["lms"]["outbox"]
    assert re.search(r"^https://learn\.example\.org/account/reset/\S+$", mail.get_content(), re.MULTILINE)
    assert "www.learn" not in mail.get_content()


def test_a_forged_host_is_refused_before_a_reset_mail_is_sent(make_app, make_user):
    site = make_app(LMS_BASE_URL=BASE, WTF_CSRF_ENABLED=False)  # nothing else stands in the way
    make_user()
    client = on_host(site, FORGED).client
    assert client.get("/account/reset").status_code == 400
    response = client.post("/account/reset", data={"email": "learner@example.com"})
    assert response.status_code == 400 and "does not answer to that host name" in response.get_data(as_text=True)
    assert "attacker.example" not in response.get_data(as_text=True)  # not reflected
    assert site.extensions["lms"]["outbox"] == []


def test_a_badge_names_the_base_url_whatever_host_the_request_named(site, make_user):
    make_user()
    auth = on_host(site, ALIAS)
    assert auth.login().status_code == 302
    finish_course(auth)
    certificate = only_certificate(site)
    url = f"/certificates/{certificate.credential_id}.jwt"
    token = auth.client.get(url).get_data(as_text=True)
    header, claims = (json.loads(b64decode(part)) for part in token.split(".")[:2])
    assert header["kid"].startswith(f"{BASE}/issuers/default/keys/")
    assert claims["iss"] == claims["issuer"]["id"] == f"{BASE}/issuers/default"
    assert claims["credentialStatus"]["statusListCredential"] == f"{BASE}/issuers/default/status/revocation"
    assert claims["id"] == f"{BASE}/verify/{certificate.credential_id}"
    # The learner's own session, sent to a host of their choosing: refused, nothing signed.
    session = auth.client.get_cookie("session").value
    forged = auth.client.get(url, environ_overrides={"HTTP_HOST": FORGED}, headers={"Cookie": f"session={session}"})
    assert forged.status_code == 400 and forged.mimetype == "text/plain"


@pytest.mark.parametrize("path", ["/", "/account/login", "/no/such/page", "/lms/static/lms.css",
                                  "/issuers/default/jwks.json"])
def test_every_request_for_another_host_is_refused(site, path):
    client = site.test_client()
    with client.get(path, environ_overrides={"HTTP_HOST": FORGED}) as response:
        assert response.status_code == 400
        assert response.headers["X-Frame-Options"] == "DENY"  # a refusal carries the headers too
    with client.get(path, environ_overrides={"HTTP_HOST": "learn.example.org:443"}) as response:
        assert response.status_code in (200, 404)


def test_a_mounted_lms_checks_only_its_own_pages(make_host):
    """The host's other pages (and other host names) are the host's business."""
    host = make_host(LMS_BASE_URL="https://school.example.org")
    LMS(host, url_prefix="/learn")
    client = host.test_client()
    assert host.config["TRUSTED_HOSTS"] is None  # the host's own choice stays
    assert client.get("/", environ_overrides={"HTTP_HOST": FORGED}).status_code == 200
    assert client.get("/learn/account/login", environ_overrides={"HTTP_HOST": FORGED}).status_code == 400
    assert client.get("/learn/account/login", environ_overrides={"HTTP_HOST": "school.example.org"}).status_code == 200


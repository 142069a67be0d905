"""Conductor's calls to addresses admins and platforms give it (lms/outbound.py): in production, never to this
machine, a private network or a cloud's metadata address, even through a redirect; loopback in development and the
tests; anything when a deployment says so."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from lms import create_app, outbound
from lms.config import outbound_allow
from lms.extensions import db
from lms.outbox.models import OutboxMessage

from .test_xapi import connect, course_app, go_through_the_course, learner  # noqa: F401
from .lrs_support import ralph_credentials, ralph_lrs  # noqa: F401

INTERNAL = ("http://10.0.0.7/", "http://192.168.1.1/", "http://169.254.169.254/latest/meta-data/",
            "http://[fd00::1]/", "http://100.64.0.1/")


@pytest.fixture()
def here():
    """A server on 127.0.0.1 counting its requests; ``/away`` redirects to the cloud metadata address."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            if self.path == "/away":
                self.send_response(302)
                self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()
    server.server_close()


def calls(app, url: str):
    with app.app_context(), outbound.session(2) as http:
        return http.get(url)


def test_production_allows_public_addresses_only_by_default_development_and_the_tests_loopback_too():
    assert outbound_allow({"LMS_ENV": "production"}) == "public"
    assert outbound_allow({"LMS_ENV": "development"}) == outbound_allow({"TESTING": True}) == "loopback"
    assert outbound_allow({"LMS_ENV": "production", "LMS_OUTBOUND_ALLOW": "Any"}) == "any"


def test_in_production_no_call_reaches_this_machine_or_a_private_network(make_app, here):
    base, hits = here
    app = make_app(LMS_OUTBOUND_ALLOW="public")  # production's default
    for url in (base + "/", f"http://localhost:{base.rsplit(':', 1)[1]}/", *INTERNAL):
        with pytest.raises(outbound.ForbiddenAddress):
            calls(app, url)
    assert hits == []  # refused before connecting


def test_the_tests_and_development_reach_loopback_but_never_a_private_network_even_redirected(app, here):
    base, hits = here
    assert calls(app, base + "/").status_code == 200
    with pytest.raises(outbound.ForbiddenAddress):
        calls(app, base + "/away")  # the redirect is checked too
    assert hits == ["/", "/away"]
    for url in INTERNAL:
        with pytest.raises(outbound.ForbiddenAddress):
            calls(app, url)


def test_a_deployment_may_allow_every_address(make_app, here):
    base, hits = here
    app = make_app(LMS_OUTBOUND_ALLOW="any")
    assert calls(app, base + "/").status_code == 200 and hits == ["/"]


def test_an_unknown_setting_stops_the_start(tmp_path):
    with pytest.raises(RuntimeError, match="LMS_OUTBOUND_ALLOW is 'everything'"):
        create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://",
                    "LMS_KEYS_DIR": str(tmp_path), "LMS_OUTBOUND_ALLOW": "everything"})


def test_statements_for_a_store_on_a_forbidden_address_wait_and_say_why(course_app, ralph_lrs):  # noqa: F811
    course_app.config["LMS_OUTBOUND_ALLOW"] = "public"  # as in production: the store on loopback is refused
    connect(course_app, ralph_lrs.endpoint)
    go_through_the_course(learner(course_app), course_app)
    with course_app.app_context():
        rows = list(db.session.scalars(db.select(OutboxMessage).filter_by(kind="xapi").order_by(OutboxMessage.id)))
        assert [row.state for row in rows] == ["pending"] * len(rows) and len(rows) > 20
        assert "is private or reserved (LMS_OUTBOUND_ALLOW)" in rows[0].error  # tried; the others wait behind it
    assert ralph_lrs.statements() == []
    course_app.config["LMS_OUTBOUND_ALLOW"] = "loopback"
    result = course_app.test_cli_runner().invoke(args=["lms", "outbox", "deliver", "--all"])
    assert "message(s) delivered." in result.output and ralph_lrs.statements() != []


def test_a_refused_address_is_a_requests_error_callers_already_handle():
    assert issubclass(outbound.ForbiddenAddress, requests.RequestException)

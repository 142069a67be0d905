"""A provider that answers nonsense (HTML for JSON, a JSON without what it must hold) never causes a server error:
the person sees the refusal page with a message saying what is wrong, and nothing is stored. The provider here is
a tiny stub on loopback whose every answer a test chooses; the well-formed answer signs in, so each refusal is the
malformed answer's doing."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from lms.accounts.models import User
from lms.extensions import cache, db
from lms.sso.models import IdentityLink, IdentityProvider

from .conftest import Auth
from .sso_support import CLIENT_ID, register_provider

HTML = (200, "text/html", "<!doctype html><title>Maintenance</title><p>Back soon.</p>")


class StubProvider:
    """An OpenID provider whose answers are ``answers[path]``: (status, content type, body), a body that is not a
    string being sent as JSON. By default it answers as a sound provider would, for ``sub-ada``."""

    def __init__(self, issuer: str):
        self.issuer = issuer
        self.nonce = ""
        self.key = RSAKey.generate_key(2048, parameters={"kid": "stub", "use": "sig", "alg": "RS256"})
        self.answers: dict[str, tuple[int, str, object]] = {}

    def discovery(self, **changes) -> dict:
        document = {"issuer": self.issuer, "authorization_endpoint": self.issuer + "/auth",
                    "token_endpoint": self.issuer + "/token", "jwks_uri": self.issuer + "/jwks",
                    "userinfo_endpoint": self.issuer + "/userinfo", "response_types_supported": ["code"],
                    "code_challenge_methods_supported": ["S256"]}
        document.update(changes)
        return {name: value for name, value in document.items() if value is not None}

    def id_token(self, **changes) -> str:
        now = int(time.time())
        claims = {"iss": self.issuer, "sub": "sub-ada", "aud": CLIENT_ID, "iat": now, "exp": now + 300,
                  "nonce": self.nonce, **changes}
        return jwt.encode({"alg": "RS256", "kid": "stub"}, claims, self.key)

    def answer(self, path: str) -> tuple[int, str, object]:
        if path in self.answers:
            return self.answers[path]
        if path == "/.well-known/openid-configuration":
            return 200, "application/json", self.discovery()
        if path == "/jwks":
            return 200, "application/json", {"keys": [self.key.as_dict(private=False)]}
        if path == "/token":
            return 200, "application/json", {"access_token": "the-access-token", "token_type": "Bearer",
                                             "id_token": self.id_token()}
        if path == "/userinfo":
            return 200, "application/json", {"sub": "sub-ada", "email": "ada@example.org", "email_verified": True,
                                             "name": "Ada Lovelace"}
        return 404, "text/plain", "not found"


@pytest.fixture()
def stub():
    holder: list[StubProvider] = []

    class Handler(BaseHTTPRequestHandler):
        def _reply(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)
            status, content_type, body = holder[0].answer(urlsplit(self.path).path)
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _reply

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    holder.append(StubProvider(f"http://127.0.0.1:{server.server_address[1]}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield holder[0]
    server.shutdown()
    server.server_close()
    thread.join(timeout=10)


def stored(app) -> tuple[int, int]:
    """How many accounts and identity links the site holds."""
    with app.app_context():
        count = lambda model: db.session.scalar(db.select(db.func.count()).select_from(model))  # noqa: E731
        return count(User), count(IdentityLink)


def come_back(app, stub: StubProvider, provider_id: int):
    """Click the button, then come back from the provider with a code: the site's answer, and its client."""
    client = app.test_client()
    started = client.get(f"/account/sso/{provider_id}")
    assert started.status_code == 302, started.get_data(as_text=True)
    query = parse_qs(urlsplit(started.headers["Location"]).query)
    stub.nonce = query["nonce"][0]
    return client.get("/account/sso/callback?" + urlencode({"code": "the-code", "state": query["state"][0]})), client


def refused(response, status: int, words: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert "Sign-in refused" in page and words in page, page


def test_a_discovery_document_that_is_not_json_or_lacks_an_endpoint_is_refused(app, make_user, stub):
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    admin = Auth(app.test_client())
    assert admin.login(email="admin@example.com").status_code == 302
    values = {"label": "Sign in with Université A", "issuer": stub.issuer, "client_id": CLIENT_ID,
              "client_secret": "s3cret", "scopes": "openid email profile"}
    discovery = "/.well-known/openid-configuration"
    for answer, words in ((HTML, "did not answer with a JSON document"),
                          ((200, "application/json", ["a", "list"]), "did not answer with a JSON document"),
                          ((200, "application/json", stub.discovery(token_endpoint=None)), "has no token_endpoint"),
                          ((200, "application/json", stub.discovery(jwks_uri=42)), "has no jwks_uri"),
                          ((200, "application/json", stub.discovery(authorization_endpoint="javascript:alert(1)")),
                           "has no authorization_endpoint"),
                          ((200, "application/json", stub.discovery(response_types_supported=5)),
                           "response_types_supported is not a list"),
                          ((200, "application/json", stub.discovery(token_endpoint_auth_methods_supported={})),
                           "token_endpoint_auth_methods_supported is not a list")):
        stub.answers[discovery] = answer
        response = admin.post("/admin/sso/new", values, token_from="/admin/sso/new")
        assert response.status_code == 422 and words in response.get_data(as_text=True), words
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(IdentityProvider)) == 0

    # Registered while sound, the provider breaks: once its cached document expires, the button says so.
    del stub.answers[discovery]
    provider_id = register_provider(app, stub, creates_accounts=True)
    for answer, words in ((HTML, "did not answer with a JSON document"),
                          ((200, "application/json", stub.discovery(authorization_endpoint=None)),
                           "has no authorization_endpoint")):
        stub.answers[discovery] = answer
        with app.app_context():
            cache.clear()
        refused(app.test_client().get(f"/account/sso/{provider_id}"), 502, words)
    assert stored(app) == (1, 0)  # the admin only


@pytest.mark.parametrize(("answer", "status", "words"), [
    (HTML, 502, "did not answer with a JSON document"),
    ((500, "text/html", "<h1>Internal error</h1>"), 502, "answered with an error (HTTP 500)"),
    ((200, "application/json", ["not", "an", "object"]), 502, "did not answer with a JSON document"),
    ((200, "application/json", {"access_token": "x", "token_type": "Bearer"}), 502, "sent no identity token"),
    ((200, "application/json", {"access_token": "x", "token_type": "Bearer", "id_token": 42}), 502,
     "sent no identity token"),
    ((200, "application/json", {"access_token": "x", "token_type": "Bearer", "expires_in": [1]}), 502,
     "did not answer with a JSON document"),
    ((200, "application/json", {"access_token": "x", "token_type": "Bearer", "id_token": "not.a.token"}), 400,
     "not signed with its keys"),
    ((400, "application/json", {"error": "invalid_grant"}), 400, "refused to complete the sign-in (invalid_grant)"),
], ids=["html", "http-500", "json-list", "no-id-token", "id-token-not-text", "unreadable-expiry", "garbage-id-token",
        "oauth-error"])
def test_a_token_endpoint_answer_that_cannot_be_read_refuses_the_sign_in(app, stub, answer, status, words):
    provider_id = register_provider(app, stub, creates_accounts=True)
    stub.answers["/token"] = answer
    response, client = come_back(app, stub, provider_id)
    refused(response, status, words)
    assert client.get("/account/profile").status_code == 302  # not logged in
    assert stored(app) == (0, 0)


def test_an_id_token_claim_of_the_wrong_type_or_unreadable_keys_refuse_the_sign_in(app, stub):
    provider_id = register_provider(app, stub, creates_accounts=True)
    stub.answers["/jwks"] = HTML
    refused(come_back(app, stub, provider_id)[0], 502, "did not answer with a JSON document")
    stub.answers["/jwks"] = (200, "application/json", {"keys": "none"})
    refused(come_back(app, stub, provider_id)[0], 502, "signing keys cannot be read")
    del stub.answers["/jwks"]
    stub.answers["/token"] = (200, "application/json", {"access_token": "x", "token_type": "Bearer",
                                                        "id_token": stub.id_token(exp="tomorrow")})
    refused(come_back(app, stub, provider_id)[0], 400, "identity token is not valid")
    assert stored(app) == (0, 0)


@pytest.mark.parametrize(("answer", "words"), [
    (HTML, "did not answer with a JSON document"),
    ((200, "application/json", ["sub-ada"]), "did not answer with a JSON document"),
    ((401, "application/json", {"error": "invalid_token"}), "answered with an error (HTTP 401)"),
], ids=["html", "json-list", "http-401"])
def test_a_userinfo_answer_that_cannot_be_read_refuses_the_sign_in(app, stub, answer, words):
    provider_id = register_provider(app, stub, creates_accounts=True)
    stub.answers["/userinfo"] = answer
    response, client = come_back(app, stub, provider_id)
    refused(response, 502, words)
    assert client.get("/account/profile").status_code == 302 and stored(app) == (0, 0)
    del stub.answers["/userinfo"]  # the same provider, sound again: the sign-in makes Ada's account
    response, client = come_back(app, stub, provider_id)
    assert response.status_code == 302 and client.get("/account/profile").status_code == 200
    assert stored(app) == (1, 1)

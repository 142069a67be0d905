"""A stand-in LTI platform for unit tests: its own RSA key, its JWKS served on loopback, id_tokens signed here.
(The end-to-end tests use an independent platform, tests/test_lti_platform.py.)"""
from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from lms.extensions import db
from lms.lti.models import LtiDeployment, LtiPlatform
from lms.schools.services import current_school

ISSUER = "https://platform.example.org"
CLIENT_ID = "conductor-client"
DEPLOYMENT = "deployment-1"
KID = "platform-key-1"
CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class KeySetServer:
    """Serves ``{"keys": [...]}`` at /jwks on 127.0.0.1, a free port; ``close()`` stops it."""

    def __init__(self, key: rsa.RSAPrivateKey):
        jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
        body = json.dumps({"keys": [{**jwk, "kid": KID, "alg": "RS256", "use": "sig"}]}).encode()

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


def register_platform(app, key_set_url: str, issuer: str = ISSUER, client_id: str = CLIENT_ID, school=None,
                      active: bool = True) -> int:
    with app.test_request_context():
        school = school or current_school()
        platform = LtiPlatform(school_id=school.id, name="Moodle", issuer=issuer, client_id=client_id,
                               auth_login_url=issuer + "/auth", auth_token_url=issuer + "/token",
                               key_set_url=key_set_url, active=active)
        db.session.add(platform)
        db.session.flush()
        db.session.add(LtiDeployment(platform_id=platform.id, deployment_id=DEPLOYMENT))
        db.session.commit()
        return platform.id


def begin(client, issuer: str = ISSUER, client_id: str = CLIENT_ID, host: str = "localhost") -> tuple[str, str]:
    """The platform's third-party login initiation; returns (state, nonce) from the redirect to the platform."""
    response = client.post("/lti/login", base_url=f"http://{host}",
                           data={"iss": issuer, "login_hint": "hint", "target_link_uri": f"http://{host}/lti/launch",
                                 "client_id": client_id, "lti_message_hint": "message"})
    assert response.status_code == 302, response.get_data(as_text=True)
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    return query["state"][0], query["nonce"][0]


def id_token(key, nonce: str, sub: str = "user-1", roles=(LEARNER,), message_type: str = "LtiResourceLinkRequest",
             aud: str = CLIENT_ID, deployment: str = DEPLOYMENT, issuer: str = ISSUER, expires_in: int = 300,
             kid: str = KID, drop: tuple[str, ...] = (), **claims) -> str:
    """A signed id_token; ``claims`` replace or add claims, ``drop`` names claims left out."""
    now = int(time.time())
    body = {
        "iss": issuer, "aud": aud, "sub": sub, "iat": now, "exp": now + expires_in, "nonce": nonce,
        "name": "Léa Platform", "email": "lea@example.org",
        CLAIM + "deployment_id": deployment, CLAIM + "message_type": message_type, CLAIM + "version": "1.3.0",
        CLAIM + "roles": list(roles),
        CLAIM + "context": {"id": "context-1", "title": "Biology 101"},
    }
    if message_type == "LtiResourceLinkRequest":
        body[CLAIM + "resource_link"] = {"id": "link-1", "title": "Conductor"}
        body[CLAIM + "target_link_uri"] = "http://localhost/lti/launch"
    else:
        body["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
            "deep_link_return_url": ISSUER + "/deep-link-return", "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"], "data": "opaque"}
    body.update(claims)
    for name in drop:
        body.pop(name, None)
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def launch(client, key, host: str = "localhost", **token):
    """A whole launch: login initiation, then the signed id_token posted with its state."""
    state, nonce = begin(client, host=host, issuer=token.get("issuer", ISSUER))
    return client.post("/lti/launch", base_url=f"http://{host}",
                       data={"state": state, "id_token": id_token(key, nonce, **token)})


def unique() -> str:
    return uuid.uuid4().hex

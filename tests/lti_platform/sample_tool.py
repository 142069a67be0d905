"""A minimal LTI 1.3 tool built on `pylti1p3` (the library Conductor's tool uses), for the harness's self-tests.

It proves the platform interoperates with that library end to end, and shows the tool helper the round trips:
OIDC login, launch validation, a score through AGS, members through NRPS, a deep-linking response, Dynamic
Registration. It is not Conductor: no database, its registration kept in the app's config.

pylti1p3 checks that a launch's nonce is one its session saved but does not consume it: posting the same
id_token and state again passes its validation. The tool must remember the nonces it accepted (here a set).
"""
from __future__ import annotations

import contextlib
import json
import secrets
import threading
import typing as t
from datetime import datetime, timezone

import requests
from flask import Flask, jsonify, request
from jwcrypto.jwk import JWK
from pylti1p3.contrib.flask import (
    FlaskCookieService,
    FlaskMessageLaunch,
    FlaskOIDCLogin,
    FlaskRequest,
)
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.exception import LtiException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.tool_config import ToolConfDict
from werkzeug.serving import make_server

from .state import new_key_pair

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"


class ToolKey:
    """A tool's key pair: the JWKS it publishes (kid = the key's thumbprint, as pylti1p3 computes it)."""

    def __init__(self) -> None:
        self.private, self.public = new_key_pair()
        self.jwk = {**json.loads(JWK.from_pem(self.public.encode()).export_public()), "alg": "RS256", "use": "sig"}

    @property
    def jwks(self) -> dict[str, t.Any]:
        return {"keys": [self.jwk]}


class CrossSiteCookies(FlaskCookieService):
    """pylti1p3's cookies as SameSite=None; Secure, and Partitioned if asked (its Flask service cannot)."""

    partitioned = False

    def update_response(self, response: t.Any) -> None:
        for name, data in self._cookie_data_to_set.items():
            response.set_cookie(name, data["value"], max_age=data["exp"], path="/", secure=True, httponly=True,
                                samesite="None", partitioned=self.partitioned)


class PartitionedCookies(CrossSiteCookies):
    partitioned = True


COOKIES = {"lax": FlaskCookieService, "cross-site": CrossSiteCookies, "partitioned": PartitionedCookies}


def create_sample_tool(key: ToolKey, cookies: str = "lax") -> Flask:
    """The tool; register it with the platform, then put the platform's answer in app.config["LTI"].

    `cookies` (its session's and pylti1p3's state cookies): "lax", the defaults; "cross-site", SameSite=None;
    Secure; "partitioned", the same and Partitioned (CHIPS: a cookie jar per top-level site), which Chromium
    keeps and sends inside another site's iframe though it blocks third-party cookies. Secure cookies are
    allowed on http://localhost, a secure context."""
    app = Flask(__name__)
    app.secret_key = secrets.token_hex(16)
    if cookies != "lax":
        app.config.update(SESSION_COOKIE_SAMESITE="None", SESSION_COOKIE_SECURE=True,
                          SESSION_COOKIE_PARTITIONED=cookies == "partitioned")
    app.config["LTI"] = None
    app.config["LAUNCHES"] = []
    used_nonces: set[str] = set()

    def lti_request() -> FlaskRequest:
        return FlaskRequest(request_is_secure=True) if cookies != "lax" else FlaskRequest()

    def cookie_service() -> FlaskCookieService:
        return COOKIES[cookies](lti_request())

    def tool_conf() -> ToolConfDict:
        reg = app.config["LTI"]
        conf = ToolConfDict({reg["issuer"]: [{
            "default": True, "client_id": reg["client_id"], "auth_login_url": reg["auth_login_url"],
            "auth_token_url": reg["auth_token_url"], "key_set_url": reg["key_set_url"], "key_set": None,
            "deployment_ids": [reg["deployment_id"]]}]})
        conf.set_private_key(reg["issuer"], key.private, client_id=reg["client_id"])
        conf.set_public_key(reg["issuer"], key.public, client_id=reg["client_id"])
        return conf

    @app.get("/register")
    def register() -> t.Any:
        """Dynamic Registration, tool side: read the platform's configuration, post the client registration with
        the one-time token, keep the answer, and tell the platform's page it may close the frame."""
        configuration = requests.get(request.args["openid_configuration"], timeout=10).json()
        root = request.url_root.rstrip("/")
        client = {"application_type": "web", "response_types": ["id_token"],
                  "grant_types": ["implicit", "client_credentials"], "initiate_login_uri": f"{root}/login",
                  "redirect_uris": [f"{root}/launch"], "client_name": "Sample tool", "jwks_uri": f"{root}/jwks",
                  "token_endpoint_auth_method": "private_key_jwt",
                  "scope": "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                  TOOL_CONFIGURATION: {"domain": request.host, "target_link_uri": f"{root}/launch",
                                       "claims": ["iss", "sub", "name"],
                                       "messages": [{"type": "LtiDeepLinkingRequest",
                                                     "target_link_uri": f"{root}/launch"}]}}
        answer = requests.post(configuration["registration_endpoint"], json=client, timeout=10,
                               headers={"Authorization": f"Bearer {request.args['registration_token']}"})
        if answer.status_code != 201:
            return jsonify({"refused": answer.json()}), 400
        registered = answer.json()
        app.config["LTI"] = {"issuer": configuration["issuer"], "client_id": registered["client_id"],
                             "deployment_id": registered[TOOL_CONFIGURATION]["deployment_id"],
                             "auth_login_url": configuration["authorization_endpoint"],
                             "auth_token_url": configuration["token_endpoint"],
                             "key_set_url": configuration["jwks_uri"]}
        return ('<!doctype html><html lang="en"><head><title>Registered</title></head><body><p>Registered</p>'
                '<script>(window.opener || window.parent).postMessage({subject: "org.imsglobal.lti.close"}, "*");'
                '</script></body></html>')

    @app.get("/jwks")
    def jwks() -> t.Any:
        return jsonify(key.jwks)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> t.Any:
        target = request.values.get("target_link_uri")
        return FlaskOIDCLogin(lti_request(), tool_conf(), cookie_service=cookie_service()).redirect(target)

    @app.post("/launch")
    def launch() -> t.Any:
        message = FlaskMessageLaunch(lti_request(), tool_conf(), cookie_service=cookie_service())
        try:
            data = message.get_launch_data()
        except LtiException as error:
            return jsonify({"refused": str(error)}), 403
        except Exception as error:  # ToolConfDict raises a bare Exception for an unknown (iss, aud) pair
            return jsonify({"refused": str(error)}), 403
        if data["nonce"] in used_nonces:
            return jsonify({"refused": "replayed launch"}), 403
        used_nonces.add(data["nonce"])
        app.config["LAUNCHES"].append(data)
        if message.is_deep_link_launch():
            item = (DeepLinkResource().set_url(request.url_root + "launch").set_title("Essay")
                    .set_lineitem(LineItem().set_label("Essay").set_score_maximum(10)))
            return message.get_deep_link().output_response_form([item])
        answer: dict[str, t.Any] = {"sub": data["sub"]}
        custom = data.get("https://purl.imsglobal.org/spec/lti/claim/custom", {})
        if "score" in custom and message.has_ags():
            grade = (Grade().set_score_given(float(custom["score"])).set_score_maximum(10)
                     .set_activity_progress("Completed").set_grading_progress("FullyGraded")
                     .set_user_id(data["sub"]).set_timestamp(datetime.now(timezone.utc).isoformat()))
            ags, column = message.get_ags(), None
            if "tag" in custom:  # the tool's own column, found by tag or created through the line items service
                column = ags.find_or_create_lineitem(LineItem().set_tag(custom["tag"]).set_label(custom["tag"])
                                                     .set_score_maximum(10))
            ags.put_grade(grade, column)
            answer["results"] = ags.get_grades(column)
        if message.has_nrps():
            answer["members"] = message.get_nrps().get_members()
        return jsonify(answer)

    return app


@contextlib.contextmanager
def serving(app: Flask) -> t.Iterator[str]:
    """The app on a loopback port in a thread, for the duration of the block; yields its URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()

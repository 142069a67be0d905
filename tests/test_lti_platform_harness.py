"""Self-tests of the independent LTI 1.3 platform (tests/lti_platform): no Conductor code, a throwaway tool key."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import jwt
import pytest
import requests
from jwcrypto.jwk import JWK

from tests.lti_platform.client import read_form
from tests.lti_platform.fixtures import PlatformProcess, lti_platform, lti_platform_server  # noqa: F401
from tests.lti_platform.state import new_key_pair
from tests.lti_platform.tamper import KINDS

TOOL = "https://tool.example"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
LEARNER = {"sub": "learner-1", "name": "Ada Learner", "email": "ada@example.com",
           "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}
COURSE = {"id": "course-1", "title": "Rhetoric"}


class ToolKey:
    """A tool's key pair, as the JWKS it publishes and the signer of its JWTs."""

    def __init__(self) -> None:
        self.private, public = new_key_pair()
        self.jwk = {**json.loads(JWK.from_pem(public.encode()).export_public()), "alg": "RS256", "use": "sig"}

    @property
    def jwks(self) -> dict:
        return {"keys": [self.jwk]}

    def sign(self, claims: dict, key: str | None = None) -> str:
        return jwt.encode(claims, key or self.private, algorithm="RS256", headers={"kid": self.jwk["kid"]})


@pytest.fixture()
def tool_key() -> ToolKey:
    return ToolKey()


@pytest.fixture()
def registered(lti_platform, tool_key) -> dict:
    return lti_platform.register_tool(f"{TOOL}/lti/login", f"{TOOL}/lti/launch", jwks=tool_key.jwks,
                                      deep_link_url=f"{TOOL}/lti/deep")


def authenticate(platform, registered, launch, **changes) -> requests.Response:
    """What the tool's OIDC login sends the browser to: the platform's auth endpoint."""
    params = {"scope": "openid", "response_type": "id_token", "response_mode": "form_post", "prompt": "none",
              "client_id": registered["client_id"], "redirect_uri": f"{TOOL}/lti/launch", "state": "state-1",
              "nonce": uuid.uuid4().hex, "login_hint": launch["login_hint"], "lti_message_hint": launch["hint"],
              **changes}
    return requests.get(f"{registered['auth_login_url']}?{urlencode(params)}", timeout=10)


def id_token_of(response: requests.Response) -> str:
    assert response.status_code == 200, response.text
    action, fields = read_form(response.text)
    assert action == f"{TOOL}/lti/launch"
    assert fields["state"] == "state-1"
    return fields["id_token"]


def verify(platform, registered, id_token: str) -> dict:
    """Check an id_token as a tool would: the platform's JWKS key of its kid, audience, issuer."""
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(key for key in platform.jwks()["keys"] if key["kid"] == kid)
    return jwt.decode(id_token, jwt.PyJWK(key).key, algorithms=["RS256"], audience=registered["client_id"],
                      issuer=registered["issuer"])


def access_token(platform, registered, tool_key, key: str | None = None, **changes) -> requests.Response:
    now = int(time.time())
    claims = {"iss": registered["client_id"], "sub": registered["client_id"], "aud": registered["auth_token_url"],
              "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex, **changes}
    return requests.post(registered["auth_token_url"], timeout=10, data={
        "grant_type": "client_credentials", "scope": SCORE_SCOPE,
        "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        "client_assertion": tool_key.sign(claims, key)})


def score(user="learner-1", given=7, **changes) -> dict:
    return {"userId": user, "scoreGiven": given, "scoreMaximum": 10, "activityProgress": "Completed",
            "gradingProgress": "FullyGraded", "timestamp": datetime.now(timezone.utc).isoformat(), **changes}


def post_score(line_item: str, token: str, body: dict) -> requests.Response:
    return requests.post(f"{line_item}/scores", json=body, timeout=10,
                         headers={"Authorization": f"Bearer {token}",
                                  "Content-Type": "application/vnd.ims.lis.v1.score+json"})


def test_platform_starts_answers_and_stops_with_no_warning(tmp_path):
    server = PlatformProcess(tmp_path / "platform.log")
    try:
        assert server.url.startswith("http://127.0.0.1:")
        keys = requests.get(f"{server.url}/jwks", timeout=10).json()["keys"]
        assert [key["kty"] for key in keys] == ["RSA"]
        configuration = requests.get(f"{server.url}/.well-known/openid-configuration", timeout=10).json()
        assert configuration["issuer"] == server.url
        assert configuration["jwks_uri"] == f"{server.url}/jwks"
    finally:
        server.stop()
    assert server.process.returncode is not None
    assert server.process.stdout.closed
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{server.url}/jwks", timeout=2)


def test_launch_id_token_verifies_with_the_platform_jwks_and_carries_the_claims(lti_platform, registered):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1", "title": "Essay"},
                                 line_item={"label": "Essay", "scoreMaximum": 10}, custom={"unit": "3"})
    assert launch["login_url"].startswith(f"{TOOL}/lti/login?")
    assert f"lti_message_hint={launch['hint']}" in launch["login_url"]
    response = authenticate(lti_platform, registered, launch, nonce="nonce-1")
    claims = verify(lti_platform, registered, id_token_of(response))
    assert claims["nonce"] == "nonce-1"
    assert claims["sub"] == "learner-1" and claims["email"] == "ada@example.com"
    assert claims[LTI + "message_type"] == "LtiResourceLinkRequest"
    assert claims[LTI + "deployment_id"] == registered["deployment_id"]
    assert claims[LTI + "roles"] == LEARNER["roles"]
    assert claims[LTI + "context"]["id"] == "course-1"
    assert claims[LTI + "resource_link"] == {"id": "link-1", "title": "Essay"}
    assert claims[LTI + "custom"] == {"unit": "3"}
    assert claims[AGS]["lineitem"] == launch["line_item"]
    assert claims[AGS]["lineitems"] == f"{lti_platform.url}/contexts/course-1/lineitems"
    assert claims[NRPS]["context_memberships_url"] == f"{lti_platform.url}/contexts/course-1/memberships"
    assert claims["exp"] > time.time()


@pytest.mark.parametrize("changes, reason", [
    ({"redirect_uri": "https://evil.example/launch"}, "redirect_uri is not one the tool registered"),
    ({"login_hint": "someone-else"}, "login_hint does not match the launch"),
    ({"state": ""}, "incomplete"),
    ({"response_mode": "query"}, "response_mode must be 'form_post'"),
])
def test_auth_endpoint_refuses_a_request_that_is_not_the_tools(lti_platform, registered, changes, reason):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"})
    response = authenticate(lti_platform, registered, launch, **changes)
    assert response.status_code == 400
    assert "id_token" not in response.text
    assert reason in lti_platform.errors()[-1]["reason"]
    assert lti_platform.captured(launch["hint"]) == []


def test_token_endpoint_accepts_the_tools_assertion_and_refuses_a_forged_one(lti_platform, registered, tool_key):
    right = access_token(lti_platform, registered, tool_key)
    assert right.status_code == 200, right.text
    assert right.json()["scope"] == SCORE_SCOPE and right.json()["token_type"] == "bearer"
    wrong_key = access_token(lti_platform, registered, tool_key, key=new_key_pair()[0])
    assert (wrong_key.status_code, wrong_key.json()["error"]) == (401, "invalid_client")
    assert "access_token" not in wrong_key.json()


@pytest.mark.parametrize("changes, reason", [
    ({"aud": "https://elsewhere.example/token"}, "aud is not this token endpoint"),
    ({"sub": "someone-else"}, "sub is not the client_id"),
    ({"exp": 1}, "Signature has expired"),
])
def test_token_endpoint_refuses_an_assertion_for_another_purpose(lti_platform, registered, tool_key, changes,
                                                                  reason):
    response = access_token(lti_platform, registered, tool_key, **changes)
    assert (response.status_code, response.json()["error"]) == (401, "invalid_client")
    assert reason in lti_platform.errors()[-1]["reason"]


def test_token_endpoint_refuses_a_replayed_assertion(lti_platform, registered, tool_key):
    assert access_token(lti_platform, registered, tool_key, jti="once").status_code == 200
    again = access_token(lti_platform, registered, tool_key, jti="once")
    assert again.status_code == 401


def test_score_with_a_valid_token_lands_in_the_gradebook_once(lti_platform, registered, tool_key):
    line_item = lti_platform.add_line_item("course-1", "Essay", 10)["id"]
    token = access_token(lti_platform, registered, tool_key).json()["access_token"]
    assert post_score(line_item, token, score(comment="Good")).status_code == 200
    column = lti_platform.gradebook()[line_item]
    assert (column["label"], column["attempts"], column["posts"]) == ("Essay", 1, 1)
    latest = column["scores"]["learner-1"]["latest"]
    assert (latest["scoreGiven"], latest["comment"]) == (7, "Good")
    assert latest["received_at"] <= time.time()


def test_score_with_an_invalid_token_is_refused(lti_platform, registered, tool_key):
    line_item = lti_platform.add_line_item("course-1", "Essay", 10)["id"]
    now = int(time.time())
    self_made = tool_key.sign({"sub": registered["client_id"], "iss": registered["issuer"],
                               "scopes": SCORE_SCOPE, "exp": now + 60})
    for token in (self_made, "not-a-token"):
        assert post_score(line_item, token, score()).status_code == 401
    assert requests.post(f"{line_item}/scores", json=score(), timeout=10).status_code == 401
    column = lti_platform.gradebook()[line_item]
    assert (column["attempts"], column["posts"], column["scores"]) == (3, 0, {})


def test_score_checks_fields_and_timestamps(lti_platform, registered, tool_key):
    line_item = lti_platform.add_line_item("course-1", "Essay", 10)["id"]
    token = access_token(lti_platform, registered, tool_key).json()["access_token"]
    assert post_score(line_item, token, score(activityProgress="Done")).status_code == 400
    assert post_score(line_item, token, score(timestamp="yesterday")).status_code == 400
    assert post_score(line_item, token, score(given=9)).status_code == 200
    earlier = (datetime.now(timezone.utc) - timedelta(hours=1)).isoformat()
    assert post_score(line_item, token, score(given=2, timestamp=earlier)).status_code == 409
    assert lti_platform.gradebook()[line_item]["scores"]["learner-1"]["latest"]["scoreGiven"] == 9


def test_failing_and_down_platform_answers_503_then_recovers(lti_platform, registered, tool_key):
    line_item = lti_platform.add_line_item("course-1", "Essay", 10)["id"]
    token = access_token(lti_platform, registered, tool_key).json()["access_token"]
    lti_platform.fail_next_scores(2)
    assert [post_score(line_item, token, score()).status_code for _ in range(3)] == [503, 503, 200]
    lti_platform.down(True)
    assert post_score(line_item, token, score()).status_code == 503
    lti_platform.down(False)
    assert post_score(line_item, token, score()).status_code == 200
    column = lti_platform.gradebook()[line_item]
    assert (column["attempts"], column["posts"]) == (5, 2)


@pytest.mark.parametrize("kind", KINDS)
def test_tampered_launch_differs_from_the_valid_one_as_claimed(lti_platform, registered, kind):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"}, tamper=kind)
    id_token = id_token_of(authenticate(lti_platform, registered, launch, nonce="nonce-1"))
    claims = jwt.decode(id_token, options={"verify_signature": False})
    expectations = {
        "wrong_key": lambda: pytest.raises(jwt.InvalidSignatureError),
        "wrong_aud": lambda: pytest.raises(jwt.InvalidAudienceError),
        "expired": lambda: pytest.raises(jwt.ExpiredSignatureError),
        "wrong_iss": lambda: pytest.raises(jwt.InvalidIssuerError),
        "unsigned": lambda: pytest.raises(jwt.InvalidAlgorithmError),
    }
    if kind in expectations:
        with expectations[kind]():
            verify(lti_platform, registered, id_token)
    else:
        verified = verify(lti_platform, registered, id_token)
        assert verified == claims
        if kind == "unknown_deployment":
            assert claims[LTI + "deployment_id"] not in (registered["deployment_id"],)
            assert claims["nonce"] == "nonce-1"
        else:
            assert claims["nonce"] != "nonce-1"
    assert claims["sub"] == "learner-1"


def test_captured_launch_replays_the_same_token_and_tampers_it_on_request(lti_platform, registered):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"})
    id_token = id_token_of(authenticate(lti_platform, registered, launch))
    captured = lti_platform.captured(launch["hint"])
    assert captured == [{"id_token": id_token, "state": "state-1", "launch_url": f"{TOOL}/lti/launch"}]
    expired = lti_platform.tampered(launch["hint"], "expired")
    assert expired["state"] == "state-1"
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(lti_platform, registered, expired["id_token"])

"""Self-tests of the independent LTI 1.3 platform (tests/lti_platform): no Conductor code, a throwaway tool key."""
from __future__ import annotations

import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode

import jwt
import pytest
import requests

from tests.lti_platform.client import read_form
from tests.lti_platform.fixtures import (  # noqa: F401
    PlatformProcess,
    lti_platform,
    lti_platform_server,
)
from tests.lti_platform.sample_tool import ToolKey, create_sample_tool, serving
from tests.lti_platform.state import new_key_pair
from tests.lti_platform.tamper import CLAIM_KINDS, KINDS

TOOL = "https://tool.example"
LTI = "https://purl.imsglobal.org/spec/lti/claim/"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
AGS_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/"
SCORE_SCOPE = AGS_SCOPE + "score"
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
LEARNER = {"sub": "learner-1", "name": "Ada Learner", "email": "ada@example.com",
           "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}
COURSE = {"id": "course-1", "title": "Rhetoric"}


class SigningKey(ToolKey):
    """A throwaway tool key that signs the JWTs a tool would send (client assertions, deep-linking responses)."""

    def sign(self, claims: dict, key: str | None = None) -> str:
        return jwt.encode(claims, key or self.private, algorithm="RS256", headers={"kid": self.jwk["kid"]})


@pytest.fixture()
def tool_key() -> SigningKey:
    return SigningKey()


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


def access_token(platform, registered, tool_key, key: str | None = None, scope: str = SCORE_SCOPE,
                 **changes) -> requests.Response:
    now = int(time.time())
    claims = {"iss": registered["client_id"], "sub": registered["client_id"], "aud": registered["auth_token_url"],
              "iat": now, "exp": now + 60, "jti": uuid.uuid4().hex, **changes}
    return requests.post(registered["auth_token_url"], timeout=10, data={
        "grant_type": "client_credentials", "scope": scope,
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


@pytest.mark.parametrize("kind", CLAIM_KINDS)
def test_a_claim_tampered_launch_is_validly_signed_and_breaks_one_id_token_rule(lti_platform, registered, kind):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"}, tamper=kind)
    id_token = id_token_of(authenticate(lti_platform, registered, launch, nonce="nonce-1"))
    kid = jwt.get_unverified_header(id_token)["kid"]
    key = next(key for key in lti_platform.jwks()["keys"] if key["kid"] == kid)
    claims = jwt.decode(id_token, jwt.PyJWK(key).key, algorithms=["RS256"], issuer=registered["issuer"],
                        options={"verify_aud": False, "verify_iat": False})  # signed by the platform's key
    assert claims["nonce"] == "nonce-1" and claims["sub"] == "learner-1"
    now = time.time()
    broken = {
        "no_exp": lambda: "exp" not in claims,
        "no_iat": lambda: "iat" not in claims and claims["exp"] > now,
        "future_iat": lambda: claims["iat"] > now + 3000 and claims["exp"] > claims["iat"],
        "many_aud_no_azp": lambda: claims["aud"] == [registered["client_id"], "another-tool"] and "azp" not in claims,
        "many_aud_wrong_azp": lambda: (claims["aud"] == [registered["client_id"], "another-tool"]
                                       and claims["azp"] == "another-tool"),
    }
    assert broken[kind]()


def test_captured_launch_replays_the_same_token_and_tampers_it_on_request(lti_platform, registered):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"})
    id_token = id_token_of(authenticate(lti_platform, registered, launch))
    captured = lti_platform.captured(launch["hint"])
    assert captured == [{"id_token": id_token, "state": "state-1", "launch_url": f"{TOOL}/lti/launch"}]
    expired = lti_platform.tampered(launch["hint"], "expired")
    assert expired["state"] == "state-1"
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(lti_platform, registered, expired["id_token"])


@pytest.fixture()
def sample_tool(lti_platform):
    """pylti1p3's view of the platform: a tool registered by its JWKS URL, served on loopback."""
    key = ToolKey()
    app = create_sample_tool(key)
    with serving(app) as url:
        app.config["LTI"] = lti_platform.register_tool(f"{url}/login", f"{url}/launch", jwks_url=f"{url}/jwks")
        yield app


def test_pylti1p3_tool_launches_posts_a_score_once_and_reads_members(lti_platform, sample_tool):
    members = [{"user_id": "learner-1", "roles": LEARNER["roles"], "name": "Ada Learner"},
               {"user_id": "teacher-1", "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}]
    lti_platform.set_members("course-1", members, title="Rhetoric")
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"}, line_item={"label": "Essay", "scoreMaximum": 10},
                                 custom={"score": "8"})
    with requests.Session() as browser:
        answer = lti_platform.follow_launch(browser, launch)
    assert answer.status_code == 200, answer.text
    assert answer.json()["sub"] == "learner-1"
    assert [member["user_id"] for member in answer.json()["members"]] == ["learner-1", "teacher-1"]
    column = lti_platform.gradebook()[launch["line_item"]]
    assert (column["posts"], column["resourceLinkId"]) == (1, "link-1")
    assert column["scores"]["learner-1"]["latest"]["scoreGiven"] == 8


def test_pylti1p3_tool_finds_or_creates_its_column_and_reads_the_results(lti_platform, sample_tool):
    for given in ("6", "9"):
        launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"}, custom={"score": given, "tag": "quiz"},
                                     nrps=False)
        with requests.Session() as browser:
            answer = lti_platform.follow_launch(browser, launch)
        assert answer.status_code == 200, answer.text
        assert [result["resultScore"] for result in answer.json()["results"]] == [float(given)]
    [column] = lti_platform.gradebook().values()
    assert (column["tag"], column["label"], column["posts"]) == ("quiz", "quiz", 2)


def test_line_items_and_members_come_in_pages_linked_by_header(lti_platform, registered, tool_key):
    for label in ("One", "Two"):
        lti_platform.add_line_item("course-1", label, 10)
    lti_platform.set_members("course-1", [{"user_id": f"u{n}", "roles": LEARNER["roles"]} for n in range(3)])
    scopes = f"{AGS_SCOPE}lineitem.readonly {NRPS_SCOPE}"
    token = access_token(lti_platform, registered, tool_key, scope=scopes).json()["access_token"]
    bearer = {"Authorization": f"Bearer {token}"}
    first = requests.get(f"{lti_platform.url}/contexts/course-1/lineitems?limit=1", headers=bearer, timeout=10)
    assert [item["label"] for item in first.json()] == ["One"]
    second = requests.get(first.links["next"]["url"], headers=bearer, timeout=10)
    assert [item["label"] for item in second.json()] == ["Two"] and "next" not in second.links
    members = requests.get(f"{lti_platform.url}/contexts/course-1/memberships?limit=2", headers=bearer, timeout=10)
    assert [member["user_id"] for member in members.json()["members"]] == ["u0", "u1"]
    rest = requests.get(members.links["next"]["url"], headers=bearer, timeout=10)
    assert [member["user_id"] for member in rest.json()["members"]] == ["u2"]


def test_each_ags_call_needs_its_own_scope(lti_platform, registered, tool_key):
    line_item = lti_platform.add_line_item("course-1", "Essay", 10)["id"]
    read_only = access_token(lti_platform, registered, tool_key,
                             scope=f"{AGS_SCOPE}lineitem.readonly").json()["access_token"]
    refused = post_score(line_item, read_only, score())
    assert (refused.status_code, refused.json()["error"]) == (403, "insufficient_scope")
    assert requests.get(line_item, headers={"Authorization": f"Bearer {read_only}"}, timeout=10).status_code == 200
    assert lti_platform.gradebook()[line_item]["posts"] == 0


@pytest.mark.parametrize("kind", KINDS)
def test_pylti1p3_tool_refuses_each_tampered_launch(lti_platform, sample_tool, kind):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"}, tamper=kind)
    with requests.Session() as browser:
        answer = lti_platform.follow_launch(browser, launch)
    assert answer.status_code == 403, answer.text
    assert sample_tool.config["LAUNCHES"] == []


@pytest.mark.parametrize("kind", [kind for kind in CLAIM_KINDS if kind != "future_iat"])
def test_pylti1p3_alone_accepts_a_launch_breaking_a_rule_it_leaves_to_the_tool(lti_platform, sample_tool, kind):
    """What a tool on pylti1p3 2.0 must check itself (Conductor: lms.lti.services.token_problem). A future iat
    is refused by PyJWT 2.10 and later only, with no leeway."""
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"}, tamper=kind)
    with requests.Session() as browser:
        answer = lti_platform.follow_launch(browser, launch)
    assert answer.status_code == 200, answer.text
    assert [data["sub"] for data in sample_tool.config["LAUNCHES"]] == ["learner-1"]


def test_pylti1p3_tool_refuses_a_replayed_launch(lti_platform, sample_tool):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"})
    with requests.Session() as browser:
        assert lti_platform.follow_launch(browser, launch).status_code == 200
        captured = lti_platform.captured(launch["hint"])[-1]
        again = browser.post(captured["launch_url"], timeout=10,
                             data={"id_token": captured["id_token"], "state": captured["state"]})
    assert again.status_code == 403
    assert len(sample_tool.config["LAUNCHES"]) == 1


def test_deep_linking_response_from_pylti1p3_becomes_a_link_and_a_column(lti_platform, sample_tool):
    launch = lti_platform.deep_link_launch(LEARNER | {"roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]},
                                           COURSE)
    with requests.Session() as browser:
        form = lti_platform.follow_launch(browser, launch)
        action, fields = read_form(form.text)
        assert action == f"{lti_platform.url}/deep-link-return"
        returned = browser.post(action, data=fields, timeout=10)
    assert returned.status_code == 200 and "Essay" in returned.text
    [record] = lti_platform.deep_link_returns()
    [link] = record["created"]
    assert link["title"] == "Essay" and link["url"].endswith("/launch")
    column = lti_platform.gradebook()[link["line_item"]]
    assert (column["label"], column["scoreMaximum"], column["resourceLinkId"]) == ("Essay", 10, link["id"])


def deep_link_response(registered, tool_key, data: str, key: str | None = None, **changes) -> str:
    now = int(time.time())
    claims = {"iss": registered["client_id"], "aud": [registered["issuer"]], "iat": now, "exp": now + 60,
              "nonce": uuid.uuid4().hex, LTI + "deployment_id": registered["deployment_id"],
              LTI + "message_type": "LtiDeepLinkingResponse", LTI + "version": "1.3.0",
              "https://purl.imsglobal.org/spec/lti-dl/claim/content_items": [
                  {"type": "ltiResourceLink", "title": "Quiz", "url": f"{TOOL}/lti/launch"}],
              "https://purl.imsglobal.org/spec/lti-dl/claim/data": data, **changes}
    return tool_key.sign(claims, key)


@pytest.mark.parametrize("changes, reason", [
    ({"key": "other"}, "Signature verification failed"),
    ({"aud": ["https://elsewhere.example"]}, "aud is not this platform"),
    ({LTI + "deployment_id": "unknown"}, "unknown deployment_id"),
    ({"https://purl.imsglobal.org/spec/lti-dl/claim/data": "forged"}, "data does not echo"),
    ({LTI + "message_type": "LtiResourceLinkRequest"}, "isn't a Deep Linking Response"),
])
def test_deep_link_return_refuses_a_response_not_meant_for_this_request(lti_platform, registered, tool_key,
                                                                        changes, reason):
    launch = lti_platform.deep_link_launch(LEARNER, COURSE)
    response = authenticate(lti_platform, registered, launch, redirect_uri=f"{TOOL}/lti/deep")
    data = jwt.decode(read_form(response.text)[1]["id_token"], options={"verify_signature": False})[
        "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]["data"]
    key = new_key_pair()[0] if changes.pop("key", None) else None
    good = requests.post(f"{lti_platform.url}/deep-link-return", timeout=10,
                         data={"JWT": deep_link_response(registered, tool_key, data)})
    assert good.status_code == 200
    bad = requests.post(f"{lti_platform.url}/deep-link-return", timeout=10,
                        data={"JWT": deep_link_response(registered, tool_key, data, key=key, **changes)})
    assert bad.status_code == 400
    assert reason in lti_platform.errors()[-1]["reason"]
    assert len(lti_platform.deep_link_returns()) == 1


def test_memberships_need_a_token_with_the_nrps_scope(lti_platform, registered, tool_key):
    lti_platform.set_members("course-1", [{"user_id": "learner-1", "roles": LEARNER["roles"]}])
    url = f"{lti_platform.url}/contexts/course-1/memberships"
    assert requests.get(url, timeout=10).status_code == 401
    score_only = access_token(lti_platform, registered, tool_key).json()["access_token"]
    assert requests.get(url, headers={"Authorization": f"Bearer {score_only}"}, timeout=10).status_code == 401


def registration_request(url: str) -> dict:
    return {"application_type": "web", "response_types": ["id_token"],
            "grant_types": ["implicit", "client_credentials"], "initiate_login_uri": f"{url}/login",
            "redirect_uris": [f"{url}/launch"], "client_name": "Sample", "jwks_uri": f"{url}/jwks",
            "token_endpoint_auth_method": "private_key_jwt", "scope": SCORE_SCOPE,
            "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                "domain": "tool.example", "target_link_uri": f"{url}/launch",
                "claims": ["iss", "sub", "name", "email"],
                "messages": [{"type": "LtiDeepLinkingRequest", "target_link_uri": f"{url}/deep"}]}}


def test_dynamic_registration_registers_the_tool_once_per_token(lti_platform):
    started = lti_platform.start_dynamic_registration(f"{TOOL}/lti/register?school=1")
    assert started["url"].startswith(f"{TOOL}/lti/register?school=1&openid_configuration=")
    assert f"registration_token={started['registration_token']}" in started["url"]
    configuration = requests.get(started["openid_configuration"], timeout=10).json()
    assert configuration["issuer"] == lti_platform.issuer
    platform = configuration["https://purl.imsglobal.org/spec/lti-platform-configuration"]
    assert {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]} in platform["messages_supported"]
    endpoint = configuration["registration_endpoint"]
    bearer = {"Authorization": f"Bearer {started['registration_token']}"}
    assert requests.post(endpoint, json=registration_request(TOOL), timeout=10).status_code == 401
    broken = {**registration_request(TOOL), "token_endpoint_auth_method": "client_secret_basic"}
    assert requests.post(endpoint, json=broken, headers=bearer, timeout=10).json()["error"] == "invalid_client_metadata"
    answer = requests.post(endpoint, json=registration_request(TOOL), headers=bearer, timeout=10)
    assert answer.status_code == 201
    client_id = answer.json()["client_id"]
    deployment = answer.json()["https://purl.imsglobal.org/spec/lti-tool-configuration"]["deployment_id"]
    [tool] = lti_platform.tools()
    assert (tool["client_id"], tool["deployment_ids"], tool["deep_link_url"]) == (client_id, [deployment],
                                                                                 f"{TOOL}/deep")
    assert requests.post(endpoint, json=registration_request(TOOL), headers=bearer, timeout=10).status_code == 401
    assert lti_platform.dynamic_registration(started["registration_token"])["client_id"] == client_id


def test_course_page_embeds_the_launch_which_starts_at_the_tool(lti_platform, registered):
    launch = lti_platform.launch(LEARNER, COURSE, {"id": "link-1"})
    page = requests.get(launch["iframe_url"], timeout=10)
    assert f'<iframe id="tool" title="Rhetoric" src="/launch/{launch["hint"]}"' in page.text
    start = requests.get(launch["start_url"], allow_redirects=False, timeout=10)
    assert start.status_code == 302
    assert start.headers["Location"] == launch["login_url"]

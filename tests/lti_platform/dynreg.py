"""The platform side of IMS LTI Dynamic Registration 1.0, which `lti1p3platform` does not implement.

Written here: the OpenID configuration document (with the lti-platform-configuration claim), the initiation
URL the admin's browser opens at the tool (`openid_configuration` and a one-time `registration_token`), the
registration endpoint (RFC 7591 with the IMS additions: checks the bearer token and the client metadata, stores
the tool as a new registration, answers 201 with its client_id and deployment_id), and a page that hosts the
tool's registration screen in an iframe and notes the `org.imsglobal.lti.close` message the tool posts when done.
"""
from __future__ import annotations

import html
import json
import typing as t
from urllib.parse import urlencode

from werkzeug.exceptions import NotFound
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .state import State, Tool, token
from .web import as_json, bearer, page

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = ["openid", "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score",
          "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"]

RULES = [
    Rule("/.well-known/openid-configuration", endpoint="openid_configuration", methods=["GET"]),
    Rule("/register", endpoint="register", methods=["POST"]),
    Rule("/dynamic-registration/<registration_token>", endpoint="registration_page", methods=["GET"]),
    Rule("/dynamic-registration/<registration_token>/closed", endpoint="registration_closed", methods=["POST"]),
]


def start(state: State, tool_registration_url: str) -> dict[str, t.Any]:
    """A one-time registration token and the URL the admin's browser opens at the tool."""
    registration_token = token("registration")
    with state.lock:
        state.registration_tokens[registration_token] = {"tool_url": tool_registration_url, "used": False,
                                                         "closed": False, "client_id": None}
    return {"url": start_url(state, tool_registration_url, registration_token), "registration_token": registration_token,
            "openid_configuration": state.url("/.well-known/openid-configuration"),
            "page_url": state.url(f"/dynamic-registration/{registration_token}")}


def configuration(state: State) -> dict[str, t.Any]:
    return {
        "issuer": state.issuer, "authorization_endpoint": state.url("/auth"),
        "registration_endpoint": state.url("/register"), "jwks_uri": state.url("/jwks"),
        "token_endpoint": state.url("/token"), "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256"], "scopes_supported": SCOPES,
        "response_types_supported": ["id_token"], "id_token_signing_alg_values_supported": ["RS256"],
        "subject_types_supported": ["public", "pairwise"],
        "claims_supported": ["iss", "aud", "sub", "name", "given_name", "family_name", "email"],
        PLATFORM_CONFIGURATION: {
            "product_family_code": "conductor-test-platform", "version": "1.0",
            "messages_supported": [{"type": "LtiResourceLinkRequest"},
                                   {"type": "LtiDeepLinkingRequest", "placements": ["ContentArea"]}],
            "variables": []},
    }


def metadata_problem(data: dict[str, t.Any]) -> tuple[str, str] | None:
    """The first way a client registration request breaks the LTI Dynamic Registration rules, if any."""
    lti = data.get(TOOL_CONFIGURATION)
    checks = [
        (data.get("application_type") == "web", "application_type must be web"),
        (data.get("response_types") == ["id_token"], "response_types must be [id_token]"),
        (set(data.get("grant_types") or []) >= {"implicit", "client_credentials"},
         "grant_types must hold implicit and client_credentials"),
        (data.get("token_endpoint_auth_method") == "private_key_jwt", "token_endpoint_auth_method must be private_key_jwt"),
        (bool(data.get("initiate_login_uri")), "initiate_login_uri is required"),
        (bool(data.get("jwks_uri")), "jwks_uri is required"),
        (isinstance(lti, dict) and bool(lti.get("domain")) and bool(lti.get("target_link_uri")),
         f"{TOOL_CONFIGURATION} with domain and target_link_uri is required"),
    ]
    for passed, reason in checks:
        if not passed:
            return "invalid_client_metadata", reason
    uris = data.get("redirect_uris")
    if not isinstance(uris, list) or not uris or not all(isinstance(uri, str) and uri for uri in uris):
        return "invalid_redirect_uri", "redirect_uris must be a list of URLs"
    return None


def handlers(state: State) -> dict[str, t.Callable[..., Response]]:
    def openid_configuration(request: Request) -> Response:
        return as_json(configuration(state))

    def register(request: Request) -> Response:
        presented = bearer(request)
        with state.lock:
            grant = state.registration_tokens.get(presented or "")
            if grant is None or grant["used"]:
                state.refuse("register", "registration token missing, unknown or used")
                return as_json({"error": "invalid_token"}, status=401)
            data = request.get_json(silent=True)
            problem = metadata_problem(data) if isinstance(data, dict) else ("invalid_client_metadata", "not JSON")
            if problem:
                state.refuse("register", problem[1])
                return as_json({"error": problem[0], "error_description": problem[1]}, status=400)
            lti = data[TOOL_CONFIGURATION]
            deep = next((message.get("target_link_uri") for message in lti.get("messages", [])
                         if message.get("type") == "LtiDeepLinkingRequest"), None)
            tool = Tool(client_id=token("client"), deployment_ids=[token("deployment")],
                        login_url=data["initiate_login_uri"], launch_url=lti["target_link_uri"],
                        deep_link_url=deep or lti["target_link_uri"], jwks_url=data["jwks_uri"],
                        redirect_uris=list(data["redirect_uris"]), name=data.get("client_name", ""),
                        dynamic=data)
            state.tools[tool.client_id] = tool
            grant.update(used=True, client_id=tool.client_id)
        answer = {**data, "client_id": tool.client_id,
                  TOOL_CONFIGURATION: {**lti, "deployment_id": tool.deployment_ids[0]}}
        return as_json(answer, status=201)

    def registration_page(request: Request, registration_token: str) -> Response:
        grant = state.registration_tokens.get(registration_token) or _missing()
        url = start_url(state, grant["tool_url"], registration_token)
        script = ('<script>window.addEventListener("message", function (event) {'
                  'if (event.data && event.data.subject === "org.imsglobal.lti.close") {'
                  f'fetch({json.dumps(f"/dynamic-registration/{registration_token}/closed")}, {{method: "POST"}})'
                  '.then(function () { document.getElementById("status").textContent = "Registration closed"; });'
                  '}});</script>')
        return page("Register a tool", f'<p id="status" role="status"></p><iframe id="tool" title="Tool registration" '
                                       f'src="{html.escape(url)}" width="100%" height="600"></iframe>{script}')

    def registration_closed(request: Request, registration_token: str) -> Response:
        with state.lock:
            grant = state.registration_tokens.get(registration_token) or _missing()
            grant["closed"] = True
        return as_json(grant)

    return {"openid_configuration": openid_configuration, "register": register,
            "registration_page": registration_page, "registration_closed": registration_closed}


def start_url(state: State, tool_url: str, registration_token: str) -> str:
    query = urlencode({"openid_configuration": state.url("/.well-known/openid-configuration"),
                       "registration_token": registration_token})
    return f"{tool_url}{'&' if '?' in tool_url else '?'}{query}"


def _missing() -> t.NoReturn:
    raise NotFound("no such registration")

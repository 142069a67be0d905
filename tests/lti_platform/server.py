"""The platform's HTTP endpoints (LTI 1.3 core, AGS, NRPS, deep linking) as one Werkzeug application."""
from __future__ import annotations

import html
import typing as t

import jwt
from lti1p3platform.registration import Registration
from lti1p3platform.exceptions import (LtiDeepLinkingResponseException, LtiException, MissingRequiredClaim,
                                       PreflightRequestValidationException, UnsupportedGrantType)
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import control, dynreg
from .library import AuthResponse, LoginInitiation, WerkzeugLtiRequest, auto_submit_form, conf
from .services import Gradebook, Members, add_line_item
from .state import Launch, State, Tool
from .tamper import claims_of, tamper
from .web import as_json, bearer, from_library, oauth_error, page

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"

RULES = [
    Rule("/jwks", endpoint="jwks", methods=["GET"]),
    Rule("/launch/<hint>", endpoint="initiate_login", methods=["GET"]),
    Rule("/launch-return", endpoint="launch_return", methods=["GET"]),
    Rule("/auth", endpoint="auth", methods=["GET", "POST"]),
    Rule("/token", endpoint="token", methods=["POST"]),
    Rule("/contexts/<context_id>/lineitems", endpoint="line_items", methods=["GET", "POST"]),
    Rule("/contexts/<context_id>/lineitems/<int:number>", endpoint="line_item", methods=["GET", "PUT", "DELETE"]),
    Rule("/contexts/<context_id>/lineitems/<int:number>/scores", endpoint="scores", methods=["POST"]),
    Rule("/contexts/<context_id>/lineitems/<int:number>/results", endpoint="results", methods=["GET"]),
    Rule("/contexts/<context_id>/memberships", endpoint="memberships", methods=["GET"]),
    Rule("/deep-link-return", endpoint="deep_link_return", methods=["POST"]),
    Rule("/course/<context_id>", endpoint="course", methods=["GET"]),
    *dynreg.RULES,
    *control.RULES,
]


class Platform:
    """The WSGI application: routes each request to a method of this class, of `control` or of `dynreg`."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.url_map = Map(RULES)
        self.handlers: dict[str, t.Callable[..., Response]] = {
            **{name: getattr(self, name) for name in {rule.endpoint for rule in RULES}
               if hasattr(self, name)},
            **control.handlers(state), **dynreg.handlers(state)}

    def __call__(self, environ: dict[str, t.Any], start_response: t.Callable[..., t.Any]) -> t.Iterable[bytes]:
        request = Request(environ)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, args = adapter.match()
            response = self.handlers[endpoint](request, **args)
        except HTTPException as error:
            response = error.get_response(environ)
        return response(environ, start_response)

    # LTI 1.3 core

    def jwks(self, request: Request) -> Response:
        keys = Registration().set_platform_public_key(self.state.public_key).get_jwks()
        return as_json({"keys": keys})

    def launch_return(self, request: Request) -> Response:
        """Where the tool sends the user back (launch_presentation.return_url)."""
        message = request.args.get("lti_msg") or request.args.get("lti_errormsg") or ""
        return page("Back on the platform", f'<p id="lti-msg">{html.escape(message)}</p>')

    def initiate_login(self, request: Request, hint: str) -> Response:
        launch = self.state.launches.get(hint) or _not_found("no such launch")
        tool = self.state.tools[launch.client_id]
        login = LoginInitiation(WerkzeugLtiRequest(request), conf(self.state, tool, launch.deployment_id))
        login.set_lti_message_hint(hint=hint)
        if launch.target_link_uri:
            login.set_launch_url(launch.target_link_uri)
        elif launch.kind == "deep":
            login.set_deeplinking_launch_url()
        return login.initiate_login(launch.login_hint)

    def auth(self, request: Request) -> Response:
        params = request.values
        tool = self.state.tools.get(params.get("client_id", ""))
        launch = self.state.launches.get(params.get("lti_message_hint", ""))
        if tool is None or launch is None or launch.client_id != tool.client_id:
            reason = self.state.refuse("auth", "unknown client_id or lti_message_hint")
            return page("Launch refused", f"<p>{html.escape(reason)}</p>", status=400)
        response = AuthResponse(WerkzeugLtiRequest(request), conf(self.state, tool, launch.deployment_id))
        response.launch, response.tool = launch, tool
        self._claims(response, launch)
        try:
            data = response.lti_launch()
        except PreflightRequestValidationException as error:
            reason = self.state.refuse("auth", str(error) or "the authentication request is incomplete")
            return page("Launch refused", f"<p>{html.escape(reason)}</p>", status=400)
        if launch.tamper:
            data["id_token"] = tamper(data["id_token"], launch.tamper, self.state.private_key)
        with self.state.lock:
            launch.captured.append(data)
        return Response(auto_submit_form(data["launch_url"], {"id_token": data["id_token"], "state": data["state"]}),
                        content_type="text/html; charset=utf-8")

    def _claims(self, response: AuthResponse, launch: Launch) -> None:
        """The claims of a launch, set through the library's builders."""
        user = launch.user
        response.set_user_data(user["sub"], user.get("roles", []), full_name=user.get("name"),
                               email_address=user.get("email"))
        response.set_launch_presentation_claim(document_target=launch.document_target,
                                               return_url=self.state.url("/launch-return"))
        if launch.target_link_uri:
            response.set_launch_url(launch.target_link_uri)
        if launch.custom:
            response.set_custom_parameters_claim(launch.custom)
        if launch.resource_link:
            response.set_resource_link_claim(launch.resource_link["id"], title=launch.resource_link.get("title"),
                                             description=launch.resource_link.get("description"))
        context = launch.context
        if context:
            response.set_launch_context_claim(context["id"], context_types=context.get("type"),
                                              context_title=context.get("title"),
                                              context_label=context.get("label"))
            if launch.ags:
                response.set_ags(self.state.url(f"/contexts/{context['id']}/lineitems"), launch.line_item)
            if launch.nrps:
                response.set_nrps(self.state.url(f"/contexts/{context['id']}/memberships"))
        if launch.kind == "deep":
            response.set_dl(self.state.url("/deep-link-return"), title="Add content",
                            accept_types=set(launch.accept_types or ["ltiResourceLink"]), extra_data=launch.dl_data)

    # OAuth 2 client credentials (LTI Advantage services)

    def token(self, request: Request) -> Response:
        form = request.form.to_dict()
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            self.state.refuse("token", "client_assertion_type is not jwt-bearer")
            return oauth_error("invalid_request", "client_assertion_type must be jwt-bearer")
        try:
            claims = claims_of(form.get("client_assertion", ""))
        except jwt.InvalidTokenError:
            self.state.refuse("token", "client_assertion is not a JWT")
            return oauth_error("invalid_request", "client_assertion is not a JWT")
        tool = self.state.tools.get(str(claims.get("iss")))
        if tool is None:
            self.state.refuse("token", "unknown client")
            return oauth_error("invalid_client", "unknown client", 401)
        try:
            answer = conf(self.state, tool).get_access_token(form)
        except MissingRequiredClaim as error:
            return oauth_error("invalid_request", self.state.refuse("token", str(error)))
        except UnsupportedGrantType:
            return oauth_error("unsupported_grant_type", self.state.refuse("token", "grant_type"))
        except (LtiException, jwt.InvalidTokenError) as error:
            return oauth_error("invalid_client", self.state.refuse("token", f"client assertion: {error}"), 401)
        problem = self._assertion_problem(claims, tool)
        if problem:
            return oauth_error("invalid_client", self.state.refuse("token", problem), 401)
        with self.state.lock:
            self.state.used_assertions.add(claims["jti"])
        return as_json(answer, headers={"Cache-Control": "no-store"})

    def _assertion_problem(self, claims: dict[str, t.Any], tool: Tool) -> str | None:
        """What RFC 7523 and the IMS security framework ask of a client assertion, which the library leaves out
        (it checks only the signature and, when present, the expiry)."""
        audience = claims.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if claims.get("sub") != tool.client_id:
            return "client assertion: sub is not the client_id"
        if self.state.url("/token") not in audiences:
            return "client assertion: aud is not this token endpoint"
        if "exp" not in claims:
            return "client assertion: exp is missing"
        if not claims.get("jti") or claims["jti"] in self.state.used_assertions:
            return "client assertion: jti is missing or was used before"
        return None

    # Assignment and Grade Services, Names and Role Provisioning

    def _service_client(self, request: Request) -> Tool | None:
        token = bearer(request)
        try:
            subject = claims_of(token).get("sub") if token else None
        except jwt.InvalidTokenError:
            return None
        return self.state.tools.get(str(subject))

    def _gradebook(self, request: Request, context_id: str, method: str, **kwargs: t.Any) -> Response:
        if self.state.down:
            return oauth_error("temporarily_unavailable", "the platform is down", 503)
        tool = self._service_client(request)
        if tool is None:
            self.state.refuse("ags", "no valid bearer token")
            return as_json({"error": "Invalid LTI 1.3 authentication token"}, status=401)
        number = kwargs.pop("number", None)
        lineitem_url = self.state.url(f"/contexts/{context_id}/lineitems/{number}") if number else None
        service = Gradebook(WerkzeugLtiRequest(request), conf(self.state, tool),
                            self.state.url(f"/contexts/{context_id}/lineitems"), lineitem_url,
                            state=self.state, context_id=context_id, client_id=tool.client_id)
        if lineitem_url:
            kwargs["line_item_id"] = lineitem_url
        try:
            with self.state.lock:
                return from_library(service.handle_resp(getattr(service, method), **kwargs))
        except (LtiException, jwt.InvalidTokenError) as error:
            self.state.refuse("ags", f"token: {error}")
            return as_json({"error": "Invalid LTI 1.3 authentication token"}, status=401)

    def line_items(self, request: Request, context_id: str) -> Response:
        method = "handle_get_lineitems" if request.method == "GET" else "handle_create_lineitem"
        return self._gradebook(request, context_id, method)

    def line_item(self, request: Request, context_id: str, number: int) -> Response:
        method = {"GET": "handle_get_lineitem", "PUT": "handle_update_lineitem",
                  "DELETE": "handle_delete_lineitem"}[request.method]
        return self._gradebook(request, context_id, method, number=number)

    def scores(self, request: Request, context_id: str, number: int) -> Response:
        line_item_id = self.state.url(f"/contexts/{context_id}/lineitems/{number}")
        with self.state.lock:
            self.state.score_attempts[line_item_id] = self.state.score_attempts.get(line_item_id, 0) + 1
            if self.state.fail_scores > 0:
                self.state.fail_scores -= 1
                return oauth_error("temporarily_unavailable", "scores fail on request of the test", 503)
        return self._gradebook(request, context_id, "handle_update_score", number=number)

    def results(self, request: Request, context_id: str, number: int) -> Response:
        return self._gradebook(request, context_id, "handle_get_results", number=number)

    def memberships(self, request: Request, context_id: str) -> Response:
        if self.state.down:
            return oauth_error("temporarily_unavailable", "the platform is down", 503)
        tool = self._service_client(request)
        if tool is None:
            return as_json({"error": "Invalid LTI 1.3 authentication token"}, status=401)
        service = Members(WerkzeugLtiRequest(request), conf(self.state, tool),
                          self.state.url(f"/contexts/{context_id}/memberships"),
                          state=self.state, context_id=context_id)
        try:
            with self.state.lock:
                return from_library(service.handle_resp(service.handle_get_members))
        except (LtiException, jwt.InvalidTokenError) as error:
            self.state.refuse("nrps", f"token: {error}")
            return as_json({"error": "Invalid LTI 1.3 authentication token"}, status=401)

    # Deep linking

    def deep_link_return(self, request: Request) -> Response:
        token = request.form.get("JWT", "")
        try:
            claims = claims_of(token)
        except jwt.InvalidTokenError:
            return self._dl_refused("JWT is missing or malformed")
        tool = self.state.tools.get(str(claims.get("iss")))
        if tool is None:
            return self._dl_refused("unknown client")
        try:
            items = conf(self.state, tool).validate_deeplinking_resp({"JWT": token})
        except (LtiException, LtiDeepLinkingResponseException, jwt.InvalidTokenError) as error:
            return self._dl_refused(f"{error}")
        launch = next((launch for launch in self.state.launches.values()
                       if launch.kind == "deep" and launch.dl_data == claims.get(DL + "data")), None)
        problem = self._dl_problem(claims, tool, launch)
        if problem:
            return self._dl_refused(problem)
        assert launch is not None
        created = self._add_content(items, launch)
        record = {"client_id": tool.client_id, "launch": launch.hint, "items": items, "created": created,
                  "msg": claims.get(DL + "msg"), "log": claims.get(DL + "log"),
                  "errormsg": claims.get(DL + "errormsg"), "errorlog": claims.get(DL + "errorlog")}
        with self.state.lock:
            self.state.deep_link_returns.append(record)
        listing = "".join(f"<li>{html.escape(str(item.get('title') or item.get('url') or item['type']))}</li>"
                          for item in items)
        return page("Content added", f"<ul>{listing}</ul>")

    def _dl_problem(self, claims: dict[str, t.Any], tool: Tool, launch: Launch | None) -> str | None:
        """Checks of the LTI Deep Linking 2.0 response that the library leaves out (it checks the signature, the
        message type and the content item types)."""
        audience = claims.get("aud")
        if self.state.issuer not in (audience if isinstance(audience, list) else [audience]):
            return "aud is not this platform"
        if claims.get(DEPLOYMENT) not in tool.deployment_ids:
            return "unknown deployment_id"
        if "exp" not in claims or not claims.get("nonce"):
            return "exp and nonce are required"
        if launch is None or launch.client_id != tool.client_id:
            return "data does not echo a deep-linking request of this platform"
        return None

    def _dl_refused(self, reason: str) -> Response:
        self.state.refuse("deep_link_return", reason)
        return page("Content refused", f"<p>{html.escape(reason)}</p>", status=400)

    def _add_content(self, items: list[dict[str, t.Any]], launch: Launch) -> list[dict[str, t.Any]]:
        """Each LTI resource link becomes a link in the course, with a gradebook column if it asks for one."""
        created = []
        context_id = (launch.context or {}).get("id")
        with self.state.lock:
            for item in items:
                if item.get("type") != "ltiResourceLink":
                    continue
                link = {"id": f"rl-{self.state.next_id()}", "title": item.get("title"), "url": item.get("url"),
                        "custom": item.get("custom"), "line_item": None}
                line_item = item.get("lineItem")
                if isinstance(line_item, dict) and context_id:
                    column = add_line_item(self.state, context_id, launch.client_id,
                                           {**line_item, "resourceLinkId": link["id"]})
                    link["line_item"] = column.id
                created.append(link)
        return created

    # The platform's own pages

    def course(self, request: Request, context_id: str) -> Response:
        """A course page that embeds a launch in an iframe, as LMSs do: `?launch=<hint>`."""
        hint = request.args.get("launch", "")
        launch = self.state.launches.get(hint) or _not_found("no such launch")
        title = (launch.context or {}).get("title") or context_id
        frame = (f'<iframe id="tool" title="{html.escape(title)}" src="/launch/{html.escape(hint)}" '
                 'width="100%" height="600" allow="fullscreen"></iframe>'
                 '<ol id="messages" aria-label="Messages from the tool"></ol>'
                 '<script>window.addEventListener("message", function (event) {'
                 'var item = document.createElement("li"); item.textContent = JSON.stringify(event.data);'
                 'document.getElementById("messages").appendChild(item); });</script>')
        return page(title, frame)


def _not_found(description: str) -> t.NoReturn:
    raise NotFound(description)

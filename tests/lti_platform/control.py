"""The control API the tests drive the platform with (JSON over HTTP under /control; see client.py)."""
from __future__ import annotations

import secrets
import typing as t
from urllib.parse import parse_qsl, urlsplit

from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from . import dynreg
from .library import auto_submit_form, login_initiation_url
from .services import add_line_item
from .state import Launch, State, Tool, token
from .tamper import ALL_KINDS, tamper
from .web import as_json, body

RULES = [
    Rule("/control/tools", endpoint="control_tools", methods=["GET", "POST"]),
    Rule("/control/launches", endpoint="control_launch", methods=["POST"]),
    Rule("/control/launches/<hint>", endpoint="control_captured", methods=["GET"]),
    Rule("/control/launches/<hint>/tampered", endpoint="control_tampered", methods=["POST"]),
    Rule("/control/line-items", endpoint="control_line_item", methods=["POST"]),
    Rule("/control/gradebook", endpoint="control_gradebook", methods=["GET"]),
    Rule("/control/members/<context_id>", endpoint="control_members", methods=["PUT"]),
    Rule("/control/fail-scores", endpoint="control_fail_scores", methods=["POST"]),
    Rule("/control/down", endpoint="control_down", methods=["POST"]),
    Rule("/control/deep-link-returns", endpoint="control_deep_link_returns", methods=["GET"]),
    Rule("/control/errors", endpoint="control_errors", methods=["GET"]),
    Rule("/control/dynamic-registrations", endpoint="control_dynamic_registration", methods=["POST"]),
    Rule("/control/dynamic-registrations/<registration_token>", endpoint="control_registration_grant",
         methods=["GET"]),
    Rule("/control/reset", endpoint="control_reset", methods=["POST"]),
]


def registration_answer(state: State, tool: Tool) -> dict[str, t.Any]:
    """What a tool's admin copies from the platform: Conductor's registration form wants these."""
    return {"issuer": state.issuer, "client_id": tool.client_id, "deployment_id": tool.deployment_ids[0],
            "deployment_ids": tool.deployment_ids, "auth_login_url": state.url("/auth"),
            "auth_token_url": state.url("/token"), "key_set_url": state.url("/jwks"),
            "auth_audience": state.url("/token"),
            "openid_configuration": state.url("/.well-known/openid-configuration")}


def handlers(state: State) -> dict[str, t.Callable[..., Response]]:
    def control_tools(request: Request) -> Response:
        if request.method == "GET":
            return as_json([tool.public() for tool in state.tools.values()])
        data = body(request)
        missing = [name for name in ("login_url", "launch_url") if not data.get(name)]
        if missing or not (data.get("jwks_url") or data.get("jwks")):
            raise BadRequest("login_url, launch_url and jwks_url (or jwks) are required")
        client_id = data.get("client_id") or token("client")
        deployments = data.get("deployment_ids") or [data.get("deployment_id") or token("deployment")]
        tool = Tool(client_id=client_id, deployment_ids=list(deployments), login_url=data["login_url"],
                    launch_url=data["launch_url"], deep_link_url=data.get("deep_link_url") or data["launch_url"],
                    jwks_url=data.get("jwks_url"), jwks=data.get("jwks"),
                    redirect_uris=list(data.get("redirect_uris") or []), name=data.get("name", ""))
        with state.lock:
            state.tools[client_id] = tool
        return as_json(registration_answer(state, tool), status=201)

    def control_launch(request: Request) -> Response:
        data = body(request)
        tool = _tool(state, data.get("client_id"))
        user = data.get("user") or {}
        if not user.get("sub"):
            raise BadRequest("user.sub is required")
        if data.get("tamper") and data["tamper"] not in ALL_KINDS:
            raise BadRequest(f"tamper is one of {', '.join(ALL_KINDS)}")
        kind = "deep" if data.get("deep") else "resource"
        context = data.get("context")
        resource_link = data.get("resource_link") if kind == "resource" else None
        if kind == "resource" and not (resource_link or {}).get("id"):
            raise BadRequest("resource_link.id is required for a resource link launch")
        line_item = data.get("line_item")
        with state.lock:
            if isinstance(line_item, dict):
                if not context:
                    raise BadRequest("a line item needs a context")
                link_id = (resource_link or {}).get("id")
                line_item = add_line_item(state, context["id"], tool.client_id,
                                          {"resourceLinkId": link_id, **line_item}).id
            if context:
                state.contexts[context["id"]] = context
            hint = token("launch")
            launch = Launch(hint=hint, login_hint=data.get("login_hint") or token("login"), client_id=tool.client_id,
                            deployment_id=data.get("deployment_id") or tool.deployment_ids[0], kind=kind,
                            user=user, context=context, resource_link=resource_link, line_item=line_item,
                            ags=data.get("ags", True), nrps=data.get("nrps", True), custom=data.get("custom"),
                            tamper=data.get("tamper"), target_link_uri=data.get("target_link_uri"),
                            document_target=data.get("document_target", "iframe"),
                            dl_data=secrets.token_urlsafe(12) if kind == "deep" else None,
                            accept_types=data.get("accept_types"))
            state.launches[hint] = launch
        login_url = login_initiation_url(state, tool, launch)
        own = {name for name, _ in parse_qsl(urlsplit(tool.login_url).query)}
        params = {name: value for name, value in parse_qsl(urlsplit(login_url).query) if name not in own}
        context_id = (context or {}).get("id", "none")
        return as_json({"hint": hint, "login_hint": launch.login_hint, "line_item": line_item,
                        "start_url": state.url(f"/launch/{hint}"), "login_url": login_url,
                        "form": auto_submit_form(tool.login_url, params, title="Starting the launch"),
                        "iframe_url": state.url(f"/course/{context_id}?launch={hint}")}, status=201)

    def control_captured(request: Request, hint: str) -> Response:
        launch = state.launches.get(hint)
        if launch is None:
            raise NotFound("no such launch")
        return as_json(launch.captured)

    def control_tampered(request: Request, hint: str) -> Response:
        launch = state.launches.get(hint)
        if launch is None or not launch.captured:
            raise NotFound("no launch of that hint went through the auth endpoint yet")
        kind = body(request).get("kind")
        if kind not in ALL_KINDS:
            raise BadRequest(f"kind is one of {', '.join(ALL_KINDS)}")
        last = launch.captured[-1]
        return as_json({**last, "id_token": tamper(last["id_token"], kind, state.private_key)})

    def control_line_item(request: Request) -> Response:
        data = body(request)
        tool = _tool(state, data.pop("client_id", None))
        context_id = data.pop("context_id", None)
        if not context_id:
            raise BadRequest("context_id is required")
        with state.lock:
            item = add_line_item(state, context_id, tool.client_id, data)
        return as_json(item.as_json(), status=201)

    def control_gradebook(request: Request) -> Response:
        with state.lock:
            book = {}
            for item in state.line_items.values():
                users = state.scores.get(item.id, {})
                book[item.id] = {**item.as_json(), "context_id": item.context_id, "client_id": item.client_id,
                                 "attempts": state.score_attempts.get(item.id, 0),
                                 "posts": sum(len(history) for history in users.values()),
                                 "scores": {user: {"latest": history[-1], "history": history}
                                            for user, history in users.items()}}
        return as_json(book)

    def control_members(request: Request, context_id: str) -> Response:
        data = body(request)
        members = data.get("members")
        if not isinstance(members, list) or any(not m.get("user_id") or not m.get("roles") for m in members):
            raise BadRequest("members is a list of objects with user_id and roles")
        with state.lock:
            state.members[context_id] = members
            state.contexts.setdefault(context_id, {"id": context_id}).update(
                {key: data[key] for key in ("title", "label") if key in data})
        return as_json({"context_id": context_id, "members": len(members)})

    def control_fail_scores(request: Request) -> Response:
        count = body(request).get("n")
        if not isinstance(count, int) or count < 0:
            raise BadRequest("n is a count")
        with state.lock:
            state.fail_scores = count
        return as_json({"fail_scores": count})

    def control_down(request: Request) -> Response:
        with state.lock:
            state.down = bool(body(request).get("down"))
        return as_json({"down": state.down})

    def control_deep_link_returns(request: Request) -> Response:
        return as_json(state.deep_link_returns)

    def control_errors(request: Request) -> Response:
        return as_json(state.errors)

    def control_dynamic_registration(request: Request) -> Response:
        tool_url = body(request).get("tool_registration_url")
        if not tool_url:
            raise BadRequest("tool_registration_url is required")
        return as_json(dynreg.start(state, tool_url), status=201)

    def control_registration_grant(request: Request, registration_token: str) -> Response:
        grant = state.registration_tokens.get(registration_token)
        if grant is None:
            raise NotFound("no such registration token")
        return as_json(grant)

    def control_reset(request: Request) -> Response:
        with state.lock:
            state.reset()
        return as_json({})

    return {name: handler for name, handler in locals().items() if name.startswith("control_")}


def _tool(state: State, client_id: str | None) -> Tool:
    """The tool named, or the only one registered."""
    if client_id:
        tool = state.tools.get(client_id)
    else:
        tool = next(iter(state.tools.values())) if len(state.tools) == 1 else None
    if tool is None:
        raise BadRequest("name a registered client_id (or register exactly one tool)")
    return tool

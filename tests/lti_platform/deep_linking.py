"""Deep linking, platform side: the tool's response validated (by the library, then by the checks it leaves out),
its LTI resource links added to the course with a gradebook column when they ask for one."""
from __future__ import annotations

import html
import typing as t

import jwt
from lti1p3platform.exceptions import LtiDeepLinkingResponseException, LtiException
from werkzeug.routing import Rule
from werkzeug.wrappers import Request, Response

from .library import conf
from .services import add_line_item
from .state import Launch, State, Tool
from .tamper import claims_of
from .web import page

DL = "https://purl.imsglobal.org/spec/lti-dl/claim/"
DEPLOYMENT = "https://purl.imsglobal.org/spec/lti/claim/deployment_id"

RULES = [Rule("/deep-link-return", endpoint="deep_link_return", methods=["POST"])]


def handlers(state: State) -> dict[str, t.Callable[..., Response]]:
    def deep_link_return(request: Request) -> Response:
        token = request.form.get("JWT", "")
        try:
            claims = claims_of(token)
        except jwt.InvalidTokenError:
            return refused("JWT is missing or malformed")
        tool = state.tools.get(str(claims.get("iss")))
        if tool is None:
            return refused("unknown client")
        try:
            items = conf(state, tool).validate_deeplinking_resp({"JWT": token})
        except (LtiException, LtiDeepLinkingResponseException, jwt.InvalidTokenError) as error:
            return refused(f"{error}")
        launch = next((launch for launch in state.launches.values()
                       if launch.kind == "deep" and launch.dl_data == claims.get(DL + "data")), None)
        problem = dl_problem(claims, tool, launch)
        if problem or launch is None:
            return refused(problem or "no deep-linking request")
        created = add_content(items, launch)
        record = {"client_id": tool.client_id, "launch": launch.hint, "items": items, "created": created,
                  "msg": claims.get(DL + "msg"), "log": claims.get(DL + "log"),
                  "errormsg": claims.get(DL + "errormsg"), "errorlog": claims.get(DL + "errorlog")}
        with state.lock:
            state.deep_link_returns.append(record)
        listing = "".join(f"<li>{html.escape(str(item.get('title') or item.get('url') or item['type']))}</li>"
                          for item in items)
        return page("Content added", f"<ul>{listing}</ul>")

    def dl_problem(claims: dict[str, t.Any], tool: Tool, launch: Launch | None) -> str | None:
        """Checks of the LTI Deep Linking 2.0 response that the library leaves out (it checks the signature, the
        message type and the content item types)."""
        audience = claims.get("aud")
        if state.issuer not in (audience if isinstance(audience, list) else [audience]):
            return "aud is not this platform"
        if claims.get(DEPLOYMENT) not in tool.deployment_ids:
            return "unknown deployment_id"
        if "exp" not in claims or not claims.get("nonce"):
            return "exp and nonce are required"
        if launch is None or launch.client_id != tool.client_id:
            return "data does not echo a deep-linking request of this platform"
        return None

    def refused(reason: str) -> Response:
        state.refuse("deep_link_return", reason)
        return page("Content refused", f"<p>{html.escape(reason)}</p>", status=400)

    def add_content(items: list[dict[str, t.Any]], launch: Launch) -> list[dict[str, t.Any]]:
        """Each LTI resource link becomes a link in the course, with a gradebook column if it asks for one."""
        created = []
        context_id = (launch.context or {}).get("id")
        with state.lock:
            for item in items:
                if item.get("type") != "ltiResourceLink":
                    continue
                link = {"id": f"rl-{state.next_id()}", "title": item.get("title"), "url": item.get("url"),
                        "custom": item.get("custom"), "line_item": None}
                line_item = item.get("lineItem")
                if isinstance(line_item, dict) and context_id:
                    column = add_line_item(state, context_id, launch.client_id,
                                           {**line_item, "resourceLinkId": link["id"]})
                    link["line_item"] = column.id
                created.append(link)
        return created

    return {"deep_link_return": deep_link_return}

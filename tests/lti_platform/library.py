"""Adapters that let the `lti1p3platform` library do the protocol work behind a plain Werkzeug server.

The library ships adapters for Django and FastAPI only; these are the same small classes for Werkzeug. Where the
library stops short of what the specifications ask of a platform, the subclasses here add the missing check and
say so.
"""
from __future__ import annotations

import html
import typing as t

from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration
from lti1p3platform.request import Request, TRequest
from lti1p3platform.exceptions import PreflightRequestValidationException
from werkzeug.utils import redirect
from werkzeug.wrappers import Request as WerkzeugRequest, Response

from .state import Launch, State, Tool

INTEGER_PARAMS = {"page", "limit"}


class WerkzeugLtiRequest(Request):
    """The library's view of a Werkzeug request."""

    def build_metadata(self, request: WerkzeugRequest) -> TRequest:
        query = {key: int(value) if key in INTEGER_PARAMS and value.isdigit() else value
                 for key, value in request.args.items()}
        return {"method": request.method, "form_data": request.form.to_dict(), "get_data": query,
                "headers": request.headers, "content_type": request.content_type, "path": request.path,
                "json": request.get_json(silent=True)}


def registration(state: State, tool: Tool, deployment_id: str | None = None) -> Registration:
    """A library Registration for a tool, built afresh so the tool's key set is fetched again (keys rotate)."""
    reg = (Registration().set_iss(state.issuer).set_client_id(tool.client_id)
           .set_deployment_id(deployment_id or tool.deployment_ids[0]).set_oidc_login_url(tool.login_url)
           .set_launch_url(tool.launch_url).set_platform_private_key(state.private_key)
           .set_platform_public_key(state.public_key))
    if tool.deep_link_url:
        reg.set_deeplink_launch_url(tool.deep_link_url)
    if tool.jwks is not None:
        reg.set_tool_key_set(tool.jwks)
    if tool.jwks_url:
        reg.set_tool_key_set_url(tool.jwks_url)
    return reg


class PlatformConf(LTI1P3PlatformConfAbstract):
    """The library's platform configuration, bound to one registration."""

    def init_platform_config(self, **kwargs: t.Any) -> None:
        self._registration = kwargs["registration"]

    def get_registration_by_params(self, **kwargs: t.Any) -> Registration:
        return self._registration


def conf(state: State, tool: Tool, deployment_id: str | None = None) -> PlatformConf:
    return PlatformConf(registration=registration(state, tool, deployment_id))


class LoginInitiation(OIDCLoginAbstract):
    """Third-party initiated login: a redirect to the tool's login URL with iss, login_hint, lti_message_hint."""

    def set_lti_message_hint(self, **kwargs: t.Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> Response:
        return redirect(url, code=302)


def auto_submit_form(action: str, fields: dict[str, str], title: str = "Launching") -> str:
    """An HTML page whose form posts itself (the OIDC form_post response mode)."""
    inputs = "".join(f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">'
                     for name, value in fields.items())
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title></head>'
            f'<body><form id="lti" method="post" action="{html.escape(action)}">{inputs}'
            '<noscript><button type="submit">Continue</button></noscript></form>'
            '<script>document.getElementById("lti").submit();</script></body></html>')


class AuthResponse(LTIAdvantageMessageLaunchAbstract):
    """The platform's OIDC authorization endpoint: checks the tool's request, answers with the signed id_token.

    The library checks nonce, state, redirect_uri and client_id are present; `prepare_launch` adds what the
    LTI 1.3 security framework also asks of a platform and the library leaves out: the redirect_uri is one the
    tool registered, the login_hint and lti_message_hint are the ones this platform issued, and the response
    type, mode, scope and prompt are those of an LTI launch.
    """

    launch: Launch
    tool: Tool

    def prepare_launch(self, preflight_response: dict[str, t.Any]) -> None:
        expected = {"response_type": "id_token", "response_mode": "form_post", "scope": "openid",
                    "prompt": "none"}
        for name, value in expected.items():
            if preflight_response.get(name) != value:
                raise PreflightRequestValidationException(f"{name} must be {value!r}")
        if preflight_response.get("redirect_uri") not in self.tool.allowed_redirects():
            raise PreflightRequestValidationException("redirect_uri is not one the tool registered")
        if preflight_response.get("login_hint") != self.launch.login_hint:
            raise PreflightRequestValidationException("login_hint does not match the launch")

    def render_launch_form(self, launch_data: dict[str, t.Any], **kwargs: t.Any) -> dict[str, t.Any]:
        return dict(launch_data)

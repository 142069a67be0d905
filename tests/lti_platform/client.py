"""`PlatformClient`: the tests' handle on a running platform (its control API, plus a launch follower)."""
from __future__ import annotations

import typing as t
from html.parser import HTMLParser
from urllib.parse import urljoin

import requests


class FormReader(HTMLParser):
    """The first form of a page: its action and its inputs' names and values."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = attributes.get("action") or ""
        elif tag == "input" and self.action is not None and attributes.get("name"):
            self.fields[attributes["name"] or ""] = attributes.get("value") or ""


def read_form(page: str, base_url: str = "") -> tuple[str, dict[str, str]]:
    """(action URL, fields) of the first form in an HTML page, e.g. the platform's auto-submitting launch."""
    reader = FormReader()
    reader.feed(page)
    reader.close()
    if reader.action is None:
        raise AssertionError(f"no form in the page: {page[:300]}")
    return urljoin(base_url, reader.action), reader.fields


class PlatformClient:
    """Wraps the control API of a platform started by `python -m tests.lti_platform` (see README.md)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self.http = requests.Session()

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> PlatformClient:
        return self

    def __exit__(self, *exc: t.Any) -> None:
        self.close()

    def _call(self, method: str, path: str, expect: int = 200, **kwargs: t.Any) -> t.Any:
        response = self.http.request(method, self.url + path, timeout=10, **kwargs)
        if response.status_code != expect:
            raise AssertionError(f"{method} {path}: {response.status_code} {response.text[:500]}")
        return response.json()

    # Platform facts

    @property
    def issuer(self) -> str:
        return self.url

    def jwks(self) -> dict[str, t.Any]:
        return self._call("GET", "/jwks")

    def openid_configuration(self) -> dict[str, t.Any]:
        return self._call("GET", "/.well-known/openid-configuration")

    def reset(self) -> None:
        """Forget tools, launches, gradebook, members and failures (the platform's key stays)."""
        self._call("POST", "/control/reset")

    # Registration

    def register_tool(self, login_url: str, launch_url: str, jwks_url: str | None = None,
                      deep_link_url: str | None = None, client_id: str | None = None,
                      deployment_id: str | None = None, jwks: dict[str, t.Any] | None = None,
                      redirect_uris: list[str] | None = None) -> dict[str, t.Any]:
        """Register a tool; returns issuer, client_id, deployment_id, auth_login_url, auth_token_url,
        key_set_url (and auth_audience): what the tool's admin form asks for."""
        data = {"login_url": login_url, "launch_url": launch_url, "jwks_url": jwks_url, "jwks": jwks,
                "deep_link_url": deep_link_url, "client_id": client_id, "deployment_id": deployment_id,
                "redirect_uris": redirect_uris}
        return self._call("POST", "/control/tools", 201, json={k: v for k, v in data.items() if v is not None})

    def tools(self) -> list[dict[str, t.Any]]:
        return self._call("GET", "/control/tools")

    # Launches

    def launch(self, user: dict[str, t.Any], context: dict[str, t.Any] | None = None,
               resource_link: dict[str, t.Any] | None = None, line_item: str | dict[str, t.Any] | None = None,
               ags: bool = True, nrps: bool = True, **options: t.Any) -> dict[str, t.Any]:
        """A resource link launch. Returns hint, login_url (GET it at the tool to start the OIDC login),
        start_url (the platform URL that redirects there), form (the same as an auto-submitting HTML form),
        iframe_url (a course page embedding the launch) and line_item (the column's id, when one was asked for:
        a dict {label, scoreMaximum} creates it). Options: client_id, deployment_id, custom, target_link_uri,
        document_target, login_hint, tamper (one of tamper.ALL_KINDS: the id_token is changed that way)."""
        data = {"user": user, "context": context, "resource_link": resource_link, "line_item": line_item,
                "ags": ags, "nrps": nrps, **options}
        return self._call("POST", "/control/launches", 201, json=data)

    def deep_link_launch(self, user: dict[str, t.Any], context: dict[str, t.Any] | None = None,
                         accept_types: list[str] | None = None, **options: t.Any) -> dict[str, t.Any]:
        """A deep-linking request launch (same answer as `launch`)."""
        data = {"user": user, "context": context, "deep": True, "accept_types": accept_types, **options}
        return self._call("POST", "/control/launches", 201, json=data)

    def captured(self, hint: str) -> list[dict[str, str]]:
        """Each {id_token, state, launch_url} the auth endpoint answered for a launch, oldest first (to replay)."""
        return self._call("GET", f"/control/launches/{hint}")

    def tampered(self, hint: str, kind: str) -> dict[str, str]:
        """The last captured launch of `hint` with its id_token tampered as `kind` (tamper.ALL_KINDS)."""
        return self._call("POST", f"/control/launches/{hint}/tampered", json={"kind": kind})

    def follow_launch(self, session: requests.Session, launch: dict[str, t.Any]) -> requests.Response:
        """Play the browser: start the login at the tool, follow it to the platform's auth endpoint, post the
        signed id_token to the tool. Returns the tool's answer to that post (redirects followed)."""
        response = session.get(launch["login_url"], timeout=10)
        if not response.url.startswith(self.url + "/auth"):
            return response  # the tool did not send the browser to the platform: let the test look at why
        if response.status_code != 200:
            raise AssertionError(f"the platform refused the login: {response.status_code} {response.text[:300]}")
        action, fields = read_form(response.text, response.url)
        return session.post(action, data=fields, timeout=10)

    # Gradebook (AGS)

    def gradebook(self) -> dict[str, dict[str, t.Any]]:
        """Per line item id: label, scoreMaximum, resourceLinkId, attempts (every score POST, refused ones
        included), posts (accepted), scores {user: {latest, history}}, each post with its received_at."""
        return self._call("GET", "/control/gradebook")

    def add_line_item(self, context_id: str, label: str, score_maximum: float = 100,
                      **fields: t.Any) -> dict[str, t.Any]:
        data = {"context_id": context_id, "label": label, "scoreMaximum": score_maximum, **fields}
        return self._call("POST", "/control/line-items", 201, json=data)

    def fail_next_scores(self, n: int) -> None:
        """The next n score POSTs answer 503."""
        self._call("POST", "/control/fail-scores", json={"n": n})

    def down(self, down: bool = True) -> None:
        """Every AGS and NRPS call answers 503 until down(False)."""
        self._call("POST", "/control/down", json={"down": down})

    # Members (NRPS)

    def set_members(self, context_id: str, members: list[dict[str, t.Any]], title: str | None = None) -> None:
        """Members are NRPS objects: user_id, roles, and optionally name, email, status..."""
        data: dict[str, t.Any] = {"members": members}
        if title is not None:
            data["title"] = title
        self._call("PUT", f"/control/members/{context_id}", json=data)

    # Deep linking, dynamic registration, refusals

    def deep_link_returns(self) -> list[dict[str, t.Any]]:
        """Each deep-linking response the platform accepted: items, created links and their line items."""
        return self._call("GET", "/control/deep-link-returns")

    def start_dynamic_registration(self, tool_registration_url: str) -> dict[str, t.Any]:
        """url (what the admin's browser opens at the tool), registration_token, openid_configuration,
        page_url (a platform page embedding that url in an iframe, listening for the tool's close message)."""
        return self._call("POST", "/control/dynamic-registrations", 201,
                          json={"tool_registration_url": tool_registration_url})

    def dynamic_registration(self, registration_token: str) -> dict[str, t.Any]:
        """used, client_id (of the tool registered with the token), closed (the tool posted its close message)."""
        return self._call("GET", f"/control/dynamic-registrations/{registration_token}")

    def errors(self) -> list[dict[str, t.Any]]:
        """Why the platform refused requests (where, reason), oldest first."""
        return self._call("GET", "/control/errors")

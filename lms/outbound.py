"""Conductor's calls to addresses that admins and platforms give it: LTI platforms (configuration, keys, tokens,
scores, rosters), identity providers (discovery, keys, tokens, userinfo) and learning record stores.

Every such call goes through ``session()``. Its requests are checked against ``LMS_OUTBOUND_ALLOW``:
``public`` (the production default) refuses private, loopback, link-local (cloud metadata), multicast and
reserved addresses; ``loopback`` (the default in development and the tests) also lets 127.0.0.1 and ::1 through;
``any`` checks nothing (a deployment whose identity provider or record store lives on its private network). The
check is requests-hardened's: it resolves the host once, checks that address and connects to it, so a name that
resolves to a public address when checked and to a private one when connecting cannot pass (DNS rebinding), and
each redirect is checked again. A refused address raises ``ForbiddenAddress``, a ``requests.RequestException``
like any unreachable host, so callers handle it as they handle a host that is down."""
from __future__ import annotations

import requests
from flask import current_app
from requests_hardened.ip_filter import InvalidIPAddress
from requests_hardened.ip_filter_adapter import IPFilterAdapter

from .config import outbound_allow

ForbiddenAddress = InvalidIPAddress


class _Session(requests.Session):
    """A requests session whose calls have a timeout unless the caller gives one."""

    def __init__(self, timeout: float | None):
        super().__init__()
        self._timeout = timeout

    def request(self, *args, **kwargs):
        if self._timeout is not None:
            kwargs.setdefault("timeout", self._timeout)
        return super().request(*args, **kwargs)


def guard(session: requests.Session) -> requests.Session:
    """Check the addresses of ``session``'s requests (any requests session, such as Authlib's OAuth2Session)."""
    setting = outbound_allow(current_app.config)
    if setting != "any":
        for prefix, https in (("http://", False), ("https://", True)):
            session.mount(prefix, IPFilterAdapter(is_https_proto=https, allow_loopback=setting == "loopback"))
    return session


def session(timeout: float | None = None) -> requests.Session:
    """A requests session for outgoing calls (``timeout`` seconds by default), with the address check."""
    return guard(_Session(timeout))


def reason(error: Exception) -> str:
    """A short, safe description of a failed call, for a log line or an admin's page."""
    if isinstance(error, ForbiddenAddress):
        return f"the address {error} is private or reserved (LMS_OUTBOUND_ALLOW)"
    if isinstance(error, requests.Timeout):
        return f"timed out ({type(error).__name__})"
    if isinstance(error, requests.ConnectionError):
        return f"connection failed ({type(error).__name__})"
    return type(error).__name__

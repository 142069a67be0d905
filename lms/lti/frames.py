"""Pages of an LTI launch open inside the platform's iframe, and nothing else does.

A launch marks the Flask session with the login session it opened and the platform's origins. While the
session is still that login (a later ordinary log-in replaces Flask-Login's id, so the mark no longer
matches), its cookie is ``SameSite=None; Secure; Partitioned`` (a cookie the platform's iframe sends) and
its pages allow ``frame-ancestors`` those origins only, without ``X-Frame-Options``. Every other session
keeps the site's ``SameSite=Lax`` cookie and ``frame-ancestors 'none'`` with ``X-Frame-Options: DENY``.
"""
from __future__ import annotations

import re

from flask import Flask, g, session
from flask.sessions import SecureCookieSessionInterface

MARK = "lti_frame"
_ORIGIN = re.compile(r"^https?://[A-Za-z0-9.\-\[\]:]+$")


def mark(login_key: str, origins: list[str]) -> None:
    """Called by the launch, after Flask-Login's ``login_user``."""
    session[MARK] = {"login": login_key, "origins": sorted({o for o in origins if o and _ORIGIN.match(o)})}


def frame_origins(current=None) -> list[str] | None:
    """The origins that may frame this session's pages, or None for an ordinary session."""
    current = session if current is None else current
    data = current.get(MARK)
    if not isinstance(data, dict) or not data.get("login"):
        return None
    if str(current.get("_user_id") or "").partition(".")[2] != data["login"]:
        return None  # logged out, or logged in again the ordinary way
    return [origin for origin in data.get("origins", []) if _ORIGIN.match(origin)]


class LtiSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, whose cookie works in a third-party iframe for LTI sessions only."""

    def get_cookie_samesite(self, app: Flask):
        return "None" if frame_origins() is not None else super().get_cookie_samesite(app)

    def get_cookie_secure(self, app: Flask) -> bool:
        return True if frame_origins() is not None else super().get_cookie_secure(app)

    def get_cookie_partitioned(self, app: Flask) -> bool:
        return True if frame_origins() is not None else super().get_cookie_partitioned(app)


def allow_framing(origins: list[str]) -> None:
    """This one response may be framed by ``origins`` (the dynamic registration page, shown by the platform)."""
    g.lms_frame_origins = [origin for origin in origins if origin and _ORIGIN.match(origin)]


def frame_headers(response):
    """After the security headers: an LTI session's page may be framed by its platform, by no one else."""
    origins = g.get("lms_frame_origins") or frame_origins()
    if origins:
        policy = response.headers.get("Content-Security-Policy")
        if policy and "frame-ancestors 'none'" in policy:
            response.headers["Content-Security-Policy"] = policy.replace("frame-ancestors 'none'",
                                                                         "frame-ancestors " + " ".join(origins))
            response.headers.pop("X-Frame-Options", None)
    return response


def install(app: Flask) -> None:
    """Use the LTI-aware session cookie unless the host app chose its own session interface."""
    if type(app.session_interface) is SecureCookieSessionInterface:
        app.session_interface = LtiSessionInterface()

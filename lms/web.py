"""Helpers shared by the views: safe redirects, lookups, CSRF tokens for cached pages."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import abort, current_app, g, session, url_for
from flask_wtf.csrf import generate_csrf

from .extensions import db
from .shells import app_cache


def safe_next(target: str | None, fallback_endpoint: str = "catalog.home") -> str:
    """Only a local path may be a redirect target, never another site (open redirect)."""
    if target:
        parts = urlsplit(target)
        if (target.startswith("/") and not target.startswith(("//", "/\\")) and not parts.scheme
                and not parts.netloc and "\\" not in target and not any(ord(c) < 32 for c in target)):
            return target
    return url_for(fallback_endpoint)


def get_or_404(model, **filters):
    row = db.session.execute(db.select(model).filter_by(**filters)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


def csrf_token() -> str:
    """Flask-WTF's CSRF token, signed at most once a minute per session instead of on every page.

    A signed token stays valid for ``WTF_CSRF_TIME_LIMIT`` from its signing, so reusing one for a
    minute shortens that by a minute at most (a sixtieth of it when the limit is short). Tokens are
    kept under the session's own secret, so no session can be given another's.
    """
    field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = session.get(field)
    if secret is None or field in g:
        return generate_csrf()
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    reuse = 60 if limit is None else min(60, limit / 60)
    cache, now = app_cache("csrf"), time.monotonic()
    cached = cache.get(secret)
    if cached is not None and now - cached[1] < reuse:
        setattr(g, field, cached[0])  # where generate_csrf looks first, for the rest of the request
        return cached[0]
    token = generate_csrf()
    cache.put(secret, (token, now))
    return token

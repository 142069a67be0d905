"""Absolute links for credentials, QR codes and badges: they leave the site, so they must name it."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for


def public_url(endpoint: str, **values) -> str:
    """``LMS_BASE_URL`` when set (one stable address whatever host a request came in on), else the request's."""
    base = current_app.config.get("LMS_BASE_URL")
    if base:
        parts = urlsplit(base.rstrip("/"))
        adapter = current_app.url_map.bind(parts.netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        return adapter.build(endpoint, values, force_external=True)
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError("Set LMS_BASE_URL to build certificate links outside a request")

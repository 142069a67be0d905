"""Helpers shared by the views: safe redirects, lookups."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, url_for

from .extensions import db


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

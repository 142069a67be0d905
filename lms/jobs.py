"""What an RQ worker's jobs share: the app, built once per worker process (``lms.create_app()``, configured from
the environment like ``flask``), and a run of a function inside its app context."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import has_app_context

_app: list = []


def _application():
    if not _app:
        from lms import create_app

        _app.append(create_app())
    return _app[0]


def in_app_context(function: Callable[..., Any], *args: Any) -> Any:
    """Run ``function(*args)`` in the current app context (tests, a worker inside an app), else in the worker's."""
    if has_app_context():
        return function(*args)
    with _application().app_context():
        try:
            return function(*args)
        finally:
            from .extensions import db

            db.session.remove()

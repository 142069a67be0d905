"""Conductor: a Markdown-first LMS for AI project managers, as an app or a Flask extension."""
from __future__ import annotations

from typing import Any

from flask import Flask

from . import quizzes as _quizzes  # noqa: F401  (built-in features register their content steps)
from .extension import LMS

__all__ = ["LMS", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A thin host around the extension: the standalone Conductor site."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)  # the LMS serves /lms/static
    if config:
        app.config.update(config)
    LMS(app, standalone=True)
    from .errors import register_error_pages

    register_error_pages(app)
    return app

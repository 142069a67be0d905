"""Conductor: a Markdown-first LMS for AI project managers, as an app or a Flask extension."""
from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import quizzes as _quizzes  # noqa: F401  (built-in features register their content steps)
from . import assignments as _assignments  # noqa: F401
from .extension import LMS

__all__ = ["LMS", "create_app"]


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """A thin host around the extension: the standalone Conductor site."""
    app = Flask(__name__, instance_relative_config=True, static_folder=None)  # the LMS serves /lms/static
    if config:
        app.config.update(config)
    LMS(app, standalone=True)
    trust_proxies(app)
    from .errors import register_error_pages

    register_error_pages(app)
    return app


def trust_proxies(app: Flask) -> None:
    """Behind ``LMS_PROXY_COUNT`` trusted proxies, the client's address and scheme are the ones they forward.

    Only the standalone site does this: a host app that mounts the LMS owns its WSGI pipeline and wraps
    it in ProxyFix itself (twice would trust one hop more than there is, and let clients pick their address).
    """
    count = app.config["LMS_PROXY_COUNT"]
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)

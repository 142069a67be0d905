"""Friendly error pages for the standalone site (a host app keeps its own)."""
from __future__ import annotations

from flask import Flask, render_template
from werkzeug.exceptions import HTTPException

from .i18n import _l

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Reload the page and try again.")),
    403: (_l("Not allowed"), _l("You do not have access to this page.")),
    404: (_l("Page not found"), _l("There is no page at this address.")),
    405: (_l("Not allowed"), _l("This address does not accept that kind of request.")),
    410: (_l("No longer available"), _l("What was at this address is no longer available.")),
    413: (_l("Too large"), _l("The request is larger than this page accepts, so nothing was saved. Go back and send less.")),
    429: (_l("Too many attempts"), _l("Too many attempts in a short time. Wait a minute and try again.")),
    507: (_l("Storage full"), _l("The server has no room to store this, so nothing was saved. Try again later, "
                                 "or tell the site's administrator.")),
    500: (_l("Something went wrong"), _l("An unexpected error happened. It has been logged.")),
}


def register_error_pages(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        title, message = MESSAGES.get(error.code or 500, (error.name, error.description))
        return render_template("lms/error.html", code=error.code, title=title, message=message), error.code

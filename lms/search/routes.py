"""The search page: a GET form anyone may use; results are what the reader may see."""
from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import current_user

from . import services

bp = Blueprint("search", __name__, template_folder="templates")


@bp.get("/search")
def results():
    user = current_user if current_user.is_authenticated else None
    query = request.args.get("q", "")
    page = request.args.get("page", 1, type=int)
    found, error = None, None
    if query.strip():
        try:
            found = services.search(query, user, page)
        except services.QueryTooLong as exc:
            error = str(exc)
    return render_template("search/results.html", query=query[:services.MAX_QUERY], found=found, error=error,
                           max_query=services.MAX_QUERY)

"""The help page, the same for every reader."""
from __future__ import annotations

from flask import Blueprint, render_template

bp = Blueprint("help", __name__, template_folder="templates")


@bp.get("/help")
def index():
    return render_template("help/index.html")

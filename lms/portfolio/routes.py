"""The learner's portfolio settings (/account/portfolio) and the page they publish (/portfolio/<token>)."""
from __future__ import annotations


from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..assignments.filetypes import FILE_TYPES
from ..assignments.models import SubmissionFile
from ..certificates.routes import verify_url
from ..extensions import db
from ..i18n import _, interface_language
from ..schools.services import current_school
from ..web import attachment, public_url, transaction
from . import services
from .forms import NewAddressForm, PortfolioForm

bp = Blueprint("portfolio", __name__, template_folder="templates")


def _label(submission) -> str:
    return _("%(assignment)s (%(course)s), version %(number)d", assignment=submission.assignment.title,
             course=submission.assignment.course.title, number=submission.number)


@bp.route("/account/portfolio", methods=["GET", "POST"])
@login_required
def settings():
    portfolio = services.portfolio_of(current_user)
    form = PortfolioForm(obj=portfolio) if request.method == "GET" and portfolio else PortfolioForm()
    showable = services.showable_submissions(current_user)
    form.submissions.choices = [(s.id, _label(s)) for s in showable]
    if request.method == "GET":
        form.submissions.data = [s.id for s in portfolio.submissions] if portfolio else []
        if portfolio is None:
            form.show_skills.data = True
    if form.validate_on_submit():
        with transaction(ValueError, success=_("Your portfolio is saved.")):
            portfolio = services.ensure_portfolio(current_user)
            services.update(portfolio, form.visibility.data, form.headline.data or "", form.show_skills.data,
                            set(form.submissions.data or []))
        return redirect(url_for("portfolio.settings"))
    link = public_url("portfolio.page", token=portfolio.token) if portfolio else None
    return render_template("portfolio/settings.html", form=form, portfolio=portfolio, link=link,
                           address_form=NewAddressForm()), 400 if form.errors else 200


@bp.post("/account/portfolio/address")
@login_required
def new_address():
    form = NewAddressForm()
    if not form.validate_on_submit():
        abort(400)
    portfolio = services.portfolio_of(current_user)
    if portfolio is None:
        abort(404)
    with transaction(success=_("Your portfolio has a new link; the old one no longer opens it.")):
        services.new_address(portfolio)
    return redirect(url_for("portfolio.settings"))


def _published(token: str):
    portfolio = services.published(token, current_school())
    if portfolio is None:
        abort(404)
    return portfolio


@bp.get("/portfolio/<token>")
def page(token: str):
    portfolio = _published(token)
    certificates = [(c, verify_url(c)) for c in services.shown_certificates(portfolio)]
    profile = services.skills_of(portfolio, interface_language()) if portfolio.show_skills else None
    response = make_response(render_template("portfolio/page.html", portfolio=portfolio, certificates=certificates,
                                             submissions=services.shown_submissions(portfolio), profile=profile))
    if portfolio.visibility != "public":
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Referrer-Policy"] = "no-referrer"  # the address is the key: never leak it onward
    return response


@bp.get("/portfolio/<token>/files/<id:file_id>")
def file(token: str, file_id: int):
    portfolio = _published(token)
    stored = db.session.get(SubmissionFile, file_id)
    if stored is None or stored.submission not in services.shown_submissions(portfolio):
        abort(404)
    response = attachment(stored.data, FILE_TYPES[stored.kind], stored.name)
    response.headers["Referrer-Policy"] = "no-referrer"
    if portfolio.visibility != "public":
        response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response

"""Report pages and their CSV exports. Course and quiz reports are for the course's authors and
for admins; a learner's report is for admins only."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from ..accounts.services import of_this_school
from ..accounts.models import User
from ..access import reported_course_or_abort, reported_courses, require_admin_or_abort, require_author
from ..extensions import db
from ..i18n import _, percent
from ..quizzes import services as quizzes
from ..schools.services import current_school
from . import charts, services, tables
from .csvstream import csv_response
from .items import item_analysis

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")
bp.before_request(require_author)

PAGE_ROWS = 100


def _quiz_or_404(course, quiz_slug: str):
    quiz = quizzes.quiz_for(course, quiz_slug)
    if quiz is None:
        abort(404)
    return quiz


def _first_only() -> bool:
    return request.args.get("attempts") == "first"


@bp.get("/")
def home():
    return render_template("reports/home.html", table=tables.courses_table(reported_courses(current_user),
                                                                            current_school()))


@bp.get("/courses.csv")
def home_csv():
    table = tables.courses_table(reported_courses(current_user), current_school())
    return csv_response(table.filename("courses"), table.columns, table.rows())


@bp.get("/courses/<slug>/")
def course(slug: str):
    item = reported_course_or_abort(slug)
    school = current_school()
    figures = services.course_figures(item, school)
    stages = services.funnel(item, school)
    chart = charts.horizontal_bars("funnel-chart", _("Completion funnel of %(course)s", course=item.title),
                                   [(stage.label, stage.learners) for stage in stages], charts.learners)
    return render_template("reports/course.html", course=item, figures=figures, chart=chart,
                           funnel=tables.funnel_table(item, school), quizzes=tables.quizzes_table(item, school),
                           learners=tables.learners_table(item, school, PAGE_ROWS), page_rows=PAGE_ROWS)


@bp.get("/courses/<slug>/<any(funnel, learners, quizzes):name>.csv")
def course_csv(slug: str, name: str):
    item = reported_course_or_abort(slug)
    school = current_school()
    table = {"funnel": tables.funnel_table, "learners": tables.learners_table,
             "quizzes": tables.quizzes_table}[name](item, school)
    return csv_response(table.filename(item.slug), table.columns, table.rows())


@bp.get("/courses/<slug>/quizzes/<quiz_slug>")
def quiz(slug: str, quiz_slug: str):
    item = reported_course_or_abort(slug)
    found = _quiz_or_404(item, quiz_slug)
    school = current_school()
    figures = services.quiz_figures(found, school)
    first_only = _first_only()
    chart = charts.columns("score-chart", _("Score distribution of %(quiz)s", quiz=found.title), figures.distribution,
                           charts.attempts)
    return render_template("reports/quiz.html", course=item, quiz=found, figures=figures, chart=chart,
                           items=item_analysis(found, school, first_only), first_only=first_only,
                           distribution=tables.distribution_table(found, school))


@bp.get("/courses/<slug>/quizzes/<quiz_slug>/<any(distribution, items, options, attempts):name>.csv")
def quiz_csv(slug: str, quiz_slug: str, name: str):
    item = reported_course_or_abort(slug)
    found = _quiz_or_404(item, quiz_slug)
    school = current_school()
    if name in ("items", "options"):
        table = getattr(tables, f"{name}_table")(found, school, _first_only())
    else:
        table = getattr(tables, f"{name}_table")(found, school)
    return csv_response(table.filename(f"{item.slug}-{found.slug}"), table.columns, table.rows())


def _learner_or_abort(user_id: int) -> User:
    require_admin_or_abort()
    user = of_this_school(db.session.get(User, user_id))  # another school's account is not found here
    if user is None:
        abort(404)
    return user


@bp.get("/learners/<id:user_id>")
def learner(user_id: int):
    user = _learner_or_abort(user_id)
    school = current_school()
    progress_table = tables.learner_progress_table(user, school)
    rows = list(progress_table.rows())
    chart = charts.horizontal_bars("progress-chart", _("Course progress of %(name)s", name=user.name),
                                   [(row[0], row[4]) for row in rows], percent, maximum=100) if rows else None
    return render_template("reports/learner.html", learner=user, progress=progress_table, progress_rows=rows,
                           chart=chart, attempts=tables.learner_attempts_table(user),
                           certificates=tables.certificates_table(user))


@bp.get("/learners/<id:user_id>/<any(progress, attempts, certificates):name>.csv")
def learner_csv(user_id: int, name: str):
    user = _learner_or_abort(user_id)
    if name == "progress":
        table = tables.learner_progress_table(user, current_school())
    elif name == "attempts":
        table = tables.learner_attempts_table(user)
    else:
        table = tables.certificates_table(user)
    return csv_response(table.filename(f"learner-{user.id}"), table.columns, table.rows())

"""Course and learner reports: enrolments, active learners, the funnel, the median time to complete,
SVG charts with text alternatives, and CSV exports that stream."""
from __future__ import annotations

import csv
import io
from datetime import timedelta
from xml.etree import ElementTree

import pytest

from lms.accounts.models import User
from lms.catalog.models import Course, Lesson
from lms.db import utcnow
from lms.extensions import db
from lms.progress.models import Enrolment, LessonProgress
from lms.quizzes.models import Attempt, Quiz
from lms.reports import charts, services
from lms.schools.services import current_school

from .authoring_support import log_in, make_account
from .content_factory import write

FINAL = "---\ntitle: Final exam\n---\n\n## Is this about AI? {#about}\n\n- [x] Yes\n- [ ] No\n"


@pytest.fixture()
def cohort(app, content_dir, make_user):
    """Four learners: two completed (in 2 and 4 days), one stopped after module 1 long ago, one only
    started the final exam recently."""
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    ids = [make_user(email=f"l{n}@example.com", name=f"Learner {n}") for n in range(1, 5)]
    now = utcnow()
    with app.app_context():
        school = current_school()
        course = db.session.execute(db.select(Course)).scalar_one()
        lessons = db.session.execute(db.select(Lesson).order_by(Lesson.position)).scalars().all()
        final = db.session.execute(db.select(Quiz)).scalar_one()
        plans = [  # enrolled days ago, completed after days, lessons done, last activity days ago
            (10, 2, 4, 1), (40, None, 2, 35), (5, 4, 4, 1), (60, None, 0, 60)]
        for user_id, (ago, took, done, last) in zip(ids, plans):
            enrolled = now - timedelta(days=ago)
            db.session.add(Enrolment(school_id=school.id, user_id=user_id, course_id=course.id, enrolled_at=enrolled,
                                     completed_at=enrolled + timedelta(days=took) if took else None,
                                     last_activity_at=now - timedelta(days=last)))
            for lesson in lessons[:done]:
                db.session.add(LessonProgress(user_id=user_id, lesson_id=lesson.id, started_at=enrolled,
                                              completed_at=enrolled))
        db.session.add(Attempt(user_id=ids[3], quiz_id=final.id, school_id=school.id, number=1, seed=1,
                               started_at=now - timedelta(days=3)))
        db.session.commit()
    return app


def test_course_figures_and_funnel(cohort):
    with cohort.app_context():
        course, school = db.session.execute(db.select(Course)).scalar_one(), current_school()
        figures = services.course_figures(course, school)
        assert (figures.enrolments, figures.active, figures.completed) == (4, 3, 2)
        assert figures.median_seconds == pytest.approx(3 * 86400)  # median of 2 and 4 days
        assert [(s.label, s.learners) for s in services.funnel(course, school)] == [
            ("Enrolled", 4), ("Completed module 1: Basics", 3), ("Completed module 2: Practice", 2),
            ("Completed the course", 2)]


def test_course_report_page_shows_a_chart_with_a_text_alternative(cohort, make_user, auth, client):
    make_account(cohort, make_user, "author")
    log_in(auth, "author@example.com")
    page = client.get("/reports/courses/intro-course/").get_data(as_text=True)
    assert "<dt>Active in the last 30 days</dt><dd>3</dd>" in page and "<dd>3 days</dd>" in page
    assert '<desc id="funnel-chart-desc">Enrolled: 4 learners; Completed module 1: Basics: 3 learners;' in page
    funnel = client.get("/reports/courses/intro-course/funnel.csv").get_data(as_text=True)
    assert funnel.splitlines() == ["stage,learners,% of enrolled", "Enrolled,4,100", "Completed module 1: Basics,3,75",
                                   "Completed module 2: Practice,2,50", "Completed the course,2,50"]
    learners = list(csv.DictReader(io.StringIO(client.get("/reports/courses/intro-course/learners.csv")
                                               .get_data(as_text=True))))
    assert [(r["name"], r["progress %"]) for r in learners] == [
        ("Learner 1", "100"), ("Learner 2", "50"), ("Learner 3", "100"), ("Learner 4", "0")]


def test_learner_report_for_admins(cohort, make_user, auth, client):
    make_account(cohort, make_user, "admin")
    log_in(auth, "admin@example.com")
    with cohort.app_context():
        learner = db.session.execute(db.select(User).filter_by(email="l4@example.com")).scalar_one()
    page = client.get(f"/reports/learners/{learner.id}").get_data(as_text=True)
    assert "Final exam" in page and "Intro Course" in page
    attempts = client.get(f"/reports/learners/{learner.id}/attempts.csv").get_data(as_text=True)
    assert attempts.splitlines()[1].startswith("Intro Course,Final exam,1,")
    certificates = client.get(f"/reports/learners/{learner.id}/certificates.csv")  # the table exists: 200, never 404
    assert certificates.status_code == 200
    rows = list(csv.reader(io.StringIO(certificates.get_data(as_text=True))))
    assert rows == [["certificate", "for", "holder's name", "completed", "issued", "status", "credential ID"]]  # holds none


def test_charts_are_valid_svg_and_escape_labels():
    svg = charts.horizontal_bars("c1", "A <b>title</b>", [("Module & <script>", 3), ("Done", 0)], " learners")
    root = ElementTree.fromstring(str(svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert "<script>" not in str(svg) and root.find("{http://www.w3.org/2000/svg}title").text == "A <b>title</b>"
    columns = charts.columns("c2", "Scores", [("0–9%", 2), ("10–19%", 5)])
    assert len(ElementTree.fromstring(str(columns)).findall("{http://www.w3.org/2000/svg}rect")) == 2


def test_learner_csv_streams_and_defuses_formulas(app, make_user, auth, client):
    make_account(app, make_user, "admin")
    for n in range(30):
        make_user(email=f"bulk{n}@example.com", name=f"=HYPERLINK(\"http://evil/{n}\")" if n == 7 else f"Bulk {n}")
    log_in(auth, "admin@example.com")
    response = client.get("/admin/learners.csv?q=bulk", buffered=False)  # as it streams, not read whole
    assert response.is_streamed and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="learners.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["id", "name", "e-mail"] and len(rows) == 31
    assert ["'=HYPERLINK(\"http://evil/7\")"] == [row[1] for row in rows if "evil" in row[1]]

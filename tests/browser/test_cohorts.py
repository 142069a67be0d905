"""Cohort pages in Chromium: the instructor's list and a cohort's progress (a learner behind), the learner's
dashboard with deadlines, and the calendar page once an address is made; no serious or critical axe violation
at 320 px and 1280 px, light and dark."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.quizzes.models import Quiz

from .. import cohort_support as cs
from ..quiz_support import write_quiz
from .test_accessibility import context, log_in, violations  # noqa: F401  (context: a fixture)

pytestmark = pytest.mark.browser


def test_cohort_pages_have_no_serious_violations(content_dir, app, live_server, context, shot):
    write_quiz(content_dir)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    now = utcnow()
    with app.app_context():
        cohort = cs.make_cohort()
        cs.add_deadline(cohort, now - timedelta(days=1))
        quiz = db.session.execute(db.select(Quiz).filter_by(slug="basics")).scalar_one()
        cs.add_deadline(cohort, now + timedelta(days=4), quiz=quiz)
        cs.add_learner(cohort, cs.make_account("learner@example.com", "Ada Learner"))
        cs.add_learner(cohort, cs.make_account("done@example.com", "Dana Done"), completed_at=now - timedelta(days=2))
        cs.add_instructor(cohort, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        db.session.commit()
        cohort_id = cohort.id
        db.session.remove()
    page = context.new_page()
    found = {}
    log_in(page, live_server, "teacher@example.com")
    for path in ("/teach/", f"/teach/cohorts/{cohort_id}"):
        page.goto(live_server + path)
        found[path] = violations(page)
    shot(page, "cohort-progress")
    assert page.locator("tr.behind").count() == 1 and "Behind" in page.locator("tr.behind").inner_text()
    page.get_by_role("button", name="Log out").click()
    log_in(page, live_server)
    page.goto(live_server + "/dashboard")
    assert page.get_by_role("heading", name="Deadlines").is_visible()
    found["/dashboard"] = violations(page)
    shot(page, "dashboard")
    page.get_by_role("link", name="Add your deadlines to your calendar").click()
    found["/account/calendar (none yet)"] = violations(page)
    page.get_by_role("button", name="Create my calendar address").click()
    assert page.locator(".feed-url").inner_text().startswith(live_server + "/calendar/")
    found["/account/calendar"] = violations(page)
    shot(page, "calendar")
    assert found == {path: [] for path in found}

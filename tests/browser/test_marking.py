"""Instructor review in Chromium: the instructor opens the queue, a submission, clicks the rubric's levels, quotes a
passage, decides; no serious or critical axe violation on the queue, the review page (before and after the
decision) and the report, at 320 px and 1280 px, light and dark."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.assignments.models import Submission
from lms.db import utcnow
from lms.extensions import db

from .. import cohort_support as cs
from .. import marking_support as ms
from .test_accessibility import context, log_in, violations  # noqa: F401  (context: a fixture)

pytestmark = pytest.mark.browser


def test_an_instructor_reviews_and_decides_in_the_browser(content_dir, app, live_server, context, shot):
    ms.write_assignment(content_dir, "peer+instructor")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    with app.app_context():
        cohort = cs.make_cohort()
        ada = cs.make_account("learner@example.com", "Ada Learner")
        cs.add_learner(cohort, ada)
        cs.add_instructor(cohort, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        work = ms.submit(ada, ms.assignment(), utcnow() - timedelta(hours=3))
        ms.peer_review(work, cs.make_account("peer@example.com", "Pia Peer"), {"problem": 1, "measure": 1}, flagged=True)
        db.session.commit()
        submission_id = work.id
        db.session.remove()
    page = context.new_page()
    found = {}
    log_in(page, live_server, "teacher@example.com")
    page.goto(live_server + "/teach/")
    page.get_by_role("link", name="Submissions to review").click()
    assert "1 of 2 peer reviews in" in page.inner_text("main")
    found["queue"] = violations(page)
    shot(page, "queue")
    page.get_by_role("link", name="Ada Learner", exact=True).click()
    found["review"] = violations(page)
    problem = page.get_by_role("group", name="Problem statement")
    problem.get_by_label("Proficient").check()
    page.get_by_role("group", name="Success measure").get_by_label("Proficient").check()
    page.get_by_label("Comment on “Problem statement” (optional)").fill("Clear and owned.")
    page.get_by_label("Passage 1", exact=True).fill("serves the retention team")
    page.get_by_label("Comment on passage 1").fill("Name the team's lead.")
    page.get_by_label("Overall feedback").fill("Well framed.")
    page.get_by_role("group", name="Decision (final once released)").get_by_label("pass").check()
    shot(page, "review-filled")
    page.get_by_role("button", name="Release the decision").click()
    assert "The decision is released to the learner." in page.inner_text("main")
    assert "Nothing awaits a decision." in page.inner_text("main")
    page.goto(f"{live_server}/teach/reviews/{submission_id}")
    assert "Decision: pass" in page.inner_text("main") and "Name the team's lead." in page.inner_text("main")
    found["decided"] = violations(page)
    shot(page, "decided")
    page.goto(live_server + "/teach/reviews/report")
    found["report"] = violations(page)
    with app.app_context():
        submission = db.session.get(Submission, submission_id)
        assert (submission.status, submission.decision, submission.percent) == ("decided", "pass", 100)
    assert found == {name: [] for name in found}

"""A learner publishes their portfolio in a real browser and a visitor opens its private link: both pages
have no serious or critical axe violation at 320 px and desktop, light and dark."""
from __future__ import annotations

import pytest

from lms.assignments.models import Assignment, Submission, SubmissionFile
from lms.db import utcnow
from lms.extensions import db
from lms.schools.services import default_school

from ..certificate_support import finish_course
from ..conftest import Auth
from ..content_factory import write
from ..quiz_support import sync
from ..test_portfolio import ASSIGNMENT
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


def test_a_learner_publishes_a_portfolio_that_a_visitor_opens(app, content_dir, live_server, browser, make_user, shot):
    write(content_dir, "assignments/intro-course/02-practice.md", ASSIGNMENT)
    sync(app)
    learner = make_user(email="ada@example.com", name="Ada Lovelace")
    with app.app_context():
        assignment = db.session.execute(db.select(Assignment)).scalar_one()
        work = Submission(assignment_id=assignment.id, user_id=learner, school_id=default_school().id, status="decided",
                          decision="pass", rubric=assignment.rubric, submitted_at=utcnow(), decided_at=utcnow(),
                          released_at=utcnow(), text="A two-week sprint plan.", text_html="<p>A two-week sprint plan.</p>")
        work.files.append(SubmissionFile(name="sprint-plan.pdf", kind="pdf", size=10, sha256="0" * 64, data=b"%PDF-1.4\n%"))
        db.session.add(work)
        db.session.commit()
    client = Auth(app.test_client())
    assert client.login(email="ada@example.com").status_code == 302
    finish_course(client)
    found = {}

    page = browser.new_context(bypass_csp=True).new_page()
    log_in(page, live_server, email="ada@example.com")
    page.goto(live_server + "/certificates")
    page.get_by_role("link", name="set up your portfolio").click()
    found["settings"] = violations(page)
    page.get_by_label("People you give its private link to").check()
    page.get_by_label("Headline").fill("AI project manager, logistics")
    page.get_by_label("Plan a sprint (Intro Course), version 1").check()
    page.get_by_role("button", name="Save portfolio").click()
    assert "Your portfolio is saved." in page.content()
    found["settings, published"] = violations(page)
    shot(page, "portfolio-settings")
    link = page.get_by_label("Link to your portfolio").input_value()

    visitor = browser.new_context(bypass_csp=True).new_page()
    visitor.goto(link)
    body = visitor.content()
    assert "Ada Lovelace" in body and "AI project manager, logistics" in body and "A two-week sprint plan." in body
    assert visitor.get_by_role("link", name="Intro Course").count() == 1  # the certificate's verification link
    with visitor.expect_download() as download:
        visitor.get_by_role("link", name="sprint-plan.pdf").click()
    assert download.value.suggested_filename == "sprint-plan.pdf"
    shot(visitor, "portfolio-page")
    found["public page"] = violations(visitor)
    assert found == dict.fromkeys(found, [])

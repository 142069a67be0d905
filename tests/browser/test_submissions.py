"""A learner writes their answer, attaches a PDF and submits it in a real browser; the page passes axe."""
from __future__ import annotations

import pytest

from ..assignment_support import PAGE, PDF_BYTES, write_assignment
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


@pytest.fixture()
def assignment_content(content_dir):
    write_assignment(content_dir)
    return content_dir


def test_a_learner_writes_attaches_and_submits(assignment_content, make_user, live_server, browser, tmp_path, shot):
    make_user()
    report = tmp_path / "report.pdf"
    report.write_bytes(PDF_BYTES)
    context = browser.new_context(bypass_csp=True)  # axe is injected from the test
    page = context.new_page()
    try:
        log_in(page, live_server)
        page.goto(live_server + "/courses/intro-course/")
        page.get_by_role("button", name="Enrol in this course").click()
        page.goto(live_server + PAGE)
        assert page.get_by_role("heading", name="Data readiness review").is_visible()
        assert violations(page) == []
        page.get_by_label("Your answer").fill("We checked **every** row against the source.")
        page.get_by_role("button", name="Save draft").click()
        assert page.get_by_text("Your draft is saved.").is_visible()
        page.get_by_label("Attach a file").set_input_files(str(report))
        page.get_by_role("button", name="Attach", exact=True).click()
        assert page.get_by_text("report.pdf is attached.").is_visible()
        assert page.get_by_role("link", name="report.pdf").is_visible()
        assert violations(page) == []
        shot(page, "draft")
        page.get_by_role("button", name="Submit version 1").click()
        assert page.get_by_text("Your work is submitted for review.").is_visible()
        assert page.locator("#state").inner_text() == "Submitted – awaiting review"
        assert page.locator(".submission-text strong").inner_text() == "every"
        assert page.get_by_label("Your answer").count() == 0
        assert violations(page) == []
        shot(page, "submitted")
    finally:
        context.close()

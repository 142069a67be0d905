"""A school admin runs an intake in Chromium: creates a cohort, imports a CSV of 30 students (preview, then
confirm), sets a deadline, makes an invitation link that a learner opens; every page is axe-clean at 320 px and
1280 px, light and dark."""
from __future__ import annotations

import pytest

from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


def test_an_admin_runs_an_intake_and_every_page_stays_accessible(live_server, browser, make_user, tmp_path, synced):
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    make_user(email="learner@example.com", name="Léa Morel")
    students = tmp_path / "promo.csv"
    students.write_text("\ufeffcourriel;nom\n" + "".join(f"etudiant{n:02d}@example.com;Étudiant {n:02d}, Promo\n"
                                                         for n in range(30)), encoding="utf-8")
    context = browser.new_context(bypass_csp=True)  # axe is injected by the test
    page = context.new_page()
    log_in(page, live_server, "admin@example.com")
    found = {}
    page.goto(live_server + "/admin/cohorts/new")
    page.get_by_label("Name", exact=True).fill("Promo mai 2026")
    page.get_by_label("Programme or course").select_option(label="Programme: Test Pathway")
    page.get_by_label("Starts on").fill("2026-05-01")
    page.get_by_label("Ends on").fill("2026-09-30")
    page.get_by_role("button", name="Create the cohort").click()
    assert page.get_by_role("heading", name="Promo mai 2026", level=1).is_visible()
    cohort_url = page.url
    page.get_by_role("link", name="Import learners (CSV)").click()
    page.get_by_label("CSV file").set_input_files(str(students))
    page.get_by_role("button", name="Check the file").click()
    assert page.get_by_role("heading", name="Accounts to create and invite (30)").is_visible()
    found["preview"] = violations(page)
    page.get_by_role("button", name="Import these learners").click()
    assert page.get_by_text("30 new accounts invited").is_visible()
    assert len(synced.extensions["lms"]["outbox"]) == 30
    page.get_by_role("link", name="Deadlines", exact=True).first.click()
    page.locator("input[type=date]").first.fill("2026-06-30")
    page.locator("input[type=time]").first.fill("18:00")
    page.get_by_role("button", name="Save the deadlines").click()
    assert page.get_by_text("1 deadline changed.").is_visible()
    found["deadlines"] = violations(page)
    page.goto(cohort_url)
    page.get_by_label("Seats").fill("5")
    page.get_by_role("button", name="Create a link").click()
    link = page.get_by_label("Link", exact=True).input_value()
    found["cohort"] = violations(page)
    page.goto(live_server + "/admin/cohorts/")
    assert page.get_by_role("cell", name="30", exact=True).is_visible()
    found["list"] = violations(page)
    context.close()

    learner = browser.new_context(bypass_csp=True)
    page = learner.new_page()
    page.goto(link.replace("http://localhost", live_server))
    found["join, visitor"] = violations(page)
    log_in(page, live_server, "learner@example.com")
    page.goto(link.replace("http://localhost", live_server))
    found["join"] = violations(page)
    page.get_by_role("button", name="Join the cohort").click()
    assert page.get_by_text("Welcome to the cohort Promo mai 2026").is_visible()
    learner.close()
    assert found == {key: [] for key in found}

"""The admission journey in Chromium: a visitor applies from the course page with a PDF, confirms through the
mailed link, an admin accepts, and the new learner chooses a password and logs in. Every admission page has no
serious or critical axe violation at 320 px and 1280 px, light and dark."""
from __future__ import annotations

import re

import pytest

from ..admission_support import PDF, make_round
from ..conftest import PASSWORD
from .test_accessibility import context, log_in, violations  # noqa: F401  (context: a fixture)

pytestmark = pytest.mark.browser


def mailed_link(app, path: str) -> str:
    body = app.extensions["lms"]["outbox"][-1].get_content()
    return re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body).group(1)


def test_apply_review_accept_and_log_in(app, make_user, live_server, context):
    round_id = make_round(app)
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    found = {}
    visitor = context.new_page()
    visitor.goto(live_server + "/courses/intro-course/")
    visitor.get_by_role("link", name="Apply for Cohorte de mai").click()
    assert visitor.url.endswith(f"/apply/{round_id}")
    found["apply"] = violations(visitor)
    visitor.get_by_role("button", name="Send the application").click()  # empty: refused, with messages
    assert visitor.get_by_role("alert").is_visible()
    found["apply with errors"] = violations(visitor)
    visitor.get_by_label("Full name").fill("Nour Haddad")
    visitor.get_by_label("E-mail address").fill("nour@example.com")
    visitor.get_by_label("Motivation").fill("J’aime apprendre.")
    visitor.get_by_label("Niveau").select_option("avancé")
    visitor.get_by_label("CV").set_input_files({"name": "cv.pdf", "mimeType": "application/pdf", "buffer": PDF})
    visitor.get_by_role("button", name="Send the application").click()
    assert visitor.get_by_role("heading", name="Check your e-mail").is_visible()
    found["sent"] = violations(visitor)
    visitor.goto(live_server + mailed_link(app, "/apply/status/"))
    found["status"] = violations(visitor)
    visitor.get_by_role("button", name="Confirm my application").click()
    assert visitor.get_by_text("submitted, under review").is_visible()

    staff = context.browser.new_context(bypass_csp=True).new_page()
    log_in(staff, live_server, "admin@example.com")
    staff.goto(live_server + "/admin/admissions")
    found["staff index"] = violations(staff)
    staff.get_by_role("link", name="Cohorte de mai").click()
    found["staff round"] = violations(staff)
    staff.get_by_role("link", name="Nour Haddad").click()
    found["staff detail"] = violations(staff)
    assert staff.get_by_role("link", name="cv.pdf").is_visible()
    staff.get_by_role("button", name="Accept into Cohorte de mai").click()
    assert staff.get_by_text("Nour Haddad is accepted into Cohorte de mai.").is_visible()

    learner = context.browser.new_context(bypass_csp=True).new_page()
    learner.goto(live_server + mailed_link(app, "/account/welcome/"))
    learner.get_by_label("New password", exact=True).fill(PASSWORD)
    learner.get_by_label("Repeat new password").fill(PASSWORD)
    learner.get_by_role("button", name="Set my password").click()
    learner.get_by_role("button", name="Log out").click()
    log_in(learner, live_server, "nour@example.com")
    assert learner.url.endswith("/dashboard")
    assert learner.get_by_text("Intro Course").first.is_visible()
    assert {page: faults for page, faults in found.items() if faults} == {}

"""Personal data in a real browser: a learner downloads their data and asks to delete their account, an
admin confirms, and the certificate's verification page then shows it revoked without the name. Each page
on the way has no serious or critical axe violation at 320 px and desktop, light and dark."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from ..certificate_support import finish_course, only_certificate
from ..conftest import Auth
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


def test_a_learner_downloads_their_data_and_deletes_their_account(synced, live_server, browser, make_user, shot):
    make_user(email="ada@example.com", name="Ada Lovelace")
    make_user(email="carla@example.com", name="Carla Admin", role="admin")
    client = Auth(synced.test_client())
    assert client.login(email="ada@example.com").status_code == 302
    finish_course(client)
    credential = only_certificate(synced).credential_id
    found = {}

    learner = browser.new_context(bypass_csp=True).new_page()  # axe is injected from the test only
    log_in(learner, live_server, email="ada@example.com")
    learner.goto(live_server + "/account/profile")
    learner.get_by_role("link", name="Your data and account deletion").click()
    found["data page"] = violations(learner)
    learner.locator("#export-password").fill("correct-horse-battery")
    with learner.expect_download() as download:
        learner.get_by_role("button", name="Download my data").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert json.loads(archive.read("data.json"))["account"][0]["name"] == "Ada Lovelace"
    learner.get_by_label("Why (optional)").fill("I am moving to another school")
    learner.locator("#delete-password").fill("correct-horse-battery")
    learner.get_by_role("button", name="Ask to delete my account").click()
    assert "You asked to delete your account" in learner.content()
    shot(learner, "deletion-requested")
    found["pending request"] = violations(learner)

    admin = browser.new_context(bypass_csp=True).new_page()
    log_in(admin, live_server, email="carla@example.com")
    admin.goto(live_server + "/admin/learners")
    admin.get_by_role("link", name="Account deletion requests").click()
    assert "I am moving to another school" in admin.content()
    found["admin queue"] = violations(admin)
    admin.get_by_role("button", name="Confirm and delete the account").click()
    assert "The account is deleted" in admin.content() and "No request is waiting." in admin.content()

    learner.goto(live_server + "/account/data/")
    assert "/account/login" in learner.url  # logged out everywhere
    verify = browser.new_context(bypass_csp=True).new_page()
    verify.goto(f"{live_server}/verify/{credential}")
    body = verify.content()
    assert "Revoked" in body and "The holder deleted their account." in body and "Ada" not in body
    shot(verify, "verification-after-deletion")
    found["verification"] = violations(verify)
    assert found == dict.fromkeys(found, [])

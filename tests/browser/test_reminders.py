"""The reminders setting in a real browser: a learner turns deadline e-mails off from the profile, in English
and in French, with no serious or critical axe violation at 320 px and desktop, light and dark."""
from __future__ import annotations

import pytest

from lms.accounts.models import User
from lms.extensions import db

from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


def test_a_learner_turns_reminders_off_and_on(synced, live_server, browser, make_user, shot):
    user_id = make_user(email="ada@example.com", name="Ada Lovelace")
    page = browser.new_context(bypass_csp=True).new_page()  # axe is injected from the test only
    log_in(page, live_server, email="ada@example.com")
    page.goto(live_server + "/account/profile")
    box = page.get_by_label("E-mail me reminders about deadlines")
    assert box.is_checked()
    assert violations(page) == []
    box.uncheck()
    page.get_by_role("button", name="Save reminders").click()
    assert "You will get no more e-mail reminders about deadlines." in page.content()
    assert not page.get_by_label("E-mail me reminders about deadlines").is_checked()
    shot(page, "reminders-off")
    assert violations(page) == []
    with synced.app_context():
        assert db.session.get(User, user_id).reminders_off
        db.session.get(User, user_id).locale = "fr"
        db.session.commit()
    page.goto(live_server + "/account/profile")
    page.get_by_label("M’envoyer par e-mail des rappels d’échéances").check()
    page.get_by_role("button", name="Enregistrer les rappels").click()
    assert "Vous recevrez des rappels d’échéances par e-mail." in page.content()
    assert violations(page) == []
    with synced.app_context():
        assert not db.session.get(User, user_id).reminders_off

"""Two schools on one deployment, in a real browser: a platform administrator creates a second school on
another host name; its first admin follows the mailed invitation on that host, and each host then shows its
own school, with nothing of the other. The platform pages have no serious or critical axe violation at
320 px and desktop, light and dark."""
from __future__ import annotations

import re

import pytest

from lms.extensions import db
from lms.accounts.models import User

from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


def test_a_platform_admin_opens_a_second_school_on_its_own_host(synced, live_server, browser, make_user, shot):
    make_user(email="root@example.com", name="Rania Platform", role="admin")
    make_user(email="learner@example.com", name="Lina Apprenante")
    with synced.app_context():
        db.session.execute(db.update(User).where(User.email == "root@example.com").values(platform_admin=True))
        db.session.commit()
    school_b = live_server.replace("127.0.0.1", "localhost")  # another host name for the same server
    found = {}

    root = browser.new_context(bypass_csp=True).new_page()
    log_in(root, live_server, email="root@example.com")
    root.get_by_role("link", name="Admin", exact=True).click()
    found["administration"] = violations(root)
    root.get_by_role("link", name="Schools").click()
    found["schools"] = violations(root)
    root.get_by_label("School name").fill("École Lumière")
    root.get_by_label("Identifier").fill("lumiere")
    root.get_by_label("Host names").fill("localhost")
    root.get_by_label("First admin's name").fill("Lucie Brun")
    root.get_by_label("First admin's e-mail").fill("lucie@example.com")
    root.get_by_role("button", name="Create the school").click()
    assert "The school École Lumière is created" in root.content()
    shot(root, "platform-schools")
    root.get_by_role("link", name="Change the host names of École Lumière").click()
    found["hosts"] = violations(root)

    mail = synced.extensions["lms"]["outbox"][-1]
    link = re.search(r"http://\S+/account/welcome/\S+", mail.get_content()).group(0)
    assert link.startswith(school_b + "/")  # on the new school's own host
    lucie = browser.new_context(bypass_csp=True).new_page()
    lucie.goto(link)
    lucie.get_by_label("New password", exact=True).fill("correct-horse-battery")
    lucie.get_by_label("Repeat new password").fill("correct-horse-battery")
    lucie.get_by_role("button", name="Set my password").click()
    assert "Welcome, Lucie Brun" in lucie.content()
    lucie.goto(school_b + "/")
    assert "École Lumière" in lucie.content()
    lucie.goto(school_b + "/admin/learners")
    people = lucie.content()
    assert "Lucie Brun" in people and "Lina Apprenante" not in people and "Rania Platform" not in people
    shot(lucie, "second-school-learners")

    # The first school's learner is a stranger on the second school's host: the log-in there refuses them.
    visitor = browser.new_context(bypass_csp=True).new_page()
    log_in(visitor, school_b, email="learner@example.com")
    assert "E-mail or password is not correct." in visitor.content()
    visitor.goto(live_server + "/")
    assert "École Lumière" not in visitor.content()
    assert found == {"administration": [], "schools": [], "hosts": []}

"""In Chromium: the independent LTI platform frames Conductor; a learner passes a deep-linked quiz inside the
iframe and the platform's gradebook holds the score. LTI pages pass axe, dynamic registration's included."""
from __future__ import annotations

import pytest
import requests

from lms.extensions import db
from lms.lti import register_routes
from lms.lti.models import LtiAccount, LtiPlatform

from ..lti_live import (CONTEXT, TEACHER, conductor, deep_link_quiz, learner_launch, quiz_text,  # noqa: F401
                        register_both, wait_for)
from ..lti_platform.fixtures import lti_platform, lti_platform_server  # noqa: F401
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser

ONE_QUESTION = """\
---
title: Basics check
pass_mark: 50
---

## Is this course about AI? {#about}

- [x] Yes
- [ ] No
"""


@pytest.fixture()
def quiz_text() -> str:  # noqa: F811 (this module's quiz: one question, answered by clicking)
    return ONE_QUESTION


def test_a_learner_passes_a_quiz_inside_the_platforms_iframe(app, conductor, lti_platform, browser):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    launch = learner_launch(lti_platform, link)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(launch["iframe_url"])
        tool = page.frame_locator("#tool")
        tool.get_by_role("heading", name="Basics check").wait_for()
        tool.get_by_role("button", name="Start attempt 1").click()
        tool.get_by_label("Yes").check()
        tool.get_by_role("button", name="Submit for grading").first.click()
        tool.get_by_text("100").first.wait_for()
        cookie = next(c for c in context.cookies(conductor) if c["name"] == "session")
        assert cookie["sameSite"] == "None" and cookie["secure"] is True
    finally:
        context.close()
    scores = wait_for(lambda: lti_platform.gradebook()[link["line_item"]]["scores"].get("learner-1"))
    assert scores["latest"]["scoreGiven"] == 100 and scores["latest"]["userId"] == "learner-1"


LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
BOSS = {"sub": "boss", "name": "Adèle Admin", "email": "admin@example.com",
        "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}


def checked(page, frame=None) -> list[str]:
    """axe's findings (``violations``), and whether the page (or ``frame``) scrolls sideways on a 320 px phone."""
    found = violations(page, frame)
    page.set_viewport_size({"width": 320, "height": 800})
    if (frame or page).evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        found.append("320px: the page scrolls sideways")
    page.set_viewport_size({"width": 1280, "height": 800})
    return found


def framed_tool(page):
    """The frame in which the platform's page shows Conductor."""
    [frame] = [frame for frame in page.frames if frame != page.main_frame]
    return frame


def link_accounts(app, base: str, links: dict[str, int]) -> None:
    """The platform's users (``sub``) linked to accounts, as Admin → LTI platforms does."""
    with app.test_request_context(base_url=base):
        platform_id = db.session.scalar(db.select(LtiPlatform.id))
        db.session.add_all(LtiAccount(platform_id=platform_id, sub=sub, user_id=user_id) for sub, user_id in links.items())
        db.session.commit()


def stranger_of_another_school(app, base: str) -> int:
    from lms.accounts.services import create_invited_user
    from lms.schools.services import create_school, current_school

    with app.test_request_context(base_url=base):
        current_school()
        other = create_school("other", "Other School", ["other.example.org"])
        db.session.flush()
        stranger = create_invited_user("stray@example.org", "Stray Stranger", school=other)
        db.session.commit()
        return stranger.id


def test_lti_pages_have_no_serious_violations(app, conductor, lti_platform, browser, make_user):
    register_both(app, lti_platform, conductor)
    admin_id = make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    link_accounts(app, conductor, {"boss": admin_id, "stray": stranger_of_another_school(app, conductor)})
    lti_platform.set_members(CONTEXT["id"], [
        {"user_id": "stray", "name": "Stray Member", "roles": [LEARNER_ROLE], "status": "Active"},
        {"user_id": "new-1", "name": "New Member", "roles": [LEARNER_ROLE], "status": "Active"}])
    found = {}
    context = browser.new_context(bypass_csp=True)
    try:
        teacher = context.new_page()
        teacher.goto(lti_platform.deep_link_launch(TEACHER, CONTEXT)["start_url"])
        teacher.get_by_role("heading", name="Add Conductor content to your course").wait_for()
        found["deep-link"] = checked(teacher)
        teacher.goto(conductor + "/lti/contexts")
        found["contexts"] = checked(teacher)
        teacher.get_by_role("button", name="Import the roster of Biology 101").click()
        report = teacher.get_by_role("status")
        report.get_by_role("heading", name="Members skipped: 1").wait_for()
        assert "Stray Member" in report.inner_text() and "New Member" in report.inner_text()
        found["contexts, a roster imported with a member skipped"] = checked(teacher)
        boss = context.new_page()  # an administrator's account launched from the platform: refused in its frame
        boss.goto(lti_platform.launch(BOSS, CONTEXT, {"id": "link-1"})["iframe_url"])
        refusal = boss.frame_locator("#tool")
        refusal.get_by_role("heading", name="Launch refused").wait_for()
        assert refusal.get_by_role("link", name="Open Conductor in a new tab").get_attribute("target") == "_blank"
        found["an administrator's launch refused, in the frame"] = checked(boss, framed_tool(boss))
        admin_context = browser.new_context(bypass_csp=True)
        try:
            admin = admin_context.new_page()
            log_in(admin, conductor, "admin@example.com")
            for path in ("/admin/lti/", "/admin/lti/new", "/admin/lti/1", "/lti/deep-link"):
                admin.goto(conductor + path)
                found[path] = checked(admin)
                if path == "/admin/lti/1":  # the teacher's account is listed, with its link form
                    assert "Grace Teacher" in admin.content()
        finally:
            admin_context.close()
    finally:
        context.close()
    assert found == {key: [] for key in found}


class SameClientId(requests.Session):
    """The platform's HTTP as Conductor sees it, except that its registration answers ``client_id``."""

    client_id = ""

    def post(self, *args, **kwargs):
        answer = super().post(*args, **kwargs)
        data = {**answer.json(), "client_id": self.client_id}
        answer.json = lambda: data
        return answer


def test_dynamic_registration_pages_have_no_serious_violations(app, conductor, lti_platform, browser, make_user,
                                                               monkeypatch):
    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    started = lti_platform.start_dynamic_registration(f"{conductor}/lti/register")
    found = {}
    context = browser.new_context(bypass_csp=True)
    try:
        platform_page = context.new_page()  # the platform's page, Conductor in its frame: a page sending to a new tab
        platform_page.goto(started["page_url"])
        framed = platform_page.frame_locator("#tool")
        framed.get_by_role("heading", name="Register Conductor in a new tab").wait_for()
        found["in the platform's frame"] = checked(platform_page, framed_tool(platform_page))
        with context.expect_page() as opened:
            framed.get_by_role("link", name="Open the registration in a new tab").click()
        tab = opened.value
        tab.get_by_label("E-mail").fill("admin@example.com")
        tab.get_by_label("Password").fill("correct-horse-battery")
        tab.get_by_role("button", name="Log in").click()
        tab.get_by_role("heading", name="Register an LTI platform").wait_for()
        found["confirmation"] = checked(tab)
        tab.get_by_role("button", name="Register this platform").click()
        tab.get_by_role("heading", name="Registration complete").wait_for()
        found["registered"] = checked(tab)
        first = lti_platform.dynamic_registration(started["registration_token"])["client_id"]
        assert first

        tab.go_back()  # the confirmation once more: the platform refuses its used registration token (a 502)
        tab.get_by_role("heading", name="Register an LTI platform").wait_for()
        found["confirmation, the platform registered already"] = checked(tab)
        with tab.expect_response(lambda response: response.request.method == "POST") as posted:
            tab.get_by_role("button", name="Register this platform").click()
        assert posted.value.status == 502
        tab.get_by_role("heading", name="Registration refused").wait_for()
        assert "Start the registration again from the platform" in tab.inner_text("main")
        found["502"] = checked(tab)

        monkeypatch.setattr(SameClientId, "client_id", first)  # a new registration answering the same client id
        monkeypatch.setattr(register_routes, "_http", SameClientId)
        tab.goto(lti_platform.start_dynamic_registration(f"{conductor}/lti/register")["url"])
        with tab.expect_response(lambda response: response.request.method == "POST") as posted:
            tab.get_by_role("button", name="Register this platform").click()
        assert posted.value.status == 409
        assert "nothing was overwritten" in tab.inner_text("main")
        found["409"] = checked(tab)
    finally:
        context.close()
    with app.app_context():
        assert db.session.scalars(db.select(LtiPlatform.client_id)).all() == [first]
    assert found == {key: [] for key in found}

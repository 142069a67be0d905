"""The skills profile in Chromium: no serious axe violation at 320 px and 1280 px, light and dark; the chart and its
table fit a phone's width; the weakest skill links to a lesson that opens."""
from __future__ import annotations

import pytest

from lms.extensions import db

from ..skills_support import answer, decide, make_assignment, make_quiz, write_role
from .test_accessibility import context, log_in, violations  # noqa: F401  (context: a fixture)

pytestmark = pytest.mark.browser


@pytest.fixture()
def skills_server(request, content_dir, make_user):
    """The live site with the role file loaded, and a learner with a quiz attempt and a released project."""
    write_role(content_dir)
    base = request.getfixturevalue("live_server")
    app = request.getfixturevalue("synced")
    learner = make_user()
    reviewer = make_user("teacher@example.com", "Tess Teacher", role="instructor")
    with app.app_context():
        answer(learner, make_quiz(questions={"q1": ["ai-literacy"], "q2": ["agile-delivery"]}), {"q1": 1.0, "q2": 0.5})
        decide(learner, make_assignment({"plan": "agile-delivery"}), {"plan": 2}, reviewer)
        db.session.commit()
    return base


def test_the_skills_pages_have_no_serious_violations_and_fit_a_phone(skills_server, context, shot):
    page = context.new_page()
    log_in(page, skills_server)
    page.goto(skills_server + "/account/skills")
    chart = page.get_by_role("img", name="Your level on each skill, and the target of the role AI project manager")
    assert chart.is_visible()
    assert page.get_by_role("table", name="Your level per skill").is_visible()
    assert violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert chart.bounding_box()["width"] <= 320
    shot(page, "profile-320")
    page.set_viewport_size({"width": 1280, "height": 800})
    shot(page, "profile-1280")
    page.get_by_role("region", name="Where to work next").get_by_role("link", name="What is AI").click()
    assert page.get_by_role("heading", level=1).inner_text() == "What is AI"
    page.goto(skills_server + "/skills/agile-delivery")
    assert page.get_by_role("heading", level=1).inner_text() == "Agile delivery"
    assert violations(page) == []

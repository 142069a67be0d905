"""A learner reviews a peer's work in Chromium: the rubric with radio groups, then the reviews they receive; axe
finds no serious or critical violation on the peer review pages."""
from __future__ import annotations

import pytest

from lms.assignments.models import Review
from lms.extensions import db

from ..peer_support import ASSIGNMENT_FILE, BRIEF, RECEIVED, allocated_id, ask_next, give, learner, login, submit
from ..content_factory import write
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


@pytest.fixture()
def peer_content(content_dir):
    write(content_dir, ASSIGNMENT_FILE, BRIEF.format(review="peer", peer_reviews=2))
    return content_dir


def test_a_learner_reviews_a_peer_and_reads_the_reviews_they_received(peer_content, synced, live_server, browser, shot):
    ana = learner(synced, "ana@example.com", "Anaïs Quennec")
    bao = learner(synced, "bao@example.com", "Bao Tranh")
    learner(synced, "adm@example.com", "Adèle Admin", role="admin")
    submit(synced, bao, text="A two-sprint plan for churn.", minutes_ago=30, files=1)
    submit(synced, ana, text="Another plan.", minutes_ago=10)
    page = browser.new_context(bypass_csp=True).new_page()
    log_in(page, live_server, "ana@example.com")

    page.goto(live_server + RECEIVED)
    assert "Waiting for 2 reviews; 0 received." in page.inner_text("main")
    assert violations(page) == []
    page.get_by_role("button", name="Review a submission").click()
    assert "/review/" in page.url
    main = page.inner_text("main")
    assert "two-sprint plan for churn" in main and "Bao" not in main and "Tranh" not in main
    assert violations(page) == []
    shot(page, "review-form")

    # A level left out is named, with a link to its criterion, and nothing is stored.
    page.get_by_label("Fully").check()
    page.get_by_role("button", name="Submit the review").click()
    assert "Choose a level for Delivery plan." in page.inner_text("main")
    assert page.get_by_label("Fully").is_checked()
    assert violations(page) == []
    page.get_by_role("group", name="Delivery plan").get_by_label("Proficient").check()
    page.get_by_label("Comment on “Problem framing” (optional)").fill("Name the churn measure.")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Submit the review").click()
    assert "Your review is submitted." in page.inner_text("main")
    assert violations(page) == []
    shot(page, "review-given")
    with synced.app_context():
        review = db.session.execute(db.select(Review)).scalar_one()
        assert review.levels == {"framing": 2, "delivery": 1} and review.points == 20
        assert review.comments["framing"] == "Name the churn measure."

    page.goto(live_server + "/reviewing")
    assert violations(page) == []
    # Bao reviews Ana's work; Ana reads it as "Reviewer 1", with a way to flag it.
    bao_client = login(synced, "bao@example.com")
    give(bao_client, allocated_id(ask_next(bao_client)), {"framing": 1, "delivery": 1}, {"delivery": "Add goals."})
    page.goto(live_server + RECEIVED)
    main = page.inner_text("main")
    assert "Reviewer 1" in main and "Add goals." in main and "Bao" not in main and "Waiting for 2 reviews; 1 received." in main
    page.get_by_text("Flag this review as unfair").click()
    assert violations(page) == []
    shot(page, "received")
    admin = browser.new_context(bypass_csp=True).new_page()
    log_in(admin, live_server, "adm@example.com")
    admin.goto(live_server + "/admin/assignments/reviewers")
    admin.get_by_label("E-mail address of the reviewer").fill("bao@example.com")
    admin.get_by_role("button", name="Add reviewer").click()
    assert "Bao Tranh" in admin.inner_text("main")
    assert violations(admin) == []

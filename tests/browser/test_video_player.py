"""A lesson with a video in a real browser: the page's own CSP lets the player's frame load (and
only because of its frame-src), the player keeps 16:9 at any width, and axe finds nothing serious."""
from __future__ import annotations

from urllib.parse import urljoin

import pytest

from ..content_factory import write
from .test_accessibility import violations

pytestmark = pytest.mark.browser

LESSON = "courses/intro-course/01-basics/01-what-is-ai.md"
PAGE = "/courses/intro-course/what-is-ai"  # the free preview: a visitor reads it


@pytest.fixture()
def video_lesson(content_dir):
    write(content_dir, "courses/intro-course/assets/review-transcript.md", "# Transcript\n\nWhat was said.\n")
    write(content_dir, LESSON, "---\ntitle: What is AI\nminutes: 10\n---\n\nIntro.\n\n"
          "::: video https://www.youtube.com/watch?v=aaaaaaaaaaa\ntitle: Sprint review (4 min)\n"
          "transcript: ../assets/review-transcript.md\n:::\n")
    return content_dir


def csp_refusals(browser, url: str) -> list[str]:
    """What the browser's Content-Security-Policy refused while loading ``url`` (the page's own policy)."""
    context = browser.new_context()
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None)
    page.goto(url)
    page.wait_for_timeout(500)
    context.close()
    return refused


def test_the_lesson_page_lets_its_player_load_and_keeps_16_by_9(video_lesson, live_server, browser):
    assert csp_refusals(browser, live_server + PAGE) == []
    page = browser.new_context().new_page()
    page.goto(live_server + PAGE)
    frame = page.locator("figure.video iframe")
    assert frame.get_attribute("title") == "Sprint review (4 min)"
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        box = frame.bounding_box()
        assert box["width"] > 200 and abs(box["width"] / box["height"] - 16 / 9) < 0.02, (width, box)
    link = page.get_by_role("link", name="Transcript: Sprint review (4 min)")
    transcript = page.request.get(urljoin(page.url, link.get_attribute("href")))  # a download, like any .md asset
    assert transcript.url.endswith("/courses/intro-course/assets/review-transcript.md")
    assert transcript.status == 200 and "What was said." in transcript.text()


def test_the_default_policy_would_refuse_the_player(video_lesson, live_server, browser, synced):
    """The frame-src is what lets the player in: the same page under the default policy is refused."""
    from lms.progress import routes

    original = routes.content_security_policy
    routes.content_security_policy = lambda origins: original(())
    try:
        refused = csp_refusals(browser, live_server + PAGE)
    finally:
        routes.content_security_policy = original
    assert any("www.youtube-nocookie.com" in message for message in refused), refused


def test_a_lesson_with_a_video_has_no_serious_accessibility_violation(video_lesson, live_server, browser):
    context = browser.new_context(bypass_csp=True)  # axe is injected by the test
    page = context.new_page()
    page.goto(live_server + PAGE)
    assert violations(page) == []
    context.close()

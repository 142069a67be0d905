"""Layout in Chromium: a lesson's table keeps its words whole and scrolls inside its own region on a phone,
the page never scrolls sideways, and a phone shows the course progress and a folded outline above the lesson."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
LESSON = "/courses/ai-foundations/ai-ml-and-deep-learning"  # a three-column glossary table
# Each word of each table cell: a word drawn on two lines has two boxes.
SPLIT_WORDS = """() => {
  const split = [];
  for (const cell of document.querySelectorAll('.prose td, .prose th')) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const match of node.textContent.matchAll(/[^\\s\\/-]+/g)) {  // a line may break at a space, hyphen or slash
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
        if (lines.size > 1) split.push(match[0]);
      }
    }
  }
  return split;
}"""


@pytest.fixture()
def content_dir(tmp_path) -> Path:
    """The shipped curriculum instead of the small test tree."""
    shutil.copytree(ROOT / "courses", tmp_path / "content" / "courses")
    shutil.copytree(ROOT / "quizzes", tmp_path / "content" / "quizzes")
    shutil.copytree(ROOT / "assignments", tmp_path / "content" / "assignments")
    return tmp_path / "content"


def test_tables_keep_words_whole_and_a_phone_shows_progress_and_outline_first(synced, live_server, browser,
                                                                             make_user, shot):
    make_user()
    context = browser.new_context(bypass_csp=True, viewport={"width": 320, "height": 700})
    page = context.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/courses/ai-foundations/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.goto(live_server + LESSON)
    assert page.locator(".prose table").count() >= 1

    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 700})
        assert page.evaluate(SPLIT_WORDS) == [], width
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), width
    page.set_viewport_size({"width": 320, "height": 700})
    region = page.get_by_role("region", name="Table: Term, Plain meaning, Example: support-ticket routing")
    assert region.evaluate("block => block.scrollWidth > block.clientWidth")  # the table scrolls, not the page
    region.focus()
    page.keyboard.press("ArrowRight")  # a keyboard alone scrolls it
    page.wait_for_function("block => block.scrollLeft > 0", arg=region.element_handle(), timeout=3000)

    top = page.locator(".phone-progress")
    assert top.is_visible() and not page.locator(".sidebar").is_visible()
    assert top.bounding_box()["y"] < page.locator("h1").bounding_box()["y"]
    assert top.get_by_role("progressbar", name="Course progress").is_visible()
    lesson_link = top.get_by_role("link", name="Language, vision and generative AI")
    assert not lesson_link.is_visible()  # folded until asked for
    top.get_by_text("Course outline").click()
    assert top.get_by_role("link", name="AI, machine learning and deep learning in plain terms").get_attribute("aria-current") == "page"
    shot(page, "phone-outline-open")
    assert violations(page) == []

    page.set_viewport_size({"width": 1280, "height": 800})
    assert not top.is_visible() and page.locator(".sidebar").is_visible()
    context.close()

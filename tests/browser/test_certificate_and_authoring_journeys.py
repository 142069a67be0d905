"""Two more journeys in a real browser: a learner downloads the certificate and checks it on the
public verification page; an author edits and publishes a lesson, then restores the earlier text."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pypdfium2
import pytest
from playwright.sync_api import expect
import zxingcpp
from pypdf import PdfReader

from ..authoring_support import make_account
from .test_learner_journey import complete_the_course_as_a_new_learner
from .test_accessibility import log_in

pytestmark = pytest.mark.browser
LESSON_FILE = "courses/intro-course/01-basics/02-models.md"


def qr_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [result.text for result in zxingcpp.read_barcodes(document[0].render(scale=3).to_pil())]
    finally:
        document.close()


def test_learner_downloads_the_certificate_and_the_verification_page_agrees(synced, live_server, browser, shot):
    page = complete_the_course_as_a_new_learner(synced, live_server, browser, shot)
    page.get_by_role("link", name="My certificates").click()
    shot(page, "my-certificates")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^Download PDF")).click()
    pdf = Path(download_info.value.path()).read_bytes()
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Ada Lovelace" in text and "Intro Course" in text
    [verify_url] = qr_codes(pdf)
    assert re.fullmatch(re.escape(live_server) + r"/verify/[A-Za-z0-9_-]{22,}", verify_url)
    assert verify_url in text.replace("\n", "")
    anonymous = browser.new_context().new_page()  # anyone, not logged in
    anonymous.goto(verify_url)
    shot(anonymous, "verification")
    body = anonymous.content()
    assert "Valid." in body and "Ada Lovelace" in body and "Intro Course" in body
    assert "ada@example.com" not in body


def test_author_edits_publishes_and_restores_a_lesson_in_the_browser(live_server, browser, synced, make_user, shot):
    make_account(synced, make_user, "author", email="writer@example.com")
    make_user(email="reader@example.com", name="Reader")
    reader = browser.new_context().new_page()
    reader.goto(live_server + "/account/login")
    reader.get_by_label("E-mail").fill("reader@example.com")
    reader.get_by_label("Password").fill("correct-horse-battery")
    reader.get_by_role("button", name="Log in").click()
    reader.goto(live_server + "/courses/intro-course/")
    reader.get_by_role("button", name="Enrol in this course").click()

    page = browser.new_context().new_page()
    log_in(page, live_server, "writer@example.com")
    page.get_by_role("link", name="Author").click()
    page.goto(f"{live_server}/author/courses/intro-course/files/{LESSON_FILE}")
    source = page.get_by_label("Markdown source, front matter included")
    original = source.input_value()
    source.fill(original.replace("Body of Models.", "Body of Models, revised: ask for the confusion matrix first."))
    page.get_by_role("button", name="Preview").click()
    assert "ask for the confusion matrix first" in page.content()
    shot(page, "editor-preview")
    page.get_by_role("button", name="Save and publish").click()
    shot(page, "published")

    reader.goto(live_server + "/courses/intro-course/models")
    assert "ask for the confusion matrix first" in reader.content()

    page.goto(f"{live_server}/author/courses/intro-course/history/{LESSON_FILE}")
    shot(page, "history")
    page.get_by_role("link", name="1", exact=True).click()
    page.get_by_role("button", name="Restore this revision as a new draft").click()
    page.goto(f"{live_server}/author/courses/intro-course/")
    page.get_by_role("button", name="Publish all drafts").click()
    shot(page, "restored")
    reader.goto(live_server + "/courses/intro-course/models")
    assert "ask for the confusion matrix first" not in reader.content()
    assert "Body of Models." in reader.content()


def test_the_preview_follows_the_text_as_the_author_types(live_server, browser, synced, make_user):
    make_account(synced, make_user, "author", email="writer@example.com")
    page = browser.new_context().new_page()
    log_in(page, live_server, "writer@example.com")
    page.goto(f"{live_server}/author/courses/intro-course/files/{LESSON_FILE}")
    preview = page.locator("section.preview")
    source = page.get_by_label("Markdown source, front matter included")
    original = source.input_value()
    source.fill(original.replace("Body of Models.", "Body of Models, typed just now."))
    expect(preview).to_contain_text("typed just now", timeout=5000)  # no button pressed
    source.fill(original.replace("title: Models\n", "titel: Models\n"))  # the publish validator's own message
    expect(preview).to_contain_text("problem", timeout=5000)
    expect(preview).to_contain_text("titel")
    expect(source).to_have_attribute("aria-describedby", "file-errors")
    page.get_by_role("link", name=re.compile("^Line ")).first.click()  # error links still select the line
    assert page.evaluate("document.activeElement.id") == "text"
    assert "typed just now" not in source.input_value()
    with synced.app_context():  # a preview saves nothing
        from lms.authoring.store import file_at

        assert file_at(LESSON_FILE).head_number == 1


def test_a_video_typed_into_the_live_preview_waits_for_the_preview_button(live_server, browser, synced, make_user):
    """The editor page's CSP allows only the video hosts it was loaded with: a video typed since is a
    placeholder until Preview reloads the page with that host in its frame-src, then it is a player."""
    make_account(synced, make_user, "author", email="filmmaker@example.com")
    page = browser.new_context().new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    log_in(page, live_server, "filmmaker@example.com")
    page.goto(f"{live_server}/author/courses/intro-course/files/{LESSON_FILE}")
    preview = page.locator("section.preview")
    source = page.get_by_label("Markdown source, front matter included")
    source.fill(source.input_value() + "\n::: video https://vimeo.com/76979871\ntitle: Demo reel\n"
                "transcript: https://example.org/transcript\n:::\n")
    expect(preview.locator(".video-placeholder")).to_contain_text("Video: Demo reel. Press Preview", timeout=5000)
    assert preview.locator("iframe").count() == 0 and blocked == []
    page.get_by_role("button", name="Preview").click()
    frame = preview.locator("iframe")
    expect(frame).to_have_attribute("src", "https://player.vimeo.com/video/76979871")
    expect(frame).to_have_attribute("title", "Demo reel")
    expect(preview.locator("figcaption")).to_contain_text("Demo reel")
    assert preview.locator(".video-placeholder").count() == 0

"""A new learner's whole path in a real browser: sign up, enrol, read, complete, see progress."""
from __future__ import annotations

import re

import pytest

from ..conftest import last_link

pytestmark = pytest.mark.browser


def test_new_learner_signs_up_enrols_reads_and_completes_a_course(synced, live_server, browser, shot):
    complete_the_course_as_a_new_learner(synced, live_server, browser, shot)


def complete_the_course_as_a_new_learner(app, live_server, browser, shot):
    """Ada Lovelace signs up (through the link mailed to her), enrols, reads every lesson and completes
    Intro Course; returns her page."""
    page = browser.new_page()
    page.goto(live_server + "/")
    shot(page, "catalog")
    page.get_by_role("link", name="Sign up").click()
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("E-mail").fill("ada@example.com")
    shot(page, "register")
    page.get_by_role("button", name="Continue").click()
    assert "Check your e-mail" in page.content()
    page.goto(live_server + last_link(app, "/account/register/"))
    page.get_by_label("Password", exact=True).fill("analytical-engine-1843")
    page.get_by_label("Repeat password").fill("analytical-engine-1843")
    shot(page, "choose-password")
    page.get_by_role("button", name="Create account").click()
    assert "Welcome, Ada Lovelace" in page.content()
    page.get_by_role("link", name="Intro Course").first.click()
    shot(page, "course")
    page.get_by_role("button", name="Enrol in this course").click()
    assert page.url.endswith("/courses/intro-course/what-is-ai")
    for title in ("What is AI", "Models", "Sprints", "Review"):
        assert page.get_by_role("heading", level=1).inner_text() == title
        shot(page, f"lesson-{title.lower().replace(' ', '-')}")
        page.get_by_role("button", name=re.compile("^Mark as complete")).click()
    assert "Course complete: Intro Course" in page.content()
    assert "100%" in page.content()
    shot(page, "course-complete")
    page.get_by_role("link", name="My learning").click()
    assert "4 of 4 lessons" in page.content()
    shot(page, "dashboard")
    return page


def test_links_between_lessons_work_in_the_browser(live_server, browser, make_user):
    make_user()
    page = browser.new_page()
    page.goto(live_server + "/account/login")
    page.get_by_label("E-mail").fill("learner@example.com")
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()
    page.goto(live_server + "/courses/intro-course/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("link", name="the other lesson").click()
    assert page.url.endswith("/courses/intro-course/models")


def test_pages_fit_a_320_pixel_phone(live_server, browser):
    page = browser.new_page(viewport={"width": 320, "height": 640})
    for path in ("/", "/courses/intro-course/", "/courses/intro-course/what-is-ai", "/account/login", "/account/register"):
        page.goto(live_server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path

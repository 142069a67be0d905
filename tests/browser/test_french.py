"""Conductor in French, in Chromium: a browser that asks for French (Accept-Language fr-FR) takes the learner's
path in French, quiz scripts included; the footer's switch to English works and is remembered; French pages
have no serious or critical axe violation at 320 px and desktop, light and dark."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import User
from lms.extensions import db

from ..quiz_support import write_quiz
from .test_accessibility import ANONYMOUS_PAGES, LEARNER_PAGES, STAFF_PAGES, violations

pytestmark = pytest.mark.browser

QUIZ = "/courses/intro-course/quiz/basics"


@pytest.fixture()
def french(browser):
    """A browser whose language is French: it sends Accept-Language: fr-FR."""
    context = browser.new_context(locale="fr-FR", bypass_csp=True)  # axe is injected from the test only
    yield context
    context.close()


def connect(page, base, email="learner@example.com"):
    page.goto(base + "/account/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill("correct-horse-battery")
    page.get_by_role("button", name="Se connecter").click()


def test_the_learner_path_in_french_and_back_to_english(content_dir, make_user, app, live_server, french):
    write_quiz(content_dir, time_limit=10)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    page = french.new_page()
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.get_by_role("link", name="Catalogue").is_visible()
    connect(page, live_server)
    page.goto(live_server + "/courses/intro-course/")
    page.get_by_role("button", name="S’inscrire à ce cours").click()
    page.goto(live_server + QUIZ)
    page.get_by_role("button", name=re.compile("^Commencer la tentative")).click()
    # The scripts speak French too: the countdown's words and the autosave's status.
    page.wait_for_function("document.querySelector('.timer-value').textContent.includes('minutes')")
    assert re.fullmatch(r"\d+ minutes", page.locator(".timer-value").inner_text())
    assert page.locator("#quiz-save-status").inner_text() == "Vos réponses sont enregistrées à chaque modification."
    page.locator("input[type=radio]").first.check()
    page.wait_for_function("document.getElementById('quiz-save-status').textContent.startsWith('Réponses enregistrées à')")
    page.get_by_role("button", name="Envoyer pour évaluation").click()
    assert page.locator("h1").inner_text().startswith("Basics check")
    assert page.get_by_text(re.compile(r"^Note\u00a0:")).first.is_visible()
    # The footer's switch: English now, and remembered on the account and in the browser.
    page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="My learning").is_visible()
    page.reload()
    assert page.locator("html").get_attribute("lang") == "en"
    with app.app_context():  # the live server's app
        assert db.session.execute(db.select(User.locale)).scalar_one() == "en"
        db.session.remove()
    page.get_by_role("button", name="Log out").click()
    page.goto(live_server + "/")
    assert page.locator("html").get_attribute("lang") == "en"  # the visitor's cookie, over Accept-Language


def test_french_pages_have_no_serious_violations(content_dir, make_user, app, live_server, french):
    write_quiz(content_dir)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    page = french.new_page()
    found = {}
    for path in ANONYMOUS_PAGES:
        page.goto(live_server + path)
        assert page.locator("html").get_attribute("lang") == "fr", path
        found[path] = violations(page)
    connect(page, live_server)
    page.goto(live_server + "/courses/intro-course/")
    page.get_by_role("button", name="S’inscrire à ce cours").click()
    for path in LEARNER_PAGES:
        page.goto(live_server + path)
        found["learner " + path] = violations(page)
    page.get_by_role("button", name="Se déconnecter").click()
    connect(page, live_server, "admin@example.com")
    for path in STAFF_PAGES:
        page.goto(live_server + path)
        found["admin " + path] = violations(page)
    assert found == {key: [] for key in found}


def test_french_pages_never_scroll_sideways_on_a_phone(make_user, live_server, french):
    """The header's search box and its longer French button (« Rechercher ») fit 320 px, logged out and in."""
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    page = french.new_page()
    page.set_viewport_size({"width": 320, "height": 800})
    wide = []
    for path in ("/", "/account/login"):
        page.goto(live_server + path)
        wide += [path] if page.evaluate("document.documentElement.scrollWidth > window.innerWidth") else []
    connect(page, live_server, "admin@example.com")
    for path in ("/dashboard", "/account/profile", "/admin/lti/"):
        page.goto(live_server + path)
        wide += [path] if page.evaluate("document.documentElement.scrollWidth > window.innerWidth") else []
    assert page.get_by_role("button", name="Rechercher").is_visible()
    assert wide == []

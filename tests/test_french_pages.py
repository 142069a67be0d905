"""Every page of the access table, opened in French, speaks French: ``<html lang="fr">``, and none of the
interface's common English words left in its text or its labels (course text keeps its own language and
its own ``lang`` attribute, so it is left out of the check)."""
from __future__ import annotations

import re
from html.parser import HTMLParser


from .test_access import ROLES, ROUTES, audit_app, client_for, ids, owner_certificates, send  # noqa: F401

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"}
# The words the issue names, and more of the interface's everyday English.
ENGLISH = ["Log in", "Log out", "Sign up", "Save", "Submit", "Continue", "Certificate", "Certificates", "Progress",
           "Dashboard", "Catalog", "Lesson", "Lessons", "Search", "Help", "Account", "My learning", "Back",
           "Next", "Previous", "Start", "Settings", "Learners", "Reports", "Author", "Published", "Draft", "Level",
           "Effort", "hours", "Pass mark", "Attempts", "Review", "Download", "Verify", "Skip to content",
           "Powered by", "Language", "Passed", "Completed", "Enrol", "Name", "Password", "Required", "Cancel",
           "Delete", "History", "Revision", "Preview", "Edit", "Overview", "Programmes", "Courses", "Status",
           "Reason", "Issued", "Revoked", "Valid", "the", "and", "your", "You", "This", "of"]
# (Module, minutes, date, contact, programme, test and quiz are French words too.)
# The test course's titles (content, in English), which an aria-label may quote inside French words.
CONTENT_TITLES = re.compile(r"\b(Intro Course|What is AI|Models|Sprints|Review|Basics|Practice)\b")
WORDS = re.compile(r"\b(" + "|".join(re.escape(word) for word in ENGLISH) + r")\b")
LABELS = ("aria-label", "title", "placeholder", "alt")
SKIPPED = {"script", "style", "code", "pre", "textarea", "kbd", "samp"}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class InterfaceText(HTMLParser):
    """The page's own words: its text and labels, without anything inside an element in another language
    (the course's text) or in code (sources, examples)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[bool] = []  # for each open element: is its content left out?
        self.words: list[str] = []

    def skipping(self) -> bool:
        return any(self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        lang = attributes.get("lang")
        other_language = lang is not None and not lang.lower().startswith("fr") and tag != "html"
        skip = tag in SKIPPED or other_language
        if not self.skipping() and not skip:
            # A label may name a lesson or module (course text, in the course's language) among French words.
            self.words += [CONTENT_TITLES.sub("", attributes[name]) for name in LABELS if attributes.get(name)]
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.words.append(attributes["value"])
        if tag not in VOID:
            self.stack.append(skip)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self.skipping() and data.strip():
            self.words.append(data.strip())


def english_left(page: str) -> list[str]:
    parser = InterfaceText()
    parser.feed(page)
    return sorted({match for text in parser.words for match in WORDS.findall(text)})


def test_the_check_finds_english_and_leaves_course_text_alone():
    page = ('<html lang="fr"><body><p>Tableau de bord</p><div lang="en"><p>Continue with the lesson</p></div>'
            '<pre>Save</pre><button aria-label="Log out">x</button><p>Mon apprentissage</p></body></html>')
    assert english_left(page) == ["Log out"]


def pages():
    """(url template, the role that opens it) for each page of the access table someone may open."""
    found = []
    for endpoint, method, url, answers in ROUTES:
        if method != "GET" or endpoint in ("lms_static.static", "lms_static.favicon", "school.logo", "school.theme",
                                           "certificates.static") or ".json" in url or url.endswith((".csv", ".pdf",
                                                                                                      ".jwt")):
            continue
        role = next((role for role in ("admin", "owner", "anonymous", "author", "other", "platform") if answers[role] == 200),
                    None)
        if role:
            found.append((endpoint, url, role))
    return found


def test_every_page_speaks_french(audit_app):
    clients = {role: client_for(audit_app, role) for role in ROLES}
    assert send(clients["owner"], "POST", "/courses/intro-course/enrol").status_code == 302
    attempt = send(clients["owner"], "POST", "/courses/intro-course/quiz/basics/start").headers["Location"].rsplit("/", 1)[1]
    names = {"attempt": attempt, **owner_certificates(audit_app), **ids(audit_app)}
    clients["owner"].client.get("/dashboard")  # the enrolment's message, flashed in English, is shown here once
    faults, seen = {}, 0
    for endpoint, url, role in pages():
        response = clients[role].client.get(url.format(**names), headers=FRENCH)
        if response.mimetype != "text/html":
            continue
        assert response.status_code == 200, (url, role)
        page = response.get_data(as_text=True)
        seen += 1
        if '<html lang="fr">' not in page:
            faults[url] = ["<html lang> is not fr"]
            continue
        left = english_left(page)
        if left:
            faults[url] = left
            import os
            if os.environ.get("SHOW_FAULTS"):
                parser = InterfaceText()
                parser.feed(page)
                print(url, [text for text in parser.words if WORDS.search(text)])
    assert seen >= 30
    assert not faults, "\n".join(f"{url}: {words}" for url, words in faults.items())


def test_the_error_pages_speak_french(audit_app):
    auth = client_for(audit_app, "owner")
    page = auth.client.get("/courses/no-such-course/", headers=FRENCH)
    assert page.status_code == 404
    assert english_left(page.get_data(as_text=True)) == []
    assert '<html lang="fr">' in page.get_data(as_text=True)

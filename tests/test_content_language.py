"""A course written in another language than the interface says so: its text carries its own lang attribute
(screen readers switch voice, browsers hyphenate and translate it as that language); the interface's words
around it do not. The course's language is a real language tag or a file:line error."""
from __future__ import annotations

import re

import pytest

from lms.content.tree import read_tree

from .content_factory import write

COURSE = "courses/intro-course/course.md"


@pytest.fixture()
def french(content_dir):
    path = content_dir / COURSE
    path.write_text(path.read_text().replace("skills: [ai-literacy]", "skills: [ai-literacy]\nlanguage: fr"))
    return content_dir


def lang_of(page: str, pattern: str) -> str | None:
    match = re.search(pattern, page, re.S)
    assert match, pattern
    found = re.search(r'\slang="([^"]+)"', match.group(1))
    return found.group(1) if found else None


def test_a_french_course_carries_lang_fr_on_its_text_and_not_on_the_interface(french, runner, learner, auth):
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    home = auth.client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in home
    assert lang_of(home, r"(<h3[^>]*>)<a href=\"/courses/intro-course/\"") == "fr"
    course = auth.client.get("/courses/intro-course/").get_data(as_text=True)
    assert lang_of(course, r"(<h1[^>]*>)Intro Course") == "fr"
    assert lang_of(course, r'(<div class="prose"[^>]*>)\s*<p>Welcome') == "fr"
    assert lang_of(course, r"(<h2>)Modules") is None  # the interface's own heading stays English
    auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/")
    lesson = auth.client.get("/courses/intro-course/models").get_data(as_text=True)
    assert lang_of(lesson, r'(<h1 id="lesson-title"[^>]*>)') == "fr"
    assert lang_of(lesson, r'(<div class="prose"[^>]*>)') == "fr"
    assert lang_of(lesson, r'(<a href="/courses/intro-course/what-is-ai"[^>]*>)') == "fr"  # the outline's titles
    assert lang_of(lesson, r'(<h2 class="sidebar-title">)') is None


def test_an_english_course_adds_no_lang_attribute(content_dir, runner, learner, auth):
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/")
    lesson = auth.client.get("/courses/intro-course/models").get_data(as_text=True)
    page = re.sub(r'<form[^>]*class="language-switch".*?</form>', "", lesson, flags=re.S)  # names languages
    assert page.count(' lang="') == 1  # only <html lang="en">


@pytest.mark.parametrize("value", ["french", "fr_FR", "f", "fr-", '"fr><script>"'])
def test_a_language_that_is_not_a_tag_is_refused_with_its_line(content_dir, value):
    path = content_dir / COURSE
    text = path.read_text().replace("skills: [ai-literacy]", f"skills: [ai-literacy]\nlanguage: {value}")
    write(content_dir, COURSE, text)
    line = text.splitlines().index(f"language: {value}") + 1
    errors = [str(error) for error in read_tree(content_dir).errors]
    assert len(errors) == 1 and errors[0].startswith(f"{COURSE}:{line}: language must be a language tag"), errors


def test_a_piece_of_course_text_among_interface_words_is_wrapped_only_when_its_language_differs():
    from lms.web import in_content_lang

    assert in_content_lang("Contrôle <1>", "fr") == '<span lang="fr">Contrôle &lt;1&gt;</span>'
    assert in_content_lang("Basics <1>", "en-GB") == "Basics &lt;1&gt;"


@pytest.mark.parametrize("value", ["fr", "FR", "fr-CA", "zh-Hant-TW", "fr-x-priv", '"no"'])
def test_a_language_tag_in_any_case_with_any_subtags_is_accepted(content_dir, value):
    path = content_dir / COURSE
    write(content_dir, COURSE, path.read_text().replace("skills: [ai-literacy]", f"skills: [ai-literacy]\nlanguage: {value}"))
    assert read_tree(content_dir).errors == []


def test_quiz_options_carry_the_course_language_inside_the_interface(french, runner, learner, auth):
    """The question types' templates do not know the course: the page tells them (web.speaking)."""
    from .quiz_support import QUIZ, enrol, start, write_quiz

    write_quiz(french)
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    enrol(auth)
    page = auth.client.get(f"{QUIZ}/attempts/{start(auth)}").get_data(as_text=True)
    labels = re.findall(r'<label for="q\d+-\w+">(.*?)</label>', page, re.S)
    options = [label for label in labels if not label.startswith("Position of")]  # ordering's, below
    assert len(options) > 5 and all(option.startswith('<span lang="fr">') for option in options), options
    assert re.search(r'<label for="q\d+-\w+">Position of “<span lang="fr">', page)  # ordering: words around it stay
    assert re.search(r'<option value="\w+" lang="fr">', page)  # matching's choices


def test_the_renderer_labels_a_french_course_in_french_whatever_the_interface(french, runner, learner, auth):
    """A callout's title is part of the lesson, so it follows the course's language, not the reader's; a
    course that changes language is rendered again at the next sync."""
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/")
    english_interface = auth.client.get("/courses/intro-course/models").get_data(as_text=True)
    assert '<div class="callout callout-tip" role="note" aria-label="Conseil"><p class="callout-title">Conseil</p>' \
        in english_interface
    path = french / COURSE
    path.write_text(path.read_text().replace("language: fr", "language: en"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    page = auth.client.get("/courses/intro-course/models", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<div class="callout callout-tip" role="note" aria-label="Tip"><p class="callout-title">Tip</p>' in page


def test_a_corrected_label_translation_renders_the_lessons_again(french, runner, learner, auth, monkeypatch):
    """The render key holds the renderer's words themselves, not only the course's language tag."""
    from lms.content import markdown

    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    monkeypatch.setitem(markdown.CALLOUT_KINDS, "tip", "Astuce")  # as if the catalogue said it otherwise now
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/")
    page = auth.client.get("/courses/intro-course/models").get_data(as_text=True)
    assert '<p class="callout-title">Astuce</p>' in page

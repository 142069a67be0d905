"""A course can exist in several languages: course.md's ``translation_of`` names the original. The catalog
shows each reader the version in their language and links the others; progress and certificates belong
to the version taken, and a programme step is done in whichever language it was taken."""
from __future__ import annotations

import re

import pytest

from lms.catalog.models import Course
from lms.content.tree import read_tree
from lms.extensions import db

from .certificate_support import certificates, finish_course
from .content_factory import make_tree, write

FRENCH = "courses/cours-intro/course.md"
FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
EN = {"Accept-Language": "en-GB,en;q=0.9"}


def add_french_version(root, extra: str = "translation_of: intro-course\nlanguage: fr") -> None:
    """A French version of intro-course (same modules and lessons, its own folder and slug)."""
    source = root / "courses" / "intro-course"
    target = root / "courses" / "cours-intro"
    for path in sorted(source.rglob("*.md")):
        text = path.read_text()
        if path.name == "course.md":
            text = text.replace("title: Intro Course", "title: Cours d’introduction").replace(
                "skills: [ai-literacy]", f"skills: [ai-literacy]\n{extra}")
        write(root, str(target.relative_to(root) / path.relative_to(source)), text)


@pytest.fixture()
def versions(content_dir):
    add_french_version(content_dir)
    return content_dir


def card_titles(page: str) -> list[str]:
    return re.findall(r'<h3[^>]*><a href="/courses/([^/]+)/"', page.split('id="courses-heading"')[1])


def test_the_tree_reads_the_translation(versions):
    tree = read_tree(versions)
    assert not tree.errors, tree.errors
    french = next(course for course in tree.courses if course.slug == "cours-intro")
    assert (french.translation_of, french.language) == ("intro-course", "fr")


@pytest.mark.parametrize("extra, message", [
    ("translation_of: no-such-course\nlanguage: fr", "is not another course"),
    ("translation_of: cours-intro\nlanguage: fr", "is not another course"),  # itself
    ("translation_of: intro-course", "a course has one version per language"),  # English, like the original
])
def test_a_wrong_translation_is_refused_with_its_file_and_line(content_dir, extra, message):
    add_french_version(content_dir, extra)
    tree = read_tree(content_dir)
    text = (content_dir / FRENCH).read_text().splitlines()
    line = next(number for number, row in enumerate(text, 1) if row.startswith("translation_of:"))
    assert [(error.path, error.line) for error in tree.errors if message in error.message] == [(FRENCH, line)], \
        tree.errors


def test_a_translation_of_a_translation_is_refused(versions):
    add_german = "translation_of: cours-intro\nlanguage: de"
    source = versions / "courses" / "intro-course"
    for path in sorted(source.rglob("*.md")):
        text = path.read_text()
        if path.name == "course.md":
            text = text.replace("skills: [ai-literacy]", f"skills: [ai-literacy]\n{add_german}")
        write(versions, str((versions / "courses" / "kurs" / path.relative_to(source)).relative_to(versions)), text)
    errors = read_tree(versions).errors
    assert [error.path for error in errors if "is itself a translation of 'intro-course'" in error.message] == \
        ["courses/kurs/course.md"]


def test_each_reader_sees_the_version_in_their_language_and_a_link_to_the_other(versions, runner, client):
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    english = client.get("/", headers=EN).get_data(as_text=True)
    assert card_titles(english) == ["intro-course"]
    assert re.search(r'<a href="/courses/cours-intro/" hreflang="fr" lang="fr"[^>]*>Français</a>', english)
    french = client.get("/", headers=FR).get_data(as_text=True)
    assert card_titles(french) == ["cours-intro"]
    assert re.search(r'<a href="/courses/intro-course/" hreflang="en" lang="en"[^>]*>English</a>', french)
    course = client.get("/courses/cours-intro/", headers=EN).get_data(as_text=True)
    assert re.search(r'<a href="/courses/intro-course/" hreflang="en" lang="en"[^>]*>English</a>', course)


def test_a_reader_whose_language_has_no_version_sees_the_original(versions, runner, client):
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    page = client.get("/", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert card_titles(page) == ["intro-course"]


def test_an_unpublished_version_is_neither_shown_nor_linked(content_dir, runner, client):
    add_french_version(content_dir, "translation_of: intro-course\nlanguage: fr\npublished: false")
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    french = client.get("/", headers=FR).get_data(as_text=True)
    assert card_titles(french) == ["intro-course"]
    assert "/courses/cours-intro/" not in french
    assert "/courses/cours-intro/" not in client.get("/courses/intro-course/", headers=FR).get_data(as_text=True)


def test_progress_and_the_certificate_belong_to_the_version_taken(versions, runner, app, learner, auth):
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    finish_course(auth, "/courses/cours-intro/")
    [certificate] = certificates(app)
    with app.app_context():
        course = db.session.get(Course, certificate.course_id)
        assert (course.slug, course.language) == ("cours-intro", "fr")
    english = auth.client.get("/courses/intro-course/").get_data(as_text=True)
    assert 'action="/courses/intro-course/enrol"' in english  # the English version is not taken


def test_a_programme_step_counts_in_whichever_language_it_was_taken(tmp_path, make_app, make_user, auth):
    root = make_tree(tmp_path / "two", courses=("intro-course", "second-course"))
    add_french_version(root)
    app = make_app(LMS_CONTENT_DIR=str(root))
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth.client = app.test_client()
    assert auth.login().status_code == 302
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    finish_course(auth, "/courses/cours-intro/")
    finish_course(auth, "/courses/second-course/")
    kinds = sorted(certificate.kind for certificate in certificates(app))
    assert kinds == ["course", "course", "programme"]


def test_the_next_course_is_suggested_after_a_translation_in_the_readers_language(tmp_path, make_app, make_user, auth):
    """Finishing the French version suggests the programme's next course; a step done in another language
    is not suggested again; the suggestion is the reader's language's version where there is one."""
    root = make_tree(tmp_path / "three", courses=("intro-course", "second-course", "third-course"))
    add_french_version(root)
    second = root / "courses" / "second-course"
    for path in sorted(second.rglob("*.md")):  # a French version of the second course too
        text = path.read_text()
        if path.name == "course.md":
            text = text.replace("skills: [ai-literacy]", "skills: [ai-literacy]\ntranslation_of: second-course\nlanguage: fr")
        write(root, str((root / "courses" / "deuxieme-cours" / path.relative_to(second)).relative_to(root)), text)
    app = make_app(LMS_CONTENT_DIR=str(root))
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth.client = app.test_client()
    assert auth.login().status_code == 302
    finish_course(auth, "/courses/cours-intro/")
    page = auth.client.get("/courses/cours-intro/", headers=FR).get_data(as_text=True)
    assert 'href="/courses/deuxieme-cours/"' in page and 'href="/courses/second-course/"' not in page
    finish_course(auth, "/courses/second-course/")  # the second step, in English
    page = auth.client.get("/courses/cours-intro/", headers=FR).get_data(as_text=True)
    assert 'href="/courses/third-course/"' in page and 'href="/courses/deuxieme-cours/"' not in page


def test_a_programme_lists_each_step_in_the_readers_language(versions, runner, client):
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    for language, shown, other in ((FR, "cours-intro", "intro-course"), (EN, "intro-course", "cours-intro")):
        home = client.get("/", headers=language).get_data(as_text=True).split('id="courses-heading"')[0]
        steps = client.get("/programmes/pathway", headers=language).get_data(as_text=True)
        for page in (home, steps):
            assert f'href="/courses/{shown}/"' in page and f'href="/courses/{other}/"' not in page, language

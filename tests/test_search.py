"""Search: finds a lesson by a word of its body, follows sync and publishing, never shows a course the
reader may not see, and never lets a lesson's text become markup in a snippet."""
from __future__ import annotations

import re

import pytest

from .authoring_support import LESSON_PATH, head_text, log_in, make_account, submit
from .conftest import PASSWORD, Auth
from .content_factory import make_tree, write

MODELS = "courses/intro-course/01-basics/02-models.md"
HIDDEN_COURSE = "courses/hidden-course/course.md"


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', response.get_data(as_text=True))


def add_word(content_dir, relative: str, word: str) -> None:
    path = content_dir / relative
    path.write_text(path.read_text() + f"\nA paragraph about {word} in practice.\n")


def sync(runner) -> None:
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output


def test_a_lesson_is_found_by_a_word_of_its_body_after_a_sync(app, runner, content_dir, client):
    add_word(content_dir, MODELS, "zeppelins")
    sync(runner)
    response = client.get("/search?q=Zeppelins")
    assert titles(response) == ["Models"]
    page = response.get_data(as_text=True)
    assert "<mark>zeppelins</mark>" in page
    assert 'href="/courses/intro-course/models"' in page
    add_word(content_dir, "courses/intro-course/02-practice/02-review.md", "dirigibles")
    sync(runner)
    assert titles(client.get("/search?q=dirigibles")) == ["Review"]
    (content_dir / "courses/intro-course/02-practice/02-review.md").unlink()
    sync(runner)  # a lesson gone from the tree is retired: no longer found
    assert titles(client.get("/search?q=dirigibles")) == []


def test_publishing_in_the_browser_updates_the_index(synced, make_user, auth, client):
    make_account(synced, make_user, "author")
    log_in(auth, "author@example.com")
    assert titles(client.get("/search?q=albatross")) == []
    text = head_text(synced, LESSON_PATH) + "\nThe albatross problem.\n"
    assert submit(auth, LESSON_PATH, text, "save").status_code == 302
    assert titles(client.get("/search?q=albatross")) == []  # a draft is not searchable
    assert submit(auth, LESSON_PATH, text, "publish").status_code == 302
    assert titles(client.get("/search?q=albatross")) == ["Models"]


@pytest.fixture()
def hidden(app, runner, content_dir, make_user):
    """intro-course published; hidden-course unpublished, the word "quokka" in both."""
    make_tree(content_dir, courses=("intro-course", "hidden-course"))
    add_word(content_dir, MODELS, "quokka")
    add_word(content_dir, "courses/hidden-course/01-basics/01-what-is-ai.md", "quokka")
    path = content_dir / HIDDEN_COURSE
    path.write_text(path.read_text().replace("skills: [ai-literacy]", "skills: [ai-literacy]\npublished: false"))
    sync(runner)
    make_user(email="learner@example.com", name="Learner")
    make_account(app, make_user, "author", email="other_author@example.com", course="intro-course")
    make_account(app, make_user, "author", email="own_author@example.com", course="hidden-course")
    make_user(email="admin@example.com", name="Admin", role="admin")
    return app


@pytest.mark.parametrize(("role", "expected"), [
    ("anonymous", ["Models"]), ("learner", ["Models"]), ("other_author", ["Models"]),
    ("own_author", ["Models", "What is AI"]), ("admin", ["Models", "What is AI"]),
])
def test_search_never_returns_a_course_the_reader_may_not_see(hidden, role, expected):
    auth = Auth(hidden.test_client())
    if role != "anonymous":
        assert auth.login(email=f"{role}@example.com", password=PASSWORD).status_code == 302
    assert sorted(titles(auth.client.get("/search?q=quokka"))) == expected


def test_a_hidden_course_is_not_found_by_its_own_title(hidden):
    page = hidden.test_client().get("/search?q=Hidden+Course").get_data(as_text=True)
    assert "hidden-course" not in page
    assert "0 results" in page


def test_snippets_escape_the_lessons_text(app, runner, content_dir, client):
    write(content_dir, "courses/intro-course/01-basics/02-models.md", """\
        ---
        title: Models
        minutes: 10
        objectives: [Explain one thing]
        ---

        Write `<script>alert("pwned")</script>` and `<b>bold</b>` near the word walrus.
        """)
    sync(runner)
    page = client.get("/search?q=walrus").get_data(as_text=True)
    assert titles(client.get("/search?q=walrus")) == ["Models"]
    snippet = re.search(r'<p class="snippet">(.*?)</p>', page, re.S)[1]
    assert "<mark>walrus</mark>" in snippet
    # The text is escaped (PostgreSQL's headline drops what looks like a tag; SQLite keeps it, escaped).
    assert 'alert(&#34;pwned&#34;)' in snippet and "<script" not in snippet and "<b>" not in snippet


def test_query_syntax_is_only_text_and_long_queries_are_refused(synced, client):
    for query in ['"', "models OR", "NEAR(", "*", "-", "title:models", "') DROP TABLE x; --"]:
        assert client.get("/search", query_string={"q": query}).status_code == 200
    response = client.get("/search", query_string={"q": "models " * 60})
    assert response.status_code == 200
    assert "Search for at most 200 characters." in response.get_data(as_text=True)


def test_results_are_paginated(app, runner, content_dir, client):
    for n in range(12):
        write(content_dir, f"courses/intro-course/02-practice/{n + 3:02d}-extra-{n}.md",
              f"---\ntitle: Extra {n}\nminutes: 5\nobjectives: [One]\n---\n\nThe narwhal number {n}.\n")
    sync(runner)
    first = client.get("/search?q=narwhal")
    assert len(titles(first)) == 10
    assert "12 results" in first.get_data(as_text=True)
    assert 'href="/search?q=narwhal&amp;page=2"' in first.get_data(as_text=True)
    second = titles(client.get("/search?q=narwhal&page=2"))
    assert len(second) == 2 and not set(second) & set(titles(first))
    assert titles(client.get("/search?q=narwhal&page=abc")) == titles(first)


def test_the_header_has_a_search_form_that_works_without_javascript(synced, client):
    page = client.get("/").get_data(as_text=True)
    form = re.search(r'<form method="get" action="/search" role="search".*?</form>', page, re.S)[0]
    assert 'name="q"' in form and '<label for="header-search-q"' in form

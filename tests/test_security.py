"""What an attacker would try: stored XSS through names and content, and hostile files for the parser."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.content.tree import read_tree

from .conftest import PASSWORD
from .content_factory import make_tree, write
from .html_safety import unsafe_parts

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_hostile_name_is_shown_as_text(synced, auth, client):
    response = auth.post("/account/register", {"name": PAYLOAD, "email": "mallory@example.com",
                                               "password": PASSWORD, "confirm": PASSWORD}, token_from="/account/register")
    assert response.status_code == 302
    auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/")
    for path in ("/dashboard", "/courses/intro-course/what-is-ai", "/"):
        page = client.get(path, follow_redirects=True).get_data(as_text=True)
        assert unsafe_parts(page, whole_page=True) == [], path
        assert "&lt;script&gt;" in page, path


HOSTILE_PIECES = st.sampled_from([
    "---", "title: x", "minutes: 3", "minutes: -1", "id: ../../etc", "skills: [nope]", ":::", "::: tip", "::: evil",
    "<script>alert(1)</script>", "[a](javascript:alert(1))", "[b](../../../../etc/passwd.md)", "![c](../assets/x.png)",
    "```python", "```", "| a | b |", "|---|---|", "[^1]: note", "- [x] done", "\x00", "\ufeff", "{{ 7*7 }}", "{% raw %}",
    "title: [unclosed", "  - nested", "\t", "## heading {#id}", "<!-- comment -->", "x" * 300,
])
HOSTILE_FILE = st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=40)), max_size=25).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE_FILE)
def test_the_content_reader_never_crashes_and_never_emits_unsafe_html(tmp_path_factory, text):
    root = make_tree(tmp_path_factory.mktemp("fuzz"))
    write(root, "courses/intro-course/01-basics/02-models.md", text)
    tree = read_tree(root)  # must not raise, whatever the file says
    for course in tree.courses:
        for html in [course.overview_html or ""] + [lesson.body_html or "" for lesson in course.lessons]:
            assert unsafe_parts(html) == []
    for error in tree.errors:
        assert error.path and error.line >= 0 and error.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=HOSTILE_FILE)
def test_the_quiz_reader_never_crashes(tmp_path_factory, text):
    root = make_tree(tmp_path_factory.mktemp("fuzzq"))
    write(root, "quizzes/intro-course/01-basics.md", text)
    tree = read_tree(root)
    assert all(error.path.startswith("quizzes/") for error in tree.errors) or not tree.errors

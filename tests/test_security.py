"""What an attacker would try: stored XSS through names and content, and hostile files for the parser."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.content.tree import read_tree

from .conftest import PASSWORD, last_link
from .content_factory import make_tree, write
from .html_safety import unsafe_parts

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_a_hostile_name_is_shown_as_text(synced, auth, client):
    auth.post("/account/register", {"name": PAYLOAD, "email": "mallory@example.com"}, token_from="/account/register")
    link = last_link(synced, "/account/register/")
    page = client.get(link).get_data(as_text=True)  # the password page names the learner
    assert unsafe_parts(page, whole_page=True) == [] and "&lt;script&gt;" in page
    response = auth.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
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


FIELD_VALUES = st.one_of(st.text(max_size=30), st.sampled_from(["a", "b", "z", "1", "0", "-1", "999999", "1e308", "nan",
                                                                "' OR 1=1 --", "<script>", "\x00", "", " ", "[]", "{}"]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_hostile_quiz_answers_never_crash_and_never_store_half(quiz_attempt, data):
    """Random field names and values: a 400 or a re-shown form, never a 500; a refused post stores nothing."""
    client, url, names, app = quiz_attempt
    keys = st.one_of(st.sampled_from(names), st.text(max_size=12), st.sampled_from(["q0", "q-1", "q99999", "qx", "q1-zz"]))
    form = data.draw(st.dictionaries(keys, st.one_of(FIELD_VALUES, st.lists(FIELD_VALUES, max_size=3)), max_size=6))
    # "submit" would close the attempt for the examples after it; it shares the save path checked here.
    form.update({"action": data.draw(st.sampled_from(["save", "save", "save", "bogus"]))})
    before = answers_stored(app)
    response = client.post(url, data=form)
    assert response.status_code in (200, 302, 400), response.status_code
    if response.status_code == 400:
        assert answers_stored(app) == before  # all or nothing


def answers_stored(app):
    from lms.extensions import db
    from lms.quizzes.models import AttemptAnswer

    with app.app_context():
        return sorted((a.question_version_id, repr(a.response)) for a in db.session.execute(db.select(AttemptAnswer)).scalars())


@pytest.fixture()
def quiz_attempt(make_app, content_dir, make_user):
    import re

    from .quiz_support import write_quiz

    write_quiz(content_dir)
    app = make_app(WTF_CSRF_ENABLED=False)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    client = app.test_client()
    client.post("/account/login", data={"email": "learner@example.com", "password": PASSWORD})
    client.post("/courses/intro-course/enrol")
    url = client.post("/courses/intro-course/quiz/basics/start").headers["Location"]
    names = sorted(set(re.findall(r'name="(q[\w-]+)"', client.get(url).get_data(as_text=True))))
    return client, url, names, app

"""A page costs a fixed number of SQL queries, whatever the size of the catalog."""
from __future__ import annotations

import contextlib

import pytest
from sqlalchemy import event

from lms import caching
from lms.extensions import db

from .content_factory import make_big_tree


@contextlib.contextmanager
def count_queries(app):
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def lesson_page_queries(make_app, root, make_user) -> tuple[int, int, int]:
    """Queries of a lesson page in a worker that has not cached it, then once it has, and of the dashboard."""
    application = make_app(LMS_CONTENT_DIR=str(root))
    result = application.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    from .conftest import Auth

    client = application.test_client()
    auth = Auth(client)
    make_user()
    auth.login()
    auth.post("/courses/course-000/enrol", token_from="/courses/course-000/")
    client.get("/courses/course-000/lesson-5")  # first visit writes the "started" row
    with application.app_context():
        caching.clear()  # as in a worker that has not shown this page yet
    with count_queries(application) as cold:
        response = client.get("/courses/course-000/lesson-5")
    assert response.status_code == 200 and "Lesson 5" in response.get_data(as_text=True)
    with count_queries(application) as steady:
        assert "Lesson 5" in client.get("/courses/course-000/lesson-5").get_data(as_text=True)
    with count_queries(application) as dashboard:
        assert client.get("/dashboard").status_code == 200
    return len(cold), len(steady), len(dashboard)


@pytest.mark.parametrize("lessons", [10, 1000])
def test_lesson_page_makes_at_most_three_queries(make_app, make_user, tmp_path, lessons):
    cold, steady, dashboard_queries = lesson_page_queries(make_app, make_big_tree(tmp_path / "tree", lessons), make_user)
    assert cold <= 6  # plus the lesson's text, the outline and its quizzes, read once per content version
    # the learner (Flask-Login), the lesson, enrolment and states in one query, and the school's settings that
    # the header shows (one row, read per request so an admin's edit shows on every server at once)
    assert steady == 3
    assert dashboard_queries <= 13  # constant: enrolments, totals, programmes are each one query


def test_query_count_does_not_grow_with_the_catalog(make_app, make_user, tmp_path):
    small = lesson_page_queries(make_app, make_big_tree(tmp_path / "small", 10), make_user)
    # A fresh database for the second tree: empty the tables between the two runs.
    from .conftest import _empty_tables

    _empty_tables(make_app())
    large = lesson_page_queries(make_app, make_big_tree(tmp_path / "large", 1000), make_user)
    assert small == large


def writes_of(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_the_dashboard_writes_nothing_even_before_the_school_exists(app, learner, client):
    with count_queries(app) as statements:
        response = client.get("/dashboard")
    assert response.status_code == 200 and "My learning" in response.get_data(as_text=True)
    assert writes_of(statements) == []


def test_a_repeat_visit_to_a_lesson_writes_nothing(synced, learner, auth, client):
    auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/")
    client.get("/courses/intro-course/models")  # the first visit records the start and the resume pointer
    with count_queries(synced) as statements:
        assert client.get("/courses/intro-course/models").status_code == 200
    assert writes_of(statements) == []

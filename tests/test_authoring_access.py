"""Every authoring, report and admin route checks the role on the server: a learner gets 403 on each
of them, an author gets 403 on a course they do not author, and on every admin route."""
from __future__ import annotations

import pytest

from lms import create_app

from .authoring_support import log_in, make_account

BLUEPRINTS = ("authoring", "reports", "admin")
# Values for every URL variable of those blueprints, naming things that exist in the test tree.
VALUES = {"slug": "intro-course", "path": "courses/intro-course/01-basics/02-models.md", "revision_id": 1,
          "user_id": 1, "course_id": 1, "attempt_id": 1, "quiz_slug": "basics", "action": "deactivate"}
TABLES = {"reports.course_csv": "learners", "reports.quiz_csv": "items", "reports.learner_csv": "attempts"}


def _routes() -> list[tuple[str, str, str]]:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] not in BLUEPRINTS:
                continue
            values = {name: VALUES[name] for name in rule.arguments if name in VALUES}
            if "name" in rule.arguments:  # the tables a CSV route exports
                values["name"] = TABLES[rule.endpoint]
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                found.append((method, url_for(rule.endpoint, **values), rule.endpoint))
    return found


ROUTES = _routes()
ROUTE_IDS = [f"{method} {endpoint}" for method, _, endpoint in ROUTES]


def request(auth, method: str, url: str):
    if method == "GET":
        return auth.client.get(url)
    return auth.post(url, {"reason": "testing", "text": "x", "base": "1"})


def test_every_route_of_the_blueprints_is_covered():
    endpoints = {endpoint for _, _, endpoint in ROUTES}
    assert {"authoring.edit", "authoring.upload", "reports.quiz_csv", "admin.learners_csv", "admin.reset_attempt"} <= endpoints
    assert len(ROUTES) >= 35


@pytest.mark.parametrize(("method", "url", "endpoint"), ROUTES, ids=ROUTE_IDS)
def test_a_learner_gets_403_everywhere(synced, learner, auth, method, url, endpoint):
    assert request(auth, method, url).status_code == 403


@pytest.mark.parametrize(("method", "url", "endpoint"), ROUTES, ids=ROUTE_IDS)
def test_a_visitor_is_sent_to_log_in(synced, auth, method, url, endpoint):
    # A POST carries a valid token, so it meets the log-in check rather than the CSRF check.
    response = auth.client.get(url) if method == "GET" else auth.post(url, token_from="/account/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/account/login?next=")


COURSE_SCOPED = [route for route in ROUTES if "/courses/intro-course" in route[1] and route[2].split(".")[0] != "admin"]


@pytest.mark.parametrize(("method", "url", "endpoint"), COURSE_SCOPED, ids=[f"{m} {e}" for m, _, e in COURSE_SCOPED])
def test_an_author_gets_403_on_a_course_they_do_not_author(synced, make_user, auth, method, url, endpoint):
    make_account(synced, make_user, "author", course=None)
    log_in(auth, "author@example.com")
    assert request(auth, method, url).status_code == 403


ADMIN_ONLY = [route for route in ROUTES if route[2].startswith("admin.") or route[2].startswith("reports.learner")]


@pytest.mark.parametrize(("method", "url", "endpoint"), ADMIN_ONLY, ids=[f"{m} {e}" for m, _, e in ADMIN_ONLY])
def test_an_author_gets_403_on_admin_routes(synced, make_user, auth, method, url, endpoint):
    make_account(synced, make_user, "author")
    log_in(auth, "author@example.com")
    assert request(auth, method, url).status_code == 403


def test_an_author_of_the_course_gets_in(synced, make_user, auth):
    make_account(synced, make_user, "author")
    log_in(auth, "author@example.com")
    for url in ("/author/", "/author/courses/intro-course/", "/reports/courses/intro-course/",
                "/author/courses/intro-course/files/courses/intro-course/01-basics/02-models.md"):
        assert auth.client.get(url).status_code == 200, url


def test_the_nav_links_follow_the_role(synced, make_user, auth, client):
    make_account(synced, make_user, "learner")
    make_account(synced, make_user, "admin")
    log_in(auth, "learner@example.com")
    page = client.get("/").get_data(as_text=True)
    assert ">Author</a>" not in page and ">Admin</a>" not in page
    auth.logout()
    log_in(auth, "admin@example.com")
    page = client.get("/").get_data(as_text=True)
    assert ">Author</a>" in page and ">Admin</a>" in page

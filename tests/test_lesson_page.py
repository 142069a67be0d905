"""The lesson page is rendered per request like every other page: a host site's context processors,
template overrides, filters and ``g`` work on it, and the only things cached are fragments that are
the same for every reader (the lesson's article, the course outline), keyed by content hashes."""
from __future__ import annotations

import re

import pytest
from flask import g
from flask_login import current_user

from lms import LMS
from lms.accounts.sessions import end_sessions
from lms.accounts.models import LoginSession, User
from lms.extensions import cache, db

from .conftest import PASSWORD, Auth
from .content_factory import write

COURSE = "/courses/intro-course/"

THEMED_BASE = """<!doctype html>
<html lang="en"><head><title>{% block title %}{% endblock %} · Host School</title></head>
<body>
<header>
  <p id="greeting">{{ host_greeting }}</p>
  <p id="shout">{{ current_user.name|upper if current_user.is_authenticated else "VISITOR" }}</p>
  <p id="marker">{{ g.host_marker }}</p>
  <p id="theme">{{ request.args.get("theme", "plain") }}</p>
  {% if progress is defined %}<p id="third">{{ (progress.percent / 3)|round(1) }}</p>
    {% if progress.percent > 40 %}<p id="far">Well on your way</p>{% endif %}{% endif %}
  <a id="mine" href="{{ url_for('progress.dashboard', who=current_user.get_id()) }}">mine</a>
</header>
<main>{% block content %}{% endblock %}</main>
</body></html>
"""


@pytest.fixture()
def host(make_host, tmp_path):
    """A school's own Flask site with its own theme of ``lms/base.html`` and a per-user context processor."""
    templates = tmp_path / "host_templates"
    (templates / "lms").mkdir(parents=True)
    (templates / "lms" / "base.html").write_text(THEMED_BASE)
    site = make_host(template_folder=str(templates))

    @site.context_processor
    def greeting():
        return {"host_greeting": f"Hello, {current_user.name}" if current_user.is_authenticated else "Hello, visitor"}

    @site.before_request
    def mark():
        g.host_marker = f"marker-{current_user.get_id() or 'anonymous'}"

    LMS(site, url_prefix="/learn")
    assert site.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    return site


def learner_client(site, email, name):
    with site.app_context():
        from lms.accounts.services import create_user

        create_user(email, name, PASSWORD)
        db.session.commit()
    client = site.test_client()
    auth = Auth(client)
    response = client.post("/learn/account/login", data={"email": email, "password": PASSWORD,
                                                         "csrf_token": auth.csrf("/learn/account/login")})
    assert response.status_code == 302
    return client, auth


def text_of(page: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page)
    assert match, f"no #{element_id} in the page"
    return match.group(1)


def test_each_reader_of_a_mounted_lesson_sees_only_their_own_host_values(host):
    ada, ada_auth = learner_client(host, "ada@example.com", "Ada Lovelace")
    bob, bob_auth = learner_client(host, "bob@example.com", "Bob Byte")
    for client, auth in ((ada, ada_auth), (bob, bob_auth)):
        assert auth.post(f"/learn{COURSE}enrol", token_from=f"/learn{COURSE}").status_code == 302
    ada_auth.post(f"/learn{COURSE}what-is-ai/complete", token_from=f"/learn{COURSE}what-is-ai")
    ada_auth.post(f"/learn{COURSE}models/complete", token_from=f"/learn{COURSE}models")
    with host.app_context():  # Flask-Login's id names the account and its login session
        ids = {name: f"{user_id}.{key}" for name, user_id, key in db.session.execute(
            db.select(User.name, User.id, LoginSession.key).join(LoginSession, LoginSession.user_id == User.id))}
    # Interleaved, twice each, so a page cached for one reader would show up for the other.
    for _ in range(2):
        for client, name, other, percent in ((ada, "Ada Lovelace", "Bob Byte", 50), (bob, "Bob Byte", "Ada Lovelace", 0)):
            response = client.get(f"/learn{COURSE}sprints?theme=dark")
            assert response.status_code == 200
            page = response.get_data(as_text=True)
            assert text_of(page, "greeting") == f"Hello, {name}"
            assert text_of(page, "shout") == name.upper()
            assert text_of(page, "marker") == f"marker-{ids[name]}"
            assert text_of(page, "theme") == "dark"
            assert text_of(page, "third") == str(round(percent / 3, 1))
            assert ("Well on your way" in page) is (percent > 40)
            assert f'href="/learn/dashboard?who={ids[name]}"' in page
            assert other not in page and other.upper() not in page
            assert "Sprints" in page and "Body of Sprints" in page  # the LMS's own content block
    assert text_of(host.test_client().get(f"/learn{COURSE}what-is-ai").get_data(as_text=True), "greeting") == "Hello, visitor"


def test_the_cache_holds_nothing_of_any_reader(synced, make_user, app):
    names = []
    for number in range(2):
        name, email = f"Reader Number{number}", f"reader{number}@example.com"
        make_user(email=email, name=name)
        auth = Auth(app.test_client())
        auth.login(email=email)
        auth.post(COURSE + "enrol", token_from=COURSE)
        auth.post(COURSE + "what-is-ai/complete", token_from=COURSE + "what-is-ai")
        for lesson in ("what-is-ai", "models", "sprints"):
            assert auth.client.get(COURSE + lesson).status_code == 200
        names += [name, email]
    with app.app_context():
        stored = cache.cache._cache  # the per-process SimpleCache: key -> (expiry, pickled value)
        assert {key.split("/")[0].split(":")[-1] for key in stored} == {"lesson", "outline"}
        values = b"".join(value for _, value in stored.values())
    assert b"Body of Models" in values  # the article itself is what is cached
    for secret in names:
        assert secret.encode() not in values
    assert b"csrf" not in values and b"completed" not in values.lower()


def test_a_logged_in_learner_who_is_not_enrolled_reads_the_preview(synced, learner, client):
    page = client.get(COURSE + "what-is-ai").get_data(as_text=True)
    assert "You are reading a free preview." in page and "Enrol to track your progress" in page
    assert f'action="{COURSE}enrol"' in page and "Mark as complete" not in page
    assert "Your progress" not in page and "Course outline" in page
    response = client.get(COURSE + "models")
    assert response.status_code == 302 and response.headers["Location"] == COURSE
    assert "Enrol in the course to read this lesson." in client.get(COURSE).get_data(as_text=True)


def test_a_visitor_reads_the_preview_and_is_sent_to_log_in_for_the_rest(synced, client):
    page = client.get(COURSE + "what-is-ai").get_data(as_text=True)
    assert "You are reading a free preview." in page and "Sign up</a> to enrol" in page
    response = client.get(COURSE + "models")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login?next=")


def test_an_edited_lesson_is_served_in_its_new_version(synced, learner, auth, client, content_dir, runner):
    auth.post(COURSE + "enrol", token_from=COURSE)
    assert "Cached text" not in client.get(COURSE + "models").get_data(as_text=True)
    write(content_dir, "courses/intro-course/01-basics/02-models.md",
          "---\ntitle: Models renamed\nminutes: 9\n---\n\nCached text replaced.\n")
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    text = client.get(COURSE + "models").get_data(as_text=True)
    assert "Models renamed" in text and "Cached text replaced." in text and "9 minutes" in text
    # The outline of every other lesson page follows the new title too.
    assert "Models renamed" in client.get(COURSE + "what-is-ai").get_data(as_text=True)


def test_a_session_that_no_longer_holds_shows_the_visitors_page(synced, make_user, auth, client, app):
    user_id = make_user(name="Ada Learner")
    auth.login()
    auth.post(COURSE + "enrol", token_from=COURSE)
    auth.post(COURSE + "what-is-ai/complete", token_from=COURSE + "what-is-ai")
    with app.app_context():
        end_sessions(db.session.get(User, user_id))  # the password changed elsewhere
        db.session.commit()
    text = client.get(COURSE + "what-is-ai").get_data(as_text=True)
    assert "Ada Learner" not in text and "Completed" not in text and "free preview" in text
    assert client.get(COURSE + "models").status_code == 302


def test_the_fragment_cache_keeps_its_size(synced, make_app, make_user):
    app = make_app(LMS_PAGE_CACHE_SIZE=3)
    make_user()
    reader = Auth(app.test_client())
    reader.login()
    reader.post(COURSE + "enrol", token_from=COURSE)
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        assert reader.client.get(COURSE + lesson).status_code == 200
    with app.app_context():
        assert len(cache.cache._cache) <= 3


def test_lesson_pages_work_on_a_shared_redis_cache(synced, make_app, make_user):
    app = make_app(LMS_CACHE_TYPE="RedisCache", LMS_REDIS_URL="redis://127.0.0.1:6379/15")
    make_user()
    reader = Auth(app.test_client())
    reader.login()
    reader.post(COURSE + "enrol", token_from=COURSE)
    try:
        for _ in range(2):  # a miss, then a hit read back from Redis
            page = reader.client.get(COURSE + "models").get_data(as_text=True)
            assert "Body of Models" in page and "Ada Learner" in page
        with app.app_context():
            assert cache.get("lesson/" + "x") is None
            assert any(key.startswith(b"lms:") for key in cache.cache._write_client.keys("lms:*"))
    finally:
        with app.app_context():
            cache.clear()


def test_an_unknown_cache_backend_is_refused(make_app):
    with pytest.raises(RuntimeError, match="LMS_CACHE_TYPE"):
        make_app(LMS_CACHE_TYPE="FileSystemCache")

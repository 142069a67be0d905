"""The lesson page is served from a shell rendered once per shape of the page: it must read exactly
as a direct render would, carry only the reader's own details, and follow every content change."""
from __future__ import annotations

import difflib
import re

import pytest
from flask import render_template, render_template_string

from lms import shells
from lms.accounts.models import User
from lms.extensions import db

from .conftest import Auth
from .content_factory import write

COURSE = "/courses/intro-course/"
TOKEN = re.compile(r'name="csrf_token" value="[^"]+"')


def direct(monkeypatch):
    """Serve pages by rendering the template outright, as before shells."""
    monkeypatch.setattr(shells, "render_page",
                        lambda template, key, context, live, fixed=None: render_template(template, **context(), **live))


def page(client, path):
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return TOKEN.sub('name="csrf_token" value="TOKEN"', response.get_data(as_text=True))


def enrol(auth):
    assert auth.post(COURSE + "enrol", token_from=COURSE).status_code == 302


def complete(auth, lesson):
    assert auth.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson).status_code == 302


@pytest.mark.parametrize("role", ["learner", "author", "admin"])
def test_the_page_from_its_shell_is_the_page_the_template_renders(synced, make_user, auth, client, monkeypatch, role):
    make_user(role=role)
    auth.login()
    if role == "learner":
        enrol(auth)
        complete(auth, "what-is-ai")
    shapes = ["what-is-ai", "models", "sprints"]
    for lesson in shapes:  # the first visits move each lesson to started, so the states hold still from here
        client.get(COURSE + lesson)
    synced.extensions["lms"]["caches"].clear()
    served = [page(client, COURSE + lesson) for lesson in shapes]  # shells made on these requests
    served_again = [page(client, COURSE + lesson) for lesson in shapes]  # and filled from the cache
    direct(monkeypatch)
    rendered = [page(client, COURSE + lesson) for lesson in shapes]
    for fresh, cached, template in zip(served, served_again, rendered):
        assert fresh == template, "\n".join(difflib.unified_diff(template.splitlines(), fresh.splitlines(), lineterm=""))
        assert cached == template


def test_a_visitors_preview_from_its_shell_is_the_rendered_page(synced, client, monkeypatch):
    served = page(client, COURSE + "what-is-ai")
    assert "free preview" in served and "Log out" not in served
    direct(monkeypatch)
    assert page(client, COURSE + "what-is-ai") == served


def test_each_learner_sees_only_their_own_name_token_and_progress(synced, make_user, app):
    make_user("ada@example.com", name="Ada <Lovelace>")
    make_user("grace@example.com", name="Grace Hopper")
    ada, grace = Auth(app.test_client()), Auth(app.test_client())
    ada.login("ada@example.com")
    grace.login("grace@example.com")
    for reader in (ada, grace):
        enrol(reader)
    complete(ada, "what-is-ai")
    complete(ada, "models")

    ada_page = ada.client.get(COURSE + "models").get_data(as_text=True)
    grace_page = grace.client.get(COURSE + "models").get_data(as_text=True)
    assert "Logged in as Ada &lt;Lovelace&gt;." in ada_page and "Ada" not in grace_page
    assert "<strong>Completed</strong>" in ada_page and "Mark as complete" not in ada_page
    assert "<strong>Completed</strong>" not in grace_page and "Mark as complete and continue" in grace_page
    assert "Logged in as Grace Hopper." in grace_page
    assert ada_page.count('<span class="state-label">Completed</span>') == 2
    assert grace_page.count('<span class="state-label">Completed</span>') == 0
    assert "(2/2)" in ada_page and "(0/2)" in grace_page
    ada_tokens, grace_tokens = set(TOKEN.findall(ada_page)), set(TOKEN.findall(grace_page))
    assert ada_tokens and grace_tokens and not ada_tokens & grace_tokens
    # Each token works for its own session only.
    token = ada_tokens.pop().split('value="')[1].rstrip('"')
    assert grace.client.post(f"{COURSE}models/complete", data={"csrf_token": token}).status_code == 400
    assert ada.client.post(f"{COURSE}sprints/complete", data={"csrf_token": token}).status_code == 302


def test_an_edited_lesson_is_served_in_its_new_version(synced, learner, auth, client, content_dir, runner):
    enrol(auth)
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
    enrol(auth)
    complete(auth, "what-is-ai")
    with app.app_context():
        db.session.get(User, user_id).session_version += 1  # the password changed elsewhere
        db.session.commit()
    text = client.get(COURSE + "what-is-ai").get_data(as_text=True)
    assert "Ada Learner" not in text and "Completed" not in text and "free preview" in text
    assert client.get(COURSE + "models").status_code == 302


def test_flash_messages_show_once_on_a_lesson_page(synced, learner, auth, client):
    enrol(auth)
    response = auth.post(f"{COURSE}models/complete", token_from=COURSE + "models", follow_redirects=True)
    assert response.status_code == 200
    assert client.get(COURSE + "sprints").get_data(as_text=True).count('class="flash') == 0


def test_the_page_cache_keeps_its_size(synced, make_app, make_user):
    app = make_app(LMS_PAGE_CACHE_SIZE=2)
    make_user()
    reader = Auth(app.test_client())
    reader.login()
    enrol(reader)
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        reader.client.get(COURSE + lesson)
    assert len(app.extensions["lms"]["caches"]["shells"]) == 2


def test_a_live_value_cannot_decide_the_shape_of_a_cached_page(app):
    recorder = shells._Recorder()
    progress = shells.Deferred(recorder, "progress")
    with app.test_request_context():
        assert render_template_string("{{ progress.percent }}%", progress=progress) == "\x000\x00%"
        with pytest.raises(TypeError, match="cannot shape a cached page"):
            render_template_string("{% if progress.percent > 50 %}half{% endif %}", progress=progress)
        with pytest.raises(TypeError):
            render_template_string("{% for lesson in progress.lessons %}{% endfor %}", progress=progress)


def test_a_page_whose_text_holds_the_hole_mark_is_not_cut(app):
    recorder = shells._Recorder()
    assert shells.Shell.cut("a \x00 stray mark", recorder) is None
    name = shells.Deferred(recorder, "user").name
    shell = shells.Shell.cut(f"<p>{name.__html__()}</p>", recorder)
    assert shell.fill({"user": type("U", (), {"name": "<b>x</b>"})()}) == "<p>&lt;b&gt;x&lt;/b&gt;</p>"

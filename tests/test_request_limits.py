"""Bounded input: request bodies have a size limit (uploads their own), and a number in a URL that no
database column can hold is a 404 (a path) or ignored (a query argument), never a 500."""
from __future__ import annotations

import io
import re

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.routing import IntegerConverter
from werkzeug.test import encode_multipart

from lms.accounts.models import User
from lms.authoring import store
from lms.extensions import db
from lms.web import INT_MAX, IdConverter, database_int

from .authoring_support import LESSON_PATH, WORKSPACE, editor_url, make_account, png, submit
from .conftest import PASSWORD, Auth
from .quiz_support import write_quiz

HUGE = "99999999999999999999999"
MEGABYTE = 1024 * 1024


def users(app) -> list[str]:
    with app.app_context():
        return list(db.session.execute(db.select(User.email).order_by(User.email)).scalars())


def test_a_log_in_form_larger_than_the_limit_is_refused_unread(app, make_user, auth, client):
    make_user()
    response = auth.post("/account/login", {"email": "learner@example.com", "password": "x" * (2 * MEGABYTE)},
                         token_from="/account/login")
    page = response.get_data(as_text=True)
    assert response.status_code == 413 and "Too large" in page and "at most 1,024 KB" in page
    assert response.headers["Content-Security-Policy"]
    assert client.get("/dashboard").status_code == 302  # not logged in


def test_a_registration_larger_than_the_limit_stores_nothing(make_app):
    app = make_app(LMS_MAX_FORM_BYTES=10_000)  # the setting is the limit
    auth = Auth(app.test_client())
    form = {"name": "n" * 20_000, "email": "big@example.com", "password": PASSWORD, "confirm": PASSWORD}
    response = auth.post("/account/register", form, token_from="/account/register")
    assert response.status_code == 413 and "at most 9 KB" in response.get_data(as_text=True)
    assert users(app) == []
    assert app.extensions["lms"]["outbox"] == []  # and mailed nothing
    form["name"] = "Small Enough"
    assert auth.post("/account/register", form, token_from="/account/register").status_code == 302
    assert [message["to"] for message in app.extensions["lms"]["outbox"]] == ["big@example.com"]  # the link to finish


def test_a_body_of_unknown_length_is_cut_off_at_the_limit(make_app):
    """A chunked body declares no length: it is read only up to the limit."""
    app = make_app(WTF_CSRF_ENABLED=False)
    body = io.BytesIO(b"email=a%40example.com&password=" + b"x" * (2 * MEGABYTE))
    # gunicorn, for one, passes a chunked body on as a stream it ends (wsgi.input_terminated).
    chunked = {"headers": {"Transfer-Encoding": "chunked"}, "environ_overrides": {"wsgi.input_terminated": True},
               "content_type": "application/x-www-form-urlencoded"}
    response = app.test_client().post("/account/login", input_stream=body, **chunked)
    assert response.status_code == 413 and "at most 1,024 KB" in response.get_data(as_text=True)
    assert body.tell() == MEGABYTE  # the rest was never read
    small = io.BytesIO(b"email=a%40example.com&password=wrong-password")
    response = app.test_client().post("/account/login", input_stream=small, **chunked)
    assert response.status_code == 200 and "E-mail or password is not correct" in response.get_data(as_text=True)


@pytest.fixture()
def admin(synced, make_user, auth):
    make_account(synced, make_user, "admin")
    assert auth.login(email="admin@example.com").status_code == 302
    return auth


def upload(auth: Auth, data: bytes):
    """The form as a browser posts it, encoded in memory (the test client's own spools big ones to a file)."""
    boundary, body = encode_multipart({"csrf_token": auth.csrf(WORKSPACE),
                                       "image": FileStorage(io.BytesIO(data), "big.png", content_type="image/png")})
    return auth.client.post(WORKSPACE + "assets", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_an_upload_has_its_own_larger_limit(synced, admin):
    image = png() + b"\0" * (MEGABYTE + MEGABYTE // 2)  # 1.5 MB: over the form limit, under the 2 MB upload limit
    assert upload(admin, image).status_code == 302
    with synced.app_context():
        assert store.file_at("courses/intro-course/assets/big.png") is not None
    too_big = upload(admin, png() + b"\0" * (3 * MEGABYTE))
    assert too_big.status_code == 413 and "at most 2,048 KB" in too_big.get_data(as_text=True)
    with synced.app_context():
        assert len(store.live_data("courses/intro-course/assets/big.png")) < 2 * MEGABYTE  # the first one stays


def test_database_int_accepts_only_what_a_column_holds():
    assert database_int("0") == 0 and database_int(str(INT_MAX)) == INT_MAX
    for text in (None, "", str(INT_MAX + 1), HUGE, "9" * 5000, "-1", "+1", "1.0", " 1", "١٢", "0x10"):
        assert database_int(text) is None, text
    assert database_int("0", minimum=1) is None


def test_no_lms_route_takes_an_unbounded_integer(app):
    lms_blueprints = set(app.blueprints)
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in lms_blueprints:
            assert not any(isinstance(c, IntegerConverter) for c in rule._converters.values()), rule.rule


def id_routes(app):
    """Every LMS rule with an ``<id:...>`` part, as (method, path) with each id huge and real slugs elsewhere."""
    values = {"slug": "intro-course", "course_slug": "intro-course", "quiz_slug": "basics", "action": "deactivate",
              "name": "progress", "token": "a-portfolio-address", "module_slug": "practice"}
    found = []
    for rule in app.url_map.iter_rules():
        ids = [name for name, converter in rule._converters.items() if isinstance(converter, IdConverter)]
        if ids:
            path = rule.rule
            for name, converter in rule._converters.items():
                value = HUGE if name in ids else values[name]
                path = re.sub(r"<[^>]*\b" + name + ">", value, path)
            found.append((sorted(rule.methods - {"HEAD", "OPTIONS"})[0], path))
    return found


@pytest.fixture()
def quiz_site(make_app, content_dir, make_user):
    write_quiz(content_dir)
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_account(app, make_user, "admin")
    auth = Auth(app.test_client())
    assert auth.login(email="admin@example.com").status_code == 302
    return app, auth


def test_a_huge_id_in_any_url_is_not_found(quiz_site):
    app, auth = quiz_site
    routes = id_routes(app)
    assert len(routes) >= 13  # quiz attempts, revisions, learners and their actions, learner reports
    token = auth.csrf("/")
    answers = {}
    for method, path in routes:
        for number in (HUGE, str(INT_MAX + 1), "9" * 5000):
            url = path.replace(HUGE, number)
            response = auth.client.open(url, method=method, data={"csrf_token": token, "reason": "r", "action": "save"})
            answers[(method, url[:80])] = response.status_code
    assert set(answers.values()) == {404}, answers


def test_an_id_at_the_top_of_the_range_is_looked_up(quiz_site):
    _, auth = quiz_site
    for path in (f"/admin/learners/{INT_MAX}", f"/courses/intro-course/quiz/basics/attempts/{INT_MAX}",
                 f"/reports/learners/{INT_MAX}"):
        assert auth.client.get(path).status_code == 404, path


@pytest.mark.parametrize("value", [HUGE, str(INT_MAX + 1), "9" * 5000, "-3", "0", "abc", ""])
def test_a_bad_page_number_is_the_first_page(quiz_site, value):
    _, auth = quiz_site
    for path in ("/admin/learners", "/admin/audit", "/admin/certificates/"):
        response = auth.client.get(f"{path}?page={value}")
        assert response.status_code == 200, (path, response.status_code)
    assert auth.client.get(f"/admin/learners?page={INT_MAX}").status_code == 200  # past the end: an empty page


def test_a_huge_revision_to_compare_with_is_ignored(quiz_site):
    app, auth = quiz_site
    with app.app_context():
        revision = store.head_revision(store.file_at(LESSON_PATH)).id
    for value in (HUGE, str(INT_MAX)):
        response = auth.client.get(f"/author/courses/intro-course/revisions/{revision}?against={value}")
        assert response.status_code == 200, value


def test_a_huge_base_revision_in_the_editor_is_a_bad_request(quiz_site):
    app, auth = quiz_site
    for base in (HUGE, "9" * 5000):
        assert submit(auth, LESSON_PATH, "---\ntitle: Models\nminutes: 5\n---\n\nText.\n", base=base).status_code == 400
    assert auth.client.get(editor_url(LESSON_PATH)).status_code == 200


@pytest.mark.parametrize("where", ["path", "query", "form", "field name"])
def test_a_nul_character_is_refused_before_the_database_sees_it(synced, make_user, auth, client, where):
    """PostgreSQL refuses NUL in text (a 500 once, found by tests/test_fuzz.py): it is a 400 at the door."""
    make_user(email="admin@example.com", role="admin")
    assert auth.login(email="admin@example.com").status_code == 302
    token = auth.csrf("/")
    with synced.app_context():
        before = _rows()
    if where == "path":
        response = client.get("/author/courses/%00/")
    elif where == "query":
        response = client.get("/admin/learners", query_string={"q": "a\x00b"})
    else:
        field = {"title": "Nul\x00course"} if where == "form" else {"title": "Nul course", "ti\x00tle": "x"}
        response = client.post("/author/courses/new", data={"csrf_token": token, "slug": "nul-course", **field})
    assert response.status_code == 400
    with synced.app_context():
        assert _rows() == before


def _rows() -> list[int]:
    return [db.session.execute(db.select(db.func.count()).select_from(table)).scalar_one()
            for table in db.metadata.sorted_tables if table.name != "login_sessions"]


def test_a_full_disk_during_an_upload_is_a_clear_page_and_stores_nothing(synced, admin, monkeypatch):
    """The database refuses the upload's revision (disk full): a 507 page says nothing was saved, and
    neither the file row nor a revision is left behind."""
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from lms.authoring.models import SourceRevision

    flush = Session.flush

    def full_disk(session, *args, **kwargs):
        if any(isinstance(row, SourceRevision) for row in session.new):
            raise OperationalError("INSERT INTO content_revisions ...", {}, Exception("database or disk is full"))
        return flush(session, *args, **kwargs)

    with synced.app_context():
        before = _rows()
    monkeypatch.setattr(Session, "flush", full_disk)
    response = upload(admin, png())
    page = response.get_data(as_text=True)
    assert response.status_code == 507 and "nothing was saved" in page
    monkeypatch.undo()
    with synced.app_context():
        assert store.file_at("courses/intro-course/assets/big.png") is None
        assert _rows() == before


def test_a_form_field_whose_name_the_parser_drops_is_no_server_error(app, auth, client):
    """A multipart part named with a line break comes without a name (a 500 once, found by the fuzzer)."""
    token = auth.csrf()
    response = client.post("/account/login", data={"csrf_token": token, "\n": (io.BytesIO(b""), "0")})
    assert response.status_code < 500

"""Fixtures: a fresh app per test on a migrated database (SQLite by default, PostgreSQL when
LMS_TEST_DATABASE_URL says so), a test client, a CLI runner, and factories."""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from flask import Flask
from flask.testing import FlaskClient

from lms import create_app
from lms.extensions import db

from .content_factory import make_tree

FAST_HASH = "pbkdf2:sha256:1000"  # tests create many users; production uses scrypt
PASSWORD = "correct-horse-battery"
# The suite drops the public schema of the PostgreSQL database it is given, so the database's name
# must say it is for tests: "test", "test_<anything>" or "<anything>_test".
TEST_DATABASE_NAME = re.compile(r"test(_\w+)?|\w+_test")


def is_test_database(url: str) -> bool:
    return bool(TEST_DATABASE_NAME.fullmatch(make_url(url).database or ""))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("LMS_TEST_DATABASE_URL") or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    if url.startswith("postgresql"):
        if not is_test_database(url):
            pytest.exit(f"LMS_TEST_DATABASE_URL names the database {make_url(url).database!r}; the tests drop its "
                        "public schema, so they only run on a database named test, test_<name> or <name>_test "
                        f"(the rule {TEST_DATABASE_NAME.pattern!r}, matching the whole name)",
                        returncode=pytest.ExitCode.USAGE_ERROR)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()  # the schema comes from the migrations, so they are tested on every run
        db.engine.dispose()
    return url


@pytest.fixture()
def is_postgres(database_url) -> bool:
    return database_url.startswith("postgresql")


@pytest.fixture()
def content_dir(tmp_path) -> Path:
    return make_tree(tmp_path / "content")


class ServerLikeClient(FlaskClient):
    """Reads each response whole and closes it, as a WSGI server does, so what runs once the reader has the
    response (``response.call_on_close``: the outbox's deliveries) runs in the tests too."""

    def open(self, *args, buffered=True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


@pytest.fixture()
def make_app(database_url, content_dir, tmp_path):
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LMS_CONTENT_DIR": str(content_dir),
            "LMS_MAIL_BACKEND": "memory",
            "LMS_PASSWORD_HASH": FAST_HASH,
            "RATELIMIT_ENABLED": False,
            "LMS_KEYS_DIR": str(tmp_path / "keys"),  # never the instance folder of the working tree
        }
        config.update(overrides)
        application = create_app(config)
        application.test_client_class = ServerLikeClient
        apps.append(application)
        return application

    yield factory
    for application in apps:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()
    if apps:
        _empty_tables(apps[0])


def _empty_tables(application) -> None:
    with application.app_context():
        tables = list(reversed(db.metadata.sorted_tables))
        with db.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("TRUNCATE " + ", ".join(t.name for t in tables) + " RESTART IDENTITY CASCADE"))
            else:
                for table in tables:
                    connection.execute(table.delete())
            connection.execute(text("DELETE FROM search_index"))  # the search index is not a model
            if connection.dialect.name != "postgresql":
                connection.execute(text("DELETE FROM search_index_docs"))
        db.engine.dispose()


@pytest.fixture()
def make_host(database_url, content_dir, tmp_path):
    """A school's own Flask site with its own home page, ready for ``LMS(host, url_prefix=...)``."""
    hosts = []

    def factory(template_folder: str | None = None, **config):
        host = Flask("host_site", template_folder=template_folder)
        host.config.update(TESTING=True, SECRET_KEY="host-secret", SQLALCHEMY_DATABASE_URI=database_url,
                           LMS_CONTENT_DIR=str(content_dir), LMS_PASSWORD_HASH=FAST_HASH, RATELIMIT_ENABLED=False,
                           LMS_KEYS_DIR=str(tmp_path / "host-keys"), **config)
        host.add_url_rule("/", "host_home", lambda: "the school's own home page")
        hosts.append(host)
        return host

    yield factory
    for host in hosts:
        if "sqlalchemy" in host.extensions:
            with host.app_context():
                db.session.remove()
                db.engine.dispose()


@pytest.fixture()
def app(make_app):
    return make_app()


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture()
def runner(app):
    return app.test_cli_runner()


@pytest.fixture()
def synced(app, runner):
    """The content tree loaded into the database."""
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture()
def make_user(app):
    from lms.accounts import services

    def factory(email="learner@example.com", name="Ada Learner", role="learner", password=PASSWORD):
        with app.app_context():
            user = services.create_user(email, name, password, role)
            db.session.commit()
            return user.id

    return factory


class Auth:
    def __init__(self, client):
        self.client = client

    def csrf(self, path="/account/login") -> str:
        import re

        page = self.client.get(path).get_data(as_text=True)
        match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
            re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def login(self, email="learner@example.com", password=PASSWORD, **extra):
        data = {"email": email, "password": password, "csrf_token": self.csrf(), **extra}
        return self.client.post("/account/login", data=data)

    def logout(self):
        return self.client.post("/account/logout", data={"csrf_token": self.csrf("/")})

    def post(self, path, data=None, token_from="/", **kwargs):
        """POST a form with a valid CSRF token, as the browser would."""
        return self.client.post(path, data={"csrf_token": self.csrf(token_from), **(data or {})}, **kwargs)

    def sign_up(self, app, name="Grace Hopper", email="grace@example.com", password=PASSWORD):
        """Register, open the link of the mail, choose the password: the learner is then logged in."""
        self.post("/account/register", {"name": name, "email": email}, token_from="/account/register")
        link = last_link(app, "/account/register/")
        return self.post(link, {"password": password, "confirm": password}, token_from=link)


def last_link(app, path: str) -> str:
    """The path of the link to ``path...`` in the last mail of the outbox (the memory backend)."""
    body = app.extensions["lms"]["outbox"][-1].get_content()
    match = re.search(rf"https?://[^/\s]+({re.escape(path)}\S+)", body)
    assert match, f"no link to {path} in the last mail:\n{body}"
    return match.group(1)


@pytest.fixture()
def auth(client):
    return Auth(client)


@pytest.fixture()
def learner(make_user, auth):
    """A logged-in learner; returns the user id."""
    user_id = make_user()
    response = auth.login()
    assert response.status_code == 302
    return user_id

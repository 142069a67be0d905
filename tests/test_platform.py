"""The platform as a whole: mounting into a host site, migrations, headers, configuration."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lms import LMS, create_app
from lms.extension import MIGRATIONS_DIR, migrations_dir
from lms.extensions import db
from lms.search.services import is_index_table

from .conftest import Auth


def test_models_and_migrations_do_not_drift(app):
    with app.app_context(), db.engine.connect() as connection:
        # The search index is SQL of its own (an FTS5 table on SQLite), not a model.
        include = lambda name, kind, parents: not (kind == "table" and is_index_table(name))  # noqa: E731
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_name": include})
        assert compare_metadata(context, db.metadata) == []


def test_the_migrations_are_found_in_a_checkout_and_in_an_installed_wheel(tmp_path):
    assert Path(MIGRATIONS_DIR) == Path(__file__).resolve().parents[1] / "migrations"  # this checkout's
    checkout, site = tmp_path / "checkout", tmp_path / "site-packages"
    for folder in (checkout / "migrations", site / "lms" / "migrations", site / "migrations"):
        folder.mkdir(parents=True)
        (folder / "env.py").write_text("")
    (checkout / "lms").mkdir()
    assert migrations_dir(checkout / "lms") == str(checkout / "migrations")
    # Installed: the package's own copy, even beside another distribution's top-level migrations/.
    assert migrations_dir(site / "lms") == str(site / "lms" / "migrations")


def test_lms_mounts_under_a_prefix_in_a_host_site(make_host):
    host = make_host()

    @host.post("/api/ping")
    def host_api():
        return "pong"

    LMS(host, url_prefix="/learn")
    assert host.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    client = host.test_client()
    assert client.get("/").get_data(as_text=True) == "the school's own home page"
    assert client.post("/api/ping").status_code == 200  # the host's views keep their own CSRF choice
    assert "Content-Security-Policy" not in client.get("/").headers
    catalog = client.get("/learn/")
    assert catalog.status_code == 200 and "Intro Course" in catalog.get_data(as_text=True)
    assert 'href="/learn/courses/intro-course/"' in catalog.get_data(as_text=True)
    assert 'href="/learn/lms/static/lms.css"' in catalog.get_data(as_text=True)
    with client.get("/learn/lms/static/lms.css") as stylesheet:
        assert stylesheet.status_code == 200
    lesson = client.get("/learn/courses/intro-course/what-is-ai").get_data(as_text=True)
    assert '<a href="models"' in lesson  # relative, so it resolves under the prefix too
    with host.app_context():
        from lms.accounts.services import create_user

        create_user("mounted@example.com", "Mounted", "correct-horse-battery")
        db.session.commit()
    auth = Auth(client)
    response = client.post("/learn/account/login", data={"email": "mounted@example.com", "password": "correct-horse-battery",
                                                          "csrf_token": auth.csrf("/learn/account/login")})
    assert response.headers["Location"] == "/learn/dashboard"
    assert client.post("/learn/courses/intro-course/enrol").status_code == 400  # CSRF applies to the LMS


def test_secret_key_is_required_outside_development(monkeypatch):
    monkeypatch.delenv("LMS_SECRET_KEY", raising=False)
    monkeypatch.setenv("LMS_ENV", "production")
    with pytest.raises(RuntimeError, match="LMS_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_configuration_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("LMS_SECRET_KEY", "from-env")
    monkeypatch.setenv("LMS_CONTENT_DIR", str(tmp_path))
    monkeypatch.setenv("LMS_SCHOOL_NAME", "Northwind School")
    monkeypatch.setenv("LMS_BASE_URL", "https://learn.example.org")
    monkeypatch.delenv("LMS_DATABASE_URL", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["LMS_CONTENT_DIR"] == str(tmp_path)
    assert app.config["LMS_SCHOOL_NAME"] == "Northwind School"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("instance/conductor.sqlite3")
    assert app.config["SESSION_COOKIE_SECURE"] is True  # production default


def test_database_connections_are_configured_for_their_engine(app, is_postgres):
    with app.app_context(), db.engine.connect() as connection:
        if is_postgres:
            assert db.engine.pool._pre_ping is True  # dropped connections are replaced, not raised
        else:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_security_headers_and_cookie_flags(synced, make_user, make_app):
    application = make_app(LMS_SECURE_COOKIES=True, SESSION_COOKIE_SECURE=True)
    client = application.test_client()
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    make_user()
    login = Auth(client).login()
    cookie = login.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_error_pages_are_friendly(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)

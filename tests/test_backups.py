"""``flask lms backup`` and ``restore`` on the suite's database (SQLite, or PostgreSQL with pg_dump and
pg_restore): a backup restores into an empty database and the site works on it; anything that is not
a Conductor backup, or a database that holds data, is refused with a clear message and nothing changes."""
from __future__ import annotations

import os
import sqlite3
import stat
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import make_url

from lms.accounts.models import User
from lms.backups import postgres
from lms.backups.checks import BackupError, head_revision
from lms.extensions import db

from .backup_support import execute, raw_backup, scratch_database, tables  # noqa: F401  (a fixture)
from .conftest import Auth

COURSE = "/courses/intro-course/"


def head(app) -> str:
    with app.app_context():
        return head_revision()


def emails(app) -> list[str]:
    with app.app_context():
        return sorted(db.session.execute(db.select(User.email)).scalars())


def test_a_backup_restores_into_an_empty_database_and_never_over_data_without_force(
        scratch_database, synced, make_app, make_user, tmp_path):
    make_user()
    backup = tmp_path / "site.backup"
    result = synced.test_cli_runner().invoke(args=["lms", "backup", str(backup)])
    assert result.exit_code == 0, result.output
    assert f"migration {head(synced)}" in result.output and "flask lms keys export" in result.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert [path.name for path in tmp_path.glob("*backup*")] == ["site.backup"]  # no partial file left

    restored = make_app(SQLALCHEMY_DATABASE_URI=scratch_database("restore"))
    runner = restored.test_cli_runner()
    result = runner.invoke(args=["lms", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert f"migration {head(synced)} (the newest)" in result.output
    client = restored.test_client()
    assert Auth(client).login().status_code == 302 and client.get(COURSE).status_code == 200

    make_user(email="later@example.com")  # the live site goes on after the backup
    with restored.app_context():
        from lms.accounts.services import create_user

        create_user("only-in-restored@example.com", "Newcomer", "correct-horse-battery")
        db.session.commit()
    result = runner.invoke(args=["lms", "restore", str(backup)])
    assert result.exit_code == 1
    assert "already holds data" in result.stderr and "--force" in result.stderr
    assert "only-in-restored@example.com" in emails(restored)

    result = runner.invoke(args=["lms", "restore", "--force", str(backup)])
    assert result.exit_code == 0, result.output
    assert emails(restored) == ["learner@example.com"]


def test_an_older_backup_is_migrated_to_the_head_when_restored(scratch_database, app, make_app, tmp_path):
    old = make_app(SQLALCHEMY_DATABASE_URI=scratch_database("old"))
    with old.app_context():
        from flask_migrate import upgrade

        upgrade(revision="0004")  # before the authoring tables
    backup = tmp_path / "old.backup"
    assert old.test_cli_runner().invoke(args=["lms", "backup", str(backup)]).exit_code == 0
    restored = make_app(SQLALCHEMY_DATABASE_URI=scratch_database("new"))
    result = restored.test_cli_runner().invoke(args=["lms", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    assert f"migration {head(restored)} (the newest), upgraded from 0004" in result.output
    assert "content_files" in tables(restored.config["SQLALCHEMY_DATABASE_URI"])


def test_what_is_not_a_conductor_backup_is_refused_and_nothing_changes(scratch_database, app, make_app, tmp_path,
                                                                        is_postgres):
    source_url = scratch_database("source")
    source = make_app(SQLALCHEMY_DATABASE_URI=source_url)
    with source.app_context():
        from flask_migrate import upgrade

        upgrade()
    current = head(source)
    backups: list[tuple[Path, str]] = []
    execute(source_url, "UPDATE alembic_version SET version_num = 'ffff'")
    backups.append((raw_backup(source_url, tmp_path / "newer.backup"),
                    f"is at migration 'ffff', which this version of Conductor does not know (its newest is {current!r})"))
    execute(source_url, f"UPDATE alembic_version SET version_num = '{current[:3]}'")  # Alembic would match the prefix
    backups.append((raw_backup(source_url, tmp_path / "prefix.backup"), "which this version of Conductor does not know"))
    execute(source_url, f"UPDATE alembic_version SET version_num = '{current}'", "DROP TABLE lesson_progress")
    backups.append((raw_backup(source_url, tmp_path / "partial.backup"),
                    "is not a Conductor database: it lacks the tables lesson_progress"))
    execute(source_url, "DROP TABLE alembic_version")
    backups.append((raw_backup(source_url, tmp_path / "foreign.backup"),
                    "is not a Conductor database: it has no alembic_version table"))
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 20)
    backups.append((text_file, "is not a pg_dump custom-format archive" if is_postgres
                    else "is not a readable SQLite database (file is not a database)"))
    other = tmp_path / "other-kind.backup"
    if is_postgres:
        with closing(sqlite3.connect(other)) as connection:
            connection.execute("CREATE TABLE notes (id INTEGER)")
        backups.append((other, "is a backup of SQLite, and this site's database is PostgreSQL"))
    else:
        other.write_bytes(b"PGDMP" + bytes(200))
        backups.append((other, "is a backup of PostgreSQL, and this site's database is SQLite"))

    target_url = scratch_database("target")
    target = make_app(SQLALCHEMY_DATABASE_URI=target_url)
    runner = target.test_cli_runner()
    for path, message in backups:
        for args in (["lms", "restore", str(path)], ["lms", "restore", "--force", str(path)]):
            result = runner.invoke(args=args)
            assert result.exit_code == 1, (path.name, result.output)
            assert message in result.stderr and "nothing was changed" in result.stderr, (path.name, result.stderr)
            assert tables(target_url) == set()


def test_a_backup_needs_a_new_file_and_a_migrated_database(scratch_database, synced, make_app, tmp_path):
    existing = tmp_path / "existing.backup"
    existing.write_text("keep me")
    result = synced.test_cli_runner().invoke(args=["lms", "backup", str(existing)])
    assert result.exit_code == 1 and "already exists; nothing was written" in result.stderr
    assert existing.read_text() == "keep me"

    empty = make_app(SQLALCHEMY_DATABASE_URI=scratch_database("unmigrated"))
    if empty.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        execute(empty.config["SQLALCHEMY_DATABASE_URI"], "CREATE TABLE notes (id INTEGER)")  # a file, not migrated
    result = empty.test_cli_runner().invoke(args=["lms", "backup", str(tmp_path / "new.backup")])
    assert result.exit_code == 1 and "is not migrated" in result.stderr and "flask db upgrade" in result.stderr
    assert [path.name for path in tmp_path.glob("*backup*")] == ["existing.backup"]


def fake_tool(folder: Path, name: str) -> Path:
    """A stand-in for pg_dump that records its command line and environment, then fails."""
    folder.mkdir(exist_ok=True)
    script = folder / name
    script.write_text(f'#!/bin/sh\necho "$@" > {folder}/args\necho "$PGPASSWORD" > {folder}/password\n'
                      'echo "pg_dump: error: connection refused" >&2\nexit 1\n')
    script.chmod(0o700)
    return folder


def test_pg_dump_gets_the_password_from_the_environment_never_the_command_line(tmp_path, monkeypatch):
    tools = fake_tool(tmp_path / "bin", "pg_dump")
    monkeypatch.setenv("PATH", str(tools))
    url = make_url("postgresql+psycopg://conductor:s3cret-pw@db.internal:5433/conductor?sslmode=require")
    with pytest.raises(BackupError, match="pg_dump failed: pg_dump: error: connection refused; nothing was written"):
        postgres.backup(url, tmp_path / "site.dump")
    args = (tools / "args").read_text()
    assert "s3cret-pw" not in args
    assert "--dbname=postgresql://conductor@db.internal:5433/conductor?sslmode=require" in args
    assert (tools / "password").read_text().strip() == "s3cret-pw"
    assert not any(path.name.startswith((".site.dump", "site.dump")) for path in tmp_path.iterdir())


def test_without_the_postgresql_tools_the_commands_to_run_are_given(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    url = make_url("postgresql+psycopg://conductor@db.internal/conductor")
    with pytest.raises(BackupError) as refused:
        postgres.backup(url, tmp_path / "site.dump")
    message = str(refused.value)
    assert "pg_dump is not installed" in message
    assert postgres.DUMP_COMMAND in message and postgres.RESTORE_COMMAND in message
    assert not (tmp_path / "site.dump").exists()
    assert os.listdir(tmp_path) == []


def test_a_forced_restore_leaves_no_table_of_the_old_database_behind(scratch_database, synced, make_app, tmp_path,
                                                                     is_postgres):
    """SQLite's backup API replaces the whole file; pg_restore replaces only what the dump holds, so on
    PostgreSQL a database with tables the backup lacks (a host site's, say) is refused instead."""
    backup = tmp_path / "site.backup"
    assert synced.test_cli_runner().invoke(args=["lms", "backup", str(backup)]).exit_code == 0
    target_url = scratch_database("shared")
    execute(target_url, "CREATE TABLE host_notes (id INTEGER PRIMARY KEY)", "INSERT INTO host_notes VALUES (1)")
    result = make_app(SQLALCHEMY_DATABASE_URI=target_url).test_cli_runner().invoke(
        args=["lms", "restore", "--force", str(backup)])
    if is_postgres:
        assert result.exit_code == 1
        assert "holds tables the backup does not (host_notes)" in result.stderr and "nothing was changed" in result.stderr
        assert tables(target_url) == {"host_notes"}
    else:
        assert result.exit_code == 0, result.output
        assert "host_notes" not in tables(target_url) and "users" in tables(target_url)

"""Scratch databases beside the suite's, and backups made without Conductor's checks (to tamper with)."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text


def _admin(database_url: str, *statements: str) -> None:
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def scratch_name(test_database: str, suffix: str) -> str:
    """A name that keeps the test-database rule: test_h4 -> test_h4_restore, conductor_test -> conductor_restore_test."""
    if test_database.startswith("test"):
        return f"{test_database}_{suffix}"
    return f"{test_database.removesuffix('_test')}_{suffix}_test"


@pytest.fixture()
def scratch_database(database_url, tmp_path):
    """Makes empty databases of the suite's kind: SQLite files, or PostgreSQL databases named after the
    test database, dropped afterwards."""
    made: list[str] = []

    def factory(suffix: str) -> str:
        if not database_url.startswith("postgresql"):
            return f"sqlite:///{tmp_path / f'{suffix}.sqlite3'}"
        url = make_url(database_url)
        name = scratch_name(url.database, suffix)
        _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
        made.append(name)
        return url.set(database=name).render_as_string(hide_password=False)

    yield factory
    for name in made:
        _admin(database_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def raw_backup(url: str, path: Path) -> Path:
    """A backup with the database's own tools and none of Conductor's checks."""
    if url.startswith("sqlite"):
        with closing(sqlite3.connect(make_url(url).database)) as source, closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
    else:
        libpq = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run([shutil.which("pg_dump"), "--format=custom", f"--file={path}", libpq], check=True)
    return path


def execute(url: str, *statements: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for statement in statements:
            connection.execute(text(statement))
    engine.dispose()


def tables(url: str) -> set[str]:
    from sqlalchemy import inspect

    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()

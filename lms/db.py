"""Database helpers shared by the features: UTC timestamps, SQLite pragmas, portable upserts."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, event
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.types import TypeDecorator

from .extensions import db


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Always hands back aware UTC datetimes, even from SQLite, which stores them naive."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """Foreign keys on, WAL so readers never block the writer, and a wait instead of 'locked'."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def insert_ignore(model: Any, values: dict[str, Any], conflict: list[str] | None = None):
    """``INSERT ... ON CONFLICT DO NOTHING`` for the current dialect: the race-free way to create once.
    ``conflict`` names the unique key whose conflict is ignored; None ignores a conflict on any."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict)


def insert_ignore_many(model: Any, conflict: list[str] | None = None):
    """``insert_ignore`` for many rows: execute it with a list of row dicts (one round trip per batch)."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    return insert(model).on_conflict_do_nothing(index_elements=conflict)


def upsert(model: Any, conflict: list[str], update: list[str]):
    """``INSERT ... ON CONFLICT DO UPDATE`` for the current dialect: write the latest value, race-free.

    Execute it with a list of row dicts to write many rows in one round trip."""
    insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
    statement = insert(model)
    return statement.on_conflict_do_update(index_elements=conflict,
                                           set_={name: statement.excluded[name] for name in update})

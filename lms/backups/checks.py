"""What makes a file a Conductor backup, and what makes a database empty enough to restore into."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app
from flask_migrate import upgrade

# Tables every Conductor database has held since its first migration.
CORE_TABLES = frozenset({"schools", "users", "courses", "enrolments", "lesson_progress"})
UNCHANGED = "nothing was changed."


class BackupError(Exception):
    """A backup or restore refused: the message says why and what to do, and nothing was changed."""


@dataclass(frozen=True)
class Snapshot:
    """What a backup file holds: its migration revision (None when it has no single one) and its tables."""

    source: str
    revision: str | None
    tables: frozenset[str]


def migrations() -> ScriptDirectory:
    """The app's Alembic scripts, from wherever Flask-Migrate was told they are."""
    migrate = current_app.extensions["migrate"]
    return ScriptDirectory.from_config(migrate.migrate.get_config())


def head_revision() -> str:
    return migrations().get_current_head()


def check_conductor(snapshot: Snapshot) -> None:
    """Refuse a file that is not a Conductor database at a migration this version knows."""
    if not snapshot.revision:
        raise BackupError(f"{snapshot.source} is not a Conductor database: it has no alembic_version table "
                          f"holding one migration revision; {UNCHANGED}")
    missing = sorted(CORE_TABLES - snapshot.tables)
    if missing:
        raise BackupError(f"{snapshot.source} is not a Conductor database: it lacks the tables "
                          f"{', '.join(missing)}; {UNCHANGED}")
    scripts = migrations()
    try:
        script = scripts.get_revision(snapshot.revision)  # Alembic also matches a prefix: compare below
    except CommandError:
        script = None
    if script is None or script.revision != snapshot.revision:
        raise BackupError(f"{snapshot.source} is at migration {snapshot.revision!r}, which this version of Conductor "
                          f"does not know (its newest is {scripts.get_current_head()!r}): restore it with the "
                          f"Conductor that made it, or a newer one; {UNCHANGED}")


def check_backup(snapshot: Snapshot, database: str) -> None:
    """A backup just written of ``database`` (described for the message) is kept only if it is a
    migrated Conductor database: otherwise the partial file goes and nothing was written."""
    if not snapshot.revision:
        raise BackupError(f"{database} is not migrated (no alembic_version table): run `flask db upgrade` first; "
                          "nothing was written.")
    check_conductor(snapshot)


def table_names(engine: sa.Engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names())


def first_table_with_rows(engine: sa.Engine) -> str | None:
    """The first table holding a row (Alembic's own aside): a database without one has nothing to lose."""
    with engine.connect() as connection:
        for name in sorted(table_names(engine) - {"alembic_version"}):
            if connection.execute(sa.select(sa.literal(1)).select_from(sa.table(name)).limit(1)).first():
                return name
    return None


def current_revision(engine: sa.Engine) -> str | None:
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one_or_none()


def upgrade_to_head() -> None:
    """Run the migrations a restored older backup lacks (Flask-Migrate, as ``flask db upgrade`` does)."""
    upgrade()

"""Back up and restore the site's database, whichever it is: SQLite or PostgreSQL."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..extensions import db
from . import postgres, sqlite
from .checks import (UNCHANGED, BackupError, Snapshot, check_conductor, current_revision, first_table_with_rows,
                     head_revision, table_names, upgrade_to_head)
from .files import kind_of

NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


@dataclass(frozen=True)
class Restored:
    snapshot: Snapshot
    revision: str  # the database's migration once restored: always the head
    upgraded: bool  # the backup was older, and the restore ran the migrations since


def _dialect() -> str:
    name = db.engine.dialect.name
    if name not in NAMES:
        raise BackupError(f"Backups cover SQLite and PostgreSQL; this site's database is {name}.")
    return name


def backup(path: Path) -> Snapshot:
    """Copy the site's database, consistent while the site runs, into the new file ``path`` (mode 0600)."""
    url = db.engine.url
    if _dialect() == "sqlite":
        return sqlite.backup(sqlite.database_path(url), path)
    return postgres.backup(url, path)


def restore(path: Path, force: bool = False) -> Restored:
    """Replace the site's database with a checked backup, then migrate it to the head.

    Refuses, changing nothing, a file that is not a Conductor backup for this kind of database or that
    comes from a newer Conductor, and a database that already holds data unless ``force``."""
    dialect = _dialect()
    kind = kind_of(path)
    if kind is not None and kind != dialect:
        raise BackupError(f"{path} is a backup of {NAMES[kind]}, and this site's database is {NAMES[dialect]}: "
                          f"restore it into a site on {NAMES[kind]}; {UNCHANGED}")
    snapshot = sqlite.read(path) if dialect == "sqlite" else postgres.read(path)
    check_conductor(snapshot)
    engine, url = db.engine, db.engine.url
    occupied = first_table_with_rows(engine)
    if occupied and not force:
        raise BackupError(f"The database {url.render_as_string()} already holds data (the table {occupied} has rows); "
                          f"{UNCHANGED} Restore into an empty database, or give --force to replace this one.")
    existing = table_names(engine)
    left_behind = sorted(existing - snapshot.tables) if dialect == "postgresql" else []
    if left_behind:  # pg_restore replaces what the dump holds (SQLite's backup API replaces the whole file)
        raise BackupError(f"The database {url.render_as_string()} holds tables the backup does not "
                          f"({', '.join(left_behind)}), which a restore would leave behind; {UNCHANGED} "
                          "Restore into a new, empty database.")
    db.session.remove()
    engine.dispose()  # no pooled connection may hold a lock or a stale schema across the restore
    if dialect == "sqlite":
        sqlite.restore(path, sqlite.database_path(url))
    else:
        postgres.restore(url, path, clean=bool(existing))
    engine.dispose()
    head = head_revision()
    upgraded = snapshot.revision != head
    if upgraded:
        upgrade_to_head()
    revision = current_revision(engine)
    if revision != head:
        raise BackupError(f"Restored {path}, but the database is at migration {revision!r}, not {head!r}: "
                          "run `flask db upgrade`.")
    return Restored(snapshot, revision, upgraded)

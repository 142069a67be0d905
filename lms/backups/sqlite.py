"""SQLite: the online backup API copies one consistent moment of the database while the site keeps
writing (in WAL mode the copy's read transaction never blocks the writer), and copies a backup back
into the site's database in one transaction."""
from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

from .checks import UNCHANGED, BackupError, Snapshot, check_backup
from .files import private_file


def database_path(url: URL) -> Path:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise BackupError(f"{url} is not a database file (an in-memory database cannot be backed up or restored).")
    return Path(url.database)


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def backup(source: Path, target: Path) -> Snapshot:
    """Copy the live database into a new file ``target``; a copy that would not restore is not kept."""
    if not source.is_file():
        raise BackupError(f"There is no database at {source}; nothing was written.")
    with private_file(target) as partial:
        with closing(sqlite3.connect(source, timeout=30)) as live, closing(sqlite3.connect(partial)) as copy:
            live.backup(copy)  # in one step, so one read transaction: one consistent moment
            copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, with no -wal beside it
        snapshot = read(partial, shown=target)
        check_backup(snapshot, f"The database at {source}")
    return snapshot


def read(path: Path, shown: Path | None = None) -> Snapshot:
    """Open a backup read-only: check it is an undamaged SQLite file and say what it holds."""
    shown = shown or path
    try:
        with closing(_read_only(path)) as connection:
            damage = connection.execute("PRAGMA quick_check").fetchall()
            tables = frozenset(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
            revisions = (connection.execute("SELECT version_num FROM alembic_version").fetchall()
                         if "alembic_version" in tables else [])
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{shown} is not a readable SQLite database ({error}); {UNCHANGED}") from None
    if damage != [("ok",)]:
        raise BackupError(f"{shown} is damaged (SQLite's quick_check: {'; '.join(row[0] for row in damage[:3])}); "
                          f"{UNCHANGED}")
    revision = revisions[0][0] if len(revisions) == 1 else None
    return Snapshot(str(shown), revision, tables)


def restore(source: Path, target: Path) -> None:
    """Replace the database at ``target`` with the backup, in one transaction: all of it or none."""
    try:
        with closing(_read_only(source)) as backup_file, closing(sqlite3.connect(target, timeout=30)) as site:
            backup_file.backup(site)
            site.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as error:
        raise BackupError(f"Could not restore {source} into {target} ({error}); {UNCHANGED}") from None

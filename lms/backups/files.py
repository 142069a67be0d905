"""Backup files are private (mode 0600), written under a temporary name and moved into place only when
complete, never over an existing file; and a file's first bytes say which kind of backup it is."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .checks import BackupError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@contextmanager
def private_file(path: Path) -> Iterator[Path]:
    """A new empty file (mode 0600) beside ``path``, which becomes ``path`` if the block succeeds."""
    if path.exists():
        raise BackupError(f"{path} already exists; nothing was written. Give a new file name.")
    if not path.parent.is_dir():
        raise BackupError(f"{path.parent} is not a folder; nothing was written.")
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        yield partial
        try:
            os.link(partial, path)  # unlike a rename, never replaces a file made meanwhile
        except FileExistsError:
            raise BackupError(f"{path} appeared while the backup was written; nothing was written.") from None
    finally:
        partial.unlink(missing_ok=True)


def kind_of(path: Path) -> str | None:
    """``sqlite`` or ``postgresql`` from the file's signature, or None for anything else."""
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head == SQLITE_MAGIC:
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    return None

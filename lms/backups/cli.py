"""``flask lms backup PATH`` and ``flask lms restore PATH``: the database alone; the signing keys
travel apart (``flask lms keys export`` and ``import``), into the secrets backups."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import services
from .checks import BackupError

KEYS_APART = "The signing keys are not in it: back them up with `flask lms keys export`."


def _refuse(error: BackupError) -> None:
    click.echo(str(error), err=True)
    sys.exit(1)


def _size(path: Path) -> str:
    size = path.stat().st_size
    return f"{size / 1e6:.1f} MB" if size >= 100_000 else f"{size / 1e3:.0f} kB"


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path) -> None:
    """Copy the database into the new file PATH (mode 0600), consistent while the site runs."""
    started = time.perf_counter()
    try:
        snapshot = services.backup(path)
    except BackupError as error:
        _refuse(error)
    click.echo(f"Backed up {db.engine.url.render_as_string()} to {path}: {_size(path)}, migration "
               f"{snapshot.revision}, in {time.perf_counter() - started:.1f} s. {KEYS_APART}")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore_command(path: Path, force: bool) -> None:
    """Restore a backup made by `flask lms backup` into this site's database, then migrate it to the head.
    Stop the site first."""
    started = time.perf_counter()
    try:
        restored = services.restore(path, force=force)
    except BackupError as error:
        _refuse(error)
    upgraded = f", upgraded from {restored.snapshot.revision}" if restored.upgraded else ""
    click.echo(f"Restored {path} into {db.engine.url.render_as_string()} in {time.perf_counter() - started:.1f} s: "
               f"migration {restored.revision} (the newest){upgraded}. Bring back the signing keys with "
               "`flask lms keys import` unless this site has them.")

"""``flask lms keys`` (list, rotate the signing key, export and import them for the secrets backups)
and ``flask lms certificates backfill``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..backups.checks import BackupError
from ..backups.files import private_file
from ..extensions import db
from ..i18n import ngettext
from ..schools.services import current_school
from . import services
from .key_archive import KeyArchiveError, export_keys, import_keys, read_archive
from .keys import key_store
from .signing import published, register

keys_cli = AppGroup("keys", help="The keys that sign Open Badge credentials.")
certificates_cli = AppGroup("certificates", help="Certificates of completion.")


@keys_cli.command("list")
def list_keys() -> None:
    """Every published key, oldest first; the last one signs new credentials. Keys found in this server's
    folder and not yet registered are registered (published for every server) first."""
    store = key_store()
    local = store.keys()
    register(local)
    db.session.commit()
    keys = published()
    if not keys:
        click.echo(f"No key yet in {store.folder}; one is made when the first credential is signed.")
    here = {key.kid for key in local}
    for key in keys:
        notes = ("  (signing)" if key is keys[-1] else "") + ("" if key.kid in here else "  (not in this server's folder)")
        click.echo(f"{key.created}  {key.kid}{notes}")


@keys_cli.command("rotate")
def rotate_keys() -> None:
    """Make a new signing key and publish it; older public keys stay published, so issued credentials keep
    verifying. Copy it to the other servers (`keys export - | keys import -`) before they sign again."""
    store = key_store()
    register(store.keys())
    key = store.rotate()
    register([key])
    db.session.commit()
    click.echo(f"New signing key {key.kid}; {len(published())} keys published.")


@keys_cli.command("export")
@click.argument("archive", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
def export_command(archive: Path) -> None:
    """Write every signing key into the new tar file ARCHIVE (mode 0600), or to stdout for `-`, for the
    secrets backups: encrypt it, and keep it apart from the database backups."""
    store = key_store()
    try:
        if str(archive) == "-":
            with click.open_file("-", "wb") as out:
                count = export_keys(store, out)
        else:
            with private_file(archive) as partial, partial.open("wb") as out:
                count = export_keys(store, out)
    except (KeyArchiveError, BackupError) as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    click.echo(f"Exported {count} key{'s' if count != 1 else ''} from {store.folder} to {archive}.", err=str(archive) == "-")


@keys_cli.command("import")
@click.argument("archive", type=click.File("rb"))
def import_command(archive) -> None:
    """Add the keys of ARCHIVE (made by `keys export`; `-` reads stdin) that the keys folder lacks.
    The whole archive is checked first; keys are only added, never replaced or removed."""
    store = key_store()
    try:
        added, present = import_keys(store, read_archive(archive, getattr(archive, "name", "<stdin>")))
    except KeyArchiveError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    register(store.keys())
    db.session.commit()
    keys = published()
    click.echo(f"Imported {added} key{'s' if added != 1 else ''} into {store.folder} ({present} already there); "
               f"{len(keys)} published, {keys[-1].kid} signs.")


@certificates_cli.command("backfill")
def backfill() -> None:
    """Issue certificates for completions recorded before certificates existed (safe to run twice)."""
    count = services.backfill(current_school())
    db.session.commit()
    click.echo(ngettext("Issued %(num)d certificate.", "Issued %(num)d certificates.", count))

"""``flask lms keys`` (list, rotate the signing key) and ``flask lms certificates backfill``."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from ..schools.services import current_school
from . import services
from .keys import key_store

keys_cli = AppGroup("keys", help="The keys that sign Open Badge credentials.")
certificates_cli = AppGroup("certificates", help="Certificates of completion.")


@keys_cli.command("list")
def list_keys() -> None:
    """Every signing key, oldest first; the last one signs new credentials."""
    store = key_store()
    keys = store.keys()
    if not keys:
        click.echo(f"No key yet in {store.folder}; one is made when the first credential is signed.")
    for key in keys:
        click.echo(f"{key.created}  {key.kid}{'  (signing)' if key is keys[-1] else ''}")


@keys_cli.command("rotate")
def rotate_keys() -> None:
    """Make a new signing key; older public keys stay published, so issued credentials keep verifying."""
    key = key_store().rotate()
    click.echo(f"New signing key {key.kid}; {len(key_store().keys())} keys published.")


@certificates_cli.command("backfill")
def backfill() -> None:
    """Issue certificates for completions recorded before certificates existed (safe to run twice)."""
    count = services.backfill(current_school())
    db.session.commit()
    click.echo(f"Issued {count} certificate{'s' if count != 1 else ''}.")

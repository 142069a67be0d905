"""``flask lms admissions purge``: the retention rule, for cron or a systemd timer."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from . import services

admissions_cli = AppGroup("admissions", help="Admissions: delete applications past each school's retention.")


@admissions_cli.command("purge")
def purge_command() -> None:
    """Delete the applications not accepted that are older than each school's retention (0 months: kept)."""
    count = services.purge()
    db.session.commit()
    click.echo(f"Deleted {count} application(s).")

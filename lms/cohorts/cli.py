"""``flask lms cohorts import <cohort-slug> FILE [--dry-run]``: the admin page's import, for ops."""
from __future__ import annotations

import sys
from types import SimpleNamespace

import click
from flask import current_app
from flask.cli import AppGroup

from ..admin.services import record
from ..extensions import db
from ..schools.services import current_school
from . import imports
from .messages import import_mails
from .models import Cohort

# The audit log's actor for a change made from the command line: no account.
COMMAND_LINE = SimpleNamespace(id=None)
cohorts_cli = AppGroup("cohorts", help="Cohorts: import learners from a CSV file.")


@cohorts_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.File("rb"))
@click.option("--dry-run", is_flag=True, help="Check the file and say what it would change; store nothing.")
def import_command(slug: str, file, dry_run: bool) -> None:
    """Import learners (CSV: email, name) into the cohort SLUG of the school; invitations are mailed
    (set LMS_BASE_URL so their links name the site)."""
    cohort = db.session.execute(db.select(Cohort).filter_by(school_id=current_school().id, slug=slug)).scalar_one_or_none()
    if cohort is None:
        click.echo(f"No cohort {slug!r} at this school.", err=True)
        sys.exit(1)
    limit = current_app.config["LMS_COHORT_IMPORT_MAX_BYTES"]
    content = file.read(limit + 1)
    if len(content) > limit:
        click.echo(f"The file is larger than LMS_COHORT_IMPORT_MAX_BYTES ({limit} bytes).", err=True)
        sys.exit(1)
    max_rows = current_app.config["LMS_COHORT_IMPORT_MAX_ROWS"]
    plan = imports.preview(cohort, content, max_rows)
    for line, message in plan.errors:
        click.echo(f"line {line}: {message}", err=True)
    if not plan.ok:
        click.echo("Nothing was imported.", err=True)
        sys.exit(1)
    click.echo(f"{len(plan.to_create)} accounts to create, {len(plan.to_add)} existing accounts to add, "
               f"{len(plan.members)} already learners.")
    if dry_run:
        db.session.rollback()
        click.echo("Dry run: nothing was stored.")
        return
    applied = imports.apply(cohort, content, max_rows)
    record(COMMAND_LINE, "cohort_import", cohort, "flask lms cohorts import", created=len(applied.created),
           added=len(applied.added), already=applied.already)
    db.session.commit()
    sent = import_mails(cohort, applied.created, applied.added)
    click.echo(f"Imported into {cohort.slug}: {len(applied.created)} created, {len(applied.added)} added, "
               f"{applied.already} already learners; {sent} mails queued.")

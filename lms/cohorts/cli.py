"""``flask lms cohorts import <cohort-slug> FILE [--dry-run]``: the admin page's import, for ops."""
from __future__ import annotations

import sys
from types import SimpleNamespace

import click
from flask import current_app
from flask.cli import AppGroup

from ..admin.services import record
from ..extensions import db
from ..i18n import _
from ..schools.services import acting_for, current_school, school_by_slug
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
@click.option("--school", "school_slug", default=None, help="The school's identifier (default: LMS_SCHOOL's).")
def import_command(slug: str, file, dry_run: bool, school_slug: str | None) -> None:
    """Import learners (CSV: email, name) into the cohort SLUG of the school; invitations are mailed
    (set LMS_BASE_URL so their links name the site)."""
    school = school_by_slug(school_slug) if school_slug else current_school()
    if school is None:
        click.echo(_("No school has the identifier %(slug)s.", slug=school_slug), err=True)
        sys.exit(1)
    with acting_for(school):  # its accounts, its language, its address in the mails
        _import(school, slug, file, dry_run)


def _import(school, slug: str, file, dry_run: bool) -> None:
    cohort = db.session.execute(db.select(Cohort).filter_by(school_id=school.id, slug=slug)).scalar_one_or_none()
    if cohort is None:
        click.echo(_("No cohort %(slug)s at this school.", slug=slug), err=True)
        sys.exit(1)
    limit = current_app.config["LMS_COHORT_IMPORT_MAX_BYTES"]
    content = file.read(limit + 1)
    if len(content) > limit:
        click.echo(_("The file is larger than LMS_COHORT_IMPORT_MAX_BYTES (%(num)d bytes).", num=limit), err=True)
        sys.exit(1)
    max_rows = current_app.config["LMS_COHORT_IMPORT_MAX_ROWS"]
    plan = imports.preview(cohort, content, max_rows)
    for line, message in plan.errors:
        click.echo(_("Line %(line)s: %(message)s", line=line, message=message), err=True)
    if not plan.ok:
        click.echo(_("The file has errors: nothing was imported."), err=True)
        sys.exit(1)
    click.echo(_("%(create)d accounts to create, %(add)d existing accounts to add, %(members)d already learners.",
                 create=len(plan.to_create), add=len(plan.to_add), members=len(plan.members)))
    if dry_run:
        db.session.rollback()
        click.echo(_("Dry run: nothing was stored."))
        return
    applied = imports.apply(cohort, content, max_rows)
    record(COMMAND_LINE, "cohort_import", cohort, "flask lms cohorts import", created=len(applied.created),
           added=len(applied.added), already=applied.already)
    db.session.commit()
    sent = import_mails(cohort, applied.created, applied.added)
    click.echo(_("Imported into %(slug)s: %(created)d created, %(added)d added, %(already)d already learners; "
                 "%(sent)d mails queued.", slug=cohort.slug, created=len(applied.created), added=len(applied.added),
                 already=applied.already, sent=sent))

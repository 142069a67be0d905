"""``flask lms sync`` (merging with browser edits) and ``flask lms export``: Git and the browser, one tree."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from ..content.errors import ContentInvalid
from ..extensions import db
from ..i18n import _, ngettext, number
from ..schools.services import current_school
from .gitsync import SyncConflict, export_tree, sync_folder


@click.command("sync")
@with_appcontext
@click.option("--content-dir", help="Folder holding courses/ and quizzes/ (default: LMS_CONTENT_DIR).")
@click.option("--force", is_flag=True, help="Load the folder's version of files also changed in the browser "
                                            "since the last sync (the browser's revisions stay in the history).")
def sync_command(content_dir: str | None, force: bool) -> None:
    """Validate the whole content tree, then load it in one transaction (all or nothing)."""
    root = Path(content_dir or current_app.config["LMS_CONTENT_DIR"]).resolve()
    started = time.perf_counter()
    try:
        report = sync_folder(root, current_school(), force=force)
    except SyncConflict as conflict:
        db.session.rollback()
        for item in conflict.conflicts:
            click.echo(str(item), err=True)
        click.echo(ngettext("%(num)d file changed both in the browser and in %(root)s since the last sync; nothing "
                            "was changed. Run `flask lms export` and merge the edits in Git, or sync again with "
                            "--force to take the folder's version.",
                            "%(num)d files changed both in the browser and in %(root)s since the last sync; nothing "
                            "was changed. Run `flask lms export` and merge the edits in Git, or sync again with "
                            "--force to take the folder's version.", len(conflict.conflicts), root=root), err=True)
        sys.exit(1)
    except ContentInvalid as exc:
        db.session.rollback()
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(ngettext("%(num)d error; nothing was changed.", "%(num)d errors; nothing was changed.",
                            len(exc.errors)), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(_("Synced %(root)s: %(report)s in %(seconds)s s.", root=root, report=report,
                 seconds=number(round(time.perf_counter() - started, 2))))


@click.command("export")
@with_appcontext
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export_command(directory: Path) -> None:
    """Write the published content as the tree sync reads: DIRECTORY/courses and DIRECTORY/quizzes
    then mirror the database (files it does not hold are removed from those two folders)."""
    report = export_tree(directory.resolve())
    for path in report.removed:
        click.echo(_("removed %(path)s", path=path))
    click.echo(_("Exported to %(directory)s: %(report)s.", directory=directory, report=report))

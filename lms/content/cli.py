"""``flask lms check`` and ``flask lms curriculum-map``; ``flask lms sync`` lives in lms.authoring.cli,
which merges the folder with browser edits before the same validation and load."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask import current_app

from ..i18n import _, ngettext
from .skillmap import curriculum_map
from .tree import read_tree


def _content_dir(option: str | None) -> Path:
    return Path(option or current_app.config["LMS_CONTENT_DIR"]).resolve()


def _report_errors(errors) -> None:
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(ngettext("%(num)d error; nothing was changed.", "%(num)d errors; nothing was changed.", len(errors)),
               err=True)


@click.command("check")
@with_appcontext
@click.option("--content-dir", help="Folder holding courses/ and quizzes/ (default: LMS_CONTENT_DIR).")
def check_command(content_dir: str | None) -> None:
    """Validate the content tree without loading it."""
    root = _content_dir(content_dir)
    tree = read_tree(root)
    if tree.errors:
        _report_errors(tree.errors)
        sys.exit(1)
    lessons = sum(len(course.lessons) for course in tree.courses)
    click.echo(_("%(root)s: OK: %(courses)s courses, %(lessons)s lessons, %(quizzes)s quizzes, %(programmes)s "
                 "programmes, %(skills)s skills, no errors.", root=root, courses=len(tree.courses), lessons=lessons,
                 quizzes=len(tree.quizzes), programmes=len(tree.programmes), skills=len(tree.skills)))


@click.command("curriculum-map")
@with_appcontext
@click.option("--content-dir", help="Folder holding courses/ and quizzes/ (default: LMS_CONTENT_DIR).")
def curriculum_map_command(content_dir: str | None) -> None:
    """Print the skills map (docs/curriculum.md): lessons and questions per skill."""
    tree = read_tree(_content_dir(content_dir))
    if tree.errors:
        _report_errors(tree.errors)
        sys.exit(1)
    click.echo(curriculum_map(tree), nl=False)

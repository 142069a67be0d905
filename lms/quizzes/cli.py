"""``flask lms gift-import | gift-export | aiken-import``: quiz interchange from the command line."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from lms.content.errors import ContentError
from lms.i18n import _
from lms.quizzes.aiken import aiken_to_quiz
from lms.quizzes.gift import gift_to_quiz, quiz_to_gift
from lms.quizzes.markdown_writer import quiz_to_markdown
from lms.quizzes.parsing import parse_quiz
from lms.quizzes.spec import QuizSpec

Importer = Callable[[str, str, str], tuple[QuizSpec | None, list[ContentError], list[ContentError]]]
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
OUTPUT = click.Path(dir_okay=False, writable=True, path_type=Path)

interchange_cli = click.Group("interchange", help="Import and export quizzes as GIFT or Aiken.")


def _warn(path: str, line: int, message: str) -> None:
    click.echo(f"{path}:{line}: " + _("warning: %(message)s", message=message), err=True)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise click.ClickException(f"{path}: " + _("not UTF-8 text (%(reason)s at byte %(byte)d)", reason=exc.reason,
                                                   byte=exc.start)) from None


def _emit(text: str, output: Path | None) -> None:
    """Write to the output file, or to stdout when none is given."""
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        click.echo(_("wrote %(file)s", file=output), err=True)


def _default_title(path: Path) -> str:
    stem = path.name.split(".")[0].replace("-", " ").replace("_", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else "Imported quiz"


def _import(reader: Importer, file: Path, output: Path | None, title: str | None) -> None:
    """Convert, report every warning and error, and write the Markdown quiz only if all is well."""
    spec, errors, warnings = reader(_read(file), str(file), title or _default_title(file))
    markdown = ""
    if spec is not None:
        markdown = quiz_to_markdown(spec)
        # The written quiz must load as it is; a failure here is a bug, reported rather than written.
        _spec, problems = parse_quiz(markdown, str(output or "<stdout>"))
        errors = errors + problems
    for warning in warnings:
        _warn(warning.path, warning.line, warning.message)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise click.exceptions.Exit(1)
    _emit(markdown, output)


def _import_options(command):
    """The arguments every importer takes: the file, where to write, and the quiz title."""
    command = click.option("--title", help="Quiz title (default: from the file name).")(command)
    command = click.option("-o", "--output", type=OUTPUT, help="Markdown quiz to write (default: stdout).")(command)
    return click.argument("file", type=FILE)(command)


@interchange_cli.command("gift-import")
@_import_options
def gift_import(file: Path, output: Path | None, title: str | None) -> None:
    """Convert a Moodle GIFT file into a Markdown quiz."""
    _import(gift_to_quiz, file, output, title)


@interchange_cli.command("aiken-import")
@_import_options
def aiken_import(file: Path, output: Path | None, title: str | None) -> None:
    """Convert an Aiken file into a Markdown quiz."""
    _import(aiken_to_quiz, file, output, title)


@interchange_cli.command("gift-export")
@click.argument("quiz", type=FILE)
@click.option("-o", "--output", type=OUTPUT, help="GIFT file to write (default: stdout).")
def gift_export(quiz: Path, output: Path | None) -> None:
    """Convert a Markdown quiz into GIFT; questions GIFT cannot express are listed and left out."""
    spec, errors = parse_quiz(_read(quiz), str(quiz))
    for error in errors:
        click.echo(str(error), err=True)
    if spec is None:
        raise click.exceptions.Exit(1)
    export = quiz_to_gift(spec)
    for question, message in export.skipped + export.lossy:
        _warn(str(quiz), question.line, message)
    _emit(export.text, output)

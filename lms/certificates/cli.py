"""``flask lms keys`` (list, rotate the signing key, export and import them for the secrets backups), each
for one school (``--school``, default the LMS_SCHOOL one) or ``--all``, and ``flask lms certificates backfill``."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from ..backups.checks import BackupError
from ..backups.files import private_file
from ..extensions import db
from ..i18n import ngettext
from ..schools.models import School
from ..schools.services import all_schools, current_school, school_by_slug
from . import services
from .key_archive import KeyArchiveError, export_keys, import_keys, read_archive
from .keys import key_store
from .signing import owners, published, register

keys_cli = AppGroup("keys", help="The keys that sign Open Badge credentials, each school's own.")
certificates_cli = AppGroup("certificates", help="Certificates of completion.")

school_option = click.option("--school", "slug", metavar="SLUG",
                             help="The school whose keys (default: the LMS_SCHOOL school).")
all_option = click.option("--all", "every", is_flag=True, help="Every school, one after another.")


def _schools(slug: str | None, every: bool = False) -> list[School]:
    """The schools a command acts for: ``--school``, ``--all``, else the LMS_SCHOOL one (made on first use)."""
    if slug and every:
        raise click.UsageError("Give --school or --all, not both.")
    if every:
        return all_schools()
    if slug is None:
        return [current_school()]
    school = school_by_slug(slug)
    if school is None:
        click.echo(f"No school {slug!r}; `flask lms schools list` shows them.", err=True)
        sys.exit(1)
    return [school]


@keys_cli.command("list")
@school_option
@all_option
def list_keys(slug: str | None, every: bool) -> None:
    """The school's published keys, oldest first; the last one signs its new credentials. Keys found in this
    server's folder and not yet registered are registered (published for every server) first."""
    for school in _schools(slug, every):
        store = key_store(school)
        local = store.keys()
        register(school, local)
        db.session.commit()
        keys = published(school)
        click.echo(f"{school.slug} ({store.folder}):")
        if not keys:
            click.echo(f"  No key yet in {store.folder}; one is made when the school's first credential is signed.")
        here = {key.kid for key in local}
        for key in keys:
            notes = ("  (signing)" if key is keys[-1] else "") + ("" if key.kid in here else "  (not in this server's folder)")
            click.echo(f"  {key.created}  {key.kid}{notes}")


@keys_cli.command("rotate")
@school_option
@all_option
def rotate_keys(slug: str | None, every: bool) -> None:
    """Make a new signing key for the school and publish it; its older public keys stay published, so issued
    credentials keep verifying, and other schools' keys are untouched. Copy it to the other servers
    (`keys export - | keys import -`) before they sign again."""
    for school in _schools(slug, every):
        store = key_store(school)
        register(school, store.keys())
        key = store.rotate()
        register(school, [key])
        db.session.commit()
        click.echo(f"{school.slug}: new signing key {key.kid}; {len(published(school))} keys published.")


@keys_cli.command("export")
@click.argument("archive", type=click.Path(dir_okay=False, allow_dash=True, path_type=Path))
@school_option
def export_command(archive: Path, slug: str | None) -> None:
    """Write every signing key of the school into the new tar file ARCHIVE (mode 0600), or to stdout for `-`,
    for the secrets backups: encrypt it, and keep it apart from the database backups."""
    [school] = _schools(slug)
    store = key_store(school)
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
    click.echo(f"Exported {count} key{'s' if count != 1 else ''} from {store.folder} to {archive}. "
               f"They are {school.slug}'s: import them with --school {school.slug}.", err=str(archive) == "-")


@keys_cli.command("import")
@click.argument("archive", type=click.File("rb"))
@school_option
def import_command(archive, slug: str | None) -> None:
    """Add the keys of ARCHIVE (made by `keys export` for the same school; `-` reads stdin) that the school's
    keys folder lacks. The whole archive is checked first; keys are only added, never replaced or removed;
    an archive holding another school's key is refused."""
    [school] = _schools(slug)
    store = key_store(school)
    try:
        keys = read_archive(archive, getattr(archive, "name", "<stdin>"))
        kids = [name.split("-", 1)[1].removesuffix(".pem") for name in keys]
        foreign = sorted(kid for kid, school_id in owners(kids).items() if school_id != school.id)
        if foreign:
            raise KeyArchiveError(f"The archive holds {len(foreign)} key(s) of another school (first {foreign[0]}), "
                                  f"not {school.slug}'s; give that school's --school. Nothing was imported.")
        added, present = import_keys(store, keys)
    except KeyArchiveError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    register(school, store.keys())
    db.session.commit()
    keys = published(school)
    click.echo(f"Imported {added} key{'s' if added != 1 else ''} into {store.folder} ({present} already there); "
               f"{len(keys)} published, {keys[-1].kid} signs for {school.slug}.")


@certificates_cli.command("backfill")
def backfill() -> None:
    """Issue certificates for completions recorded before certificates existed (safe to run twice)."""
    count = services.backfill(current_school())
    db.session.commit()
    click.echo(ngettext("Issued %(num)d certificate.", "Issued %(num)d certificates.", count))

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
from ..schools.services import all_schools, current_school, default_slug, school_by_slug
from . import services
from .key_archive import KeyArchiveError, by_school, export_schools, import_keys, key_id, read_archive
from .keys import key_store, keys_root
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
@all_option
def export_command(archive: Path, slug: str | None, every: bool) -> None:
    """Write every signing key of the school (`--all`: of every school) into the new tar file ARCHIVE (mode
    0600), or to stdout for `-`, for the secrets backups: encrypt it, and keep it apart from the database
    backups."""
    chosen = _schools(slug, every)
    stores = {"" if school.slug == default_slug() else school.slug: key_store(school) for school in chosen} \
        if every else {"": key_store(chosen[0])}
    try:
        if str(archive) == "-":
            with click.open_file("-", "wb") as out:
                count = export_schools(stores, out)
        else:
            with private_file(archive) as partial, partial.open("wb") as out:
                count = export_schools(stores, out)
    except (KeyArchiveError, BackupError) as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    if every:
        done = f"Exported {count} key{'s' if count != 1 else ''} of every school from {keys_root()} to {archive}; " \
               "import them with --all."
    else:
        done = f"Exported {count} key{'s' if count != 1 else ''} from {stores[''].folder} to {archive}. " \
               f"They are {chosen[0].slug}'s: import them with --school {chosen[0].slug}."
    click.echo(done, err=str(archive) == "-")


def _import_plan(keys: dict[str, bytes], slug: str | None, every: bool) -> list[tuple[School, dict[str, bytes]]]:
    """Which school's folder each key of the archive goes to; refused whole (KeyArchiveError) when the archive
    names a school this site lacks, holds several schools' keys without --all, or holds a key registered for
    another school than the one it would go to."""
    grouped = by_school(keys)
    if every:
        plan = []
        for name, files in sorted(grouped.items()):
            school = current_school() if name == "" else school_by_slug(name)
            if school is None:
                raise KeyArchiveError(f"The archive holds keys of the school {name!r}, which this site does not have "
                                      "(restore the database first); nothing was imported.")
            plan.append((school, files))
    else:
        if set(grouped) != {""}:
            raise KeyArchiveError("The archive holds the keys of several schools (made by `keys export --all`): "
                                  "import it with --all; nothing was imported.")
        plan = [(_schools(slug)[0], grouped[""])]
    for school, files in plan:
        foreign = sorted(kid for kid, school_id in owners([key_id(name) for name in files]).items()
                         if school_id != school.id)
        if foreign:
            raise KeyArchiveError(f"The archive holds {len(foreign)} key(s) of another school (first {foreign[0]}), "
                                  f"not {school.slug}'s; give that school's --school. Nothing was imported.")
    return plan


@keys_cli.command("import")
@click.argument("archive", type=click.File("rb"))
@school_option
@all_option
def import_command(archive, slug: str | None, every: bool) -> None:
    """Add the keys of ARCHIVE (made by `keys export` for the same school, or `--all` for every school; `-`
    reads stdin) that the school's keys folder lacks. The whole archive is checked first; keys are only
    added, never replaced or removed; an archive holding another school's key is refused."""
    if slug and every:
        raise click.UsageError("Give --school or --all, not both.")
    try:
        plan = _import_plan(read_archive(archive, getattr(archive, "name", "<stdin>")), slug, every)
        results = [(school, import_keys(key_store(school), files)) for school, files in plan]
    except KeyArchiveError as error:
        click.echo(str(error), err=True)
        sys.exit(1)
    for school, (added, present) in results:
        store = key_store(school)
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

"""``flask lms schools``: the platform's schools from the command line (create, list, host names)."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..accounts import messages
from ..accounts.services import AccountError, create_invited_user, make_invitation_token
from ..extensions import db
from ..i18n import _, force_locale
from ..web import public_url
from . import services

schools_cli = click.Group("schools", help="Create schools, list them and set the host names they answer on.")


def _fail(message: str) -> None:
    db.session.rollback()
    click.echo(message, err=True)
    sys.exit(1)


@schools_cli.command("create")
@with_appcontext
@click.argument("slug")
@click.option("--name", required=True, help="The school's name.")
@click.option("--host", "hosts", multiple=True, required=True,
              help="A host name the school answers on (repeat it; the first is its own address).")
@click.option("--admin-email", required=True, help="The school's first admin: an account invited by e-mail.")
@click.option("--admin-name", required=True)
def create_command(slug: str, name: str, hosts: tuple[str, ...], admin_email: str, admin_name: str) -> None:
    """Create a school with its host names and first admin, who gets an e-mail to choose a password."""
    try:
        school = services.create_school(slug, name, services.parse_hosts(" ".join(hosts)))
        admin = create_invited_user(admin_email, admin_name, role="admin", school=school)
    except (services.SchoolRefused, AccountError) as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"Created the school {school.slug} ({school.name}) on {', '.join(services.hosts_of(school))}.")
    with services.acting_for(school):
        try:
            link = public_url("accounts.welcome", token=make_invitation_token(admin))
        except RuntimeError:  # development without LMS_BASE_URL: no address to put in a mail
            click.echo(f"Set LMS_BASE_URL to mail {admin.email} their invitation; until then, they choose a password "
                       "with 'Forgot your password?' on the school's log-in page.")
            return
        with force_locale(messages.language_for(admin)):
            messages.invitation(admin, _("You are the first administrator of %(school)s on Conductor.",
                                         school=school.name))
    click.echo(f"Invited its first admin {admin.email}, who has an e-mail with this link to choose a password: {link}")


@schools_cli.command("list")
@with_appcontext
def list_command() -> None:
    """Every school, its identifier and host names."""
    for school in services.all_schools():
        hosts = ", ".join(services.hosts_of(school)) or ("(every other host)" if school.slug == services.default_slug()
                                                        else "(none)")
        click.echo(f"{school.slug}\t{school.name}\t{hosts}")


@schools_cli.command("hosts")
@with_appcontext
@click.argument("slug")
@click.argument("hosts", nargs=-1, required=True)
def hosts_command(slug: str, hosts: tuple[str, ...]) -> None:
    """Set the host names a school answers on (the first is its own address)."""
    school = services.school_by_slug(slug)
    if school is None:
        _fail(f"No school has the identifier {slug!r}.")
    try:
        services.set_hosts(school, services.parse_hosts(" ".join(hosts)))
    except services.SchoolRefused as error:
        _fail(str(error))
    db.session.commit()
    click.echo(f"{school.slug} answers on {', '.join(services.hosts_of(school))}.")

"""Account commands: ``flask lms create-user`` and the demo accounts ``make run`` prints."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..extensions import db
from ..i18n import _
from . import services
from ..schools.services import school_by_slug
from .models import ROLES

DEMO_ACCOUNTS = [
    ("learner@example.com", "Demo Learner", "learner", "learner-demo-2026"),
    ("author@example.com", "Demo Author", "author", "author-demo-2026"),
    ("admin@example.com", "Demo Admin", "admin", "admin-demo-2026"),
]


@click.command("create-user")
@with_appcontext
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--school", "school_slug", default=None, help="The school's identifier (default: LMS_SCHOOL's).")
@click.option("--platform-admin", is_flag=True, help="An admin who also creates schools (implies --role admin).")
@click.password_option(help="Asked for when not given (and confirmed).")
def create_user_command(email: str, name: str, role: str, password: str, school_slug: str | None,
                        platform_admin: bool) -> None:
    """Create an account with a role (learner, instructor, author or admin) at a school."""
    if len(password) < 10:
        click.echo(_("The password needs at least 10 characters."), err=True)
        sys.exit(1)
    school = None
    if school_slug is not None:
        school = school_by_slug(school_slug)
        if school is None:
            click.echo(f"No school has the identifier {school_slug!r}.", err=True)
            sys.exit(1)
    try:
        user = services.create_user(email, name, password, "admin" if platform_admin else role, school=school,
                                    platform_admin=platform_admin)
    except services.AccountError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(_("Created %(role)s %(email)s.", role=user.role, email=user.email))


@click.command("demo-accounts")
@with_appcontext
def demo_accounts_command() -> None:
    """Create the demo learner, author and admin (if missing) and print how to log in."""
    for email, name, role, password in DEMO_ACCOUNTS:
        if services.find_user(email) is None:  # the demo admin runs the platform too: it may create schools
            services.create_user(email, name, password, role, platform_admin=role == "admin")
    course = _demo_author_course()
    db.session.commit()
    click.echo("Demo accounts (for local use only):")
    for email, _name, role, password in DEMO_ACCOUNTS:
        click.echo(f"  {role:<8} {email:<22} password: {password}")
    if course is None:
        click.echo("No course is loaded yet, so the demo author has none: run `flask lms sync`, then this again.")
    else:
        click.echo(f"The demo author writes {course.title!r} (admins assign more on the course's author page).")


def _demo_author_course():
    """Give the demo author the catalog's first course, so logging in as it shows something to edit;
    the demo admin assigns it, in the audit log like any assignment. Nothing changes once it has one."""
    from ..access import authored_courses
    from ..admin.services import add_author
    from ..catalog.services import visible_courses

    author, admin = (services.find_user(email) for email in ("author@example.com", "admin@example.com"))
    if author is None or admin is None or author.role != "author":
        return None
    mine = authored_courses(author)
    if mine:
        return mine[0]
    courses = visible_courses(admin)
    if not courses:
        return None
    add_author(admin, courses[0], author, "demo account")
    return courses[0]

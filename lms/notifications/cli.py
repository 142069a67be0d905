"""``flask lms reminders``: run by cron or a systemd timer (see docs/schools.md, "Reminders")."""
from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app
from flask.cli import with_appcontext


def _moment(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise click.BadParameter("give an ISO date-time, such as 2026-12-07T08:00:00+00:00") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@click.command("reminders")
@with_appcontext
@click.option("--now", "now_text", metavar="ISO", help="Act as if it were this UTC moment (tests, catching up).")
def reminders_command(now_text: str | None) -> None:
    """Send the deadline reminders that are due and any notification left unsent, each once."""
    from .reminders import run

    if not current_app.config.get("LMS_BASE_URL"):  # every mail links to the school's site
        raise click.UsageError("Set LMS_BASE_URL (the site's address, such as https://learn.example.org): reminders "
                               "link to the school's pages, and nothing was claimed or sent.")

    report = run(_moment(now_text))
    where = "queued on RQ" if current_app.config.get("LMS_REDIS_URL") else "sent"
    click.echo(f"{report.claimed} notification(s) claimed, {report.sent if where == 'sent' else report.claimed} {where}.")

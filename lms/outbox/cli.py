"""``flask lms outbox``: deliver what waits (run every minute by cron or a systemd timer), and see what waits."""
from __future__ import annotations

import click
from flask.cli import AppGroup

outbox_cli = AppGroup("outbox", help="Messages to other systems (learning record stores, gradebooks).")


@outbox_cli.command("deliver")
@click.option("--all", "everything", is_flag=True, help="Try every pending message now, due or not.")
@click.option("--kind", help="Only messages of this kind.")
def deliver_command(everything: bool, kind: str | None) -> None:
    """Deliver the pending messages whose next try is due."""
    from .services import deliver, due_ids

    ids = due_ids(kind=kind, ignore_due=everything)
    sent = deliver(ids, ignore_due=everything)
    click.echo(f"{sent} of {len(ids)} message(s) delivered.")


@outbox_cli.command("status")
def status_command() -> None:
    """How many messages of each kind wait, went out or were refused."""
    from .services import counts

    rows = counts()
    if not rows:
        click.echo("The outbox is empty.")
    for (kind, state), number in sorted(rows.items()):
        click.echo(f"{kind}\t{state}\t{number}")

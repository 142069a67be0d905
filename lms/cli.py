"""The ``flask lms`` command group, gathered from each feature's commands."""
from __future__ import annotations

from flask.cli import AppGroup

from .accounts.cli import create_user_command, demo_accounts_command
from .admissions.cli import admissions_cli
from .authoring.cli import export_command, sync_command
from .backups.cli import backup_command, restore_command
from .certificates.cli import certificates_cli, keys_cli
from .cohorts.cli import cohorts_cli
from .content.cli import check_command, curriculum_map_command
from .notifications.cli import reminders_command
from .outbox.cli import outbox_cli
from .quizzes.cli import interchange_cli
from .schools.cli import schools_cli

lms_cli = AppGroup("lms", help="Conductor: content, accounts, interchange, certificates, keys and backups.")
for command in (check_command, sync_command, export_command, curriculum_map_command, create_user_command,
                demo_accounts_command, *interchange_cli.commands.values(), keys_cli, certificates_cli,
                backup_command, restore_command, schools_cli, admissions_cli, cohorts_cli, reminders_command,
                outbox_cli):
    lms_cli.add_command(command)

"""On SQLite a migration run is one transaction with the foreign keys checked before it commits: a migration
that leaves a row pointing to nothing is undone whole (its tables, its rows and its version stamp), and the
connection goes back to the pool enforcing foreign keys again. (PostgreSQL checks keys as rows are written.)"""
from __future__ import annotations

import shutil

import pytest
from flask_migrate import upgrade
from sqlalchemy import inspect, text

from lms.extension import MIGRATIONS_DIR
from lms.extensions import db

DANGLING = '''"""a probe: a child row whose parent does not exist

Revision ID: 0099
Revises: {head}
"""
from alembic import op
import sqlalchemy as sa

revision = "0099"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("probe_parent", sa.Column("id", sa.Integer(), primary_key=True))
    op.create_table("probe_child", sa.Column("id", sa.Integer(), primary_key=True),
                    sa.Column("parent_id", sa.Integer(), sa.ForeignKey("probe_parent.id"), nullable=False))
    op.execute("INSERT INTO probe_child (id, parent_id) VALUES (1, 42)")


def downgrade():
    op.drop_table("probe_child")
    op.drop_table("probe_parent")
'''


def test_a_migration_that_leaves_a_dangling_row_is_undone_whole(make_app, tmp_path, capfd):
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, directory)
    head = sorted(path.name for path in (directory / "versions").glob("0*.py"))[-1].split("_")[0]
    (directory / "versions" / "0099_probe.py").write_text(DANGLING.format(head=head))
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'scratch.sqlite3'}")
    with app.app_context():
        upgrade(directory=str(directory), revision=head)
        with pytest.raises(SystemExit):  # Flask-Migrate logs the error and exits 1, as `flask db upgrade` does
            upgrade(directory=str(directory))
        logged = capfd.readouterr().err
        version = db.session.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        tables = set(inspect(db.engine).get_table_names())
        with db.engine.connect() as connection:
            enforced = connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
            in_legacy_mode = connection.connection.driver_connection.isolation_level is not None
    assert version == head and not {"probe_parent", "probe_child"} & tables
    assert enforced == 1 and in_legacy_mode  # the pooled connection is as the app expects it
    assert "point to nothing (table, row, parent): [('probe_child', 1, 'probe_parent')]; nothing was changed" in logged

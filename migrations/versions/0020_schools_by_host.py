"""schools by host: the host names each school answers on, accounts that belong to a school (one address may
hold an account at two schools), and platform administrators

Revision ID: 0020
Revises: 0017
"""
import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def _setting(name: str, default: str) -> str:
    """The site's setting (the app's config, which holds LMS_* from the environment and the caller's overrides);
    the environment alone when Alembic runs without the app."""
    try:
        from flask import current_app

        return current_app.config.get(name) or default
    except RuntimeError:  # no application context
        return os.environ.get(name) or default


def _home_school(connection) -> int | None:
    """The school existing accounts and audit entries belong to: the one the site served (``LMS_SCHOOL``), made
    if it is missing."""
    if connection.execute(sa.text("SELECT (SELECT COUNT(*) FROM users) + (SELECT COUNT(*) FROM audit_log)")).scalar() == 0:
        return None
    slug = _setting("LMS_SCHOOL", "default")
    found = connection.execute(sa.text("SELECT id FROM schools WHERE slug = :slug"), {"slug": slug}).scalar()
    if found is None:
        connection.execute(sa.text("INSERT INTO schools (slug, name, created_at, signatory) "
                                   "VALUES (:slug, :name, :now, :signatory)"),
                           {"slug": slug, "name": _setting("LMS_SCHOOL_NAME", "Conductor Academy"),
                            "now": datetime.now(UTC),
                            "signatory": _setting("LMS_CERTIFICATE_SIGNATORY", "Programme Director")})
        found = connection.execute(sa.text("SELECT id FROM schools WHERE slug = :slug"), {"slug": slug}).scalar()
    return found


def upgrade():
    op.create_table("school_hosts",
                    sa.Column("host", sa.String(length=253), nullable=False),
                    sa.Column("school_id", sa.Integer(), nullable=False),
                    sa.Column("position", sa.Integer(), server_default="0", nullable=False),
                    sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_school_hosts_school_id_schools"),
                                            ondelete="CASCADE"),
                    sa.PrimaryKeyConstraint("host", name=op.f("pk_school_hosts")))
    with op.batch_alter_table("school_hosts") as batch_op:
        batch_op.create_index(batch_op.f("ix_school_hosts_school_id"), ["school_id"], unique=False)

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("platform_admin", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_audit_log_school_id"), ["school_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_audit_log_school_id_schools"), "schools", ["school_id"], ["id"],
                                    ondelete="CASCADE")
    home = _home_school(op.get_bind())
    if home is not None:
        op.execute(sa.text("UPDATE users SET school_id = :school").bindparams(school=home))
        op.execute(sa.text("UPDATE audit_log SET school_id = :school").bindparams(school=home))
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_users_email"), type_="unique")
        batch_op.create_index(batch_op.f("ix_users_school_id"), ["school_id"], unique=False)
        batch_op.create_unique_constraint(batch_op.f("uq_users_school_id_email"), ["school_id", "email"])
        batch_op.create_foreign_key(batch_op.f("fk_users_school_id_schools"), "schools", ["school_id"], ["id"],
                                    ondelete="CASCADE")


def downgrade():
    # Back to one school, one account an address: refused while two schools hold accounts with one address, since
    # going back would have to delete one of them with everything it did (restore a backup taken before instead).
    shared = op.get_bind().execute(sa.text("SELECT email FROM users GROUP BY email HAVING COUNT(*) > 1 LIMIT 1")).scalar()
    if shared is not None:
        raise RuntimeError(f"Cannot downgrade below 0020: several schools have an account with the address {shared}. "
                           "Restore a backup taken before upgrading instead (flask lms restore).")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_school_id_schools"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_users_school_id_email"), type_="unique")
        batch_op.drop_index(batch_op.f("ix_users_school_id"))
        batch_op.create_unique_constraint(batch_op.f("uq_users_email"), ["email"])
        batch_op.drop_column("platform_admin")
        batch_op.drop_column("school_id")
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_audit_log_school_id_schools"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_audit_log_school_id"))
        batch_op.drop_column("school_id")
    with op.batch_alter_table("school_hosts") as batch_op:
        batch_op.drop_index(batch_op.f("ix_school_hosts_school_id"))
    op.drop_table("school_hosts")

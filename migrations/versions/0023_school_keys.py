"""school keys: each school signs its credentials with its own keys (existing keys stay the ``LMS_SCHOOL``
school's), and a certificate keeps the accent colour it was issued with

Revision ID: 0023
Revises: 0022
"""
import os
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None



def _setting(name: str, default: str) -> str:
    """The site's setting (the app's config: LMS_* from the environment and the caller's overrides); the
    environment alone when Alembic runs without the app."""
    try:
        from flask import current_app

        return current_app.config.get(name) or default
    except RuntimeError:  # no application context
        return os.environ.get(name) or default

def _home_school(connection) -> int | None:
    """The school the keys registered so far belong to: the one the site served (``LMS_SCHOOL``), whose
    credentials they signed; made if it is missing."""
    if connection.execute(sa.text("SELECT COUNT(*) FROM signing_keys")).scalar() == 0:
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
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.add_column(sa.Column("accent", sa.String(length=7), server_default="", nullable=False))
    with op.batch_alter_table("signing_keys") as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
    home = _home_school(op.get_bind())
    if home is not None:
        op.execute(sa.text("UPDATE signing_keys SET school_id = :school").bindparams(school=home))
    with op.batch_alter_table("signing_keys") as batch_op:
        batch_op.alter_column("school_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f("uq_signing_keys_serial"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_signing_keys_school_id_serial"), ["school_id", "serial"])
        batch_op.create_index(batch_op.f("ix_signing_keys_school_id"), ["school_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_signing_keys_school_id_schools"), "schools", ["school_id"],
                                    ["id"])


def downgrade():
    # Keys of the other schools cannot stay: one key set again, the LMS_SCHOOL school's.
    slug = _setting("LMS_SCHOOL", "default")
    op.execute(sa.text("DELETE FROM signing_keys WHERE school_id <> (SELECT id FROM schools WHERE slug = :slug)")
               .bindparams(slug=slug))
    with op.batch_alter_table("signing_keys") as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_signing_keys_school_id_schools"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_signing_keys_school_id"))
        batch_op.drop_constraint(batch_op.f("uq_signing_keys_school_id_serial"), type_="unique")
        batch_op.create_unique_constraint(batch_op.f("uq_signing_keys_serial"), ["serial"])
        batch_op.drop_column("school_id")
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_column("accent")

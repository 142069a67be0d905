"""course outline hash: the key of the per-process outline cache

Revision ID: 0002
Revises: 0001
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("outline_hash", sa.String(length=64), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("courses") as batch:
        batch.drop_column("outline_hash")

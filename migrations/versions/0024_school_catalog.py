"""school catalog: the shared courses a school offers besides its programmes' and its own ("[]": every one)

Revision ID: 0024
Revises: 0023
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("schools") as batch_op:
        batch_op.add_column(sa.Column("catalog", sa.Text(), nullable=False, server_default="[]"))


def downgrade():
    with op.batch_alter_table("schools") as batch_op:
        batch_op.drop_column("catalog")

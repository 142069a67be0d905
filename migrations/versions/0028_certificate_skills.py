"""certificate skills: the skills a certificate evidenced when issued (its Open Badges alignments), kept as issued;
certificates issued before keep none (their alignments are the content's current ones)

Revision ID: 0028
Revises: 0027
"""
import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.add_column(sa.Column("skills", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_column("skills")

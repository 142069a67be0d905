"""login sessions name the device they were opened on (its browser's user agent), for the sessions page

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 13:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    # Sessions opened before this revision have no device: the page shows "a device not recorded".
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_agent', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('login_sessions', schema=None) as batch_op:
        batch_op.drop_column('user_agent')

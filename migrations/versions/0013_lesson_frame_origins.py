"""lesson frame origins: the video hosts a lesson embeds, for its page's Content-Security-Policy frame-src

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    # Empty for every existing lesson: no lesson could embed a video before; the next sync re-renders
    # every file (RENDERER_VERSION 4) and fills it where a lesson has one.
    with op.batch_alter_table("lessons") as batch:
        batch.add_column(sa.Column("frame_origins", sa.Text(), nullable=False, server_default=""))


def downgrade():
    with op.batch_alter_table("lessons") as batch:
        batch.drop_column("frame_origins")

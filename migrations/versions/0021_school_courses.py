"""school courses: a course a school owns (course.md's ``school``), offered on that school's site only

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("courses") as batch_op:
        batch_op.add_column(sa.Column("school_slug", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_courses_school_slug"), ["school_slug"], unique=False)


def downgrade():
    with op.batch_alter_table("courses") as batch_op:
        batch_op.drop_index(batch_op.f("ix_courses_school_slug"))
        batch_op.drop_column("school_slug")

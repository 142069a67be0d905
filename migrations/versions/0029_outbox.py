"""outbox: messages to other systems (learning record stores, gradebooks), kept until delivered

Revision ID: 0029
Revises: 0028
"""
import sqlalchemy as sa
from alembic import op


revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.CheckConstraint("state IN ('pending', 'sent', 'failed')", name=op.f("ck_outbox_messages_state")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_outbox_messages_school_id_schools"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("kind", "key", name=op.f("uq_outbox_messages_kind_key")),
    )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_school_id"), ["school_id"], unique=False)
        batch_op.create_index("ix_outbox_messages_due", ["state", "due_at"], unique=False)


def downgrade():
    op.drop_table("outbox_messages")

"""notifications: one row per mail a learner is owed (a deadline reminder, a certificate issued), claimed once;
and the learner's choice to receive no deadline reminders

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("reminders_off", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "notifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(length=300), nullable=False),
        sa.CheckConstraint("kind IN ('deadline_7d', 'deadline_1d', 'deadline_missed', 'certificate_issued')",
                           name=op.f("ck_notifications_kind")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_notifications_school_id_schools"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notifications_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notifications")),
        sa.UniqueConstraint("user_id", "kind", "subject_id", name=op.f("uq_notifications_user_id_kind_subject_id")),
    )
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.create_index("ix_notifications_unsent", ["school_id"], unique=False,
                              sqlite_where=sa.text("sent_at IS NULL"), postgresql_where=sa.text("sent_at IS NULL"))


def downgrade():
    with op.batch_alter_table("notifications") as batch_op:
        batch_op.drop_index("ix_notifications_unsent")
    op.drop_table("notifications")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("reminders_off")

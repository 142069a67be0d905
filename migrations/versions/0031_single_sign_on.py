"""single sign-on: a school's OpenID Connect providers, the accounts each signs in, and whether the school keeps
local passwords

Revision ID: 0031
Revises: 0030
"""
import sqlalchemy as sa
from alembic import op


revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "identity_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=255), nullable=False),
        sa.Column("client_secret", sa.Text(), nullable=False),
        sa.Column("scopes", sa.String(length=255), nullable=False),
        sa.Column("creates_accounts", sa.Boolean(), nullable=False),
        sa.Column("links_by_email", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("version >= 1", name=op.f("ck_identity_providers_version")),
        sa.ForeignKeyConstraint(["school_id"], ["schools.id"], name=op.f("fk_identity_providers_school_id_schools"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_providers")),
    )
    op.create_index(op.f("ix_identity_providers_school_id"), "identity_providers", ["school_id"])
    op.create_table(
        "identity_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider_id", sa.Integer(), nullable=False),
        sa.Column("sub", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["provider_id"], ["identity_providers.id"],
                                name=op.f("fk_identity_links_provider_id_identity_providers"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_identity_links_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_links")),
        sa.UniqueConstraint("provider_id", "sub", name=op.f("uq_identity_links_provider_id_sub")),
        sa.UniqueConstraint("provider_id", "user_id", name=op.f("uq_identity_links_provider_id_user_id")),
    )
    op.create_index(op.f("ix_identity_links_provider_id"), "identity_links", ["provider_id"])
    op.create_index(op.f("ix_identity_links_user_id"), "identity_links", ["user_id"])
    with op.batch_alter_table("schools") as batch_op:
        batch_op.add_column(sa.Column("local_passwords", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade():
    with op.batch_alter_table("schools") as batch_op:
        batch_op.drop_column("local_passwords")
    op.drop_table("identity_links")
    op.drop_table("identity_providers")

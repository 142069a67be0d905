"""signing keys' public halves registered in the database, so every server publishes the same set

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # Keys already in a server's folder are registered on first use (`flask lms keys list`, a JWKS
    # request or a signature): a migration cannot see the folders of the other servers.
    op.create_table('signing_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('serial', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('jwk', sa.Text(), nullable=False),
    sa.Column('created', sa.String(length=32), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('serial >= 1', name=op.f('ck_signing_keys_serial')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signing_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_signing_keys_kid')),
    sa.UniqueConstraint('serial', name=op.f('uq_signing_keys_serial'))
    )


def downgrade():
    op.drop_table('signing_keys')

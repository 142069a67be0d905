"""personal data: a learner's request to delete their account, decided by a school admin

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 00:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deletion_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.CheckConstraint("state IN ('pending', 'cancelled', 'refused', 'confirmed')", name=op.f('ck_deletion_requests_state')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_deletion_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_deletion_requests_school_id_schools')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_deletion_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deletion_requests')),
    sa.UniqueConstraint('school_id', 'user_id', name=op.f('uq_deletion_requests_school_id_user_id'))
    )
    op.create_index(op.f('ix_deletion_requests_school_id'), 'deletion_requests', ['school_id'], unique=False)
    op.create_index(op.f('ix_deletion_requests_state'), 'deletion_requests', ['state'], unique=False)
    op.create_index(op.f('ix_deletion_requests_user_id'), 'deletion_requests', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_deletion_requests_user_id'), table_name='deletion_requests')
    op.drop_index(op.f('ix_deletion_requests_state'), table_name='deletion_requests')
    op.drop_index(op.f('ix_deletion_requests_school_id'), table_name='deletion_requests')
    op.drop_table('deletion_requests')

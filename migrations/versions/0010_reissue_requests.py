"""reissue requests: a learner asks for a certificate with their new name, an admin decides

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('reissue_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.Column('replacement_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("state IN ('pending', 'approved', 'declined')", name=op.f('ck_reissue_requests_state')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_reissue_requests_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_reissue_requests_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replacement_id'], ['certificates.id'], name=op.f('fk_reissue_requests_replacement_id_certificates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_reissue_requests_school_id_schools')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_reissue_requests_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reissue_requests')),
    sa.UniqueConstraint('certificate_id', name=op.f('uq_reissue_requests_certificate_id'))
    )
    op.create_index(op.f('ix_reissue_requests_school_id'), 'reissue_requests', ['school_id'], unique=False)
    op.create_index(op.f('ix_reissue_requests_state'), 'reissue_requests', ['state'], unique=False)
    op.create_index(op.f('ix_reissue_requests_user_id'), 'reissue_requests', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_reissue_requests_user_id'), table_name='reissue_requests')
    op.drop_index(op.f('ix_reissue_requests_state'), table_name='reissue_requests')
    op.drop_index(op.f('ix_reissue_requests_school_id'), table_name='reissue_requests')
    op.drop_table('reissue_requests')

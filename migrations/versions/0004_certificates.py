"""certificates: what each certificate said when issued, its revocation, and the reissue chain

One certificate per learner, school and course (or programme) and generation, so completions racing on
several workers issue generation 1 once; a reissue adds the next generation and revokes the old one.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 11:23:12.394140

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.String(length=64), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('programme_id', sa.Integer(), nullable=True),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('holder_name', sa.String(length=120), nullable=False),
    sa.Column('achievement_slug', sa.String(length=100), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('criteria', sa.Text(), nullable=False),
    sa.Column('hours', sa.Numeric(precision=6, scale=1), nullable=False),
    sa.Column('content_version', sa.String(length=64), nullable=False),
    sa.Column('school_name', sa.String(length=200), nullable=False),
    sa.Column('signatory', sa.String(length=200), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revocation_reason', sa.Text(), nullable=False),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("(kind = 'course' AND programme_id IS NULL) OR (kind = 'programme' AND course_id IS NULL)", name=op.f('ck_certificates_one_achievement')),
    sa.CheckConstraint("kind IN ('course', 'programme')", name=op.f('ck_certificates_kind')),
    sa.CheckConstraint('generation >= 1', name=op.f('ck_certificates_generation')),
    sa.CheckConstraint('hours >= 0', name=op.f('ck_certificates_hours')),
    sa.CheckConstraint('replaced_by_id IS NULL OR revoked_at IS NOT NULL', name=op.f('ck_certificates_replaced_is_revoked')),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_certificates_course_id_courses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['issued_by_id'], ['users.id'], name=op.f('fk_certificates_issued_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['programme_id'], ['programmes.id'], name=op.f('fk_certificates_programme_id_programmes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['replaced_by_id'], ['certificates.id'], name=op.f('fk_certificates_replaced_by_id_certificates'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_certificates_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_certificates_school_id_schools')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_certificates_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('credential_id', name=op.f('uq_certificates_credential_id')),
    sa.UniqueConstraint('school_id', 'user_id', 'course_id', 'generation', name=op.f('uq_certificates_school_id_user_id_course_id_generation')),
    sa.UniqueConstraint('school_id', 'user_id', 'programme_id', 'generation', name=op.f('uq_certificates_school_id_user_id_programme_id_generation'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_school_id'), ['school_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_user_id'))
        batch_op.drop_index(batch_op.f('ix_certificates_school_id'))

    op.drop_table('certificates')

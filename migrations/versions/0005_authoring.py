"""authoring: course authors, the source of every content file with its revisions, the audit log

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 11:23:05.003802

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=500), nullable=False),
    sa.Column('synced_hash', sa.String(length=64), nullable=True),
    sa.Column('head_number', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=True),
    sa.Column('live_number', sa.Integer(), nullable=True),
    sa.Column('live_hash', sa.String(length=64), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_files')),
    sa.UniqueConstraint('path', name=op.f('uq_content_files_path'))
    )
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('target_type', sa.String(length=40), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('target_label', sa.String(length=300), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_audit_log_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_created_at'), ['created_at'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_id'], unique=False)

    op.create_table('content_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('file_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=True),
    sa.Column('hash', sa.String(length=64), nullable=True),
    sa.Column('origin', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("origin IN ('sync', 'edit', 'create', 'restore', 'move', 'upload', 'delete')", name=op.f('ck_content_revisions_origin')),
    sa.CheckConstraint('(data IS NULL) = (hash IS NULL)', name=op.f('ck_content_revisions_deletion')),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_content_revisions_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['file_id'], ['content_files.id'], name=op.f('fk_content_revisions_file_id_content_files'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_revisions')),
    sa.UniqueConstraint('file_id', 'number', name=op.f('uq_content_revisions_file_id_number'))
    )
    op.create_table('course_authors',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_by_id', sa.Integer(), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'], name=op.f('fk_course_authors_assigned_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_course_authors_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_course_authors_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', 'user_id', name=op.f('pk_course_authors'))
    )
    with op.batch_alter_table('course_authors', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_course_authors_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('course_authors', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_course_authors_user_id'))

    op.drop_table('course_authors')
    op.drop_table('content_revisions')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_target')
        batch_op.drop_index(batch_op.f('ix_audit_log_created_at'))
        batch_op.drop_index(batch_op.f('ix_audit_log_action'))

    op.drop_table('audit_log')
    op.drop_table('content_files')

"""portfolios: a learner's published page (off, a private link, or public) and the submissions it shows

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('portfolios',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('school_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('visibility', sa.String(length=8), nullable=False),
    sa.Column('token', sa.String(length=43), nullable=False),
    sa.Column('headline', sa.String(length=200), nullable=False),
    sa.Column('show_skills', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("visibility IN ('off', 'link', 'public')", name=op.f('ck_portfolios_visibility')),
    sa.ForeignKeyConstraint(['school_id'], ['schools.id'], name=op.f('fk_portfolios_school_id_schools'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_portfolios_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_portfolios')),
    sa.UniqueConstraint('token', name=op.f('uq_portfolios_token')),
    sa.UniqueConstraint('user_id', name=op.f('uq_portfolios_user_id'))
    )
    with op.batch_alter_table('portfolios', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portfolios_school_id'), ['school_id'], unique=False)

    op.create_table('portfolio_submissions',
    sa.Column('portfolio_id', sa.Integer(), nullable=False),
    sa.Column('submission_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['portfolio_id'], ['portfolios.id'], name=op.f('fk_portfolio_submissions_portfolio_id_portfolios'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submission_id'], ['submissions.id'], name=op.f('fk_portfolio_submissions_submission_id_submissions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('portfolio_id', 'submission_id', name=op.f('pk_portfolio_submissions'))
    )


def downgrade():
    op.drop_table('portfolio_submissions')
    with op.batch_alter_table('portfolios', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portfolios_school_id'))

    op.drop_table('portfolios')

"""school settings edited by admins: short name, accent colour, signatory and title, contact, footer links,
an uploaded logo; certificates keep the signatory title and logo they were issued with

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('school_logos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('media_type', sa.String(length=32), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_school_logos'))
    )
    # Existing schools keep their name; the other settings start empty and fall back to LMS_* until edited.
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.add_column(sa.Column('short_name', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('accent', sa.String(length=7), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signatory', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('signatory_title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact_email', sa.String(length=254), server_default='', nullable=False))
        batch_op.add_column(sa.Column('footer_links', sa.Text(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('logo_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('settings_version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_schools_logo_id_school_logos'), 'school_logos', ['logo_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatory_title', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('logo_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_certificates_logo_id_school_logos'), 'school_logos', ['logo_id'],
                                    ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificates_logo_id_school_logos'), type_='foreignkey')
        batch_op.drop_column('logo_id')
        batch_op.drop_column('signatory_title')
    with op.batch_alter_table('schools', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_schools_logo_id_school_logos'), type_='foreignkey')
        for column in ('settings_version', 'logo_id', 'footer_links', 'contact_email', 'signatory_title', 'signatory',
                       'accent', 'short_name'):
            batch_op.drop_column(column)
    op.drop_table('school_logos')

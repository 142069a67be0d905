"""certificates: a random index in the revocation list (status_index), no longer the id

Existing certificates get random, distinct indexes within their school's list; their id is kept as
legacy_status_index, because credentials already handed out carry it: revoking one sets both bits.
No new index ever lands on a legacy one.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 10:00:00.000000

"""
import random
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

STATUS_LIST_BITS = 131072  # as lms/certificates/models.py, copied: a migration never imports the app


def list_size(entries: int) -> int:
    return STATUS_LIST_BITS * max(1, -(-4 * entries // STATUS_LIST_BITS))


def upgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_index', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('legacy_status_index', sa.Integer(), nullable=True))

    connection = op.get_bind()
    by_school = defaultdict(list)
    for certificate_id, school_id in connection.execute(sa.text("SELECT id, school_id FROM certificates")):
        by_school[school_id].append(certificate_id)
    draw = random.SystemRandom()
    rows = []
    for ids in by_school.values():
        taken = set(ids)  # the legacy indexes, which keep their bits
        size = list_size(2 * len(ids))  # room for the legacy indexes and the new ones, at most half full
        chosen = set()
        while len(chosen) < len(ids):
            index = draw.randrange(size)
            if index not in taken:
                chosen.add(index)
                taken.add(index)
        shuffled = list(chosen)
        draw.shuffle(shuffled)
        rows += [{"id": certificate_id, "index": index} for certificate_id, index in zip(ids, shuffled)]
    if rows:
        connection.execute(sa.text("UPDATE certificates SET status_index = :index, legacy_status_index = id "
                                   "WHERE id = :id"), rows)

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.alter_column('status_index', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_certificates_school_id_status_index'), ['school_id', 'status_index'])
        batch_op.create_check_constraint(batch_op.f('ck_certificates_status_index'), 'status_index >= 0')


def downgrade():
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_certificates_status_index'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_certificates_school_id_status_index'), type_='unique')
        batch_op.drop_column('legacy_status_index')
        batch_op.drop_column('status_index')

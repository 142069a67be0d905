"""languages: a learner's interface language, the school's default one, course translations, and the
language a certificate was issued in

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    # Existing learners have no preference (their browser decides), schools take LMS_DEFAULT_LANGUAGE,
    # courses are nobody's translation, and every certificate so far was issued in English.
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=8), nullable=True))
    with op.batch_alter_table("schools") as batch:
        batch.add_column(sa.Column("default_language", sa.String(length=8), nullable=False, server_default=""))
    with op.batch_alter_table("courses") as batch:
        batch.add_column(sa.Column("translation_of", sa.String(length=100), nullable=True))
        batch.create_index(batch.f("ix_courses_translation_of"), ["translation_of"], unique=False)
    with op.batch_alter_table("certificates") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))


def downgrade():
    with op.batch_alter_table("certificates") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("courses") as batch:
        batch.drop_index(batch.f("ix_courses_translation_of"))
        batch.drop_column("translation_of")
    with op.batch_alter_table("schools") as batch:
        batch.drop_column("default_language")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("locale")

"""the full-text search index: an FTS5 table on SQLite, a tsvector column with a GIN index on PostgreSQL

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 14:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    # Not a model: lms/search/services.py reads and writes it in SQL; the next sync fills it.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE TABLE search_index (
                id serial PRIMARY KEY,
                kind varchar(16) NOT NULL,
                ref_id integer NOT NULL,
                course_id integer NOT NULL,
                title text NOT NULL,
                body text NOT NULL,
                document tsvector GENERATED ALWAYS AS (
                    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')
                ) STORED
            )""")
        op.execute("CREATE INDEX ix_search_index_document ON search_index USING gin (document)")
        op.execute("CREATE INDEX ix_search_index_course_id ON search_index (course_id)")
    else:
        # The text in FTS5; what a hit is (and the course that filters it) in a plain table joined on
        # rowid, since filtering on an FTS5 column reads each matching row's whole text.
        op.execute("CREATE VIRTUAL TABLE search_index USING fts5(title, body, tokenize = 'porter unicode61')")
        op.execute("CREATE TABLE search_index_docs (id INTEGER PRIMARY KEY, kind VARCHAR(16) NOT NULL, "
                   "ref_id INTEGER NOT NULL, course_id INTEGER NOT NULL)")
        op.execute("CREATE INDEX ix_search_index_docs_course_id ON search_index_docs (course_id)")


def downgrade():
    op.execute("DROP TABLE search_index")
    if op.get_bind().dialect.name != "postgresql":
        op.execute("DROP TABLE search_index_docs")

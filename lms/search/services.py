"""One search service over two engines: SQLite's FTS5 and PostgreSQL's full-text search.

The index (table ``search_index``, made by migration 0009) holds the plain text of every live course
and lesson, published or not; a query is filtered to the courses ``catalog.services.visible_courses``
gives the reader, so the visibility rule is the catalog's own. Snippets come back from the engine
with two control characters around each match: the text is escaped first, then the marks become
``<mark>``, so nothing in a lesson can inject markup.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

import nh3
from markupsafe import Markup, escape
from sqlalchemy import bindparam, text

from ..accounts.models import User
from ..catalog.models import Course, Lesson
from ..catalog.services import visible_courses
from ..extensions import db
from ..i18n import _

TABLE = "search_index"
DOCS = "search_index_docs"  # SQLite only: what each FTS5 row is, joined on its rowid
MAX_QUERY = 200  # characters
MAX_TERMS = 12
PER_PAGE = 10
MAX_PAGE = 100
START, STOP = "\x02", "\x03"
_WORDS = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def is_index_table(name: str) -> bool:
    """The index and, on SQLite, FTS5's shadow tables: not models, so autogenerate leaves them alone."""
    return name == TABLE or name.startswith(TABLE + "_")


@dataclass(frozen=True)
class Hit:
    kind: str  # "course" or "lesson"
    title: str
    course_slug: str
    course_title: str
    lesson_slug: str | None
    snippet: Markup
    language: str = "en"  # the course's: its title, its lessons' and the snippet are in it


@dataclass(frozen=True)
class Results:
    query: str
    hits: list[Hit]
    total: int
    page: int
    pages: int


class QueryTooLong(ValueError):
    pass


def plain_text(*html: str) -> str:
    """The readable text of rendered HTML: tags dropped (scripts and styles with their content)."""
    joined = " ".join(unescape(nh3.clean(part or "", tags=set())) for part in html)
    return _SPACES.sub(" ", joined.replace(START, "").replace(STOP, "")).strip()


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def index_is_empty() -> bool:
    return db.session.execute(text(f"SELECT 1 FROM {TABLE} LIMIT 1")).first() is None


def rebuild_index() -> int:
    """Replace the whole index with the live courses and lessons; flushes, never commits. Returns the rows."""
    rows = []
    courses = db.session.execute(db.select(Course).where(Course.retired.is_(False))).scalars()
    for course in courses:
        rows.append({"kind": "course", "ref_id": course.id, "course_id": course.id, "title": course.title,
                     "body": plain_text(course.summary, course.overview_html)})
    lessons = db.session.execute(db.select(Lesson.id, Lesson.course_id, Lesson.title, Lesson.summary, Lesson.body_html)
                                 .where(Lesson.retired.is_(False)))
    for lesson_id, course_id, title, summary, body in lessons:
        rows.append({"kind": "lesson", "ref_id": lesson_id, "course_id": course_id, "title": title,
                     "body": plain_text(summary, body)})
    db.session.execute(text(f"DELETE FROM {TABLE}"))
    if _dialect() == "postgresql":
        if rows:
            db.session.execute(text(f"INSERT INTO {TABLE} (kind, ref_id, course_id, title, body) "
                                    "VALUES (:kind, :ref_id, :course_id, :title, :body)"), rows)
        return len(rows)
    db.session.execute(text(f"DELETE FROM {DOCS}"))
    for number, row in enumerate(rows, start=1):
        row["id"] = number
    if rows:
        db.session.execute(text(f"INSERT INTO {DOCS} (id, kind, ref_id, course_id) VALUES (:id, :kind, :ref_id, :course_id)"), rows)
        db.session.execute(text(f"INSERT INTO {TABLE} (rowid, title, body) VALUES (:id, :title, :body)"), rows)
    return len(rows)


def mark(snippet: str) -> Markup:
    """Escape everything, then turn the engine's match marks into ``<mark>``."""
    escaped = str(escape(snippet))
    return Markup(escaped.replace(START, "<mark>").replace(STOP, "</mark>"))


def _fts5_query(query: str) -> str:
    """Each word quoted, so FTS5 syntax in a query is only ever text; all words must match."""
    return " ".join(f'"{word}"' for word in _WORDS.findall(query)[:MAX_TERMS])


_SQLITE = f"""
    FROM {TABLE} JOIN {DOCS} AS docs ON docs.id = {TABLE}.rowid WHERE {TABLE} MATCH :match AND docs.course_id IN :ids"""
_POSTGRES = f"""
    FROM {TABLE} WHERE document @@ websearch_to_tsquery('english', :match) AND course_id IN :ids"""


def search(query: str, user: User | None, page: int = 1) -> Results:
    """The reader's page of hits for ``query``; raises QueryTooLong past MAX_QUERY characters."""
    query = query.strip()
    if len(query) > MAX_QUERY:
        raise QueryTooLong(_("Search for at most %(max)d characters.", max=MAX_QUERY))
    page = min(max(page, 1), MAX_PAGE)
    courses = {course.id: course for course in visible_courses(user)}
    postgres = _dialect() == "postgresql"
    match = " ".join(_WORDS.findall(query)[:MAX_TERMS]) if postgres else _fts5_query(query)
    if not match or not courses:
        return Results(query, [], 0, page, 0)
    params = {"match": match, "ids": list(courses), "limit": PER_PAGE, "offset": (page - 1) * PER_PAGE}
    where = _POSTGRES if postgres else _SQLITE
    if postgres:
        select = ("SELECT kind, ref_id, course_id, title, ts_headline('english', body, "
                  "websearch_to_tsquery('english', :match), :options)" + where +
                  " ORDER BY ts_rank(document, websearch_to_tsquery('english', :match)) DESC, kind, ref_id")
        params["options"] = (f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
                             "FragmentDelimiter=\" … \"")
    else:
        select = (f"SELECT docs.kind, docs.ref_id, docs.course_id, {TABLE}.title, "
                  f"snippet({TABLE}, 1, :start, :stop, ' … ', 24)" + where +
                  f" ORDER BY bm25({TABLE}, 10.0, 1.0), docs.kind, docs.ref_id")
        params.update(start=START, stop=STOP)
    ids = bindparam("ids", expanding=True)
    total = db.session.execute(text("SELECT count(*)" + where).bindparams(ids),
                               {"match": match, "ids": list(courses)}).scalar_one()
    rows = db.session.execute(text(select + " LIMIT :limit OFFSET :offset").bindparams(ids), params).all()
    lesson_slugs = dict(db.session.execute(db.select(Lesson.id, Lesson.slug).where(
        Lesson.id.in_([row.ref_id for row in rows if row.kind == "lesson"]))).all())
    hits = []
    for kind, ref_id, course_id, title, snippet in rows:
        course = courses[course_id]
        hits.append(Hit(kind, title, course.slug, course.title, lesson_slugs.get(ref_id) if kind == "lesson" else None,
                        mark(snippet or ""), course.language))
    return Results(query, hits, total, page, -(-total // PER_PAGE))

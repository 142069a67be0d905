"""The file store: revisions in, the published tree out. Every change to a source file goes through
``add_revision`` and ``publish_head``, so a file's head and live columns always match its revisions."""
from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from sqlalchemy import and_, text, update
from sqlalchemy.orm import defer, selectinload

from ..accounts.models import User
from ..catalog.models import Course
from ..content.sync import SyncReport, sync_content
from ..db import utcnow
from ..extensions import db
from ..schools.models import School
from .models import SourceFile, SourceRevision

# The folders of a content tree; everything else in the content directory is not content.
TREE_FOLDERS = ("courses", "quizzes", "assignments")
# Any fixed number: the key of PostgreSQL's advisory lock that serialises syncs and publishes.
CONTENT_LOCK = 640_217


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def lock_content() -> None:
    """Serialise every change to the live tree (sync, publish, move) for the rest of the transaction,
    so two publishes never load trees that each lack the other's edit."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": CONTENT_LOCK})
    else:  # a write takes SQLite's one writer lock until commit
        db.session.execute(update(SourceFile).where(SourceFile.id < 0).values(head_number=SourceFile.head_number))


def file_at(path: str) -> SourceFile | None:
    return db.session.execute(db.select(SourceFile).filter_by(path=path)).scalar_one_or_none()


def file_for_update(path: str) -> SourceFile:
    """The file at ``path``, created (without revisions) when the tree has none there yet."""
    found = file_at(path)
    if found is None:
        found = SourceFile(path=path, head_number=0)
        db.session.add(found)
        db.session.flush()
    return found


def add_revision(file: SourceFile, data: bytes | None, origin: str, author: User | None = None, note: str = "",
                 publish: bool = False, flush: bool = True) -> SourceRevision:
    """Append a revision (None deletes the file); ``publish`` makes it the live version at once."""
    now = utcnow()
    revision = SourceRevision(file_id=file.id, number=file.head_number + 1, data=data,
                              hash=None if data is None else content_hash(data), origin=origin, note=note[:300],
                              author_id=author.id if author is not None else None, created_at=now,
                              published_at=now if publish else None)
    db.session.add(revision)
    file.head_number, file.head_hash, file.updated_at = revision.number, revision.hash, now
    if publish:
        file.live_number, file.live_hash = revision.number, revision.hash
    if flush:
        db.session.flush()
    return revision


def publish_head(file: SourceFile) -> bool:
    """Make the latest revision the live one; returns whether anything changed."""
    if file.live_number == file.head_number:
        return False
    head = revision_of(file, file.head_number)
    if head is not None and head.published_at is None:
        head.published_at = utcnow()
    file.live_number, file.live_hash = file.head_number, file.head_hash
    return True


def revision_of(file: SourceFile, number: int | None) -> SourceRevision | None:
    if not number:
        return None
    return db.session.execute(db.select(SourceRevision).filter_by(file_id=file.id, number=number)).scalar_one_or_none()


def head_revision(file: SourceFile) -> SourceRevision | None:
    return revision_of(file, file.head_number)


def live_revision(file: SourceFile) -> SourceRevision | None:
    return revision_of(file, file.live_number)


def live_files(prefix: str | None = None) -> Iterator[tuple[str, bytes]]:
    """Every published file as (path, bytes), read in batches so memory stays flat."""
    query = (db.select(SourceFile.path, SourceRevision.data)
             .join(SourceRevision, and_(SourceRevision.file_id == SourceFile.id,
                                        SourceRevision.number == SourceFile.live_number))
             .where(SourceRevision.data.is_not(None)).order_by(SourceFile.path))
    if prefix:
        query = query.where(SourceFile.path.startswith(prefix, autoescape=True))
    for path, data in db.session.execute(query.execution_options(yield_per=200)):
        yield path, data


def live_data(path: str) -> bytes | None:
    found = file_at(path)
    revision = live_revision(found) if found is not None else None
    return revision.data if revision is not None else None


def write_tree(root: Path, files: Iterator[tuple[str, bytes]] | Mapping[str, bytes]) -> int:
    """Write (path, bytes) pairs under ``root``; paths are checked to stay inside the tree."""
    count = 0
    for path, data in (files.items() if isinstance(files, Mapping) else files):
        target = root / safe_relative(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        count += 1
    return count


def safe_relative(path: str) -> PurePosixPath:
    """A content path as stored: relative, under courses/, quizzes/ or assignments/, never climbing out."""
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts or not pure.parts or pure.parts[0] not in TREE_FOLDERS:
        raise ValueError(f"not a content path: {path!r}")
    return pure


@contextmanager
def live_tree(overrides: Mapping[str, bytes | None] | None = None) -> Iterator[Path]:
    """The published tree written to a temporary folder, with ``overrides`` (None removes a file)."""
    overrides = dict(overrides or {})
    with tempfile.TemporaryDirectory(prefix="conductor-tree-") as folder:
        root = Path(folder)
        write_tree(root, ((path, data) for path, data in live_files() if path not in overrides))
        write_tree(root, {path: data for path, data in overrides.items() if data is not None})
        yield root


def apply_live(school: School) -> SyncReport:
    """Load the database's published tree through the one validation and sync code path."""
    with live_tree() as root:
        return sync_content(root, school, from_site=True)


def course_folder(course: Course) -> str:
    """The folder of ``courses/`` the course was read from (its slug may differ, by ``id:``)."""
    return PurePosixPath(course.source_path).parent.name


def course_prefixes(course: Course) -> tuple[str, ...]:
    """Where a course's files live: its folder, its quizzes under its folder name or slug, its assignments
    under its folder name."""
    folder = course_folder(course)
    return tuple(dict.fromkeys((f"courses/{folder}/", f"quizzes/{folder}/", f"quizzes/{course.slug}/",
                                f"assignments/{folder}/")))


def course_files(course: Course, include_gone: bool = False) -> list[SourceFile]:
    """The course's files, ordered by path; gone ones (deleted and published) only when asked."""
    query = db.select(SourceFile).where(db.or_(*(SourceFile.path.startswith(p, autoescape=True)
                                                for p in course_prefixes(course))))
    if not include_gone:
        query = query.where(db.or_(SourceFile.head_hash.is_not(None), SourceFile.live_hash.is_not(None)))
    return list(db.session.execute(query.order_by(SourceFile.path)).scalars())


def belongs_to(course: Course, path: str) -> bool:
    return path.startswith(course_prefixes(course))


def revisions_of(file: SourceFile) -> list[SourceRevision]:
    """A file's revisions, newest first, without their text (the history page lists them)."""
    return list(db.session.execute(
        db.select(SourceRevision).filter_by(file_id=file.id).order_by(SourceRevision.number.desc())
        .options(defer(SourceRevision.data), selectinload(SourceRevision.author))).scalars())

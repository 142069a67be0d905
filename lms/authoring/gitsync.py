"""Git and the browser edit one tree. A sync from a folder is a three-way merge per path, with the
hash recorded at the last sync as the common base:

- the folder changed the file and the browser did not: the folder's version is loaded;
- the browser changed it and the folder did not: the browser's published version stays;
- both changed it to different bytes: a conflict; the sync stops and names every such file,
  unless forced, and then the folder wins (the browser's revisions stay in the history).

Whatever is loaded goes through ``sync_content``, the same validation and sync as always.
"""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..content.sync import SyncReport, sync_content
from ..extensions import db
from ..i18n import _
from ..schools.models import School
from .models import SourceFile
from .store import (
    TREE_FOLDERS, add_revision, content_hash, live_data, live_files, lock_content, publish_head, safe_relative, write_tree,
)


@dataclass(frozen=True)
class Conflict:
    """A path both sides changed since the last sync; hashes are None where the file does not exist."""

    path: str
    synced: str | None
    browser: str | None
    disk: str | None

    def __str__(self) -> str:
        def state(digest: str | None) -> str:
            return _("deleted") if digest is None else digest[:12]

        return _("%(path)s: changed in the browser (now %(browser)s) and on disk (now %(disk)s) since the last sync "
                 "(%(synced)s)", path=self.path, browser=state(self.browser), disk=state(self.disk),
                 synced=state(self.synced))


class SyncConflict(Exception):
    """The sync would overwrite newer browser edits; nothing was changed."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = sorted(conflicts, key=lambda c: c.path)
        super().__init__("\n".join(str(c) for c in self.conflicts))


@dataclass
class MergePlan:
    browser: set[str] = field(default_factory=set)  # paths only the browser changed: its versions stay
    overrides: dict[str, bytes | None] = field(default_factory=dict)  # ...and those whose live bytes differ
    conflicts: list[Conflict] = field(default_factory=list)


def read_folder(root: Path) -> dict[str, bytes]:
    """Every regular file under the tree's folders (root/courses, root/quizzes, root/assignments), by content path."""
    found: dict[str, bytes] = {}
    for folder in TREE_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for directory, _dirs, names in os.walk(base):
            for name in names:
                path = Path(directory, name)
                if path.is_file() and not path.is_symlink():
                    found[path.relative_to(root).as_posix()] = path.read_bytes()
    return found


def plan_merge(disk: dict[str, str], files: dict[str, SourceFile]) -> MergePlan:
    """Decide, path by path, which side wins; ``disk`` maps paths to hashes."""
    plan = MergePlan()
    for path in sorted(set(disk) | set(files)):
        record = files.get(path)
        base = record.synced_hash if record else None
        head = record.head_hash if record else None
        theirs = disk.get(path)
        if theirs == base:
            if head != base:  # only the browser changed it; a draft alone leaves the live file as on disk
                plan.browser.add(path)
                if record.live_hash != theirs:
                    plan.overrides[path] = live_data(path)
            continue
        if head == base or head == theirs:  # only the disk changed it, or both made the same change
            continue
        plan.conflicts.append(Conflict(path, base, head, theirs))
    return plan


def sync_folder(root: Path | str, school: School, force: bool = False) -> SyncReport:
    """``flask lms sync``: merge the folder with the browser's edits, load it, and record what was read.
    Raises SyncConflict (unless forced) or ContentInvalid; flushes, never commits."""
    root = Path(root)
    lock_content()
    disk = read_folder(root)
    hashes = {path: content_hash(data) for path, data in disk.items()}
    files = {f.path: f for f in db.session.execute(db.select(SourceFile)).scalars()}
    plan = plan_merge(hashes, files)
    if plan.conflicts and not force:
        raise SyncConflict(plan.conflicts)
    if plan.overrides:
        merged = {path: data for path, data in disk.items() if path not in plan.overrides}
        merged.update({path: data for path, data in plan.overrides.items() if data is not None})
        report = _sync_mapping(merged, school)
    else:
        report = sync_content(root, school)
    stored = _record(disk, hashes, files, plan.browser)
    if stored:
        report.extra["source revisions"] = stored
    if plan.browser:
        report.extra["browser edits kept"] = len(plan.browser)
    if plan.conflicts:
        report.extra["conflicts overwritten"] = len(plan.conflicts)
    return report


def _sync_mapping(tree: dict[str, bytes], school: School) -> SyncReport:
    with tempfile.TemporaryDirectory(prefix="conductor-merge-") as folder:
        write_tree(Path(folder), tree)
        return sync_content(folder, school)


def _record(disk: dict[str, bytes], hashes: dict[str, str], files: dict[str, SourceFile], keep: set[str]) -> int:
    """After a successful load: every path now holds what was loaded, and remembers the disk's hash."""
    stored = 0
    new = [SourceFile(path=path, head_number=0) for path in disk if path not in files]
    db.session.add_all(new)
    db.session.flush()
    files.update({record.path: record for record in new})
    for path, data in disk.items():
        record = files[path]
        digest = hashes[path]
        if path not in keep:
            if record.head_hash != digest:
                add_revision(record, data, "sync", note="flask lms sync", publish=True, flush=False)
                stored += 1
            elif record.live_hash != digest:
                publish_head(record)
        record.synced_hash = digest
    for path, record in files.items():
        if path in disk or path in keep or (record.synced_hash is None and record.head_hash is None):
            continue
        if record.head_hash is not None:  # deleted on disk: the deletion is a revision too
            add_revision(record, None, "sync", note="flask lms sync: not in the folder", publish=True, flush=False)
            stored += 1
        elif record.live_hash is not None:
            publish_head(record)
        record.synced_hash = None
    db.session.flush()
    return stored


@dataclass
class ExportReport:
    written: int = 0
    unchanged: int = 0
    removed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return _("%(written)s written, %(unchanged)s unchanged, %(removed)s removed", written=self.written,
                 unchanged=self.unchanged, removed=len(self.removed))


def export_tree(root: Path | str) -> ExportReport:
    """Write the published tree under root, so that root/courses and root/quizzes mirror the database:
    files differing are rewritten, files the database does not hold are removed."""
    root = Path(root)
    report = ExportReport()
    wanted: set[str] = set()
    for path, data in live_files():
        wanted.add(path)
        target = root / safe_relative(path)
        if target.is_file() and target.read_bytes() == data:
            report.unchanged += 1
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        report.written += 1
    for path in sorted(set(read_folder_paths(root)) - wanted):
        (root / path).unlink()
        report.removed.append(path)
    for folder in TREE_FOLDERS:
        _remove_empty_dirs(root / folder)
    return report


def read_folder_paths(root: Path) -> list[str]:
    paths = []
    for folder in TREE_FOLDERS:
        for directory, _dirs, names in os.walk(root / folder):
            paths += [Path(directory, name).relative_to(root).as_posix() for name in names]
    return paths


def _remove_empty_dirs(base: Path) -> None:
    if not base.is_dir():
        return
    for directory, _dirs, _names in sorted(os.walk(base), key=lambda entry: -len(entry[0])):
        path = Path(directory)
        if path != base and not any(path.iterdir()):
            path.rmdir()

"""Reordering modules and lessons: the ``NN-`` prefixes are renumbered, so files move (a module's quiz and
assignment, named after its folder, with it), and every
relative link in the tree that pointed at a moved file is rewritten to its new path. Identities come
from the names without their prefix, so learners keep their progress."""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable

from ..accounts.models import User
from ..catalog.models import Course
from ..content.sync import SyncReport
from ..content.tree import NAME, order_key
from ..extensions import db
from ..i18n import _
from ..schools.models import School
from .models import SourceFile
from .services import AuthoringError, Folder, assignment_folder, folder_of, module_folders, quiz_folder
from .store import (
    add_revision, apply_live, content_hash, course_files, file_for_update, head_revision, live_revision, lock_content,
)

INLINE_LINK = re.compile(r"(\]\(\s*)(<[^>\n]*>|[^\s()<>]+)")
REFERENCE = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(<[^>\n]*>|\S+)")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
FENCE = re.compile(r"^\s*(```|~~~)")


def _renumbered(names: list[str], index: int, step: int) -> dict[str, str]:
    """Old name -> new name after moving ``names[index]`` by ``step``, numbering 1, 2, 3 in the new order."""
    if not 0 <= index + step < len(names):
        raise AuthoringError(_("It is already at that end."))
    order = list(names)
    order[index], order[index + step] = order[index + step], order[index]
    widths = [len(m.group(1)) for m in (NAME.match(n.removesuffix(".md")) for n in names) if m and m.group(1)]
    width = max(widths + [2])
    renamed = {}
    for number, name in enumerate(order, 1):
        suffix = ".md" if name.endswith(".md") else ""
        slug = NAME.match(name.removesuffix(".md")).group(2)
        renamed[name] = f"{number:0{width}d}-{slug}{suffix}"
    return {old: new for old, new in renamed.items() if old != new}


def move_file(course: Course, file: SourceFile, step: int, author: User, school: School) -> SyncReport:
    """Move a module (given its module.md) or a lesson one place up (-1) or down (1), and publish the order."""
    if file.name == "module.md":
        return move_module(course, folder_of(course, file.path.rsplit("/", 2)[1]), step, author, school)
    return move_lesson(course, file, step, author, school)


def move_module(course: Course, folder: Folder, step: int, author: User, school: School) -> SyncReport:
    folders = module_folders(course)
    names = [f.name for f in folders]
    renamed = _renumbered(names, names.index(folder.name), step)
    base = folders[0].path.rsplit("/", 1)[0]
    named_after_module = (quiz_folder(course), assignment_folder(course))

    def remap(path: str) -> str:
        for old, new in renamed.items():
            if path.startswith(f"{base}/{old}/"):
                return f"{base}/{new}/" + path[len(f"{base}/{old}/"):]
            for folder_path in named_after_module:
                if path == f"{folder_path}/{old}.md":
                    return f"{folder_path}/{new}.md"
        return path

    return _apply(course, remap, author, school, f"module order in {course.slug}")


def move_lesson(course: Course, file: SourceFile, step: int, author: User, school: School) -> SyncReport:
    folder = file.path.rsplit("/", 1)[0]
    siblings = sorted((f.name for f in course_files(course) if f.path.rsplit("/", 1)[0] == folder
                       and f.name != "module.md" and f.head_hash is not None), key=order_key)
    renamed = {f"{folder}/{old}": f"{folder}/{new}"
               for old, new in _renumbered(siblings, siblings.index(file.name), step).items()}
    return _apply(course, lambda path: renamed.get(path, path), author, school, f"lesson order in {course.slug}")


def rewrite_links(text: str, source: str, target: str, remap: Callable[[str], str], known: set[str]) -> str:
    """Links of a file moving from ``source`` to ``target``, re-pointed at files' new paths."""
    old_dir, new_dir = posixpath.dirname(source), posixpath.dirname(target)

    def fix(match: re.Match) -> str:
        raw = match.group(2)
        url = raw[1:-1] if raw.startswith("<") else raw
        if not url or SCHEME.match(url) or url.startswith(("/", "#")):
            return match.group(0)
        path, mark, rest = url.partition("#")
        path, qmark, query = path.partition("?")
        resolved = posixpath.normpath(posixpath.join(old_dir, path))
        if resolved not in known:
            return match.group(0)  # a broken or outside link is the author's to fix, not ours to guess
        new = posixpath.relpath(remap(resolved), new_dir) + (qmark + query) + (mark + rest)
        return match.group(1) + (f"<{new}>" if raw.startswith("<") else new)

    lines, fenced = [], False
    for line in text.splitlines(keepends=True):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            line = REFERENCE.sub(fix, INLINE_LINK.sub(fix, line))
        lines.append(line)
    return "".join(lines)


def _apply(course: Course, remap: Callable[[str], str], author: User, school: School, what: str) -> SyncReport:
    """Move files and rewrite links everywhere, keeping drafts as drafts, then load the tree."""
    lock_content()
    files = list(db.session.execute(db.select(SourceFile).where(
        db.or_(SourceFile.head_hash.is_not(None), SourceFile.live_hash.is_not(None)))).scalars())
    known = {f.path for f in files}
    moves = {f.path: remap(f.path) for f in files if remap(f.path) != f.path}
    changes = []
    for file in files:
        target = moves.get(file.path, file.path)
        live, head = live_revision(file), head_revision(file)
        old_live, old_head = (live.data if live else None), (head.data if head else None)
        new_live = _rewrite(old_live, file.path, target, remap, known)
        new_head = _rewrite(old_head, file.path, target, remap, known)
        if target != file.path or new_live != old_live or new_head != old_head:
            changes.append((file, target, new_live, new_head, old_head != old_live))
    targets = {change[1] for change in changes}
    for file, target, *_rest in changes:  # free the old paths first (a swap may reuse one)
        if target != file.path and file.path not in targets:
            add_revision(file, None, "move", author, f"moved to {target}", publish=True)
    for file, target, new_live, new_head, has_draft in changes:
        moved = target != file.path
        record = file_for_update(target) if moved else file
        note = f"moved from {file.path}" if moved else f"links updated after a change of {what}"
        if record.live_hash != (None if new_live is None else content_hash(new_live)):
            add_revision(record, new_live, "move", author, note, publish=True)
        if has_draft or (moved and record.head_hash != record.live_hash):
            add_revision(record, new_head, "move", author, note + " (draft)")
    return apply_live(school)


def _rewrite(data: bytes | None, source: str, target: str, remap: Callable[[str], str], known: set[str]) -> bytes | None:
    if data is None or not source.endswith(".md"):
        return data
    text = data.decode("utf-8", errors="surrogateescape")
    return rewrite_links(text, source, target, remap, known).encode("utf-8", errors="surrogateescape")

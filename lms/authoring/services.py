"""Authoring rules: new files from templates, drafts, publishing through sync, restoring revisions."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import yaml

from ..accounts.models import User
from ..catalog.models import Course, CourseAuthor, Skill
from ..content.frontmatter import split_front_matter
from ..content.sync import SyncReport
from ..content.tree import NAME, SLUG, order_key
from ..extensions import db
from ..i18n import _
from ..schools.models import School
from ..schools.services import default_slug
from .models import SourceFile, SourceRevision
from .store import (
    add_revision, apply_live, course_files, course_folder, course_prefixes, file_at, file_for_update, head_revision,
    lock_content, publish_head,
)

MAX_TEXT = 512 * 1024  # bytes of one Markdown file written in the browser


class AuthoringError(ValueError):
    """A rule was broken; the message is safe to show to the author."""


class StaleEdit(AuthoringError):
    """Someone saved a newer revision since this editor was opened."""


def yaml_front(values: dict) -> str:
    return "---\n" + yaml.safe_dump(values, sort_keys=False, allow_unicode=True, width=10**9) + "---\n"


def normalise(text: str) -> bytes:
    """Browsers send textareas with CRLF line ends; files keep LF."""
    data = text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")
    if len(data) > MAX_TEXT:
        raise AuthoringError(_("The file is %(size)s KB; at most %(limit)s KB are allowed.", size=len(data) // 1024,
                                limit=MAX_TEXT // 1024))
    return data


def save_draft(file: SourceFile, text: str, author: User, note: str = "", base: int | None = None,
               origin: str = "edit") -> SourceRevision | None:
    """Store the text as a new revision, unless it is what the latest revision holds already.
    ``base`` is the revision the editor was opened on: a newer one means someone else saved."""
    if base is not None and base != file.head_number:
        raise StaleEdit(_("Revision %(saved)s was saved after you opened revision %(opened)s. "
                          "Your text is below: compare it with the history before saving again.",
                          saved=file.head_number, opened=base))
    data = normalise(text)
    head = head_revision(file)
    if head is not None and head.data == data:
        return None
    return add_revision(file, data, origin, author, note)


def publish(files: Iterable[SourceFile], school: School) -> SyncReport:
    """Make each file's latest revision live and load the published tree through sync.
    Raises ContentInvalid (the caller rolls back, so nothing is published)."""
    lock_content()
    for file in files:
        publish_head(file)
    db.session.flush()
    return apply_live(school)


def restore(revision: SourceRevision, author: User) -> SourceRevision | None:
    """A restore is a new draft revision with the old bytes; history only ever grows."""
    file = revision.file
    if file.head_hash == revision.hash:
        return None
    return add_revision(file, revision.data, "restore", author, f"restored revision {revision.number}")


def delete_file(file: SourceFile, author: User) -> SourceRevision | None:
    """A deletion is a draft too: the lesson or quiz goes when it is published. A course's or a module's
    own file holds the rest together, so it cannot be deleted on its own."""
    if file.name in ("course.md", "module.md"):
        raise AuthoringError(_("A course or module file cannot be deleted here; remove the module's lessons instead."))
    if file.head_hash is None:
        return None
    return add_revision(file, None, "delete", author, "deleted")


def drafts(course: Course) -> list[SourceFile]:
    return [file for file in course_files(course) if file.has_draft]


def title_of(data: bytes | None) -> str:
    """The front matter title, for lists; a file that does not parse shows its name instead."""
    if not data:
        return ""
    document = split_front_matter(data.decode("utf-8", errors="replace"), "", [])
    title = document.meta.get("title")
    return str(title) if isinstance(title, (str, int, float)) else ""


def check_slug(slug: str) -> str:
    slug = slug.strip().lower()
    if not SLUG.match(slug):
        raise AuthoringError(_("Use lowercase letters a-z, digits and '-' (for example 'model-risk')."))
    return slug


def _next_prefix(names: Iterable[str]) -> str:
    """The order prefix after the last sibling's, keeping the siblings' width (01-, 001-)."""
    numbers = [(int(m.group(1)), len(m.group(1))) for m in (NAME.match(n.removesuffix(".md")) for n in names)
               if m and m.group(1)]
    last, width = max(numbers) if numbers else (0, 2)
    return f"{last + 1:0{max(width, 2)}d}-"


def _create(path: str, data: bytes, author: User, note: str) -> SourceFile:
    file = file_for_update(path)
    if file.head_hash is not None or file.live_hash is not None:
        raise AuthoringError(_("%(path)s exists already.", path=path))
    add_revision(file, data, "create", author, note)
    return file


def create_course(school: School, author: User, slug: str, title: str, summary: str, level: str, hours: float,
                  skills: list[Skill]) -> Course:
    """A course starts unpublished (``published: false``) with one module and one lesson, and is loaded
    at once, so that it has an identity its authors can be assigned to; learners see it once an author
    sets ``published: true``."""
    slug = check_slug(slug)
    if db.session.execute(db.select(Course.id).filter_by(slug=slug)).first() or file_at(f"courses/{slug}/course.md"):
        raise AuthoringError(_("A course called '%(slug)s' exists already.", slug=slug))
    lock_content()
    base = f"courses/{slug}"
    # A course made on a school's own site is that school's; on the platform school's, it is shared.
    owner = {} if school.slug == default_slug() else {"school": school.slug}
    files = [
        _create(f"{base}/course.md", (yaml_front({"title": title, "summary": summary, "level": level, "hours": hours,
                                                   "skills": [s.slug for s in skills], "published": False, **owner})
                                      + "\nWho the course is for, and what learners can do after it.\n").encode(),
                author, "new course"),
        _create(f"{base}/01-getting-started/module.md",
                (yaml_front({"title": "Getting started"}) + "\nWhat this module covers.\n").encode(), author, "new course"),
        _create(f"{base}/01-getting-started/01-welcome.md",
                (yaml_front({"title": "Welcome", "minutes": 5}) + "\nWrite the first lesson here.\n").encode(),
                author, "new course"),
    ]
    publish(files, school)
    course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()
    if not author.is_admin:
        db.session.add(CourseAuthor(course_id=course.id, user_id=author.id, assigned_by_id=author.id))
    db.session.flush()
    return course


@dataclass(frozen=True)
class Folder:
    """A module folder of a course as the files say (a draft module has no Module row yet)."""

    name: str
    path: str  # courses/<course folder>/<name>

    @property
    def slug(self) -> str:
        match = NAME.match(self.name)
        return match.group(2) if match else self.name


def module_folders(course: Course) -> list[Folder]:
    base = f"courses/{course_folder(course)}/"
    names = {f.path[len(base):].split("/", 1)[0] for f in course_files(course)
             if f.path.startswith(base) and f.path.count("/") >= 3 and f.head_hash is not None}
    names.discard("assets")
    return [Folder(name, base + name) for name in sorted(names, key=order_key)]


def create_module(course: Course, author: User, slug: str, title: str) -> SourceFile:
    """A module folder with its module.md and a first lesson (a module needs one), both drafts."""
    slug = check_slug(slug)
    folders = module_folders(course)
    if any(folder.slug == slug for folder in folders):
        raise AuthoringError(_("The course has a module '%(slug)s' already.", slug=slug))
    folder = f"courses/{course_folder(course)}/{_next_prefix(f.name for f in folders)}{slug}"
    module = _create(f"{folder}/module.md", (yaml_front({"title": title}) + "\nWhat this module covers.\n").encode(),
                     author, "new module")
    _create(f"{folder}/01-{slug}-overview.md",
            (yaml_front({"title": f"{title}: overview", "minutes": 5}) + "\nWrite the lesson here.\n").encode(),
            author, "new module")
    return module


def create_lesson(course: Course, folder: Folder, author: User, slug: str, title: str, minutes: int) -> SourceFile:
    slug = check_slug(slug)
    names = [f.name for f in course_files(course) if f.path.startswith(folder.path + "/") and f.name != "module.md"]
    if any((m := NAME.match(n.removesuffix(".md"))) and m.group(2) == slug for n in names):
        raise AuthoringError(_("The module has a lesson '%(slug)s' already.", slug=slug))
    text = yaml_front({"title": title, "minutes": minutes}) + "\nWrite the lesson here.\n"
    return _create(f"{folder.path}/{_next_prefix(names)}{slug}.md", text.encode(), author, "new lesson")


def quiz_folder(course: Course) -> str:
    """Where the course's quizzes are: an existing quizzes/<slug or folder>/, else its folder name."""
    for prefix in (p for p in course_prefixes(course) if p.startswith("quizzes/")):
        if any(f.path.startswith(prefix) for f in course_files(course)):
            return prefix.rstrip("/")
    return f"quizzes/{course_folder(course)}"


def create_quiz(course: Course, folder: Folder | None, author: User) -> SourceFile:
    """A module quiz (named after the module folder) or, with no folder, the final exam."""
    name = folder.name if folder is not None else "final"
    title = "Final exam" if folder is None else f"Check: {folder.slug.replace('-', ' ')}"
    text = (yaml_front({"title": title, "pass_mark": 70})
            + "\n## Replace this question with your own {#first-question}\n\n- [x] The right answer\n"
              "  > Why it is right.\n- [ ] A wrong answer\n  > Why it is wrong.\n")
    return _create(f"{quiz_folder(course)}/{name}.md", text.encode(), author, "new quiz")


def assignment_folder(course: Course) -> str:
    """Where the course's assignments are: assignments/<course folder>/."""
    return f"assignments/{course_folder(course)}"


ASSIGNMENT_STARTER = """
Say what the learner makes, from which template or data, and what they hand in.

## Rubric {#rubric}

### Replace this criterion with your own {#first-criterion}
What the reviewer looks at.

- **Not yet** (0): What a reviewer sees in work that misses the point.
- **Proficient** (10): What a reviewer sees in work that meets the brief.
"""


def create_assignment(course: Course, folder: Folder, author: User) -> SourceFile:
    """A module's assignment (named after the module folder): a brief and a one-criterion rubric to replace."""
    front = yaml_front({"title": f"Practice: {folder.slug.replace('-', ' ')}", "submit": ["text"],
                        "review": "instructor", "pass_mark": 60})
    return _create(f"{assignment_folder(course)}/{folder.name}.md", (front + ASSIGNMENT_STARTER).encode(), author,
                   "new assignment")


def folder_of(course: Course, name: str) -> Folder:
    for folder in module_folders(course):
        if folder.name == name:
            return folder
    raise AuthoringError(_("No such module folder."))


SAFE_NOTE = re.compile(r"[\x00-\x1f]")


def clean_note(note: str | None) -> str:
    return SAFE_NOTE.sub(" ", note or "").strip()[:300]


def live_skills() -> list[Skill]:
    """The skills a new course may list, in the framework's order."""
    return list(db.session.execute(db.select(Skill).filter_by(retired=False).order_by(Skill.position)).scalars())

"""A course's files arranged as its outline: course.md, each module with its lessons, quiz and assignment,
the final exam and the assets, each with its state (published, draft, new, deleted)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog.models import Course
from ..content.tree import order_key
from .models import SourceFile
from .services import Folder, assignment_folder, module_folders, quiz_folder, title_of
from .store import course_files, course_folder, head_revision


@dataclass
class Entry:
    file: SourceFile
    title: str = ""

    @property
    def state(self) -> str:
        file = self.file
        if file.head_hash is None:
            return "deleted (draft)"
        if file.live_hash is None:
            return "new (draft)"
        return "draft" if file.has_draft else "published"

    @property
    def label(self) -> str:
        return self.title or self.file.name


@dataclass
class ModuleOutline:
    folder: Folder
    module: Entry | None
    lessons: list[Entry] = field(default_factory=list)
    quiz: Entry | None = None
    assignment: Entry | None = None


@dataclass
class CourseOutline:
    course_md: Entry | None
    modules: list[ModuleOutline]
    final: Entry | None
    assets: list[Entry]
    other: list[Entry]

    @property
    def drafts(self) -> int:
        entries = [self.course_md, self.final, *self.assets, *self.other]
        for module in self.modules:
            entries += [module.module, module.quiz, module.assignment, *module.lessons]
        return sum(1 for entry in entries if entry is not None and entry.file.has_draft)


def course_outline(course: Course) -> CourseOutline:
    files = {file.path: file for file in course_files(course)}
    base = f"courses/{course_folder(course)}"
    quizzes, assignments = quiz_folder(course), assignment_folder(course)
    used: set[str] = set()

    def entry(path: str, with_title: bool = True) -> Entry | None:
        file = files.get(path)
        if file is None:
            return None
        used.add(path)
        head = head_revision(file) if with_title else None
        return Entry(file, title_of(head.data if head else None))

    modules = []
    for folder in module_folders(course):
        lessons = sorted((p for p in files if p.startswith(folder.path + "/") and p.count("/") == 3
                          and not p.endswith("/module.md")), key=lambda p: order_key(p.rsplit("/", 1)[1]))
        modules.append(ModuleOutline(folder, entry(f"{folder.path}/module.md"),
                                     [e for e in (entry(p) for p in lessons) if e],
                                     entry(f"{quizzes}/{folder.name}.md"), entry(f"{assignments}/{folder.name}.md")))
    course_md = entry(f"{base}/course.md")
    final = entry(f"{quizzes}/final.md")
    assets = [e for e in (entry(p, False) for p in files if p.startswith(f"{base}/assets/")) if e]
    other = [Entry(files[p]) for p in files if p not in used]
    return CourseOutline(course_md, modules, final, assets, other)

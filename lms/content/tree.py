"""Read and validate a whole content tree (courses/ and quizzes/) without touching the database.

Every problem is collected as ``path:line: message``; nothing stops at the first one. Markdown is
rendered here, at load time, except for files whose hash matches what the database already holds.
"""
from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from flask import current_app, has_app_context

from ..config import peertube_hosts
from ..i18n import _
from .errors import ContentError, quoted
from .frontmatter import Bounds, Document, Key, check_keys, did_you_mean, load_yaml_file, split_front_matter
from .markdown import RENDERER_VERSION, content_labels, render_markdown
from .specs import ContentTree, CourseSpec, LessonSpec, ModuleSpec, ProgrammeSpec, SkillSpec
from .steps import content_steps
from .video import Embeds

NAME = re.compile(r"^(?:(\d+)-)?([a-z0-9]+(?:-[a-z0-9]+)*)$")
# A BCP 47 language tag as courses use them: a language, then optional script, region or variant subtags.
LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[a-z0-9]{1,8})*", re.I)
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Lesson slugs share the URL space of a course's own pages.
RESERVED_LESSON_SLUGS = {"assets", "assignments", "enrol", "unenrol", "quiz", "quizzes", "final", "certificate", "complete"}

# Names (folders, files and ``id:``) become slugs in URLs and columns of 100 characters.
MAX_NAME = 80
MAX_ORDER_DIGITS = 4  # the NN- prefix: 0 to 9999
MAX_SKILL_ID, MAX_SKILL_NAME = 64, 120
ID_KEY = Key("id", "text", max_length=MAX_NAME)
COURSE_KEYS = [
    ID_KEY, Key("title", "text", True, 200), Key("summary", "text", True, 200),
    Key("level", "choice", True, choices=("beginner", "intermediate", "advanced")),
    Key("hours", "number", True, bounds=Bounds(0, 1000)), Key("skills", "list", True), Key("prerequisites", "list"),
    Key("language", "text", max_length=35), Key("certificate", "bool"), Key("published", "bool"),
    Key("translation_of", "text", max_length=MAX_NAME), Key("school", "text", max_length=64),
]
MODULE_KEYS = [ID_KEY, Key("title", "text", True, 200), Key("summary", "text"), Key("objectives", "list")]
LESSON_KEYS = [
    ID_KEY, Key("title", "text", True, 200), Key("minutes", "number", True, bounds=Bounds(0, 600, whole=True)),
    Key("objectives", "list"), Key("skills", "list"), Key("summary", "text"),
]
# At most 50 courses, so a programme's hours (the sum of its courses') fit a certificate.
PROGRAMME_KEYS = [
    ID_KEY, Key("title", "text", True, 200), Key("summary", "text", True, 300),
    Key("courses", "list", True, max_length=50), Key("certificate", "bool"), Key("schools", "list", max_length=50),
    # <course id>/<module id> of the assignment the programme ends with; its certificate requires it passed
    Key("capstone", "text", max_length=2 * MAX_NAME + 1),
]

# (course slug, lesson slug) -> stored content hash; files whose hash matches are not rendered again.
KnownHashes = dict[str, str]


def order_key(name: str) -> tuple[int, str]:
    """Sort key of a file or folder name: by its NN- order prefix, unprefixed names last."""
    match = NAME.match(name.removesuffix(".md"))
    if match and match.group(1) and len(match.group(1)) <= MAX_ORDER_DIGITS:
        return int(match.group(1)), name
    return 10**MAX_ORDER_DIGITS, name


class Reader:
    """One pass over a tree. ``known`` maps a source path to the hash the database holds for it."""

    def __init__(self, root: Path, known: KnownHashes | None = None, video_hosts: frozenset[str] | None = None):
        self.root = root
        self.known = known or {}
        # PeerTube hosts lessons may embed videos from: given, or the app's LMS_PEERTUBE_HOSTS.
        self.video_hosts = configured_video_hosts() if video_hosts is None else video_hosts
        self.tree = ContentTree(root=str(root))
        self.context = ""
        self.language: str | None = None  # the language of the course being read (None: outside a course)
        self.label_keys: dict[str | None, str] = {}
        # content path (relative to root) -> URL path of its page, relative to the LMS root
        self.pages: dict[str, str] = {}

    # -- helpers --------------------------------------------------------------------------
    def error(self, path: str, line: int, message: str) -> None:
        self.tree.errors.append(ContentError(path, line, message))

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def file_hash(self, rel: str, data: bytes, language: str | None = None) -> str:
        """What a file was rendered from: the tree's context, its path and bytes, and the words the renderer
        adds in the language of its course (a new course language, or a corrected translation of a callout's
        title, renders it again)."""
        if language not in self.label_keys:
            self.label_keys[language] = json.dumps(content_labels(language), sort_keys=True)
        digest = hashlib.sha256()
        for part in (self.context.encode(), rel.encode(), b"\0", self.label_keys[language].encode(), b"\0", data):
            digest.update(part)
        return digest.hexdigest()

    def read_text(self, path: Path) -> tuple[bytes, str | None]:
        """A feature's file (a quiz, an assignment, a role), counted: its bytes and its text, or None as the text
        once it is reported as not UTF-8."""
        self.tree.files += 1
        data = path.read_bytes()
        try:
            return data, data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.error(self.rel(path), 1, _("not UTF-8 text (%(reason)s at byte %(byte)d)", reason=exc.reason,
                                            byte=exc.start))
            return data, None

    def document(self, path: Path, keys: list[Key]) -> tuple[Document, dict, str, bool]:
        """Read a Markdown file: its document, checked keys, hash, and whether it must be rendered."""
        rel = self.rel(path)
        data = path.read_bytes()
        self.tree.files += 1
        digest = self.file_hash(rel, data, self.language)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.error(rel, 1, _("not UTF-8 text (%(reason)s at byte %(byte)s)", reason=exc.reason, byte=exc.start))
            text = ""
        doc = split_front_matter(text, rel, self.tree.errors)
        values = check_keys(doc, keys, self.tree.errors)
        return doc, values, digest, self.known.get(rel) != digest

    def slug_for(self, doc: Document, values: dict, fallback: str) -> str:
        slug = values.get("id", fallback)
        if not SLUG.match(slug):
            self.error(doc.path, doc.line_of("id"), _("id %(id)s must be lowercase a-z, 0-9 and '-'", id=quoted(slug)))
        return slug

    def render(self, doc: Document, page: str, embeds: Embeds | None = None) -> str:
        """Render a body whose links are relative to the URL directory ``page``; ``embeds`` allows videos."""
        source_dir = posixpath.dirname(doc.path)

        def resolve(url: str) -> str:
            return self.resolve_link(url, source_dir, page)

        html, problems = render_markdown(doc.body, resolve=resolve, line_offset=doc.body_line - 1, embeds=embeds,
                                         language=self.language)
        for line, message in problems:
            self.error(doc.path, line, message)
        self.tree.rendered += 1
        return html

    def resolve_link(self, url: str, source_dir: str, page: str) -> str:
        target, hashmark, fragment = url.partition("#")
        target = target.split("?", 1)[0]
        if not target:
            return url
        resolved = posixpath.normpath(posixpath.join(source_dir, target))
        in_assets = resolved.split("/")[2:3] == ["assets"]  # a Markdown template there is a download
        if resolved.endswith(".md") and not in_assets:
            destination = self.pages.get(resolved)
            if destination is None:
                raise ValueError(_("link to %(url)s: no lesson, module, course or assignment at %(path)s", url=quoted(url), path=resolved))
        else:
            parts = resolved.split("/")
            if len(parts) < 4 or parts[0] != "courses" or parts[2] != "assets":
                raise ValueError(_("link to %(url)s: files must be in a course's assets/ folder", url=quoted(url)))
            if not (self.root / resolved).is_file():
                raise ValueError(_("link to %(url)s: no such file %(path)s", url=quoted(url), path=resolved))
            course = self.course_slugs_by_folder.get(parts[1], parts[1])
            destination = posixpath.join("courses", course, "assets", *parts[3:])
        href = posixpath.relpath(destination.rstrip("/") or ".", page.rstrip("/") or ".")
        if destination.endswith("/"):
            href = href.rstrip("/") + "/" if href != "." else "./"
        return href + (hashmark + fragment if hashmark else "")

    # -- the tree -------------------------------------------------------------------------
    def read(self) -> ContentTree:
        courses_dir = self.root / "courses"
        if not courses_dir.is_dir():
            self.error("courses", 0, _("no courses/ folder in the content directory"))
            return self.tree
        self.context = self._context_digest(courses_dir)
        skills = self.read_skills(courses_dir / "_skills.yaml")
        course_dirs = []
        for entry in sorted(courses_dir.iterdir(), key=lambda p: order_key(p.name)):
            rel = self.rel(entry)
            if entry.name in ("_skills.yaml", "_programmes", "_roles"):
                continue
            if entry.name.startswith("_"):
                self.error(rel, 0, _("names starting with '_' are reserved (only _skills.yaml, _programmes/ and _roles/ "
                                     "exist)"))
            elif entry.name.startswith("."):
                continue
            elif not entry.is_dir():
                self.error(rel, 0, _("unexpected file: courses/ holds course folders, _skills.yaml, _programmes/ and "
                                     "_roles/"))
            elif self.check_name(entry, rel):
                course_dirs.append(entry)
        self.course_slugs_by_folder: dict[str, str] = {}
        self.map_pages(course_dirs)
        for position, course_dir in enumerate(course_dirs):
            course = self.read_course(course_dir, position)
            self.language = None
            if course:
                self.tree.courses.append(course)
        self.read_programmes(courses_dir / "_programmes")
        self.check_references(skills)
        self.check_translations()
        for step in content_steps():
            step.read(self)
        return self.tree

    def _context_digest(self, courses_dir: Path) -> str:
        """What validation and rendering of any one file depends on besides the file itself."""
        digest = hashlib.sha256(RENDERER_VERSION.encode())
        digest.update(" ".join(sorted(self.video_hosts)).encode() + b"\0")  # a host removed: check again
        for path in sorted(p.relative_to(self.root).as_posix() for p in courses_dir.rglob("*")):
            digest.update(path.encode() + b"\0")
        for path in sorted(p.relative_to(self.root).as_posix() for p in (self.root / "assignments").glob("*/*.md")):
            digest.update(path.encode() + b"\0")  # a lesson may link to an assignment's page
        skills = courses_dir / "_skills.yaml"
        if skills.is_file():
            digest.update(skills.read_bytes())
        return digest.hexdigest()

    def check_name(self, path: Path, rel: str) -> bool:
        stem = path.name.removesuffix(".md") if path.is_file() else path.name
        match = NAME.match(stem)
        if not match:
            self.error(rel, 0, _("names are lowercase a-z, 0-9 and '-', with an optional 'NN-' order prefix"))
            return False
        if match.group(1) and len(match.group(1)) > MAX_ORDER_DIGITS:
            self.error(rel, 0, _("the order prefix 'NN-' has at most %(digits)s digits", digits=MAX_ORDER_DIGITS))
            return False
        if len(match.group(2)) > MAX_NAME:
            self.error(rel, 0, _("the name is %(length)s characters long; at most %(limit)s are allowed",
                                 length=len(match.group(2)), limit=MAX_NAME))
            return False
        return True

    def map_pages(self, course_dirs: Iterable[Path]) -> None:
        """Know every page's URL before rendering, so links between lessons resolve in one pass."""
        for course_dir in course_dirs:
            folder = course_dir.name
            course_slug = self._declared_id(course_dir / "course.md") or NAME.match(folder).group(2)
            self.course_slugs_by_folder[folder] = course_slug
            base = f"courses/{folder}"
            self.pages[f"{base}/course.md"] = f"courses/{course_slug}/"
            for module_dir in course_dir.iterdir():
                if not module_dir.is_dir() or module_dir.name == "assets" or not NAME.match(module_dir.name):
                    continue
                module_slug = self._declared_id(module_dir / "module.md") or NAME.match(module_dir.name).group(2)
                self.pages[f"{base}/{module_dir.name}/module.md"] = f"courses/{course_slug}/#module-{module_slug}"
                assignment = f"assignments/{folder}/{module_dir.name}.md"
                if (self.root / assignment).is_file():
                    self.pages[assignment] = f"courses/{course_slug}/assignments/{module_slug}"
                for lesson in module_dir.glob("*.md"):
                    match = NAME.match(lesson.name.removesuffix(".md"))
                    if lesson.name != "module.md" and match:
                        slug = self._declared_id(lesson) or match.group(2)
                        self.pages[f"{base}/{module_dir.name}/{lesson.name}"] = f"courses/{course_slug}/{slug}"

    @staticmethod
    def _declared_id(path: Path) -> str | None:
        """A front matter ``id:`` read cheaply, for the page map only (full checks come later)."""
        try:
            with path.open(encoding="utf-8") as handle:
                if handle.readline().strip() != "---":
                    return None
                for line in handle:
                    if line.strip() in ("---", "..."):
                        return None
                    if line.startswith("id:"):
                        return line[3:].strip().strip("'\"") or None
        except (OSError, UnicodeDecodeError):
            return None
        return None

    def read_skills(self, path: Path) -> set[str]:
        rel = "courses/_skills.yaml"
        if not path.is_file():
            self.error(rel, 0, _("missing: the skills framework (a list of {id, name, description})"))
            return set()
        data, node = load_yaml_file(path.read_text(encoding="utf-8"), rel, self.tree.errors)
        if data is None:
            return set()
        if not isinstance(data, list):
            self.error(rel, 1, _("must be a list of {id, name, description}"))
            return set()
        seen: dict[str, int] = {}
        for index, item in enumerate(data):
            line = node.value[index].start_mark.line + 1
            if not isinstance(item, dict):
                self.error(rel, line, _("each skill is a mapping with id, name and description"))
                continue
            unknown = set(item) - {"id", "name", "description"}
            for key in sorted(unknown, key=str):
                self.error(rel, line, _("unknown key %(key)s%(suggestion)s", key=quoted(str(key)),
                                        suggestion=did_you_mean(str(key), ['id', 'name', 'description'])))
            slug, name = str(item.get("id") or ""), str(item.get("name") or "").strip()
            if not SLUG.match(slug) or len(slug) > MAX_SKILL_ID:
                self.error(rel, line, _("skill id %(id)s must be lowercase a-z, 0-9 and '-', at most %(limit)s "
                                        "characters", id=quoted(slug), limit=MAX_SKILL_ID))
                continue
            if not name:
                self.error(rel, line, _("skill '%(skill)s' needs a name", skill=slug))
            elif len(name) > MAX_SKILL_NAME:
                self.error(rel, line, _("skill '%(skill)s': the name is %(length)s characters long; at most "
                                        "%(limit)s are allowed", skill=slug, length=len(name), limit=MAX_SKILL_NAME))
            if slug in seen:
                self.error(rel, line, _("duplicate skill id '%(skill)s' (first at line %(line)s)", skill=slug, line=seen[slug]))
                continue
            seen[slug] = line
            self.tree.skills.append(SkillSpec(slug, name, str(item.get("description") or "").strip(), index))
        return set(seen)

    def read_course(self, course_dir: Path, position: int) -> CourseSpec | None:
        folder_rel = self.rel(course_dir)
        course_md = course_dir / "course.md"
        if not course_md.is_file():
            self.error(folder_rel, 0, _("a course folder needs a course.md"))
            return None
        self.language = None  # course.md's own hash covers its language line
        doc, values, digest, changed = self.document(course_md, COURSE_KEYS)
        slug = self.slug_for(doc, values, NAME.match(course_dir.name).group(2))
        course = CourseSpec(slug=slug, path=doc.path, hash=digest, position=position, folder=course_dir.name)
        for key in ("title", "summary", "level", "hours", "skills", "prerequisites", "language", "certificate", "published",
                    "translation_of"):
            if key in values:
                setattr(course, key, values[key])
        if "translation_of" in values:
            course.translation_line = doc.line_of("translation_of")
        if "school" in values:
            course.school, course.school_line = values["school"], doc.line_of("school")
            if not SLUG.fullmatch(course.school):
                self.error(doc.path, course.school_line, _("school must be a school's identifier, such as ecole-lyon, "
                                                           "not %(value)s", value=quoted(course.school)))
        if "language" in values and not LANGUAGE_TAG.fullmatch(course.language):
            self.error(doc.path, doc.line_of("language"), _("language must be a language tag such as en, fr or fr-CA, "
                                                            "not %(value)s", value=quoted(course.language)))
        self.language = course.language  # its files render the renderer's words in it
        if changed:
            course.overview_html = self.render(doc, f"courses/{slug}/")
        lesson_position = 0
        module_slugs: dict[str, str] = {}
        lesson_slugs: dict[str, str] = {}
        for entry in sorted(course_dir.iterdir(), key=lambda p: order_key(p.name)):
            rel = self.rel(entry)
            if entry.name in ("course.md", "assets") or entry.name.startswith("."):
                continue
            if not entry.is_dir():
                self.error(rel, 0, _("unexpected file: a course holds course.md, assets/ and module folders"))
                continue
            if not self.check_name(entry, rel):
                continue
            module = self.read_module(entry, len(course.modules), lesson_position, slug)
            if module is None:
                continue
            if module.slug in module_slugs:
                self.error(module.path, 1, _("module slug '%(slug)s' is already used by %(path)s", slug=module.slug,
                                              path=module_slugs[module.slug]))
            module_slugs[module.slug] = module.path
            for lesson in module.lessons:
                if lesson.slug in lesson_slugs:
                    self.error(lesson.path, 1, _("lesson slug '%(slug)s' is already used by %(path)s in this course",
                                                  slug=lesson.slug, path=lesson_slugs[lesson.slug]))
                lesson_slugs[lesson.slug] = lesson.path
            lesson_position += len(module.lessons)
            course.modules.append(module)
        if not course.lessons:
            self.error(doc.path, 1, _("the course has no lessons (add a module folder with a module.md and lessons)"))
        return course

    def read_module(self, module_dir: Path, position: int, first_lesson: int, course_slug: str) -> ModuleSpec | None:
        module_md = module_dir / "module.md"
        if not module_md.is_file():
            self.error(self.rel(module_dir), 0, _("a module folder needs a module.md"))
            return None
        doc, values, digest, changed = self.document(module_md, MODULE_KEYS)
        slug = self.slug_for(doc, values, NAME.match(module_dir.name).group(2))
        module = ModuleSpec(slug=slug, path=doc.path, hash=digest, position=position, folder=module_dir.name,
                            title=values.get("title", ""), summary=values.get("summary", ""),
                            objectives=values.get("objectives", []))
        if changed:
            module.intro_html = self.render(doc, f"courses/{course_slug}/")
        for entry in sorted(module_dir.iterdir(), key=lambda p: order_key(p.name)):
            rel = self.rel(entry)
            if entry.name == "module.md" or entry.name.startswith("."):
                continue
            if entry.is_dir() or not entry.name.endswith(".md"):
                self.error(rel, 0, _("unexpected entry: a module holds module.md and lesson .md files"))
                continue
            if not self.check_name(entry, rel):
                continue
            lesson = self.read_lesson(entry, first_lesson + len(module.lessons), course_slug)
            module.lessons.append(lesson)
        if not module.lessons:
            self.error(doc.path, 1, _("the module has no lessons"))
        return module

    def read_lesson(self, path: Path, position: int, course_slug: str) -> LessonSpec:
        doc, values, digest, changed = self.document(path, LESSON_KEYS)
        slug = self.slug_for(doc, values, NAME.match(path.name.removesuffix(".md")).group(2))
        if slug in RESERVED_LESSON_SLUGS:
            self.error(doc.path, doc.line_of("id"), _("'%(slug)s' is reserved for the course's own pages; rename the lesson",
                                                      slug=slug))
        lesson = LessonSpec(slug=slug, path=doc.path, hash=digest, position=position,
                            title=values.get("title", ""), minutes=values.get("minutes", 0),
                            objectives=values.get("objectives", []), skills=values.get("skills", []),
                            summary=values.get("summary", ""))
        lesson.skill_line = doc.line_of("skills")  # type: ignore[attr-defined]
        if changed:
            embeds = Embeds(self.video_hosts)
            lesson.body_html = self.render(doc, f"courses/{course_slug}/", embeds)
            lesson.frame_origins = embeds.origins
        return lesson

    def read_programmes(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for entry in sorted(folder.iterdir()):
            rel = self.rel(entry)
            if not entry.is_file() or not entry.name.endswith(".md"):
                self.error(rel, 0, _("unexpected entry: _programmes/ holds one .md file per programme"))
                continue
            if not self.check_name(entry, rel):
                continue
            doc, values, digest, changed = self.document(entry, PROGRAMME_KEYS)
            slug = self.slug_for(doc, values, NAME.match(entry.name.removesuffix(".md")).group(2))
            programme = ProgrammeSpec(slug=slug, path=doc.path, hash=digest, title=values.get("title", ""),
                                      summary=values.get("summary", ""), courses=values.get("courses", []),
                                      certificate=values.get("certificate", True), schools=values.get("schools", []),
                                      capstone=values.get("capstone"), capstone_line=doc.line_of("capstone"))
            programme.course_line = doc.line_of("courses")  # type: ignore[attr-defined]
            if "schools" in values:
                programme.schools_line = doc.line_of("schools")
                for school in programme.schools:
                    if not SLUG.fullmatch(school):
                        self.error(doc.path, programme.schools_line, _("schools lists schools' identifiers, such as "
                                                                       "ecole-lyon, not %(value)s", value=quoted(school)))
                if len(set(programme.schools)) != len(programme.schools):
                    self.error(doc.path, programme.schools_line, _("a school is listed twice"))
            if changed:
                programme.overview_html = self.render(doc, "programmes/")
            self.tree.programmes.append(programme)

    def check_references(self, skills: set[str]) -> None:
        """Cross-file rules: skills exist, prerequisites and programme courses exist, slugs are unique."""
        courses = {}
        for course in self.tree.courses:
            if course.slug in courses:
                self.error(course.path, 1, _("course slug '%(slug)s' is already used by %(path)s", slug=course.slug,
                                              path=courses[course.slug].path))
            courses[course.slug] = course
        for course in self.tree.courses:
            for skill in course.skills:
                if skill not in skills:
                    self.error(course.path, 1, _("unknown skill %(skill)s%(suggestion)s", skill=quoted(skill),
                                                  suggestion=did_you_mean(skill, skills)))
            for prerequisite in course.prerequisites:
                if prerequisite not in courses or prerequisite == course.slug:
                    self.error(course.path, 1, _("unknown prerequisite course %(course)s%(suggestion)s", course=quoted(prerequisite),
                                                  suggestion=did_you_mean(prerequisite, courses)))
            for lesson in course.lessons:
                for skill in lesson.skills:
                    if skill not in skills:
                        self.error(lesson.path, lesson.skill_line, _("unknown skill %(skill)s%(suggestion)s", skill=quoted(skill),
                                                                      suggestion=did_you_mean(skill, skills)))
        seen_programmes: dict[str, str] = {}
        for programme in self.tree.programmes:
            if programme.slug in seen_programmes:
                self.error(programme.path, 1, _("programme slug '%(slug)s' is already used by %(path)s", slug=programme.slug,
                                                 path=seen_programmes[programme.slug]))
            seen_programmes[programme.slug] = programme.path
            if not programme.courses:
                self.error(programme.path, programme.course_line, _("a programme lists at least one course"))
            for slug in programme.courses:
                if slug not in courses:
                    self.error(programme.path, programme.course_line, _("unknown course %(course)s%(suggestion)s",
                                                                       course=quoted(slug),
                                                                       suggestion=did_you_mean(slug, courses)))
            if len(set(programme.courses)) != len(programme.courses):
                self.error(programme.path, programme.course_line, _("a course is listed twice"))
            for slug in programme.courses:
                owner = courses[slug].school if slug in courses else None
                if owner is not None and programme.schools != [owner]:
                    self.error(programme.path, programme.course_line,
                               _("%(course)s belongs to the school %(school)s, so a programme listing it must say "
                                 "'schools: [%(school)s]' and no other school", course=quoted(slug), school=owner))


    def check_translations(self) -> None:
        """``translation_of`` names another course of the tree, itself an original (versions of one course
        hang off the original), and no two versions of a course share a language."""
        courses = {course.slug: course for course in self.tree.courses}
        versions: dict[str, dict[str, str]] = {}
        for course in self.tree.courses:
            original = course.translation_of
            if original is None:
                continue
            if not SLUG.match(original) or original not in courses or original == course.slug:
                self.error(course.path, course.translation_line,
                           _("translation_of names the course this one translates: %(slug)s is not another course "
                             "of this site%(hint)s", slug=quoted(original), hint=did_you_mean(original, courses)))
            elif courses[original].translation_of is not None:
                self.error(course.path, course.translation_line,
                           _("translation_of must name the original course, and %(slug)s is itself a translation "
                             "of %(original)s", slug=quoted(original), original=quoted(courses[original].translation_of)))
        for course in self.tree.courses:
            original = course.translation_of
            if original is not None and original in courses and courses[original].translation_of is None:
                languages = versions.setdefault(original, {courses[original].language.lower(): courses[original].path})
                language = course.language.lower()
                if language in languages:
                    self.error(course.path, course.translation_line,
                               _("this version of %(slug)s is in %(language)s, like %(other)s: a course has one version "
                                 "per language", slug=quoted(original), language=quoted(course.language),
                                 other=languages[language]))
                else:
                    languages[language] = course.path


def configured_video_hosts() -> frozenset[str]:
    """``LMS_PEERTUBE_HOSTS`` of the current app; none outside one (a test reading a tree)."""
    return peertube_hosts(current_app.config.get("LMS_PEERTUBE_HOSTS")) if has_app_context() else frozenset()


def read_tree(root: Path | str, known: KnownHashes | None = None,
              video_hosts: frozenset[str] | None = None) -> ContentTree:
    """Read, validate and render a content tree, quizzes included; ``tree.errors`` lists every problem."""
    return Reader(Path(root), known, video_hosts).read()

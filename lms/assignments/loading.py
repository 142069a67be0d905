"""Reads assignments/ beside courses/: at most one assignment per module, named after its module's folder."""
from __future__ import annotations

import dataclasses
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.errors import quoted
from ..content.frontmatter import did_you_mean
from ..content.markdown import render_markdown
from ..i18n import _
from .parsing import parse_assignment
from .spec import AssignmentHtml, AssignmentSpec

if TYPE_CHECKING:  # the content reader imports this module, not the other way round at run time
    from ..content.tree import Reader


def read_assignments(reader: Reader) -> None:
    """Validate every assignment file against the course tree, filling ``reader.tree.assignments``."""
    folder = reader.root / "assignments"
    if not folder.is_dir():
        check_capstones(reader)
        return
    tree = reader.tree
    courses = {course.folder: course for course in tree.courses}
    skills = {skill.slug for skill in tree.skills}
    for course_dir in sorted(folder.iterdir()):
        if course_dir.name.startswith("."):
            continue
        course = courses.get(course_dir.name)
        if not course_dir.is_dir() or course is None:
            reader.error(reader.rel(course_dir), 0, _("no course folder named %(name)s in courses/%(hint)s",
                                                      name=quoted(course_dir.name), hint=did_you_mean(course_dir.name, courses)))
            continue
        modules = {module.folder: module for module in course.modules}
        for path in sorted(course_dir.iterdir()):
            _read_assignment(reader, path, course, modules, skills)
    check_capstones(reader)


def check_capstones(reader: Reader) -> None:
    """A programme's ``capstone`` names an assignment of one of its own courses."""
    for programme in reader.tree.programmes:
        if programme.capstone is None:
            continue
        course, _sep, module = programme.capstone.partition("/")
        if course not in programme.courses:
            reader.error(programme.path, programme.capstone_line, _(
                "capstone %(capstone)s: write <course id>/<module id> with one of the programme's courses",
                capstone=quoted(programme.capstone)))
        elif (course, module) not in reader.tree.assignments:
            reader.error(programme.path, programme.capstone_line, _(
                "capstone %(capstone)s: no assignment for that module (assignments/<course folder>/<module folder>.md)",
                capstone=quoted(programme.capstone)))


def _read_assignment(reader: Reader, path: Path, course, modules, skills: set[str]) -> None:
    rel = reader.rel(path)
    name = path.name.removesuffix(".md")
    if path.is_dir() or not path.name.endswith(".md"):
        reader.error(rel, 0, _("unexpected entry: a course's assignment folder holds <module folder>.md files"))
        return
    if name not in modules:
        reader.error(rel, 0, _("no module folder %(name)s in %(course)s/ (an assignment has its module's folder name)"
                               "%(hint)s", name=quoted(name), course=course.folder, hint=did_you_mean(name, modules)))
        return
    data, text = reader.read_text(path)
    if text is None:
        return
    spec, errors = parse_assignment(text, rel, skills)
    reader.tree.errors.extend(errors)
    if spec is None:
        return
    digest = reader.file_hash(rel, data, course.language)
    html = None
    if reader.known.get(rel) != digest:  # a file unchanged since the last sync is not rendered again
        html = _render(reader, rel, spec, course)
        reader.tree.rendered += 1
    reader.tree.assignments[(course.slug, modules[name].slug)] = dataclasses.replace(spec, source=rel, hash=digest,
                                                                                     html=html)


def _render(reader: Reader, rel: str, spec: AssignmentSpec, course) -> AssignmentHtml:
    """The brief and the rubric's words as HTML, links resolved like a lesson's, problems reported by line."""
    source_dir = posixpath.dirname(rel)
    page = f"courses/{course.slug}/assignments/"  # the URL directory of the page courses/<course>/assignments/<module>

    def render(text: str, line: int) -> str:
        html, problems = render_markdown(text, resolve=lambda url: reader.resolve_link(url, source_dir, page),
                                         line_offset=line, language=course.language)
        for number, message in problems:
            reader.error(rel, number, message)
        return html

    criteria = {c.key: (render(c.description, c.line) if c.description else "",
                        tuple(render(level.text, level.line - 1) for level in c.levels)) for c in spec.criteria}
    return AssignmentHtml(render(spec.brief, spec.brief_line - 1), criteria)

"""Reads quizzes/ beside courses/: one quiz per module (same name as its folder) and a final exam."""
from __future__ import annotations

import dataclasses
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from ..content.errors import quoted
from ..content.frontmatter import did_you_mean
from ..content.markdown import render_markdown
from ..i18n import _
from .parsing import parse_quiz
from .rendering import BlockRenderer, render_quiz

if TYPE_CHECKING:  # the content reader imports this module, not the other way round at run time
    from ..content.tree import Reader


def read_quizzes(reader: Reader) -> None:
    """Validate every quiz file against the course tree, filling ``reader.tree.quizzes``."""
    folder = reader.root / "quizzes"
    if not folder.is_dir():
        return
    tree = reader.tree
    courses = {course.folder: course for course in tree.courses}
    courses.update({course.slug: course for course in tree.courses})
    skills = {skill.slug for skill in tree.skills}
    for course_dir in sorted(folder.iterdir()):
        rel = reader.rel(course_dir)
        if course_dir.name.startswith("."):
            continue
        course = courses.get(course_dir.name)
        if not course_dir.is_dir() or course is None:
            reader.error(rel, 0, _("no course folder named %(name)s in courses/%(hint)s", name=quoted(course_dir.name),
                                   hint=did_you_mean(course_dir.name, courses)))
            continue
        modules = {module.folder: module for module in course.modules}
        for path in sorted(course_dir.iterdir()):
            _read_quiz(reader, path, course, modules, skills)


def _read_quiz(reader: Reader, path: Path, course, modules, skills: set[str]) -> None:
    rel = reader.rel(path)
    name = path.name.removesuffix(".md")
    if path.is_dir() or not path.name.endswith(".md"):
        reader.error(rel, 0, _("unexpected entry: a course's quiz folder holds <module folder>.md files and final.md"))
        return
    if name != "final" and name not in modules:
        reader.error(rel, 0, _("no module folder %(name)s in %(course)s/ (a module quiz has its module's folder name)"
                               "%(hint)s", name=quoted(name), course=course.folder,
                               hint=did_you_mean(name, list(modules) + ['final'])))
        return
    data, text = reader.read_text(path)
    if text is None:
        return
    spec, errors = parse_quiz(text, rel)
    reader.tree.errors.extend(errors)
    if spec is None:
        return
    for question in spec.questions:
        for skill in question.skills:
            if skill not in skills:
                reader.error(rel, question.line, _("unknown skill %(skill)s in question %(question)s%(hint)s",
                                                   skill=quoted(skill), question=quoted(question.id),
                                                   hint=did_you_mean(skill, skills)))
    key = "final" if name == "final" else modules[name].slug
    if name != "final" and key == "final":
        reader.error(rel, 0, _("a module with the slug 'final' cannot have a quiz: 'final' names the course's final exam"))
        return
    digest = reader.file_hash(rel, data, course.language)
    html = None
    if reader.known.get(rel) != digest:  # a file unchanged since the last sync is not rendered again
        html = render_quiz(spec, _renderer(reader, rel, course.language), course.slug, key)
        reader.tree.rendered += 1
    reader.tree.quizzes[(course.slug, key)] = dataclasses.replace(spec, source=rel, hash=digest, html=html)


def _renderer(reader: Reader, rel: str, language: str | None = None) -> BlockRenderer:
    """Markdown to HTML with links resolved like a lesson's, problems reported against the quiz file, the
    renderer's own words in the course's ``language``."""
    source_dir = posixpath.dirname(rel)

    def render(text: str, page: str, line: int) -> str:
        html, problems = render_markdown(text, resolve=lambda url: reader.resolve_link(url, source_dir, page),
                                         line_offset=line, language=language)
        for number, message in problems:
            reader.error(rel, number, message)
        return html

    return render

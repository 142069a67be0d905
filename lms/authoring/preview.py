"""Preview a file as it would load: the published tree with the edited text in place, read by the
content tree reader itself, so the messages and line numbers are the ones a sync would give."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..content.errors import ContentError
from ..content.specs import ContentTree
from ..content.tree import Reader
from .store import live_tree

# A relative URL in rendered HTML; absolute, root-relative and fragment URLs are left alone.
RELATIVE_URL = re.compile(r'(?P<attr>\b(?:href|src))="(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)(?P<url>[^"]*)"')


class _Unchanged(dict):
    """Answers "unchanged" for every path, so the reader renders no file but the one previewed."""

    def get(self, key: Any, default: Any = None) -> str:
        return "unchanged"


class PreviewReader(Reader):
    """The tree reader, validating every file but rendering only ``target``: a preview of one file
    must not cost a render of the whole tree."""

    def __init__(self, root: Path, target: str):
        super().__init__(root)
        self.known = _Unchanged()  # set after: the reader replaces an empty (falsy) mapping with {}
        self.target = target

    def file_hash(self, rel: str, data: bytes, language: str | None = None) -> str:
        return super().file_hash(rel, data, language) if rel == self.target else "unchanged"


@dataclass
class Preview:
    path: str
    kind: str  # course, module, lesson, programme, quiz, assignment, other
    html: str = ""
    title: str = ""
    quiz: Any = None  # the QuizSpec, with .html holding the rendered questions
    assignment: Any = None  # the AssignmentSpec, with .html holding the brief and the rubric's words
    errors: list[ContentError] = field(default_factory=list)
    course_slug: str = ""
    rendered: int = 0  # files the reader rendered: the previewed one only
    frame_origins: list[str] = field(default_factory=list)  # a lesson's videos: the editor page's frame-src

    @property
    def own_errors(self) -> list[ContentError]:
        return [error for error in self.errors if error.path == self.path]

    @property
    def other_errors(self) -> list[ContentError]:
        return [error for error in self.errors if error.path != self.path]


def preview(path: str, data: bytes | None) -> Preview:
    """Read the published tree with ``data`` at ``path`` (None: as if deleted) and report on that file."""
    with live_tree({path: data}) as root:
        tree = PreviewReader(root, path).read()
    result = Preview(path, "other", errors=sorted(set(tree.errors)), rendered=tree.rendered)
    _fill(result, tree)
    return result


def _fill(result: Preview, tree: ContentTree) -> None:
    path = result.path
    for course in tree.courses:
        if course.path == path:
            result.kind, result.title, result.html, result.course_slug = \
                "course", course.title, course.overview_html or "", course.slug
        for module in course.modules:
            if module.path == path:
                result.kind, result.title, result.html, result.course_slug = \
                    "module", module.title, module.intro_html or "", course.slug
            for lesson in module.lessons:
                if lesson.path == path:
                    result.kind, result.title, result.html, result.course_slug = \
                        "lesson", lesson.title, lesson.body_html or "", course.slug
                    result.frame_origins = lesson.frame_origins
    for programme in tree.programmes:
        if programme.path == path:
            result.kind, result.title, result.html = "programme", programme.title, programme.overview_html or ""
    for (course_slug, _), quiz in tree.quizzes.items():
        if quiz.source == path:
            result.kind, result.title, result.quiz, result.course_slug = "quiz", quiz.title, quiz, course_slug
    for (course_slug, _), assignment in tree.assignments.items():
        if assignment.source == path and assignment.html is not None:
            result.kind, result.title, result.assignment, result.course_slug = \
                "assignment", assignment.title, assignment, course_slug
            result.html = assignment.html.brief_html


def absolutise(html: str, base: str) -> str:
    """Point relative links of rendered HTML at ``base`` (the page's URL folder), so a preview shown
    on an authoring page links and loads images as the real page would."""
    return RELATIVE_URL.sub(lambda m: f'{m["attr"]}="{base}{m["url"]}"', html)

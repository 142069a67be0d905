"""Read an assignment file: front matter (its settings), a Markdown brief, then a rubric.

    ---
    title: Data readiness review
    submit: [text, files]
    file_types: [pdf, docx, xlsx]
    review: peer+instructor
    peer_reviews: 2
    pass_mark: 60
    skills: [data-literacy]
    ---
    The brief, in Markdown.

    ## Rubric {#rubric}

    ### Evidence for each criterion {#evidence skill=data-literacy}
    What the reviewer looks for (optional).

    - **Not yet** (0): No evidence is given.
    - **Proficient** (10): Every row has evidence a reviewer could check.

Every problem is reported with its file and line; nothing stops at the first one.
"""
from __future__ import annotations

import re

from ..content.errors import ContentError, quoted
from ..content.frontmatter import Bounds, Key, check_keys, did_you_mean, show_number, split_front_matter
from ..i18n import _
from .filetypes import FILE_TYPES
from .spec import REVIEW_MODES, SUBMIT_KINDS, AssignmentSpec, CriterionSpec, LevelSpec

KEYS = [
    Key("title", "text", True, 200),
    Key("submit", "list", True, max_length=2),
    Key("file_types", "list", max_length=len(FILE_TYPES)),
    Key("max_file_mb", "number", bounds=Bounds(0, 50, above=True)),
    Key("max_files", "number", bounds=Bounds(1, 20, whole=True)),
    Key("review", "choice", True, choices=REVIEW_MODES),
    Key("peer_reviews", "number", bounds=Bounds(1, 5, whole=True)),
    Key("pass_mark", "number", bounds=Bounds(0, 100)),
    Key("lowest_level_fails", "bool"),
    Key("skills", "list", max_length=20),
]
RUBRIC_HEADING = re.compile(r"^##\s+(.*?)\s*\{#rubric\}\s*$")
CRITERION_HEADING = re.compile(r"^###\s+(?P<title>.*?)\s*(?:\{(?P<attrs>[^{}]*)\})?\s*$")
LEVEL = re.compile(r"^[-*]\s+\*\*(?P<name>[^*]+?)\*\*\s*\((?P<points>[^()]*)\)\s*:?\s*(?P<text>.*)$")
POINTS = re.compile(r"^\d{1,4}(?:\.\d{1,2})?$")
KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")
MAX_CRITERIA, MAX_LEVELS = 20, 8
DEFAULT_PEER_REVIEWS = 2


def parse_assignment(text: str, path: str, skills: set[str]) -> tuple[AssignmentSpec | None, list[ContentError]]:
    """The assignment and no errors, or None and every error of the file."""
    errors: list[ContentError] = []
    doc = split_front_matter(text, path, errors)
    values = check_keys(doc, KEYS, errors)
    lines = doc.body.split("\n")
    offset = doc.body_line  # the file line of the body's first line
    rubric_at = next((n for n, line in enumerate(lines) if RUBRIC_HEADING.match(line)), None)
    if rubric_at is None:
        errors.append(ContentError(path, offset + len(lines) - 1, _(
            "no rubric: end the brief with a '## Rubric {#rubric}' heading followed by its criteria")))
        return None, errors
    criteria = _criteria(lines[rubric_at + 1:], offset + rubric_at + 1, path, skills, errors)
    submit = _submit(values, doc, path, errors)
    file_types = tuple(str(kind).lower().lstrip(".") for kind in values.get("file_types", []))
    for kind in file_types:
        if kind not in FILE_TYPES:
            errors.append(ContentError(path, doc.line_of("file_types"), _(
                "unknown file type %(type)s: use %(types)s%(hint)s", type=quoted(kind), types=", ".join(FILE_TYPES),
                hint=did_you_mean(kind, FILE_TYPES))))
    if "files" in submit and not file_types:
        errors.append(ContentError(path, doc.line_of("submit"), _(
            "'submit' includes files: list the file types it accepts in 'file_types' (for example [pdf, docx])")))
    review = values.get("review", "instructor")
    peer_reviews = int(values.get("peer_reviews", DEFAULT_PEER_REVIEWS if review != "instructor" else 0))
    if review == "instructor" and "peer_reviews" in values:
        errors.append(ContentError(path, doc.line_of("peer_reviews"), _(
            "'peer_reviews' needs a review mode with peers: 'peer' or 'peer+instructor'")))
    for skill in values.get("skills", []):
        if skill not in skills:
            errors.append(ContentError(path, doc.line_of("skills"), _(
                "unknown skill %(skill)s%(hint)s", skill=quoted(skill), hint=did_you_mean(str(skill), skills))))
    if errors:
        return None, errors
    return AssignmentSpec(
        title=values["title"], review=review, submit_text="text" in submit, submit_files="files" in submit,
        file_types=file_types, max_file_mb=float(values.get("max_file_mb", 10)),
        max_files=int(values.get("max_files", 5)) if "files" in submit else 0, peer_reviews=peer_reviews,
        pass_mark=float(values.get("pass_mark", 60)), lowest_level_fails=bool(values.get("lowest_level_fails", False)),
        skills=tuple(values.get("skills", [])), brief="\n".join(lines[:rubric_at]), brief_line=offset,
        criteria=tuple(criteria)), []


def _submit(values: dict, doc, path: str, errors: list[ContentError]) -> set[str]:
    submit = {str(kind) for kind in values.get("submit", [])}
    for kind in submit - set(SUBMIT_KINDS):
        errors.append(ContentError(path, doc.line_of("submit"), _(
            "'submit' lists %(kind)s: use text, files or both", kind=quoted(kind))))
    if "submit" in values and not submit & set(SUBMIT_KINDS):
        errors.append(ContentError(path, doc.line_of("submit"), _("'submit' must name text, files or both")))
    return submit & set(SUBMIT_KINDS)


def _attributes(text: str) -> tuple[str | None, dict[str, str], list[str]]:
    """``#key skill=x`` into the key, the named attributes, and the words not understood."""
    key, named, unknown = None, {}, []
    for word in text.split():
        if word.startswith("#"):
            key = word[1:]
        elif "=" in word:
            name, _sep, value = word.partition("=")
            named[name] = value
        else:
            unknown.append(word)
    return key, named, unknown


class _Criterion:
    def __init__(self, key: str, title: str, skill: str | None, line: int):
        self.key, self.title, self.skill, self.line = key, title, skill, line
        self.description: list[str] = []
        self.levels: list[list] = []  # [name, points, text lines, line]


def _criteria(lines: list[str], first: int, path: str, skills: set[str], errors: list[ContentError]) -> list[CriterionSpec]:
    found: list[_Criterion] = []
    current: _Criterion | None = None
    for n, line in enumerate(lines):
        number = first + n
        heading = CRITERION_HEADING.match(line)
        if line.startswith("#") and not line.startswith("###"):
            errors.append(ContentError(path, number, _(
                "only '###' criterion headings may follow the rubric heading (the brief goes above it)")))
            continue
        if heading and line.startswith("### "):
            current = _criterion(heading, number, path, skills, errors, found)
            continue
        if current is None:
            if line.strip():
                errors.append(ContentError(path, number, _(
                    "text before the first criterion: start each criterion with '### Title {#key skill=skill-id}'")))
            continue
        level = LEVEL.match(line)
        if level:
            points = level.group("points").strip().replace(",", ".")
            if not POINTS.match(points):
                errors.append(ContentError(path, number, _(
                    "level %(level)s: write its points as a number in brackets, for example (7.5)",
                    level=quoted(level.group("name")))))
                points = "0"
            current.levels.append([level.group("name").strip(), float(points), [level.group("text").strip()], number])
        elif re.match(r"^[-*]\s", line):
            errors.append(ContentError(path, number, _(
                "a level reads '- **Name** (points): what the reviewer sees', for example '- **Proficient** (10): ...'")))
        elif current.levels and (line.startswith("  ") or not line.strip()):
            current.levels[-1][2].append(line.strip())
        elif current.levels:
            errors.append(ContentError(path, number, _(
                "text after the levels of criterion %(key)s: indent it under a level, or put it above the levels",
                key=quoted(current.key))))
        else:
            current.description.append(line)
    if not found:
        errors.append(ContentError(path, first, _("the rubric has no criterion: add '### Title {#key skill=skill-id}'")))
    if len(found) > MAX_CRITERIA:
        errors.append(ContentError(path, found[MAX_CRITERIA].line, _(
            "a rubric has at most %(count)d criteria", count=MAX_CRITERIA)))
    specs = []
    for criterion in found:
        specs.append(_finish(criterion, path, errors))
    return specs


def _criterion(heading, number: int, path: str, skills: set[str], errors: list[ContentError],
               found: list[_Criterion]) -> _Criterion:
    title = heading.group("title").strip()
    key, named, unknown = _attributes(heading.group("attrs") or "")
    if not title:
        errors.append(ContentError(path, number, _("a criterion needs a title")))
    if key is None or not KEY.match(key):
        errors.append(ContentError(path, number, _(
            "criterion %(title)s needs a key: end its heading with {#key skill=skill-id} (lowercase a-z, 0-9, '-')",
            title=quoted(title))))
        key = key or f"line-{number}"
    for name in named:
        if name != "skill":
            errors.append(ContentError(path, number, _("unknown attribute %(name)s: a criterion takes skill=",
                                                       name=quoted(name))))
    for word in unknown:
        errors.append(ContentError(path, number, _("%(word)s is not understood: write {#key skill=skill-id}",
                                                   word=quoted(word))))
    skill = named.get("skill")
    if skill is not None and skill not in skills:
        errors.append(ContentError(path, number, _("unknown skill %(skill)s%(hint)s", skill=quoted(skill),
                                                   hint=did_you_mean(skill, skills))))
    for other in found:
        if other.key == key:
            errors.append(ContentError(path, number, _("duplicate criterion key %(key)s (also on line %(line)d)",
                                                       key=quoted(key), line=other.line)))
    criterion = _Criterion(key, title, skill, number)
    found.append(criterion)
    return criterion


def _finish(criterion: _Criterion, path: str, errors: list[ContentError]) -> CriterionSpec:
    levels = [LevelSpec(name, points, "\n".join(text).strip(), line) for name, points, text, line in criterion.levels]
    if len(levels) < 2:
        errors.append(ContentError(path, criterion.line, _(
            "criterion %(key)s needs at least two levels, each '- **Name** (points): description'", key=quoted(criterion.key))))
    if len(levels) > MAX_LEVELS:
        errors.append(ContentError(path, levels[MAX_LEVELS].line, _("a criterion has at most %(count)d levels",
                                                                    count=MAX_LEVELS)))
    for before, after in zip(levels, levels[1:]):
        if after.points <= before.points:
            errors.append(ContentError(path, after.line, _(
                "levels go from the fewest points to the most: %(points)s is not more than %(before)s",
                points=show_number(after.points), before=show_number(before.points))))
    for level in levels:
        if not level.text:
            errors.append(ContentError(path, level.line, _("level %(level)s says nothing the reviewer could see",
                                                           level=quoted(level.name))))
    if levels and levels[-1].points <= 0:
        errors.append(ContentError(path, levels[-1].line, _("the highest level of a criterion must give points")))
    return CriterionSpec(criterion.key, criterion.title, criterion.skill, "\n".join(criterion.description).strip(),
                         tuple(levels), criterion.line)

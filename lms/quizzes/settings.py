"""A quiz's front matter: read the YAML with its line numbers, then check every setting against the
same key specs (and number bounds) as a course's front matter."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lms.content.errors import ContentError
from lms.content.frontmatter import Bounds, Document, Key, check_keys, load_yaml
from lms.i18n import _, ngettext
from lms.quizzes.spec import REVIEW_MODES

FENCES = ("---", "...")
MAX_QUESTIONS = 1000  # the most a quiz may draw per attempt
KEYS = [
    Key("title", "text", True, 200),
    Key("pass_mark", "number", bounds=Bounds(0, 100)),  # percent
    Key("max_attempts", "number", bounds=Bounds(0, 100, whole=True)),  # 0: unlimited
    Key("time_limit", "number", bounds=Bounds(1, 1440, whole=True)),  # minutes: at most a day
    Key("shuffle", "bool"),
    Key("draw", "number", bounds=Bounds(1, MAX_QUESTIONS, whole=True)),
    Key("review", "choice", choices=REVIEW_MODES),
]


@dataclass
class FrontMatter:
    """Raw front matter values, the 1-based line of each key, and where the body starts (0-based)."""

    values: dict[Any, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    end: int = 0


def read_front_matter(lines: list[str], path: str, errors: list[ContentError]) -> FrontMatter:
    """The YAML between ``---`` lines at the top; errors carry file line numbers."""
    if not lines or lines[0].strip() != "---":
        errors.append(ContentError(path, 1, _("a quiz starts with front matter: %(example)s",
                                              example="'---', 'title: ...', '---'")))
        return FrontMatter()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in FENCES), None)
    if end is None:
        errors.append(ContentError(path, 1, _("the front matter is not closed with '---'")))
        return FrontMatter(end=len(lines))
    values, key_lines = load_yaml("\n".join(lines[1:end]), path, errors, first_line=2)
    if values is None:
        return FrontMatter(end=end + 1)
    if not isinstance(values, dict):
        errors.append(ContentError(path, 2, _("front matter must be %(example)s lines", example="'key: value'")))
        return FrontMatter(end=end + 1)
    return FrontMatter(values, key_lines, end + 1)


def check_settings(
    front: FrontMatter, questions: int, path: str, errors: list[ContentError]
) -> dict[str, Any]:
    """Validated QuizSpec settings; every unknown key or bad value becomes an error."""
    settings = check_keys(Document(path, front.values, "", front.end + 1, front.lines), KEYS, errors)
    draw = settings.get("draw")
    if draw is not None and questions and draw > questions:
        errors.append(ContentError(path, front.lines.get("draw", 1),
                                   ngettext("draw is %(draw)d but the quiz has only %(num)d question",
                                            "draw is %(draw)d but the quiz has only %(num)d questions", questions,
                                            draw=draw)))
    return settings

"""A quiz's front matter: read the YAML with its line numbers, then check every setting."""
from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from lms.content.errors import ContentError
from lms.quizzes.spec import REVIEW_MODES

KEYS = ("title", "pass_mark", "max_attempts", "time_limit", "shuffle", "draw", "review")
FENCES = ("---", "...")


@dataclass
class FrontMatter:
    """Raw front matter values, the 1-based line of each key, and where the body starts (0-based)."""

    values: dict[Any, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    end: int = 0


def read_front_matter(lines: list[str], path: str, errors: list[ContentError]) -> FrontMatter:
    """The YAML between ``---`` lines at the top; errors carry file line numbers."""
    if not lines or lines[0].strip() != "---":
        errors.append(ContentError(path, 1, "a quiz starts with front matter: '---', 'title: ...', '---'"))
        return FrontMatter()
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in FENCES), None)
    if end is None:
        errors.append(ContentError(path, 1, "the front matter is not closed with '---'"))
        return FrontMatter(end=len(lines))
    source = "\n".join(lines[1:end])
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
        values = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        errors.append(ContentError(path, mark.line + 2 if mark else 1, f"front matter is not valid YAML: {problem}"))
        return FrontMatter(end=end + 1)
    if values is None:
        return FrontMatter(end=end + 1)
    if not isinstance(values, dict) or not isinstance(node, yaml.MappingNode):
        errors.append(ContentError(path, 2, "front matter must be 'key: value' lines"))
        return FrontMatter(end=end + 1)
    key_lines = {str(k.value): k.start_mark.line + 2 for k, _ in node.value}
    return FrontMatter(values, key_lines, end + 1)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_settings(
    front: FrontMatter, questions: int, path: str, errors: list[ContentError]
) -> dict[str, Any]:
    """Validated QuizSpec settings; every unknown key or bad value becomes an error."""

    def fail(key: Any, message: str) -> None:
        errors.append(ContentError(path, front.lines.get(str(key), 1), message))

    for key in front.values:
        if key not in KEYS:
            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else f" (known keys: {', '.join(KEYS)})"
            fail(key, f"unknown front matter key {key!r}{hint}")
    settings: dict[str, Any] = {}
    values = front.values
    title = values.get("title")
    if "title" not in values:
        errors.append(ContentError(path, 1, "front matter needs a 'title'"))
    elif not isinstance(title, str) or not title.strip():
        fail("title", "title must be non-empty text")
    else:
        settings["title"] = title.strip()
    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "pass_mark": (lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v <= 100,
                      "pass_mark must be a number from 0 to 100"),
        "max_attempts": (lambda v: _is_int(v) and v >= 0, "max_attempts must be a whole number, 0 for unlimited"),
        "time_limit": (lambda v: v is None or (_is_int(v) and v > 0), "time_limit must be whole minutes above 0"),
        "shuffle": (lambda v: isinstance(v, bool), "shuffle must be true or false"),
        "draw": (lambda v: v is None or (_is_int(v) and v >= 1), "draw must be a whole number of at least 1"),
        "review": (lambda v: v in REVIEW_MODES, f"review must be one of {', '.join(REVIEW_MODES)}"),
    }
    for key, (valid, message) in checks.items():
        if key in values:
            if valid(values[key]):
                settings[key] = values[key]
            else:
                fail(key, f"{message}, not {values[key]!r}")
    draw = settings.get("draw")
    if draw is not None and questions and draw > questions:
        fail("draw", f"draw is {draw} but the quiz has only {questions} question{'s' if questions > 1 else ''}")
    return settings

"""YAML front matter with line numbers, checked against a schema of known keys.

Every number a key holds has a range (``Bounds``): finite, and small enough for the column, the
template and the date arithmetic it ends up in. YAML anchors and aliases are refused: a few lines of
them expand into a value of gigabytes (the "billion laughs"), and content has no use for them.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C loader is several times faster on a 1,000-lesson tree
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader

from ..i18n import _, _l
from .errors import ContentError, clipped, quoted

NO_ANCHORS = _l("YAML anchors and aliases ('&name', '*name') are not allowed: write each value out")


@dataclass
class Document:
    """A Markdown file split into its front matter and body; ``body_line`` is the body's first line."""

    path: str
    meta: dict[str, Any]
    body: str
    body_line: int
    key_lines: dict[str, int] = field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


def split_front_matter(text: str, path: str, errors: list[ContentError]) -> Document:
    """Split ``---`` fenced YAML from the body; a file without front matter has an empty one."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return Document(path, {}, text, 1)
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            break
    else:
        errors.append(ContentError(path, 1, _("front matter starts with '---' but is never closed")))
        return Document(path, {}, "", len(lines) + 1)
    yaml_text = "".join(lines[1:index])
    body = "".join(lines[index + 1:])
    meta, key_lines = load_yaml(yaml_text, path, errors, first_line=2)
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        errors.append(ContentError(path, 2, _("front matter must be a mapping of keys to values")))
        meta = {}
    return Document(path, meta, body, index + 2, key_lines)


def _compose_and_construct(text: str):
    """Parse once: the node tree gives line numbers, and the data is constructed from that tree."""
    loader = SafeLoader(text)
    try:
        node = loader.get_single_node()
        return node, (loader.construct_document(node) if node is not None else None)
    finally:
        loader.dispose()


def _anchor_line(text: str) -> int | None:
    """The 0-based line of the first anchor or alias, or None; a cheap test spares most files the scan."""
    if "&" not in text and "*" not in text:
        return None
    for event in yaml.parse(text, Loader=SafeLoader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            return event.start_mark.line
    return None


def _parse(text: str, path: str, errors: list[ContentError], first_line: int):
    """The node tree and data of a YAML text, or (None, None) with an error at its line."""
    try:
        anchor = _anchor_line(text)
        if anchor is not None:
            errors.append(ContentError(path, first_line + anchor, str(NO_ANCHORS)))
            return None, None
        return _compose_and_construct(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        problem = getattr(exc, "problem", None) or str(exc).split("\n", 1)[0]
        errors.append(ContentError(path, line, _("invalid YAML: %(problem)s", problem=clipped(problem, 200))))
    except (ValueError, OverflowError, RecursionError) as exc:  # a date like 2024-13-45, an int of 5,000 digits
        errors.append(ContentError(path, first_line, _("invalid YAML: a value cannot be read (%(reason)s)",
                                                       reason=clipped(str(exc)))))
    return None, None


def load_yaml(text: str, path: str, errors: list[ContentError], first_line: int = 1):
    """Front matter's YAML: the data and the file line of each top-level key (None, {} on an error)."""
    node, data = _parse(text, path, errors, first_line)
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = first_line + key_node.start_mark.line
    return data, key_lines


def load_yaml_file(text: str, path: str, errors: list[ContentError]):
    """Parse a whole YAML file, returning the data and the node tree for line numbers."""
    node, data = _parse(text, path, errors, 1)
    return data, node


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return _(" (did you mean '%(word)s'?)", word=close[0]) if close else ""


def show_number(value: float) -> str:
    """A bound as a message shows it: 600, 0.5, 1e+15."""
    if float(value).is_integer() and abs(value) < 10**6:
        return str(int(value))
    return f"{value:g}"


@dataclass(frozen=True)
class Bounds:
    """The range of a number an author writes: finite, from ``low`` to ``high`` inclusive (strictly
    above ``low`` with ``above``), and a whole number when ``whole``."""

    low: float
    high: float
    whole: bool = False
    above: bool = False

    def describe(self) -> str:
        low, high = show_number(self.low), show_number(self.high)
        if self.above:
            return _("a whole number above %(low)s, at most %(high)s", low=low, high=high) if self.whole else \
                _("a number above %(low)s, at most %(high)s", low=low, high=high)
        return _("a whole number from %(low)s to %(high)s", low=low, high=high) if self.whole else \
            _("a number from %(low)s to %(high)s", low=low, high=high)

    def admits(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if isinstance(value, float) and (not math.isfinite(value) or self.whole):
            return False
        return self.low < value <= self.high if self.above else self.low <= value <= self.high

    def problem(self, value: Any) -> str | None:
        """None when ``value`` is in range, else what is wrong with it, quoting it (cut short)."""
        return None if self.admits(value) else _("must be %(range)s, not %(value)s", range=self.describe(),
                                                  value=quoted(value))


@dataclass(frozen=True)
class Key:
    """One front matter key: its type check and whether it is required. A number key has its bounds."""

    name: str
    kind: str  # text, number, bool, list, choice
    required: bool = False
    max_length: int | None = None  # text: characters; list: items
    choices: tuple[str, ...] = ()
    bounds: Bounds | None = None

    def __post_init__(self) -> None:
        if (self.kind == "number") != (self.bounds is not None):
            raise ValueError(f"key {self.name!r}: a number key, and only a number key, has bounds")


def check_keys(doc: Document, schema: list[Key], errors: list[ContentError]) -> dict[str, Any]:
    """Report unknown, missing and mistyped keys; return the valid values only."""
    known = {key.name: key for key in schema}
    values: dict[str, Any] = {}
    for name in doc.meta:
        if name not in known:
            errors.append(ContentError(doc.path, doc.line_of(str(name)),
                                       _("unknown key %(key)s%(suggestion)s", key=quoted(str(name)),
                                         suggestion=did_you_mean(str(name), known))))
    for key in schema:
        if key.name not in doc.meta or doc.meta[key.name] is None:
            if key.required:
                errors.append(ContentError(doc.path, 1, _("missing required key '%(key)s'", key=key.name)))
            continue
        problem, value = _convert(key, doc.meta[key.name])
        if problem:
            errors.append(ContentError(doc.path, doc.line_of(key.name), problem))
        else:
            values[key.name] = value
    return values


def _text(value: Any) -> str | None:
    """A scalar as text (``title: 2024`` is the text "2024"); None for anything else."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or not isinstance(value, int | float) or (isinstance(value, int) and value.bit_length() > 64):
        return None
    return str(value).strip()


def _convert(key: Key, value: Any) -> tuple[str | None, Any]:
    """(None, the value) when it is valid, else (what is wrong, naming the key, None)."""
    name = key.name
    if key.kind == "text":
        value = _text(value)
        if value is None:
            return _("'%(key)s' must be text", key=name), None
        if not value:
            return _("'%(key)s' must not be empty", key=name), None
        if key.max_length and len(value) > key.max_length:
            return _("'%(key)s' is %(length)s characters long; at most %(limit)s are allowed", key=name,
                     length=len(value), limit=key.max_length), None
        return None, value
    if key.kind == "number":
        if key.bounds.admits(value):
            return None, value
        return _("'%(key)s' must be %(range)s, not %(value)s", key=name, range=key.bounds.describe(),
                 value=quoted(value)), value
    if key.kind == "bool":
        if not isinstance(value, bool):
            return _("'%(key)s' must be true or false", key=name), None
        return None, value
    if key.kind == "list":
        if isinstance(value, str):
            value = [value]
        items = [_text(v) for v in value] if isinstance(value, list) else [None]
        if None in items:
            return _("'%(key)s' must be a list of text items", key=name), None
        if key.max_length and len(items) > key.max_length:
            return _("'%(key)s' lists %(count)s items; at most %(limit)s are allowed", key=name, count=len(items),
                     limit=key.max_length), None
        return None, items
    if key.kind == "choice":
        if value not in key.choices:
            return _("'%(key)s' must be one of: %(choices)s (got %(value)s)", key=name, choices=", ".join(key.choices),
                     value=quoted(value)), None
        return None, value
    raise ValueError(f"unknown key kind {key.kind}")

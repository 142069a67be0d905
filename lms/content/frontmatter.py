"""YAML front matter with line numbers, checked against a schema of known keys."""
from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from typing import Any

import yaml

try:  # the C loader is several times faster on a 1,000-lesson tree
    from yaml import CSafeLoader as SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader

from .errors import ContentError


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
        errors.append(ContentError(path, 1, "front matter starts with '---' but is never closed"))
        return Document(path, {}, "", len(lines) + 1)
    yaml_text = "".join(lines[1:index])
    body = "".join(lines[index + 1:])
    meta, key_lines = _load_yaml(yaml_text, path, errors, first_line=2)
    if meta is None:
        meta = {}
    elif not isinstance(meta, dict):
        errors.append(ContentError(path, 2, "front matter must be a mapping of keys to values"))
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


def _load_yaml(text: str, path: str, errors: list[ContentError], first_line: int = 1):
    try:
        node, data = _compose_and_construct(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = first_line + (mark.line if mark else 0)
        errors.append(ContentError(path, line, f"invalid YAML: {getattr(exc, 'problem', None) or exc}"))
        return None, {}
    key_lines = {}
    if isinstance(node, yaml.MappingNode):
        for key_node, _ in node.value:
            key_lines[str(key_node.value)] = first_line + key_node.start_mark.line
    return data, key_lines


def load_yaml_file(text: str, path: str, errors: list[ContentError]):
    """Parse a whole YAML file, returning the data and the node tree for line numbers."""
    try:
        node, data = _compose_and_construct(text)
        return data, node
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        errors.append(ContentError(path, 1 + (mark.line if mark else 0), f"invalid YAML: {getattr(exc, 'problem', None) or exc}"))
        return None, None


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


@dataclass(frozen=True)
class Key:
    """One front matter key: its type check and whether it is required."""

    name: str
    kind: str  # text, int, number, bool, list, level, choice
    required: bool = False
    max_length: int | None = None
    choices: tuple[str, ...] = ()


def check_keys(doc: Document, schema: list[Key], errors: list[ContentError]) -> dict[str, Any]:
    """Report unknown, missing and mistyped keys; return the valid values only."""
    known = {key.name: key for key in schema}
    values: dict[str, Any] = {}
    for name in doc.meta:
        if name not in known:
            errors.append(ContentError(doc.path, doc.line_of(str(name)),
                                       f"unknown key '{name}'{did_you_mean(str(name), known)}"))
    for key in schema:
        if key.name not in doc.meta or doc.meta[key.name] is None:
            if key.required:
                errors.append(ContentError(doc.path, 1, f"missing required key '{key.name}'"))
            continue
        problem, value = _convert(key, doc.meta[key.name])
        if problem:
            errors.append(ContentError(doc.path, doc.line_of(key.name), f"'{key.name}' {problem}"))
        else:
            values[key.name] = value
    return values


def _convert(key: Key, value: Any) -> tuple[str | None, Any]:
    if key.kind == "text":
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            return "must be text", None
        value = str(value).strip()
        if not value:
            return "must not be empty", None
        if key.max_length and len(value) > key.max_length:
            return f"is {len(value)} characters long; at most {key.max_length} are allowed", None
        return None, value
    if key.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return "must be a whole number, 0 or more", None
        return None, value
    if key.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            return "must be a number, 0 or more", None
        return None, value
    if key.kind == "bool":
        if not isinstance(value, bool):
            return "must be true or false", None
        return None, value
    if key.kind == "list":
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return "must be a list of text items", None
        return None, [str(v).strip() for v in value]
    if key.kind == "choice":
        if value not in key.choices:
            return f"must be one of: {', '.join(key.choices)} (got '{value}')", None
        return None, value
    raise ValueError(f"unknown key kind {key.kind}")

"""GIFT's escaping rules, shared by the importer and by each question type's exporter."""
from __future__ import annotations

import re

# Each escape becomes one private-use character, so structural splitting can use plain string
# operations and the escaped characters come back verbatim at the end.
_SPECIAL = "\\~=#{}:"
_PLACEHOLDER = {c: chr(0xE000 + i) for i, c in enumerate(_SPECIAL)}
_NEWLINE = chr(0xE000 + len(_SPECIAL))
_RESTORE = {v: k for k, v in _PLACEHOLDER.items()} | {_NEWLINE: "\n"}
_ESCAPE_RE = re.compile(r"\\([\\~=#{}:n])")


def protect(text: str) -> str:
    """Replace every escape by a placeholder; newlines still count the same lines."""
    return _ESCAPE_RE.sub(lambda m: _NEWLINE if m[1] == "n" else _PLACEHOLDER[m[1]], text)


def restore(text: str) -> str:
    """Turn placeholders back into the literal characters they stand for."""
    return "".join(_RESTORE.get(c, c) for c in text)


def escape(text: str) -> str:
    """Escape a Conductor text for GIFT so every control character reads back literally."""
    out = "".join("\\" + c if c in _SPECIAL else c for c in text)
    return out.replace("\n", "\\n")


def soft_text(protected: str) -> str:
    """A field's text: physical line breaks in GIFT are soft wraps, ``\\n`` escapes are real."""
    joined = re.sub(r"[ \t]*\n[ \t]*", " ", protected)
    lines = [line.rstrip() for line in restore(joined).split("\n")]
    return "\n".join(lines).strip()


def one_line(protected: str) -> str:
    """A field that must fit on one line (option texts, answers): all whitespace collapsed."""
    return " ".join(restore(protected).split())

"""Validation errors shared by every content parser (courses, quizzes, interchange formats)."""
from __future__ import annotations

import reprlib
from dataclasses import dataclass

# What a message quotes of a value an author wrote: enough to find it, never the whole of it.
QUOTE_LIMIT = 80
_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxlist, _REPR.maxtuple, _REPR.maxdict, _REPR.maxset = 2, 6, 6, 4, 6
_REPR.maxstring = _REPR.maxother = _REPR.maxlong = QUOTE_LIMIT


def clipped(text: str, limit: int = QUOTE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters, with an ellipsis when cut."""
    return text if len(text) <= limit else text[:limit] + "…"


def quoted(value: object, limit: int = QUOTE_LIMIT) -> str:
    """A value as a message shows it (``'text'``, ``12``, ``[1, 2]``), cut to ``limit`` characters with
    an ellipsis. Built piecewise by ``reprlib``, so a huge or deeply shared value costs no more than its
    first few items."""
    if isinstance(value, str):
        return repr(clipped(value, limit))
    try:
        text = _REPR.repr(value)
    except ValueError:  # an integer too long to print (Python refuses beyond 4,300 digits)
        return "a number too long to show"
    return clipped(text, limit)


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in one file, reported as ``path:line: message`` like a compiler."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """Raised with every error found, so a caller reports them all at once and stores nothing."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))

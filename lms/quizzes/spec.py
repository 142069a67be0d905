"""The parsed form of a quiz: what every format (Markdown, GIFT, Aiken) reads into and writes from."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .registry import QuestionType

REVIEW_MODES = ("after_submit", "after_pass", "never")
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
SLUG_LENGTH = 60


def slugify(text: str) -> str:
    """A question id from its text: ascii letters and digits joined by hyphens, at most 60 chars."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if len(slug) > SLUG_LENGTH:
        cut = slug[:SLUG_LENGTH]
        slug = cut[: cut.rfind("-")] if "-" in cut else cut
    return slug


@dataclass(frozen=True, kw_only=True)
class QuestionSpec:
    """One question; ``data`` is its type-specific, JSON-serialisable content (stored as a version)."""

    id: str
    type: str
    prompt: str
    body: str = ""
    points: float = 1
    skills: tuple[str, ...] = ()
    explanation: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    # The source line only locates messages; it is not part of the question's identity.
    line: int = field(default=0, compare=False)

    @property
    def qtype(self) -> type[QuestionType]:
        """The registered type of the question (imported here: the registry imports this module)."""
        from .qtypes import get_type

        return get_type(self.type)


@dataclass(frozen=True, kw_only=True)
class QuizSpec:
    """A quiz's settings and questions, independent of the format it was read from."""

    title: str
    pass_mark: float = 70
    max_attempts: int = 0
    time_limit: int | None = None
    shuffle: bool = True
    draw: int | None = None
    review: str = "after_submit"
    questions: list[QuestionSpec] = field(default_factory=list)
    body: str = ""
    # Where the quiz was read from, set by the content loader; none of it is part of the quiz itself.
    source: str = field(default="", compare=False)
    hash: str = field(default="", compare=False)
    # The rendered HTML (a rendering.QuizHtml), or None when the file is unchanged since the last sync.
    html: Any = field(default=None, compare=False, repr=False)

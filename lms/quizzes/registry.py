"""The question-type registry: built-in types register here exactly as a plugin would."""
from __future__ import annotations

import json
import random
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from lms.content.errors import ContentError
from lms.i18n import _
from lms.quizzes import gift_text
from lms.quizzes.spec import QuestionSpec

CHECKBOX_RE = re.compile(r"\[([ xX])\](?:\s+|$)")
MAX_TEXT = 1000  # characters of a typed answer

# The values posted for one question: part name (None for the question's own field) -> values.
Parts = dict[str | None, list[str]]


class InvalidResponse(ValueError):
    """A response no honest form could post (wrong shape, foreign ids): refused, never graded."""


class Mistake(ValueError):
    """An answer the learner can fix; shown beside the question, nothing of it is saved."""


class NotRepresentable(Exception):
    """Raised by an exporter when a type has no equivalent in the target format."""


@dataclass(frozen=True)
class BlockItem:
    """One line or list item of an answer block, with the feedback nested under it."""

    text: str
    line: int
    feedback: str = ""
    feedback_line: int = 0


@dataclass(frozen=True)
class AnswerBlock:
    """The answer block of a question: ``kind`` is "bullet", "ordered" or "equals"."""

    kind: str
    items: tuple[BlockItem, ...]
    line: int
    attrs: Mapping[str, str] = field(default_factory=dict)
    heading_line: int = 0


class QuestionType:
    """Base of every question type; all methods are class methods so the class is the type.

    A type owns everything that depends on it, so no other code asks for a type by name:

    - content: ``detect``, ``parse``, ``to_markdown``, ``to_gift``;
    - the attempt: ``public`` (what the form may show), ``read_form`` and its inverse ``form_values``,
      ``grade`` and ``feedback``;
    - reports: ``report_options`` and ``answer_summary`` (item analysis's "answers chosen");
    - pages: ``template``, the Jinja name of a file defining three macros, looked up through the
      app's template loader, so a plugin ships its file in its own blueprint's template folder
      (and a host site may override a built-in's):

      ``controls(question, public, values, field_name, described)``: the attempt's form controls
      inside the question's fieldset, built from ``public`` only (never a key, flag or feedback);
      ``values`` maps field names to the values to show, ``field_name(question, part=None)`` names
      a control ``q<id>[-<part>]``, ``described`` holds ids for ``aria-describedby`` (or '').
      ``review(item)``: the learner's response beside the right one; ``item`` is a
      ``summary.ReviewItem`` whose question's data has its texts as HTML.
      ``key(question, data, absolutise, bases)``: the answer key of the authoring preview;
      ``question`` is the QuestionSpec, ``data`` its data with texts as HTML, and
      ``absolutise(html, bases.questions)`` fixes the links of Markdown blocks such as feedback.

    ``data`` is JSON; before it is stored, strings under the keys ``text`` and ``left`` become inline
    HTML and ``feedback`` a rendered Markdown block (see rendering.py), so templates show those with
    ``|safe`` and let Jinja escape every other string. The defaults describe one typed answer; the
    built-ins override what differs.
    """

    name: ClassVar[str] = ""
    label: ClassVar[str] = ""  # what authors read in messages ("single choice"); a built-in's is translated
    # Heading attributes this type understands beyond id, points and skills.
    attributes: ClassVar[frozenset[str]] = frozenset()
    template: ClassVar[str] = "quizzes/types/answer.html"
    # The order of the choices is the question itself (ordering): ``public`` always gets the attempt's
    # random, even when the quiz says ``shuffle: false``, since a fixed order would follow from the key.
    scrambled: ClassVar[bool] = False

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        """Does this answer block belong to this type?"""
        raise NotImplementedError

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        """The type-specific data of a question, appending a ContentError for each problem."""
        raise NotImplementedError

    @classmethod
    def public(cls, data: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
        """What a learner's form needs; never a key, a correct flag, feedback or an answer. ``rng`` is
        seeded by the attempt and the question (the same page on every reload), or None when the quiz
        does not shuffle (never None for a ``scrambled`` type)."""
        raise NotImplementedError

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        """Fraction (0..1) of the question's points; raises InvalidResponse for malformed input."""
        raise NotImplementedError

    @classmethod
    def feedback(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        """Markdown feedback attached to what the learner chose, for the review page."""
        return []

    @classmethod
    def read_form(cls, data: Mapping[str, Any], parts: Parts) -> Any:
        """The response posted (None: unanswered): InvalidResponse for what no honest form of the
        attempt could post, Mistake for a slip the learner can fix. Default: one typed answer."""
        value = (one_value(parts) or "").strip()
        if len(value) > MAX_TEXT:
            raise InvalidResponse(f"answer longer than {MAX_TEXT} characters")
        return value or None

    @classmethod
    def form_values(cls, data: Mapping[str, Any], response: Any) -> Parts:
        """The inverse of ``read_form``: the values the controls show for a saved (non-None) response."""
        return {None: [str(response)]}

    @classmethod
    def report_options(cls, data: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
        """The fixed options item analysis counts, as (id, text as HTML, right?); none by default."""
        return []

    @classmethod
    def answer_summary(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        """What a (non-None) response counts as among the answers chosen: the ids of the
        ``report_options`` it picks, or else one text standing for the whole response."""
        if isinstance(response, str):
            return [response]
        return [json.dumps(response, ensure_ascii=False, sort_keys=True)]

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        """The answer block in the canonical Markdown quiz format."""
        raise NotImplementedError

    @classmethod
    def heading_attributes(cls, data: Mapping[str, Any]) -> dict[str, str]:
        """Type-specific heading attributes to write (only non-defaults)."""
        return {}

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        """The inside of the GIFT answer braces; raises NotRepresentable when GIFT cannot say it."""
        raise NotRepresentable(_("%(type)s questions have no GIFT equivalent", type=cls.label or cls.name))

    @classmethod
    def gift_loss(cls, data: Mapping[str, Any]) -> str | None:
        """Why the GIFT export grades differently from Conductor, or None when it is exact."""
        return None

    @classmethod
    def to_gift(cls, question: QuestionSpec) -> str:
        """The whole question in GIFT, text in Markdown so nothing is lost in the markup."""
        answers = cls.gift_answers(question.data)
        text = question.prompt + (f"\n\n{question.body}" if question.body else "")
        general = f"####{gift_text.escape(question.explanation)}\n" if question.explanation else ""
        name = gift_text.escape(question.id)
        return f"::{name}::[markdown]{gift_text.escape(text)} {{\n{answers}{general}}}\n"


QUESTION_TYPES: dict[str, type[QuestionType]] = {}


def register(cls: type[QuestionType]) -> type[QuestionType]:
    """Class decorator adding a question type to the registry (built-ins and plugins alike)."""
    if not cls.name:
        raise ValueError(f"{cls.__name__} has no name")
    if cls.name in QUESTION_TYPES and QUESTION_TYPES[cls.name] is not cls:
        raise ValueError(f"question type {cls.name!r} is already registered")
    QUESTION_TYPES[cls.name] = cls
    return cls


def unregister(name: str) -> type[QuestionType]:
    """Remove a type from the registry (a plugin unloaded, a test's type cleaned up); KeyError if absent."""
    return QUESTION_TYPES.pop(name)


def detect_type(block: AnswerBlock) -> type[QuestionType] | None:
    """The type claiming the block, newest first: a plugin can specialise a built-in's syntax."""
    return next((cls for cls in reversed(QUESTION_TYPES.values()) if cls.detect(block)), None)


def one_value(parts: Parts) -> str | None:
    """The question's own field, posted at most once; any other field is forged."""
    if set(parts) - {None} or len(parts.get(None, [])) > 1:
        raise InvalidResponse("expected one value")
    values = parts.get(None, [])
    return values[0] if values else None


def option_id(index: int) -> str:
    """Stable id from a position: a..z, then aa, ab, ... (spreadsheet-style)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("a") + rem) + letters
    return letters


def rank_ids(texts: list[str]) -> list[str]:
    """Ids from alphabetical rank, so an id says nothing about the right order or pairing."""
    order = sorted(range(len(texts)), key=lambda i: (texts[i].casefold(), texts[i], i))
    ids = [""] * len(texts)
    for rank, i in enumerate(order):
        ids[i] = option_id(rank)
    return ids


def fold(text: str) -> str:
    """Compare answers ignoring case, spacing and punctuation (but "3.5" stays unlike "35")."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = []
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        if unicodedata.category(ch).startswith("P"):
            between_digits = 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit()
            if not between_digits:
                continue
        kept.append(ch)
    return "".join(kept)


def strip_accents(text: str) -> str:
    """``text`` without its accents: "développement" reads "developpement", "Ærø" "Ærø" (Æ and ø are letters
    of their own, not accented ones). Unicode NFD splits each accented letter into its letter and combining
    marks, which are dropped."""
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if not unicodedata.combining(ch))


def quote(markdown: str, indent: str = "") -> str:
    """A Markdown blockquote of ``markdown``, indented to nest under a list item."""
    return "\n".join(f"{indent}> {line}".rstrip() for line in markdown.split("\n"))


def require_ids(response: Any, known: set[str], what: str) -> list[str]:
    """A list of distinct known ids, or InvalidResponse."""
    if not isinstance(response, (list, tuple)) or not all(isinstance(r, str) for r in response):
        raise InvalidResponse(f"{what}: expected a list of ids, got {response!r}")
    if len(set(response)) != len(response):
        raise InvalidResponse(f"{what}: repeated ids in {response!r}")
    foreign = [r for r in response if r not in known]
    if foreign:
        raise InvalidResponse(f"{what}: unknown ids {foreign!r}")
    return list(response)

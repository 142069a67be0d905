"""Short answer and numeric: the ``= answer`` lines, told apart by whether they are numbers."""
from __future__ import annotations

import math
import random
import re
from collections.abc import Mapping
from typing import Any

from lms.content.errors import ContentError, quoted
from lms.content.frontmatter import Bounds
from lms.i18n import _, _l
from lms.quizzes import gift_text
from lms.quizzes.registry import AnswerBlock, InvalidResponse, QuestionType, fold, register, strip_accents

NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
TOLERANCE_SIGNS = ("±", "+/-", "+-")
_LOOKS_NUMERIC = re.compile(r"\s*[+\-\u2212]?\.?\d")
_COMMA_DECIMAL = re.compile(r"\s*[+\-\u2212]?\d+,\d+\s*")
# An author's numbers and tolerances: integers up to 10^15 are exact in a float, so they print back as written.
ANSWER = Bounds(-1e15, 1e15)
# A short answer's ``accents`` attribute: "count" (the default) or "ignore".
ACCENTS = ("count", "ignore")


def parse_number(text: str) -> float | None:
    """A number as an author writes it: plain decimal or exponent notation, finite."""
    text = text.strip().replace("\u2212", "-")
    if not NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def read_learner_number(text: str) -> float | None:
    """A learner's number, leniently: spaces and thousands separators, comma or point decimals."""
    text = re.sub(r"[\s_'\u00a0\u2009\u202f]", "", text)
    if "," in text and "." in text:
        # The separator that comes last is the decimal one ("1,234.5" or "1.234,5").
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1:
        text = text.replace(",", "")
    return parse_number(text)


class OutOfRange(ValueError):
    """A number the author wrote that reads, but lies outside its bounds (or is infinite)."""


def _author_number(text: str, bounds: Bounds, shown: str) -> float | None:
    """A number as the author wrote it, None when it does not read as one; OutOfRange outside ``bounds``."""
    text = text.strip().replace("\u2212", "-")
    if not NUMBER_RE.fullmatch(text):
        return None
    value = float(text)
    if not bounds.admits(value):
        raise OutOfRange(_("in %(answer)s, each number must be %(bounds)s", answer=shown, bounds=bounds.describe()))
    return value


def read_numeric_answer(text: str) -> dict[str, float]:
    """``42``, ``42 ± 0.5`` (or ``+-``) or ``40..44``, every number within ``ANSWER``; raises ValueError
    saying what is wrong (OutOfRange for a number that reads but is too large)."""
    shown = quoted(text.strip())
    if ".." in text:
        low, high = (_author_number(part, ANSWER, shown) for part in text.split("..", 1))
        if low is None or high is None:
            raise ValueError(_("cannot read the range %(answer)s: write it as 40..44", answer=shown))
        if low > high:
            raise ValueError(_("the range %(answer)s is empty: the smaller number comes first", answer=shown))
        return {"min": low, "max": high}
    for sign in TOLERANCE_SIGNS:
        if sign in text:
            value, tolerance = (_author_number(part, ANSWER, shown) for part in text.split(sign, 1))
            if value is None or tolerance is None:
                raise ValueError(_("cannot read %(answer)s: write it as 42 ± 0.5", answer=shown))
            if tolerance < 0:
                raise ValueError(_("the tolerance in %(answer)s is negative", answer=shown))
            return {"value": value, "tolerance": tolerance}
    value = _author_number(text, ANSWER, shown)
    if value is None:
        if _COMMA_DECIMAL.fullmatch(text):
            raise ValueError(_("cannot read the number %(answer)s: use a decimal point", answer=shown))
        raise ValueError(_("cannot read the number %(answer)s", answer=shown))
    return {"value": value, "tolerance": 0.0}


def classify(text: str) -> str:
    """"number", "bad" (meant as a number but unreadable) or "text"."""
    try:
        read_numeric_answer(text)
    except OutOfRange:
        return "number"  # a number, too large: the numeric question reports it
    except ValueError:
        meant_numeric = any(sign in text for sign in ("..", *TOLERANCE_SIGNS)) or bool(_COMMA_DECIMAL.fullmatch(text))
        return "bad" if _LOOKS_NUMERIC.match(text) and meant_numeric else "text"
    return "number"


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float."""
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def matches(answer: Mapping[str, float], x: float) -> bool:
    """Inclusive range, or within the tolerance allowing for binary rounding of decimals."""
    if "min" in answer:
        return answer["min"] <= x <= answer["max"]
    distance, tolerance = abs(x - answer["value"]), answer["tolerance"]
    return distance <= tolerance or math.isclose(distance, tolerance, rel_tol=1e-9, abs_tol=1e-12)


def answer_text(answer: Mapping[str, float], gift: bool = False) -> str:
    """An accepted number in Markdown (``42 ± 0.5``) or GIFT (``42:0.5``) notation."""
    if "min" in answer:
        return f"{format_number(answer['min'])}..{format_number(answer['max'])}"
    value = format_number(answer["value"])
    if not answer["tolerance"]:
        return value
    return f"{value}{':' if gift else ' ± '}{format_number(answer['tolerance'])}"


class _Typed(QuestionType):
    """Shared by answers the learner types: no options to show, no per-answer feedback."""

    @classmethod
    def public(cls, data: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {"type": cls.name}


@register
class ShortAnswer(_Typed):
    """Any listed answer, ignoring case, spacing and punctuation; with ``accents=ignore`` accents too
    ("developpement" for "développement"). ``data["accents"]`` is "ignore" or absent (accents count), so
    the questions written before the attribute keep their data, and their versions."""

    name = "short"
    label = _l("short answer")
    attributes = frozenset({"accents"})
    template = "quizzes/types/short.html"

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        return block.kind == "equals" and all(classify(item.text) == "text" for item in block.items)

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        # A leading backslash keeps a number-like answer as text: `= \4` accepts the text "4".
        answers = [item.text[1:] if item.text.startswith("\\") else item.text for item in block.items]
        accents = block.attrs.get("accents", "count")
        if accents not in ACCENTS:
            errors.append(ContentError(path, block.heading_line or block.line,
                                       _("accents must be count or ignore, not %(value)s", value=quoted(accents))))
        data = {"answers": answers, "accents": "ignore"} if accents == "ignore" else {"answers": answers}
        same = _folder(data)
        for item, answer in zip(block.items, answers):
            if not same(answer):
                errors.append(ContentError(path, item.line, _("answer has no letters or digits to compare")))
        return data

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        if response is None:
            return 0.0
        if not isinstance(response, str):
            raise InvalidResponse(f"short answer: expected text, got {response!r}")
        same = _folder(data)
        given = same(response)
        return 1.0 if given and any(given == same(a) for a in data["answers"]) else 0.0

    @classmethod
    def heading_attributes(cls, data: Mapping[str, Any]) -> dict[str, str]:
        return {"accents": "ignore"} if data.get("accents") == "ignore" else {}

    @classmethod
    def gift_loss(cls, data: Mapping[str, Any]) -> str | None:
        if data.get("accents") == "ignore":
            return _("GIFT short answers compare accents: exported with accents counting")
        return None

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        return "\n".join(f"= {_literal(a)}" for a in data["answers"])

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        return "".join(f"={gift_text.escape(a)}\n" for a in data["answers"])


def _folder(data: Mapping[str, Any]):
    """How a short answer question compares texts: ``fold`` (case, spacing and punctuation ignored), then
    ``strip_accents`` when the author wrote ``accents=ignore`` (after casefolding, which may itself add a
    combining mark: "İ" folds to "i̇")."""
    if data.get("accents") == "ignore":
        return lambda text: strip_accents(fold(text))
    return fold


def _literal(answer: str) -> str:
    """Escape a short answer that would otherwise read as a number (or start with a backslash)."""
    return "\\" + answer if answer.startswith("\\") or classify(answer) != "text" else answer


@register
class Numeric(_Typed):
    """A number within a tolerance or a range; several accepted answers allowed."""

    name = "numeric"
    label = _l("numeric")
    template = "quizzes/types/numeric.html"

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        return block.kind == "equals" and any(classify(item.text) != "text" for item in block.items)

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        answers = []
        for item in block.items:
            if classify(item.text) == "text":
                errors.append(ContentError(
                    path, item.line,
                    _("%(answer)s is not a number: a question mixes numeric and short answers", answer=quoted(item.text))))
                continue
            try:
                answers.append(read_numeric_answer(item.text))
            except ValueError as exc:
                errors.append(ContentError(path, item.line, str(exc)))
        return {"answers": answers}

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        if response is None:
            return 0.0
        if isinstance(response, bool) or not isinstance(response, (str, int, float)):
            raise InvalidResponse(f"numeric: expected a number or text, got {response!r}")
        x = read_learner_number(response) if isinstance(response, str) else float(response)
        if x is None or not math.isfinite(x):
            return 0.0
        return 1.0 if any(matches(a, x) for a in data["answers"]) else 0.0

    @classmethod
    def accepted_texts(cls, data: Mapping[str, Any]) -> list[str]:
        """Each accepted number as the review shows it (``42 ± 0.5``, ``40..44``)."""
        return [answer_text(a) for a in data["answers"]]

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        return "\n".join(f"= {answer_text(a)}" for a in data["answers"])

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        answers = [answer_text(a, gift=True) for a in data["answers"]]
        if len(answers) == 1:
            return f"#{answers[0]}\n"
        return "#\n" + "".join(f"={a}\n" for a in answers)

"""Matching (``- left => right``) and ordering (a numbered list in the right order)."""
from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from lms.content.errors import ContentError, quoted
from lms.i18n import _, _l
from lms.quizzes import gift_text
from lms.quizzes.registry import (
    CHECKBOX_RE,
    AnswerBlock,
    InvalidResponse,
    Mistake,
    NotRepresentable,
    Parts,
    QuestionType,
    option_id,
    rank_ids,
    register,
    require_ids,
)

MIN_PAIRS = 3
MIN_ITEMS = 3
POSITION = re.compile(r"[0-9]{1,4}")


def _no_feedback(block: AnswerBlock, errors: list[ContentError], path: str, message: str) -> None:
    for item in block.items:
        if item.feedback:
            errors.append(ContentError(path, item.feedback_line, message))


def matching_data(pairs: list[tuple[str, str]], extra: list[str]) -> dict[str, Any]:
    """Pairs point at choice ids numbered in alphabetical order, so ids never give the pairing away."""
    texts = sorted({right for _, right in pairs} | set(extra), key=lambda t: (t.casefold(), t))
    choice_id = {text: str(i + 1) for i, text in enumerate(texts)}
    return {
        "pairs": [{"id": option_id(i), "left": left, "right": choice_id[right]} for i, (left, right) in enumerate(pairs)],
        "choices": [{"id": choice_id[text], "text": text} for text in texts],
    }


@register
class Matching(QuestionType):
    """One share of the points per correct pair; ``- => text`` adds a distractor choice."""

    name = "matching"
    label = _l("matching")
    template = "quizzes/types/matching.html"

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        return (
            block.kind == "bullet"
            and not any(CHECKBOX_RE.match(item.text) for item in block.items)
            and any("=>" in item.text for item in block.items)
        )

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        _no_feedback(block, errors, path, _("feedback is not supported under matching pairs"))
        lefts: list[tuple[str, str, int]] = []
        extra: list[str] = []
        for item in block.items:
            if "=>" not in item.text:
                errors.append(ContentError(path, item.line, _("a matching line needs 'left => right'")))
                continue
            left, right = (part.strip() for part in item.text.split("=>", 1))
            if not right:
                errors.append(ContentError(path, item.line, _("the pair has nothing after '=>'")))
            elif not left:
                extra.append(right)
            elif any(left == seen for seen, _, _ in lefts):
                errors.append(ContentError(path, item.line, _("%(text)s appears twice on the left", text=quoted(left))))
            else:
                lefts.append((left, right, item.line))
        if len(lefts) < MIN_PAIRS:
            errors.append(ContentError(path, block.line, _("a matching question needs at least %(count)d pairs",
                                                            count=MIN_PAIRS)))
        return matching_data([(left, right) for left, right, _ in lefts], extra)

    @classmethod
    def public(cls, data: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
        choices = [{"id": c["id"], "text": c["text"]} for c in data["choices"]]
        if rng is not None:
            rng.shuffle(choices)
        left = [{"id": p["id"], "text": p["left"]} for p in data["pairs"]]
        return {"type": cls.name, "left": left, "choices": choices}

    @classmethod
    def read_form(cls, data: Mapping[str, Any], parts: Parts) -> dict[str, str] | None:
        """One select per left item, each part named by the item's id."""
        if None in parts or any(len(values) != 1 for values in parts.values()):
            raise InvalidResponse("expected one choice per item")
        chosen = {left: values[0] for left, values in parts.items() if values[0]}
        return chosen or None

    @classmethod
    def form_values(cls, data: Mapping[str, Any], response: Any) -> Parts:
        return {left: [choice] for left, choice in response.items()}

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        if response is None:
            return 0.0
        if not isinstance(response, Mapping):
            raise InvalidResponse(f"matching: expected left id -> choice id, got {response!r}")
        lefts = {p["id"] for p in data["pairs"]}
        choices = {c["id"] for c in data["choices"]}
        for left, right in response.items():
            if left not in lefts or (right is not None and right not in choices):
                raise InvalidResponse(f"matching: unknown pair {left!r} -> {right!r}")
        right_pairs = sum(1 for p in data["pairs"] if response.get(p["id"]) == p["right"])
        return right_pairs / len(data["pairs"])

    @classmethod
    def answer_summary(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        """The pairs as the learner matched them, in words: "Precision → Share of …; Recall → …"."""
        choices = {choice["id"]: choice["text"] for choice in data["choices"]}
        none = _("(none)")
        return ["; ".join(f"{pair['left']} → {choices.get(response.get(pair['id']), none)}"
                          for pair in data["pairs"] if pair["id"] in response)]

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        text = {c["id"]: c["text"] for c in data["choices"]}
        used = {p["right"] for p in data["pairs"]}
        lines = [f"- {p['left']} => {text[p['right']]}" for p in data["pairs"]]
        lines += [f"- => {c['text']}" for c in data["choices"] if c["id"] not in used]
        return "\n".join(lines)

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        text = {c["id"]: gift_text.escape(c["text"]) for c in data["choices"]}
        used = {p["right"] for p in data["pairs"]}
        lines = [f"={gift_text.escape(p['left'])} -> {text[p['right']]}\n" for p in data["pairs"]]
        lines += [f"= -> {text[c['id']]}\n" for c in data["choices"] if c["id"] not in used]
        return "".join(lines)


@register
class Ordering(QuestionType):
    """Right only when every item is in its place.

    The items start in an order drawn by the attempt's seed, uniformly among every order but the right
    one, whatever the quiz's ``shuffle``. Seeing it then tells a learner only that it is not the answer:
    with n items, n! - 1 orders stay equally likely (5 of 6 for three items). A fixed order cannot do
    that: alphabetical order, reversed whenever it was the answer, gave the answer away. Two items
    cannot be sound (the one order that is not the answer is shown, so the answer is its reverse):
    the format asks for at least three.
    """

    name = "ordering"
    label = _l("ordering")
    template = "quizzes/types/ordering.html"
    scrambled = True

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        return block.kind == "ordered"

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        _no_feedback(block, errors, path, _("feedback is not supported under ordering items"))
        texts = [item.text for item in block.items]
        for index, item in enumerate(block.items):
            if not item.text:
                errors.append(ContentError(path, item.line, _("item has no text")))
            elif item.text in texts[:index]:
                errors.append(ContentError(path, item.line, _("%(text)s appears twice", text=quoted(item.text))))
        if len(texts) < MIN_ITEMS:
            errors.append(ContentError(path, block.line, _("an ordering question needs at least %(count)d items",
                                                            count=MIN_ITEMS)))
        # Ids follow alphabetical order: a learner cannot read the right order from them.
        return {"items": [{"id": i, "text": t} for i, t in zip(rank_ids(texts), texts)]}

    @classmethod
    def public(cls, data: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
        if rng is None:
            raise ValueError("an ordering question's items are drawn with the attempt's random (scrambled)")
        items = [{"id": i["id"], "text": i["text"]} for i in data["items"]]
        right = [i["id"] for i in items]
        while True:  # rejection: uniform among the orders that are not the answer (n! / (n! - 1) draws on average)
            rng.shuffle(items)
            if len(items) < 2 or [i["id"] for i in items] != right:
                return {"type": cls.name, "items": items}

    @classmethod
    def read_form(cls, data: Mapping[str, Any], parts: Parts) -> list[str] | None:
        """A position per item, each part named by the item's id; a shared or missing position is a slip."""
        items = len(data["items"])
        if None in parts or any(len(values) != 1 for values in parts.values()):
            raise InvalidResponse("expected one position per item")
        positions = {}
        for item, (value,) in parts.items():
            # ASCII digits only: str.isdigit() also admits '²', which int() refuses
            if value and not (POSITION.fullmatch(value) and 1 <= int(value) <= items):
                raise InvalidResponse(f"position {value[:10]!r} out of range")
            if value:
                positions[item] = int(value)
        if not positions:
            return None
        if len(positions) < items or len(set(positions.values())) < items:
            raise Mistake(_("Give each item its own position, from 1 to %(last)d.", last=items))
        return sorted(positions, key=positions.__getitem__)

    @classmethod
    def form_values(cls, data: Mapping[str, Any], response: Any) -> Parts:
        return {item: [str(n)] for n, item in enumerate(response, 1)}

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        if response is None:
            return 0.0
        right = [i["id"] for i in data["items"]]
        given = require_ids(response, set(right), "ordering")
        if len(given) != len(right):
            raise InvalidResponse(f"ordering: expected all {len(right)} items, got {len(given)}")
        return 1.0 if given == right else 0.0

    @classmethod
    def answer_summary(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        """The items in the learner's order, numbered: "1. Frame the problem; 2. Collect data; …"."""
        texts = {item["id"]: item["text"] for item in data["items"]}
        return ["; ".join(f"{n}. {texts.get(item, item)}" for n, item in enumerate(response, 1))]

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        return "\n".join(f"{n}. {item['text']}" for n, item in enumerate(data["items"], 1))

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        raise NotRepresentable(_("ordering has no GIFT equivalent"))

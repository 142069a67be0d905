"""Single choice and multiple response: the ``- [x]`` / ``- [ ]`` answer lists."""
from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from lms.content.errors import ContentError, quoted
from lms.i18n import _, _l
from lms.quizzes import gift_text
from lms.quizzes.registry import (
    CHECKBOX_RE,
    AnswerBlock,
    InvalidResponse,
    Parts,
    QuestionType,
    one_value,
    option_id,
    quote,
    register,
    require_ids,
)

SCORINGS = ("partial", "all")
TRUE_FALSE = ("True", "False")


def _checked(block: AnswerBlock) -> tuple[bool, int]:
    """(does the list use checkboxes at all, how many are ticked)."""
    marks = [CHECKBOX_RE.match(item.text) for item in block.items]
    return any(marks), sum(1 for m in marks if m and m[1] in "xX")


def _options(block: AnswerBlock, errors: list[ContentError], path: str) -> list[dict[str, Any]]:
    """Options with ids from their position in the source, so stored attempts stay gradable."""
    options = []
    for index, item in enumerate(block.items):
        mark = CHECKBOX_RE.match(item.text)
        if not mark:
            errors.append(ContentError(path, item.line, _("option needs a checkbox: '- [ ] text' or '- [x] text'")))
            continue
        text = item.text[mark.end():].strip()
        if not text:
            errors.append(ContentError(path, item.line, _("option has no text")))
        options.append(
            {"id": option_id(index), "text": text, "correct": mark[1] in "xX", "feedback": item.feedback}
        )
    if len(block.items) < 2:
        errors.append(ContentError(path, block.line, _("a choice question needs at least two options")))
    return options


class _Choice(QuestionType):
    """What single and multiple choice share: options, their feedback, the list syntax."""

    @classmethod
    def public(cls, data: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
        options = [{"id": o["id"], "text": o["text"]} for o in data["options"]]
        if rng is not None:
            rng.shuffle(options)
        return {"type": cls.name, "options": options}

    @classmethod
    def _chosen(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        raise NotImplementedError

    @classmethod
    def report_options(cls, data: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
        return [(o["id"], o["text"], bool(o["correct"])) for o in data.get("options", [])]

    @classmethod
    def feedback(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        chosen = set(cls._chosen(data, response))
        return [o["feedback"] for o in data["options"] if o["id"] in chosen and o["feedback"]]

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        lines = []
        for o in data["options"]:
            lines.append(f"- [{'x' if o['correct'] else ' '}] {o['text']}")
            if o["feedback"]:
                lines.append(quote(o["feedback"], "  "))
        return "\n".join(lines)


@register
class SingleChoice(_Choice):
    """Exactly one ``[x]``: right or wrong."""

    name = "single"
    label = _l("single choice")
    template = "quizzes/types/single.html"

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        uses_boxes, ticked = _checked(block)
        return block.kind == "bullet" and uses_boxes and ticked <= 1

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        options = _options(block, errors, path)
        if not any(o["correct"] for o in options):
            errors.append(ContentError(path, block.line, _("no option is marked [x]: mark the right answer")))
        return {"options": options}

    @classmethod
    def _chosen(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        if response is None:
            return []
        if not isinstance(response, str) or response not in {o["id"] for o in data["options"]}:
            raise InvalidResponse(f"single choice: unknown option {response!r}")
        return [response]

    @classmethod
    def read_form(cls, data: Mapping[str, Any], parts: Parts) -> str | None:
        return one_value(parts) or None

    @classmethod
    def answer_summary(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        return [response]

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        chosen = cls._chosen(data, response)
        return 1.0 if chosen and any(o["correct"] for o in data["options"] if o["id"] == chosen[0]) else 0.0

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        options = data["options"]
        if tuple(o["text"] for o in options) == TRUE_FALSE:
            # GIFT true/false: the first feedback is for a wrong answer, the second for a right one.
            answer = options[0]["correct"]
            right, wrong = (options[0], options[1]) if answer else (options[1], options[0])
            fb = ""
            if right["feedback"] or wrong["feedback"]:
                fb = f"#{gift_text.escape(wrong['feedback'])}#{gift_text.escape(right['feedback'])}"
            return f"{'TRUE' if answer else 'FALSE'}{fb}\n"
        return "".join(
            f"{'=' if o['correct'] else '~'}{gift_text.escape(o['text'])}{_gift_feedback(o)}\n" for o in options
        )


@register
class MultipleResponse(_Choice):
    """Two or more ``[x]``: partial credit (+1/k right, -1/k wrong, floor 0) or all or nothing."""

    name = "multiple"
    label = _l("multiple response")
    attributes = frozenset({"scoring"})
    template = "quizzes/types/multiple.html"

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        uses_boxes, ticked = _checked(block)
        return block.kind == "bullet" and uses_boxes and ticked >= 2

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        scoring = block.attrs.get("scoring", "partial")
        if scoring not in SCORINGS:
            line = block.heading_line or block.line
            errors.append(ContentError(path, line, _("scoring must be partial or all, not %(value)s", value=quoted(scoring))))
        return {"options": _options(block, errors, path), "scoring": scoring}

    @classmethod
    def _chosen(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        if response is None:
            return []
        return require_ids(response, {o["id"] for o in data["options"]}, "multiple response")

    @classmethod
    def read_form(cls, data: Mapping[str, Any], parts: Parts) -> list[str] | None:
        if set(parts) - {None}:
            raise InvalidResponse("unexpected fields")
        return list(parts.get(None, [])) or None

    @classmethod
    def form_values(cls, data: Mapping[str, Any], response: Any) -> Parts:
        return {None: list(response)}

    @classmethod
    def answer_summary(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        return list(response)

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        chosen = set(cls._chosen(data, response))
        correct = {o["id"] for o in data["options"] if o["correct"]}
        if data.get("scoring") == "all":
            return 1.0 if chosen == correct else 0.0
        k = len(correct)
        score = (len(chosen & correct) - len(chosen - correct)) / k
        return min(1.0, max(0.0, score))

    @classmethod
    def heading_attributes(cls, data: Mapping[str, Any]) -> dict[str, str]:
        return {"scoring": "all"} if data.get("scoring") == "all" else {}

    @classmethod
    def gift_loss(cls, data: Mapping[str, Any]) -> str | None:
        if data.get("scoring") == "all":
            return _("GIFT has no all-or-nothing scoring: exported with partial credit (+1/k, -1/k)")
        return None

    @classmethod
    def gift_answers(cls, data: Mapping[str, Any]) -> str:
        # +100/k per right option and -100/k per wrong one is exactly Conductor's partial credit.
        k = sum(1 for o in data["options"] if o["correct"])
        weight = gift_weight(100 / k)
        return "".join(
            f"~%{'' if o['correct'] else '-'}{weight}%{gift_text.escape(o['text'])}{_gift_feedback(o)}\n"
            for o in data["options"]
        )


def gift_weight(percent: float) -> str:
    """A percentage as GIFT/Moodle writes it: at most five decimals, no trailing zeros."""
    return f"{percent:.5f}".rstrip("0").rstrip(".")


def _gift_feedback(option: Mapping[str, Any]) -> str:
    return f"#{gift_text.escape(option['feedback'])}" if option["feedback"] else ""

"""A question-type plugin as a third party would write it, outside the ``lms`` package: true/false
statements, with their own templates in this package's blueprint template folder.

Markdown: the statement is the question; its answer block is one list item, ``- true`` or
``- false``, with optional feedback (a nested blockquote) for a learner who judges it wrongly. No
built-in type claims a bullet list without checkboxes or ``=>``, so although the registry asks the
newest type first, this syntax takes no built-in question (``- [x] True`` stays single choice and
``= true`` stays a short answer).
"""
from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Flask

from lms.content.errors import ContentError
from lms.quizzes.qtypes import AnswerBlock, InvalidResponse, Parts, QuestionType, register, unregister
from lms.quizzes.registry import one_value, quote

VALUES = ("true", "false")

bp = Blueprint("truefalse_plugin", __name__, template_folder="templates")


class TrueFalse(QuestionType):
    """Right when the learner's verdict is the statement's truth."""

    name = "truefalse"
    label = "true/false"
    template = "truefalse/question.html"

    @classmethod
    def detect(cls, block: AnswerBlock) -> bool:
        return block.kind == "bullet" and len(block.items) == 1 and block.items[0].text.lower() in VALUES

    @classmethod
    def parse(cls, block: AnswerBlock, errors: list[ContentError], path: str) -> dict[str, Any]:
        item = block.items[0]
        return {"answer": item.text.lower() == "true", "feedback": item.feedback}

    @classmethod
    def public(cls, data: Mapping[str, Any], rng: random.Random | None) -> dict[str, Any]:
        return {"type": cls.name}

    @classmethod
    def read_form(cls, data: Mapping[str, Any], parts: Parts) -> bool | None:
        """The verdict as a boolean: the form posts "true" or "false", anything else is forged."""
        value = one_value(parts)
        if value and value not in VALUES:
            raise InvalidResponse(f"true/false: {value!r} is neither")
        return value == "true" if value else None

    @classmethod
    def form_values(cls, data: Mapping[str, Any], response: Any) -> Parts:
        return {None: [_verdict(response)]}

    @classmethod
    def grade(cls, data: Mapping[str, Any], response: Any) -> float:
        if response is None:
            return 0.0
        if not isinstance(response, bool):
            raise InvalidResponse(f"true/false: expected a boolean, got {response!r}")
        return 1.0 if response == data["answer"] else 0.0

    @classmethod
    def feedback(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        return [data["feedback"]] if data["feedback"] and not cls.grade(data, response) else []

    @classmethod
    def answer_summary(cls, data: Mapping[str, Any], response: Any) -> list[str]:
        return [_verdict(response)]

    @classmethod
    def report_options(cls, data: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
        return [("true", "True", data["answer"]), ("false", "False", not data["answer"])]

    @classmethod
    def to_markdown(cls, data: Mapping[str, Any]) -> str:
        item = f"- {'true' if data['answer'] else 'false'}"
        return item + (f"\n{quote(data['feedback'], '  ')}" if data["feedback"] else "")


def _verdict(response: bool) -> str:
    return "true" if response else "false"


def install(app: Flask) -> None:
    """What a plugin's ``init_app`` does: register the type and the blueprint holding its templates."""
    register(TrueFalse)
    app.register_blueprint(bp)


def uninstall() -> None:
    unregister(TrueFalse.name)

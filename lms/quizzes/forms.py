"""The attempt form: plain HTML controls named ``q<question id>[-<part>]``, read back into responses.

A field no honest form of the attempt could post raises InvalidResponse (a 400); an honest slip,
such as two ordering items given the same position, becomes a message next to the question.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SubmitField

from .models import QuestionVersion
from .qtypes import InvalidResponse

FIELD = re.compile(r"^q(\d+)(?:-([A-Za-z0-9_-]+))?$")
MAX_TEXT = 1000

# The values posted for one question: part name (None for the question's own field) -> values.
Parts = dict[str | None, list[str]]


class StartForm(FlaskForm):
    submit = SubmitField("Start")


class Mistake(ValueError):
    """An answer the learner can fix; shown beside the question, nothing of it is saved."""


def field_name(question: QuestionVersion, part: str | None = None) -> str:
    return f"q{question.id}" + (f"-{part}" if part else "")


def _single_value(parts: Parts) -> str | None:
    if set(parts) - {None} or len(parts.get(None, [])) > 1:
        raise InvalidResponse("expected one value")
    values = parts.get(None, [])
    return values[0] if values else None


def _text(data: Mapping[str, Any], parts: Parts) -> str | None:
    value = (_single_value(parts) or "").strip()
    if len(value) > MAX_TEXT:
        raise InvalidResponse(f"answer longer than {MAX_TEXT} characters")
    return value or None


def _single(data: Mapping[str, Any], parts: Parts) -> str | None:
    return _single_value(parts) or None


def _multiple(data: Mapping[str, Any], parts: Parts) -> list[str] | None:
    if set(parts) - {None}:
        raise InvalidResponse("unexpected fields")
    return list(parts.get(None, [])) or None


def _matching(data: Mapping[str, Any], parts: Parts) -> dict[str, str] | None:
    if None in parts or any(len(values) != 1 for values in parts.values()):
        raise InvalidResponse("expected one choice per item")
    chosen = {left: values[0] for left, values in parts.items() if values[0]}
    return chosen or None


def _ordering(data: Mapping[str, Any], parts: Parts) -> list[str] | None:
    items = len(data["items"])
    if None in parts or any(len(values) != 1 for values in parts.values()):
        raise InvalidResponse("expected one position per item")
    positions = {}
    for item, (value,) in parts.items():
        if value and not (value.isdigit() and 1 <= int(value) <= items):
            raise InvalidResponse(f"position {value!r} out of range")
        if value:
            positions[item] = int(value)
    if not positions:
        return None
    if len(positions) < items or len(set(positions.values())) < items:
        raise Mistake(f"Give each item its own position, from 1 to {items}.")
    return sorted(positions, key=positions.__getitem__)


READERS: dict[str, Callable[[Mapping[str, Any], Parts], Any]] = {
    "single": _single, "multiple": _multiple, "short": _text, "numeric": _text,
    "matching": _matching, "ordering": _ordering,
}


def read_responses(form: MultiDict, questions: list[QuestionVersion]) -> tuple[dict[int, Any], dict[int, str]]:
    """Responses by question id (None for unanswered), and learner mistakes by question id."""
    by_id = {question.id: question for question in questions}
    posted: dict[int, Parts] = {}
    for name in form.keys():
        match = FIELD.match(name)
        if match is None:
            continue
        if int(match[1]) not in by_id:
            raise InvalidResponse(f"field {name!r} names no question of this attempt")
        posted.setdefault(int(match[1]), {})[match[2]] = form.getlist(name)
    responses: dict[int, Any] = {}
    mistakes: dict[int, str] = {}
    for question in questions:
        reader = READERS.get(question.type)
        if reader is None:
            raise InvalidResponse(f"no form for {question.type!r} questions")
        try:
            responses[question.id] = reader(question.data, posted.get(question.id, {}))
        except Mistake as mistake:
            mistakes[question.id] = str(mistake)
    return responses, mistakes


def form_values(question: QuestionVersion, response: Any) -> dict[str, list[str]]:
    """The inverse of reading: which control holds which value, to show a saved response again."""
    if response is None:
        return {}
    name = field_name(question)
    if question.type == "multiple":
        return {name: list(response)}
    if question.type == "matching":
        return {field_name(question, left): [choice] for left, choice in response.items()}
    if question.type == "ordering":
        return {field_name(question, item): [str(n)] for n, item in enumerate(response, 1)}
    return {name: [str(response)]}


def posted_values(form: MultiDict) -> dict[str, list[str]]:
    """The quiz fields as posted, to show them again beside a mistake."""
    return {name: form.getlist(name) for name in form.keys() if FIELD.match(name)}

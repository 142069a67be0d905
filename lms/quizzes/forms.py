"""The attempt form: plain HTML controls named ``q<question id>[-<part>]``, read back into responses.

Each question's type reads its own fields (``QuestionType.read_form``) and writes them back
(``form_values``): a field no honest form of the attempt could post raises InvalidResponse (a 400);
an honest slip, such as two ordering items given the same position, raises a Mistake, shown as a
message next to the question.
"""
from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import SubmitField

from ..i18n import _l
from .models import QuestionVersion
from .qtypes import InvalidResponse, Mistake, Parts, QuestionType, get_type

FIELD = re.compile(r"^q([0-9]+)(?:-([A-Za-z0-9_-]+))?$")

class StartForm(FlaskForm):
    submit = SubmitField(_l("Start"))


def field_name(question: QuestionVersion, part: str | None = None) -> str:
    return f"q{question.id}" + (f"-{part}" if part else "")


def _answerable(question: QuestionVersion) -> type[QuestionType]:
    """The question's type; a type no longer registered cannot take answers."""
    try:
        return get_type(question.type)
    except KeyError:
        raise InvalidResponse(f"no form for {question.type!r} questions") from None


def read_responses(form: MultiDict, questions: list[QuestionVersion]) -> tuple[dict[int, Any], dict[int, str]]:
    """Responses by question id (None for unanswered), and learner mistakes by question id."""
    by_id = {question.id: question for question in questions}
    posted: dict[int, Parts] = {}
    for name in form.keys():
        match = FIELD.match(name)
        if match is None:
            continue
        question_id = int(match[1]) if len(match[1]) <= 18 else None  # int() refuses 4,300 digits and more
        if question_id not in by_id:
            raise InvalidResponse(f"field {name[:40]!r} names no question of this attempt")
        posted.setdefault(question_id, {})[match[2]] = form.getlist(name)
    responses: dict[int, Any] = {}
    mistakes: dict[int, str] = {}
    for question in questions:
        try:
            responses[question.id] = _answerable(question).read_form(question.data, posted.get(question.id, {}))
        except Mistake as mistake:
            mistakes[question.id] = str(mistake)
    return responses, mistakes


def form_values(question: QuestionVersion, response: Any) -> dict[str, list[str]]:
    """The inverse of reading: which control holds which value, to show a saved response again."""
    if response is None:
        return {}
    parts = get_type(question.type).form_values(question.data, response)
    return {field_name(question, part): values for part, values in parts.items()}


def posted_values(form: MultiDict) -> dict[str, list[str]]:
    """The quiz fields as posted, to show them again beside a mistake."""
    return {name: form.getlist(name) for name in form.keys() if FIELD.match(name)}

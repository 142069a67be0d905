"""A round's form, as the school writes it (one question a line) and as it is stored (checked JSON).

A line is ``kind | label | help | options``: kind is ``short``, ``long``, ``choice`` or ``file``; a label that
starts with ``*`` is required; options (choices only) are separated by ``;``. Help and options may be left out."""
from __future__ import annotations

import json
from typing import Any

from ..i18n import _

KINDS = ("short", "long", "choice", "file")
MAX_QUESTIONS = 20
MAX_LABEL = 200
MAX_HELP = 500
MAX_OPTIONS = 20
MAX_ANSWER = {"short": 200, "long": 5000}


class QuestionsRefused(ValueError):
    """The form's text cannot be a form; the message names the line."""


def parse(text: str) -> list[dict[str, Any]]:
    """The questions a school's text describes, or QuestionsRefused."""
    questions = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) > 4:
            raise QuestionsRefused(_("Line %(line)s: use at most four parts separated by |.", line=number))
        kind, label, help_text, options = (parts + ["", "", ""])[:4]
        kind = kind.lower()
        required = label.startswith("*")
        label = label.lstrip("*").strip()
        if kind not in KINDS:
            raise QuestionsRefused(_("Line %(line)s: the kind must be short, long, choice or file.", line=number))
        if not label or len(label) > MAX_LABEL or len(help_text) > MAX_HELP:
            raise QuestionsRefused(_("Line %(line)s: write a label of at most %(size)s characters (and help of at "
                                     "most %(help)s).", line=number, size=MAX_LABEL, help=MAX_HELP))
        choices = [option.strip() for option in options.split(";") if option.strip()] if options else []
        if kind == "choice" and not 2 <= len(choices) <= MAX_OPTIONS:
            raise QuestionsRefused(_("Line %(line)s: a choice needs between 2 and %(most)s options separated by ;.",
                                     line=number, most=MAX_OPTIONS))
        if kind != "choice" and choices:
            raise QuestionsRefused(_("Line %(line)s: only a choice has options.", line=number))
        if any(len(option) > MAX_LABEL for option in choices) or len(set(choices)) != len(choices):
            raise QuestionsRefused(_("Line %(line)s: the options must differ and be short.", line=number))
        questions.append({"kind": kind, "label": label, "help": help_text, "required": required, "options": choices})
    if len(questions) > MAX_QUESTIONS:
        raise QuestionsRefused(_("Ask at most %(most)s questions.", most=MAX_QUESTIONS))
    if sum(question["kind"] == "file" for question in questions) > 1:
        raise QuestionsRefused(_("Ask for at most one file."))
    return questions


def text_of(questions: list[dict[str, Any]]) -> str:
    """The questions as the school writes them: ``parse(text_of(q)) == q``."""
    lines = []
    for question in questions:
        parts = [question["kind"], ("*" if question["required"] else "") + question["label"], question["help"],
                 "; ".join(question["options"])]
        while parts and not parts[-1]:
            parts.pop()
        lines.append(" | ".join(parts))
    return "\n".join(lines)


def load(stored: str) -> list[dict[str, Any]]:
    return json.loads(stored or "[]")


def dump(questions: list[dict[str, Any]]) -> str:
    return json.dumps(questions, ensure_ascii=False)

"""Moodle GIFT import and export, from the format's documentation (not Moodle's code)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import NamedTuple

from lms.content.errors import ContentError, quoted
from lms.i18n import _
from lms.quizzes import gift_text
from lms.quizzes.gift_answers import Context, convert, strip_format
from lms.quizzes.qtypes import NotRepresentable, get_type
from lms.quizzes.spec import QuestionSpec, QuizSpec, slugify

NAME_RE = re.compile(r"\s*::(.*?)::", re.S)
Line = tuple[int, str]


class GiftExport(NamedTuple):
    """The GIFT text, questions left out (with why), and questions exported with a loss (with what)."""

    text: str
    skipped: list[tuple[QuestionSpec, str]]
    lossy: list[tuple[QuestionSpec, str]]


def gift_to_quiz(
    text: str, path: str, title: str
) -> tuple[QuizSpec | None, list[ContentError], list[ContentError]]:
    """(spec, errors, warnings); spec is None when there is any error, so nothing half-imported is stored."""
    errors: list[ContentError] = []
    warnings: list[ContentError] = []
    questions: list[QuestionSpec] = []
    used: set[str] = set()
    for chunk in _chunks(text):
        question = _question(chunk, path, errors, warnings, len(questions) + 1)
        if question is None:
            continue
        unique, n = question.id, 2
        while unique in used:
            unique, n = f"{question.id}-{n}", n + 1
        used.add(unique)
        questions.append(replace(question, id=unique))
    if not questions and not errors:
        errors.append(ContentError(path, 1, _("no question to import")))
    if errors:
        return None, sorted(errors), sorted(warnings)
    return QuizSpec(title=title, questions=questions), [], sorted(warnings)


def _chunks(text: str) -> list[list[Line]]:
    """Questions are separated by blank lines; ``//`` comments and ``$CATEGORY:`` lines vanish."""
    chunks: list[list[Line]] = [[]]
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(lines, 1):
        stripped = line.strip()
        if not stripped:
            chunks.append([])
        elif not stripped.startswith(("//", "$CATEGORY:")):
            chunks[-1].append((number, line))
    return [c for c in chunks if c]


def _question(chunk: list[Line], path: str, errors: list[ContentError], warnings: list[ContentError],
              number: int) -> QuestionSpec | None:
    """One question, or None (with an error, or a warning when GIFT says something Conductor cannot)."""
    numbers = [n for n, _ in chunk]
    source = gift_text.protect("\n".join(line for _, line in chunk))

    def line_at(offset: int) -> int:
        return numbers[source.count("\n", 0, offset)]

    name, start = None, 0
    if match := NAME_RE.match(source):
        name, start = gift_text.one_line(match[1]), match.end()
    elif source.lstrip().startswith("::"):
        errors.append(ContentError(path, numbers[0], _("the question name is not closed with '::'")))
        return None
    opening = source.find("{", start)
    closing = source.find("}", opening + 1) if opening >= 0 else -1
    before = strip_format(source[start: opening if opening >= 0 else len(source)])
    after = source[closing + 1:] if closing >= 0 else ""
    prompt_text = before + ("_____" + after if after.strip() else "")
    full = gift_text.soft_text(prompt_text)
    prompt, _blank, body = full.partition("\n\n")
    prompt = " ".join(prompt.split())
    label = repr(name) if name else repr(prompt[:40] + ("..." if len(prompt) > 40 else ""))
    ctx = Context(path, label, line_at, errors, warnings)
    if opening < 0:
        ctx.warn(numbers[0], _("description skipped: Conductor has no description (text without answers)"))
        return None
    if closing < 0:
        ctx.error(line_at(opening), _("the answer block is not closed with '}'"))
        return None
    if "{" in after or "}" in after:
        ctx.error(line_at(closing + 1 + min(i for i in (after.find("{"), after.find("}")) if i >= 0)),
                  _("a second '{' or '}' after the answer block: separate questions with a blank line"))
        return None
    answers = source[opening + 1: closing]
    general = ""
    if (split := answers.find("####")) >= 0:
        general = gift_text.soft_text(strip_format(answers[split + 4:]))
        answers = answers[:split]
    converted = convert(ctx, answers, opening + 1)
    if converted is None:
        return None
    if not prompt:
        ctx.error(numbers[0], _("the question has no text"))
        return None
    qtype, data = converted
    return QuestionSpec(
        id=slugify(name or "") or slugify(prompt) or f"question-{number}", type=qtype, prompt=prompt,
        body=body.strip(), explanation=general, data=data, line=numbers[0],
    )


def quiz_to_gift(spec: QuizSpec) -> GiftExport:
    """GIFT for every question GIFT can express; the rest are listed in ``skipped`` with the reason."""
    parts = [f"// {line}".rstrip() for line in spec.title.split("\n")]
    parts.append("// Exported from Conductor; question texts are Markdown.\n")
    skipped: list[tuple[QuestionSpec, str]] = []
    lossy: list[tuple[QuestionSpec, str]] = []
    for question in spec.questions:
        qtype = get_type(question.type)
        try:
            parts.append(qtype.to_gift(question))
        except NotRepresentable as exc:
            skipped.append((question, _("question %(id)s skipped: %(reason)s", id=quoted(question.id), reason=exc)))
            continue
        if loss := qtype.gift_loss(question.data):
            lossy.append((question, _("question %(id)s: %(loss)s", id=quoted(question.id), loss=loss)))
        if question.points != 1 or question.skills:
            lossy.append((question, _("question %(id)s: points and skills are not part of GIFT", id=quoted(question.id))))
    return GiftExport("\n".join(parts), skipped, lossy)

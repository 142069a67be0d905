"""Aiken import: one-line questions, lettered options and an ``ANSWER:`` line, as single choice."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from lms.content.errors import ContentError, quoted
from lms.i18n import _
from lms.quizzes.registry import option_id
from lms.quizzes.spec import QuestionSpec, QuizSpec, slugify

OPTION_RE = re.compile(r"([A-Z])[.)]\s*(.*)")
ANSWER_RE = re.compile(r"ANSWER:\s*(.*)")


@dataclass
class _Pending:
    """A question being read: its text, its lettered options, where it started."""

    text: str
    line: int
    options: list[tuple[str, str, int]] = field(default_factory=list)


def aiken_to_quiz(
    text: str, path: str, title: str
) -> tuple[QuizSpec | None, list[ContentError], list[ContentError]]:
    """(spec, errors, warnings); any malformed question fails the whole import, storing nothing."""
    errors: list[ContentError] = []
    questions: list[QuestionSpec] = []
    used: set[str] = set()
    pending: _Pending | None = None

    def fail(line: int, message: str) -> None:
        errors.append(ContentError(path, line, message))

    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, raw_line in enumerate(lines, 1):
        line = raw_line.strip()
        option, answer = OPTION_RE.fullmatch(line), ANSWER_RE.fullmatch(line)
        if not line:
            if pending and pending.options:
                fail(pending.line, _("question has no %(line)s line after its options", line="'ANSWER: X'"))
                pending = None
        elif pending is None:
            if answer:
                fail(number, _("%(line)s line without a question before it", line="'ANSWER:'"))
            elif option:
                fail(number, _("option %(letter)s before any question text", letter=quoted(option[1])))
            else:
                pending = _Pending(line, number)
        elif answer:
            question = _finish(pending, answer[1].strip(), number, fail, len(questions) + 1)
            if question is not None:
                unique, n = question.id, 2
                while unique in used:
                    unique, n = f"{question.id}-{n}", n + 1
                used.add(unique)
                questions.append(replace(question, id=unique))
            pending = None
        elif option:
            if any(letter == option[1] for letter, _, _ in pending.options):
                fail(number, _("option %(letter)s appears twice", letter=option[1]))
            pending.options.append((option[1], option[2].strip(), number))
        elif pending.options:
            fail(number, _("expected an option (%(option)s) or %(answer)s here", option="'B) ...'", answer="'ANSWER: X'"))
        else:
            pending.text = f"{pending.text} {line}"
    if pending is not None:
        fail(pending.line, _("question has no %(line)s line", line="'ANSWER: X'"))
    if not questions and not errors:
        fail(1, _("no question to import"))
    if errors:
        return None, sorted(errors), []
    return QuizSpec(title=title, questions=questions), [], []


def _finish(pending: _Pending, letter: str, line: int, fail: Callable[[int, str], None],
            number: int) -> QuestionSpec | None:
    """The single choice question for a complete block, or None after reporting what is wrong."""
    letters = [opt_letter for opt_letter, _, _ in pending.options]
    if len(pending.options) < 2:
        fail(pending.line, _("question needs at least two options, found %(found)d", found=len(pending.options)))
        return None
    if letter not in letters:
        fail(line, _("ANSWER must be one of the option letters %(letters)s, not %(letter)s", letters=", ".join(letters),
                       letter=quoted(letter)))
        return None
    for opt_letter, text, opt_line in pending.options:
        if not text:
            fail(opt_line, _("option %(letter)s has no text", letter=opt_letter))
            return None
    options = [
        {"id": option_id(i), "text": text, "correct": opt_letter == letter, "feedback": ""}
        for i, (opt_letter, text, _) in enumerate(pending.options)
    ]
    return QuestionSpec(
        id=slugify(pending.text) or f"question-{number}", type="single", prompt=pending.text,
        data={"options": options}, line=pending.line,
    )

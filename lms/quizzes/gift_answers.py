"""Turn one GIFT answer block into a Conductor question type and its data, saying what is lost."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lms.content.errors import ContentError, quoted
from lms.i18n import _, ngettext
from lms.quizzes.arrange import MIN_PAIRS, matching_data
from lms.quizzes.choice import TRUE_FALSE, gift_weight
from lms.quizzes.gift_text import one_line, soft_text
from lms.quizzes.registry import option_id
from lms.quizzes.textual import OutOfRange, read_numeric_answer

FORMAT_RE = re.compile(r"^\s*\[(?:html|moodle|plain|markdown)\]")
WEIGHT_RE = re.compile(r"\s*%(-?\d+(?:\.\d+)?)%")
TRUE_WORDS, FALSE_WORDS = ("T", "TRUE"), ("F", "FALSE")
Converted = tuple[str, dict[str, Any]] | None


@dataclass
class Context:
    """Where messages about one question go, and how to turn an offset into a file line."""

    path: str
    label: str
    line_at: Callable[[int], int]
    errors: list[ContentError] = field(default_factory=list)
    warnings: list[ContentError] = field(default_factory=list)

    def error(self, line: int, message: str) -> None:
        self.errors.append(ContentError(self.path, line, _("question %(name)s: %(problem)s", name=self.label,
                                                           problem=message)))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(ContentError(self.path, line, _("question %(name)s: %(problem)s", name=self.label,
                                                             problem=message)))


@dataclass
class Answer:
    """One ``=`` or ``~`` answer with its weight (None if not given) and feedback (None if no ``#``)."""

    mark: str
    weight: float | None
    text: str
    feedback: str | None
    line: int

    @property
    def percent(self) -> float:
        if self.weight is not None:
            return self.weight
        return 100.0 if self.mark == "=" else 0.0


def strip_format(text: str) -> str:
    """Drop a leading ``[html]``-style format tag (html stays as text, sanitised on display)."""
    return FORMAT_RE.sub("", text, count=1)


def convert(ctx: Context, text: str, offset: int) -> Converted:
    """(type name, data) for the protected answer text at ``offset``, or None if skipped or broken."""
    stripped = text.strip()
    if not stripped:
        ctx.warn(ctx.line_at(offset), _("essay question skipped: Conductor has no essay type"))
        return None
    if stripped.startswith("#"):
        start = text.index("#") + 1
        return _numeric(ctx, text[start:], offset + start)
    head, *feedbacks = stripped.split("#")
    if head.strip().upper() in TRUE_WORDS + FALSE_WORDS:
        return _true_false(ctx, head.strip().upper() in TRUE_WORDS, feedbacks, ctx.line_at(offset))
    answers = split_answers(ctx, text, offset)
    if answers is None:
        return None
    if any(a.mark == "=" and "->" in a.text for a in answers):
        return _matching(ctx, answers)
    if any(a.mark == "~" for a in answers):
        return _choice(ctx, answers)
    return _short(ctx, answers)


def split_answers(ctx: Context, text: str, offset: int) -> list[Answer] | None:
    """Every answer starting at an unescaped ``=`` or ``~``; errors for text before the first."""
    marks = [i for i, c in enumerate(text) if c in "=~"]
    if not marks:
        ctx.error(ctx.line_at(offset), _("no answers: start each one with '=' (right) or '~' (wrong)"))
        return None
    if text[: marks[0]].strip():
        ctx.error(ctx.line_at(offset), _("%(text)s before the first '=' or '~' answer",
                                          text=quoted(one_line(text[: marks[0]]))))
        return None
    answers = []
    for k, start in enumerate(marks):
        body = text[start + 1: marks[k + 1] if k + 1 < len(marks) else len(text)]
        weight = None
        if match := WEIGHT_RE.match(body):
            weight, body = float(match[1]), body[match.end():]
            if not -100 <= weight <= 100:
                ctx.error(ctx.line_at(offset + start), _("weight %(weight)s is outside -100..100", weight=match[1] + "%"))
                return None
        elif body.lstrip().startswith("%"):
            ctx.error(ctx.line_at(offset + start), _("cannot read the weight: write it as %(example)s", example="%50%"))
            return None
        answer, hash_mark, feedback = body.partition("#")
        answers.append(Answer(text[start], weight, strip_format(answer),
                              strip_format(feedback) if hash_mark else None, ctx.line_at(offset + start)))
    return answers


def _feedback(answer: Answer) -> str:
    return soft_text(answer.feedback) if answer.feedback is not None else ""


def _true_false(ctx: Context, answer: bool, feedbacks: list[str], line: int) -> Converted:
    if len(feedbacks) > 2:
        ctx.error(line, _("true/false takes at most two feedbacks: %(example)s", example="{T#if wrong#if right}"))
        return None
    wrong, right = ([soft_text(strip_format(f)) for f in feedbacks] + ["", ""])[:2]
    return "single", {"options": [
        {"id": "a", "text": TRUE_FALSE[0], "correct": answer, "feedback": right if answer else wrong},
        {"id": "b", "text": TRUE_FALSE[1], "correct": not answer, "feedback": wrong if answer else right},
    ]}


def _options(answers: list[Answer], correct: Callable[[Answer], bool]) -> list[dict[str, Any]]:
    return [{"id": option_id(i), "text": one_line(a.text), "correct": correct(a), "feedback": _feedback(a)}
            for i, a in enumerate(answers)]


def _choice(ctx: Context, answers: list[Answer]) -> Converted:
    """One ``=`` (or a single positive weight) is single choice; several positive weights, multiple."""
    line = answers[0].line
    if any(not one_line(a.text) for a in answers):
        ctx.error(next(a.line for a in answers if not one_line(a.text)), _("empty answer"))
        return None
    if len(answers) < 2:
        ctx.error(line, _("a multiple choice question needs at least two answers"))
        return None
    positive = [a for a in answers if a.percent > 0]
    if not positive:
        ctx.error(line, _("no answer is right: mark one with '=' or give it a positive %(weight)s", weight="%weight%"))
        return None
    if any(a.mark == "=" for a in answers) or len(positive) == 1:
        full = [a for a in answers if a.percent >= 100]
        if len(full) != 1:
            ctx.warn(line, ngettext("skipped: %(num)d answer gives full credit; Conductor single choice needs exactly one",
                                     "skipped: %(num)d answers give full credit; Conductor single choice needs exactly one",
                                     len(full)))
            return None
        odd = [a for a in answers if a is not full[0] and a.percent != 0]
        if odd:
            listed = ", ".join(f"{quoted(one_line(a.text))} {gift_weight(a.percent)}%" for a in odd)
            ctx.warn(line, _("weights dropped (%(weights)s): single choice is right or wrong", weights=listed))
        return "single", {"options": _options(answers, lambda a: a is full[0])}
    k = len(positive)
    exact = all(abs(a.percent - (100 / k if a in positive else -100 / k)) < 1e-3 for a in answers)
    if not exact:
        weights = ", ".join(f"{gift_weight(a.percent)}%" for a in answers)
        ctx.warn(line, _("weights (%(weights)s) cannot be represented exactly: graded as Conductor partial "
                         "credit, +1/%(k)d per right option and -1/%(k)d per wrong one, floor 0", weights=weights, k=k))
    return "multiple", {"options": _options(answers, lambda a: a.percent > 0), "scoring": "partial"}


def _short(ctx: Context, answers: list[Answer]) -> Converted:
    accepted = []
    for a in answers:
        text = one_line(a.text)
        if not text:
            ctx.error(a.line, _("empty answer"))
            return None
        if a.percent >= 100:
            accepted.append(text)
            if text == "*":
                ctx.warn(a.line, _("'*' is a Moodle wildcard; Conductor accepts it only literally"))
        else:
            ctx.warn(a.line, _("answer %(answer)s (%(weight)s) dropped: short answers are right or wrong",
                                answer=quoted(text), weight=gift_weight(a.percent) + "%"))
    _drop_feedback(ctx, answers, "short")
    if not accepted:
        ctx.warn(answers[0].line, _("skipped: no answer gives full credit"))
        return None
    return "short", {"answers": accepted}


def _numeric(ctx: Context, text: str, offset: int) -> Converted:
    # Text before any '=' or '~' is the (full credit) first answer: {#3:2 ~#feedback for others}.
    first = min((i for i, c in enumerate(text) if c in "=~"), default=len(text))
    answers = []
    if text[:first].strip():
        value, hash_mark, feedback = text[:first].partition("#")
        answers.append(Answer("=", None, value, feedback if hash_mark else None, ctx.line_at(offset)))
    if first < len(text):
        rest = split_answers(ctx, text[first:], offset + first)
        if rest is None:
            return None
        answers += rest
    if not answers:
        ctx.error(ctx.line_at(offset), _("numeric question without an answer after '#'"))
        return None
    accepted, broken = [], False
    for a in answers:
        value = one_line(a.text)
        if a.percent <= 0:
            ctx.warn(a.line, _("answer %(answer)s dropped: Conductor numeric questions only list accepted answers",
                               answer=quoted(value)) if value else
                     _("feedback for any other answer dropped: Conductor numeric questions only list accepted answers"))
            continue
        try:
            if ":" in value and ".." not in value:
                number, tolerance = value.split(":", 1)
                parsed = read_numeric_answer(f"{number} ± {tolerance}")
            else:
                parsed = read_numeric_answer(value)
        except OutOfRange as exc:
            ctx.error(a.line, str(exc))
            broken = True
            continue
        except ValueError:
            ctx.error(a.line, _("cannot read the numeric answer %(answer)s: write 42, 42:0.5 or 40..44",
                                answer=quoted(value)))
            broken = True
            continue
        if a.percent < 100:
            ctx.warn(a.line, _("answer %(answer)s (%(weight)s) dropped: partial credit cannot be represented, "
                               "numeric questions are right or wrong", answer=quoted(value),
                               weight=gift_weight(a.percent) + "%"))
            continue
        accepted.append(parsed)
    _drop_feedback(ctx, [a for a in answers if a.percent > 0], "numeric")
    if not accepted and not broken:
        ctx.warn(answers[0].line, _("skipped: no answer gives full credit"))
    return ("numeric", {"answers": accepted}) if accepted else None


def _matching(ctx: Context, answers: list[Answer]) -> Converted:
    pairs: list[tuple[str, str]] = []
    extra: list[str] = []
    for a in answers:
        if a.mark != "=" or "->" not in a.text:
            ctx.error(a.line, _("every matching answer is %(example)s", example="'=question -> answer'"))
            return None
        left, right = (one_line(strip_format(part)) for part in a.text.split("->", 1))
        if not right:
            ctx.error(a.line, _("nothing after '->'"))
            return None
        if left and any(left == seen for seen, _ in pairs):
            ctx.warn(a.line, _("skipped: %(text)s appears twice", text=quoted(left)))
            return None
        if left:
            pairs.append((left, right))
        else:
            extra.append(right)
    _drop_feedback(ctx, answers, "matching")
    if len(pairs) < MIN_PAIRS:
        ctx.warn(answers[0].line, ngettext("skipped: %(num)d pair; Conductor matching needs at least %(least)d",
                                           "skipped: %(num)d pairs; Conductor matching needs at least %(least)d",
                                           len(pairs), least=MIN_PAIRS))
        return None
    return "matching", matching_data(pairs, extra)


def _drop_feedback(ctx: Context, answers: list[Answer], kind: str) -> None:
    """Warn that feedback is dropped from the answers of a ``kind`` ("short", "numeric", "matching")."""
    dropped = len([a for a in answers if _feedback(a)])
    if not dropped:
        return
    line = next(a.line for a in answers if _feedback(a))
    if kind == "short":
        message = ngettext("feedback on %(num)d answer dropped: Conductor has no feedback on short answers",
                           "feedback on %(num)d answers dropped: Conductor has no feedback on short answers", dropped)
    elif kind == "numeric":
        message = ngettext("feedback on %(num)d answer dropped: Conductor has no feedback on numeric answers",
                           "feedback on %(num)d answers dropped: Conductor has no feedback on numeric answers", dropped)
    else:
        message = ngettext("feedback on %(num)d answer dropped: Conductor has no feedback on matching pairs",
                           "feedback on %(num)d answers dropped: Conductor has no feedback on matching pairs", dropped)
    ctx.warn(line, message)

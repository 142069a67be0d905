"""Write a QuizSpec in the canonical Markdown quiz format (what importers produce for authors)."""
from __future__ import annotations

from typing import Any

import yaml

from lms.quizzes.qtypes import get_type
from lms.quizzes.registry import quote
from lms.quizzes.spec import QuestionSpec, QuizSpec
from lms.quizzes.textual import format_number

DEFAULTS = QuizSpec(title="")
SETTINGS = ("pass_mark", "max_attempts", "time_limit", "shuffle", "draw", "review")


def quiz_to_markdown(spec: QuizSpec) -> str:
    """Front matter with the non-default settings, the intro, then one ``##`` section per question."""
    front: dict[str, Any] = {"title": spec.title}
    front.update({k: getattr(spec, k) for k in SETTINGS if getattr(spec, k) != getattr(DEFAULTS, k)})
    yaml_text = yaml.safe_dump(front, sort_keys=False, allow_unicode=True, width=10**9)
    parts = [f"---\n{yaml_text}---"]
    if spec.body:
        parts.append(spec.body)
    parts.extend(question_to_markdown(q) for q in spec.questions)
    return "\n\n".join(parts) + "\n"


def question_to_markdown(question: QuestionSpec) -> str:
    """One question section; the id is always written so it survives edits to the prompt."""
    qtype = get_type(question.type)
    attrs = [f"#{question.id}"]
    if question.points != 1:
        attrs.append(f"points={format_number(float(question.points))}")
    if question.skills:
        attrs.append(f"skills={','.join(question.skills)}")
    attrs += [f"{k}={v}" for k, v in qtype.heading_attributes(question.data).items()]
    parts = [f"## {question.prompt} {{{' '.join(attrs)}}}"]
    if question.body:
        parts.append(question.body)
    parts.append(qtype.to_markdown(question.data))
    if question.explanation:
        parts.append(quote(question.explanation))
    return "\n\n".join(parts)

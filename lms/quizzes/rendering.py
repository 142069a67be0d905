"""Quiz Markdown rendered once, at load time, into the sanitised HTML that questions are stored with."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lms.content.markdown import render_inline
from lms.quizzes.spec import QuestionSpec, QuizSpec

# Keys of a question's data holding learner-facing text: one-line labels, and Markdown blocks.
INLINE_KEYS = frozenset({"text", "left"})
BLOCK_KEYS = frozenset({"feedback"})

# Renders a Markdown block to safe HTML: (markdown, page URL directory, first source line).
BlockRenderer = Callable[[str, str, int], str]


@dataclass(frozen=True)
class QuestionHtml:
    prompt_html: str
    body_html: str
    explanation_html: str
    data: dict[str, Any]


@dataclass(frozen=True)
class QuizHtml:
    intro_html: str
    questions: dict[str, QuestionHtml] = field(default_factory=dict)


def quiz_page(course_slug: str, quiz_slug: str) -> str:
    """The URL directory of the quiz's start page, relative to the LMS root."""
    return f"courses/{course_slug}/quiz/"


def attempt_page(course_slug: str, quiz_slug: str) -> str:
    """The URL directory of an attempt (and its review), where question HTML is shown."""
    return f"courses/{course_slug}/quiz/{quiz_slug}/attempts/"


def render_data(value: Any, block: Callable[[str], str], key: str = "") -> Any:
    """The type's data with its texts as HTML; ids, flags and accepted answers stay as they are."""
    if isinstance(value, dict):
        return {k: render_data(v, block, k) for k, v in value.items()}
    if isinstance(value, list):
        return [render_data(item, block, key) for item in value]
    if isinstance(value, str) and key in INLINE_KEYS:
        return render_inline(value)
    if isinstance(value, str) and key in BLOCK_KEYS:
        return block(value) if value else ""
    return value


def render_question(question: QuestionSpec, render: BlockRenderer, page: str) -> QuestionHtml:
    def block(text: str) -> str:
        return render(text, page, question.line)

    return QuestionHtml(
        prompt_html=render_inline(question.prompt),
        body_html=block(question.body) if question.body else "",
        explanation_html=block(question.explanation) if question.explanation else "",
        data=render_data(question.data, block),
    )


def render_quiz(spec: QuizSpec, render: BlockRenderer, course_slug: str, quiz_slug: str) -> QuizHtml:
    """Every text of the quiz as HTML; link problems are reported by ``render``."""
    intro = render(spec.body, quiz_page(course_slug, quiz_slug), 1) if spec.body else ""
    page = attempt_page(course_slug, quiz_slug)
    return QuizHtml(intro, {q.id: render_question(q, render, page) for q in spec.questions})

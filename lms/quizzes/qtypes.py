"""The question-type registry as callers use it: base class, built-ins and look-up."""
from __future__ import annotations

from lms.quizzes import arrange, choice, textual
from lms.quizzes.registry import (
    QUESTION_TYPES,
    AnswerBlock,
    BlockItem,
    InvalidResponse,
    Mistake,
    NotRepresentable,
    Parts,
    QuestionType,
    detect_type,
    register,
    unregister,
)

# The built-in modules register themselves on import, as a plugin module would.
BUILTINS = (choice.SingleChoice, choice.MultipleResponse, textual.ShortAnswer, textual.Numeric,
            arrange.Matching, arrange.Ordering)


def get_type(name: str) -> type[QuestionType]:
    """The registered type called ``name``; KeyError names the known ones."""
    try:
        return QUESTION_TYPES[name]
    except KeyError:
        raise KeyError(f"unknown question type {name!r} (known: {', '.join(QUESTION_TYPES)})") from None


__all__ = [
    "QUESTION_TYPES", "AnswerBlock", "BlockItem", "BUILTINS", "InvalidResponse", "Mistake", "NotRepresentable",
    "Parts", "QuestionType", "detect_type", "get_type", "register", "unregister",
]

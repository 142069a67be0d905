"""The level rule of the skills profile (docs/skills.md): the weighted mean of the evidence gives a level, and
without performed work reviewed against a rubric, no quiz score reaches beyond Developing."""
from __future__ import annotations

from ..i18n import _l

TOP_LEVEL = 4
# A rubric criterion weighs as much as three one-point quiz questions: it is work performed and judged against
# a described standard, where a question checks one fact or step.
RUBRIC_WEIGHT = 3.0
QUIZ_ONLY_CEILING = 2  # a quiz alone cannot prove Proficient
# The lowest weighted mean (a fraction of 1) of each level above Foundational, highest first.
THRESHOLDS = ((0.85, 4), (0.70, 3), (0.50, 2))

LEVEL_NAMES = {0: _l("No evidence yet"), 1: _l("Foundational"), 2: _l("Developing"), 3: _l("Proficient"),
               4: _l("Advanced")}


def level_for(mean: float | None, has_rubric: bool) -> int:
    """0 without evidence; else 1 to 4 by the weighted mean, at most 2 without rubric evidence."""
    if mean is None:
        return 0
    level = next((level for low, level in THRESHOLDS if mean >= low), 1)
    return level if has_rubric else min(level, QUIZ_ONLY_CEILING)


def level_name(level: int) -> str:
    return str(LEVEL_NAMES[level])

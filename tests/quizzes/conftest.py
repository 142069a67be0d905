"""Fixtures for the quiz format tests: Moodle's example files and Hypothesis quiz strategies."""
from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import strategies as st

from lms.quizzes.arrange import matching_data
from lms.quizzes.registry import option_id, rank_ids
from lms.quizzes.spec import QuestionSpec, QuizSpec

# Moodle's example files live outside the repository: ../shared/fixtures/moodle from its root.
REPO = Path(__file__).resolve().parents[2]
MOODLE = Path(os.environ.get("LMS_MOODLE_FIXTURES") or REPO.parent / "shared" / "fixtures" / "moodle")

# Texts exercise GIFT's control characters and Markdown's inline syntax, but start with a letter
# and use single spaces, so neither format may read them as structure.
LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZéüßЖ"
word = st.builds(str.__add__, st.sampled_from(LETTERS),
                 st.text(alphabet=LETTERS + "0123456789.,?!'()~=#{}:*_", max_size=7))
text = st.lists(word, min_size=1, max_size=5).map(" ".join)
prose = st.lists(text, min_size=1, max_size=2).map("\n\n".join)
maybe = st.one_of(st.just(""), prose)
slug = st.from_regex(r"[a-z][a-z0-9]{0,6}(-[a-z0-9]{1,4}){0,2}", fullmatch=True)
number = st.one_of(st.integers(-10**6, 10**6).map(float),
                   st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False, allow_subnormal=False))


@st.composite
def choice_data(draw: st.DrawFn, multiple: bool) -> dict:
    right = draw(st.integers(2 if multiple else 1, 4 if multiple else 1))
    flags = [True] * right + [False] * draw(st.integers(0 if multiple else 1, 3))
    flags = draw(st.permutations(flags))
    if not multiple and draw(st.booleans()):
        texts = ["True", "False"]
        flags = [flags[0], not flags[0]]
    else:
        texts = draw(st.lists(text, min_size=len(flags), max_size=len(flags)))
    options = [{"id": option_id(i), "text": t, "correct": f, "feedback": draw(maybe)}
               for i, (t, f) in enumerate(zip(texts, flags))]
    return {"options": options, "scoring": draw(st.sampled_from(["partial", "all"]))} if multiple else {
        "options": options}


@st.composite
def numeric_answer(draw: st.DrawFn) -> dict:
    if draw(st.booleans()):
        low, high = sorted((draw(number), draw(number)))
        return {"min": low, "max": high}
    return {"value": draw(number), "tolerance": draw(st.one_of(st.just(0.0), st.floats(0, 1e6)))}


@st.composite
def matching(draw: st.DrawFn) -> dict:
    lefts = draw(st.lists(text, min_size=3, max_size=5, unique=True))
    pool = draw(st.lists(text, min_size=1, max_size=5, unique=True))
    pairs = [(left, draw(st.sampled_from(pool))) for left in lefts]
    extra = [t for t in draw(st.lists(text, max_size=2, unique=True)) if t not in {r for _, r in pairs}]
    return matching_data(pairs, extra)


@st.composite
def ordering(draw: st.DrawFn) -> dict:
    texts = draw(st.lists(text, min_size=3, max_size=5, unique=True))
    return {"items": [{"id": i, "text": t} for i, t in zip(rank_ids(texts), texts)]}


DATA = {
    "single": choice_data(False),
    "multiple": choice_data(True),
    "short": st.fixed_dictionaries({"answers": st.lists(text, min_size=1, max_size=3)}),
    "numeric": st.fixed_dictionaries({"answers": st.lists(numeric_answer(), min_size=1, max_size=3)}),
    "matching": matching(),
    "ordering": ordering(),
}


@st.composite
def quizzes(draw: st.DrawFn, types: tuple[str, ...], gift: bool) -> QuizSpec:
    """A valid quiz; for GIFT only what GIFT can carry (no points, skills or all-or-nothing)."""
    ids = draw(st.lists(slug, min_size=1, max_size=5, unique=True))
    questions = []
    for qid in ids:
        qtype = draw(st.sampled_from(types))
        data = draw(DATA[qtype])
        if gift and qtype == "multiple":
            data = {**data, "scoring": "partial"}
        questions.append(QuestionSpec(
            id=qid, type=qtype, prompt=draw(text), body=draw(maybe), explanation=draw(maybe), data=data,
            points=1 if gift else draw(st.sampled_from([1, 2, 0.5, 1.5, 10])),
            skills=() if gift else tuple(draw(st.lists(slug, max_size=2, unique=True))),
        ))
    if gift:
        return QuizSpec(title=draw(text), questions=questions)
    return QuizSpec(
        title=draw(text), questions=questions, body=draw(maybe),
        pass_mark=draw(st.one_of(st.integers(0, 100), st.sampled_from([62.5, 99.9]))),
        max_attempts=draw(st.integers(0, 5)), time_limit=draw(st.one_of(st.none(), st.integers(1, 120))),
        shuffle=draw(st.booleans()), draw=draw(st.one_of(st.none(), st.integers(1, len(questions)))),
        review=draw(st.sampled_from(["after_submit", "after_pass", "never"])),
    )


@pytest.fixture(scope="session")
def moodle() -> Path:
    """Moodle's own GIFT and Aiken example files (never copied into the project): skipped where they
    are missing, except on CI (CI=true), where a missing folder fails the run."""
    if not MOODLE.is_dir():
        reason = f"Moodle fixtures not found at {MOODLE} (set LMS_MOODLE_FIXTURES to their folder)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{reason}; CI=true requires them", pytrace=False)
        pytest.skip(reason)
    return MOODLE


@pytest.fixture(scope="session")
def quiz_strategy() -> Callable[..., st.SearchStrategy[QuizSpec]]:
    """``quiz_strategy(types, gift=False)``: Hypothesis strategy for valid QuizSpecs."""
    return lambda types=tuple(DATA), gift=False: quizzes(tuple(types), gift)


@pytest.fixture(scope="session")
def quiz_md() -> Callable[..., str]:
    """``quiz_md(body, front="title: T")``: a quiz file; the body starts on line 5."""
    return lambda body, front="title: T": f"---\n{front}\n---\n\n{body}"

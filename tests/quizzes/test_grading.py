"""Grading rules of CONTENT_FORMAT.md, with numbers, and what a learner's form may see."""
from __future__ import annotations

import json
import random
from collections import Counter
from itertools import permutations
from typing import Any

import pytest

from lms.quizzes.parsing import parse_quiz
from lms.quizzes.qtypes import QUESTION_TYPES, BUILTINS, InvalidResponse, QuestionType, get_type, register
from lms.quizzes.spec import QuestionSpec

QUIZ = """---
title: Grading
---

## Pick one {#single}

- [ ] Paris
  > Paris is in France.
- [x] Berlin
  > Right, Berlin.
- [ ] Rome

## Pick the two {#multiple}

- [x] Alpha
  > Alpha feedback
- [x] Beta
- [ ] Gamma
  > Gamma feedback
- [ ] Delta

## Pick the two strictly {#strict scoring=all}

- [x] Alpha
- [x] Beta
- [ ] Gamma

## Pick three {#three}

- [x] a
- [x] b
- [x] c
- [ ] d

## Who wrote it? {#short}

= Ada Lovelace
= Lovelace

## Exact {#exact}

= 42

## Tolerance {#tolerance}

= 42 ± 0.5

## Plus minus {#plusminus}

= 10 +- 1

## Range {#range}

= 40..44

## Pi {#pi}

= 3.1415 ± 0.0005

## Several {#several}

= 1
= 100..200

## Capitals {#matching}

- Canada => Ottawa
- Italy => Rome
- Japan => Tokyo
- India => New Delhi
- => Sydney

## Steps {#ordering}

1. Plan
2. Build
3. Test
4. Ship
"""


@pytest.fixture(scope="module")
def q() -> dict[str, QuestionSpec]:
    spec, errors = parse_quiz(QUIZ, "grading.md")
    assert errors == []
    assert spec is not None
    return {question.id: question for question in spec.questions}


def grade(question: QuestionSpec, response: Any) -> float:
    return get_type(question.type).grade(question.data, response)


def ids(question: QuestionSpec, *texts: str) -> list[str]:
    by_text = {o["text"]: o["id"] for o in question.data["options"]}
    return [by_text[t] for t in texts]


def test_single_choice_is_right_or_wrong(q):
    assert grade(q["single"], "b") == 1.0
    assert grade(q["single"], "a") == 0.0
    assert grade(q["single"], None) == 0.0


@pytest.mark.parametrize("chosen, expected", [
    (("Alpha", "Beta"), 1.0),
    (("Alpha",), 0.5),
    (("Alpha", "Beta", "Gamma"), 0.5),
    (("Alpha", "Gamma"), 0.0),
    (("Gamma",), 0.0),  # -1/2 is floored at 0
    (("Gamma", "Delta"), 0.0),
    (("Alpha", "Beta", "Gamma", "Delta"), 0.0),
    ((), 0.0),
])
def test_multiple_partial_credit_is_plus_minus_one_over_k_floored(q, chosen, expected):
    assert grade(q["multiple"], ids(q["multiple"], *chosen)) == pytest.approx(expected)


@pytest.mark.parametrize("chosen, expected", [
    (("a", "b", "c"), 1.0), (("a", "b"), 2 / 3), (("a",), 1 / 3), (("a", "b", "d"), 1 / 3), (("a", "d"), 0.0),
])
def test_multiple_partial_credit_with_three_right(q, chosen, expected):
    assert grade(q["three"], ids(q["three"], *chosen)) == pytest.approx(expected)


@pytest.mark.parametrize("chosen, expected", [
    (("Alpha", "Beta"), 1.0), (("Alpha",), 0.0), (("Alpha", "Beta", "Gamma"), 0.0), ((), 0.0),
])
def test_multiple_all_or_nothing(q, chosen, expected):
    assert q["strict"].data["scoring"] == "all"
    assert grade(q["strict"], ids(q["strict"], *chosen)) == expected


@pytest.mark.parametrize("response", ["Ada Lovelace", "ada lovelace", "  ADA   LOVELACE ", "Ada-Lovelace!",
                                      "lovelace.", "AdaLovelace", "Ｌｏｖｅｌａｃｅ"])
def test_short_answer_folds_case_spacing_and_punctuation(q, response):
    assert grade(q["short"], response) == 1.0


@pytest.mark.parametrize("response", ["Ada", "Lovelac", "", "   ", "Lord Byron", "!!"])
def test_short_answer_rejects_other_text(q, response):
    assert grade(q["short"], response) == 0.0


def test_short_answer_keeps_decimal_points_between_digits():
    data = {"answers": ["3.5"]}
    assert get_type("short").grade(data, "3.5") == 1.0
    assert get_type("short").grade(data, "35") == 0.0


@pytest.mark.parametrize("qid, response, expected", [
    ("exact", "42", 1.0), ("exact", "42.0", 1.0), ("exact", 42, 1.0), ("exact", "42.001", 0.0),
    ("tolerance", "41.5", 1.0), ("tolerance", "42.5", 1.0), ("tolerance", "42.2", 1.0),
    ("tolerance", "42.51", 0.0), ("tolerance", "41.49", 0.0),
    ("plusminus", "9", 1.0), ("plusminus", "11", 1.0), ("plusminus", "11.01", 0.0),
    ("range", "40", 1.0), ("range", "44", 1.0), ("range", "42.7", 1.0),
    ("range", "39.999", 0.0), ("range", "44.001", 0.0),
    # Decimal tolerances must survive binary rounding at the edges.
    ("pi", "3.141", 1.0), ("pi", "3.142", 1.0), ("pi", "3.1421", 0.0), ("pi", "3.1409", 0.0),
    ("several", "1", 1.0), ("several", "150", 1.0), ("several", "2", 0.0),
])
def test_numeric_tolerance_and_range_edges(q, qid, response, expected):
    assert grade(q[qid], response) == expected


@pytest.mark.parametrize("response, expected", [
    ("42,2", 1.0), (" 42 ", 1.0), ("4 2", 1.0), ("\u221242", 0.0), ("1.042,2", 0.0), ("42.2e0", 1.0),
])
def test_numeric_reads_learner_numbers_leniently(q, response, expected):
    assert grade(q["tolerance"], response) == expected


def test_numeric_thousands_and_decimal_separators():
    data = {"answers": [{"value": 1234.5, "tolerance": 0.0}]}
    for response in ("1,234.5", "1.234,5", "1 234,5", "1234.5", "1\u202f234.5"):
        assert get_type("numeric").grade(data, response) == 1.0, response
    assert get_type("numeric").grade({"answers": [{"value": -3.0, "tolerance": 0.0}]}, "\u22123") == 1.0


@pytest.mark.parametrize("response", ["abc", "", "forty-two", "nan", "inf", "1e999", "42 kg"])
def test_numeric_non_numbers_grade_zero_without_exception(q, response):
    assert grade(q["exact"], response) == 0.0


def test_matching_gives_one_share_per_correct_pair(q):
    question = q["matching"]
    choice = {c["text"]: c["id"] for c in question.data["choices"]}
    left = {p["left"]: p["id"] for p in question.data["pairs"]}
    right = {left["Canada"]: choice["Ottawa"], left["Italy"]: choice["Rome"],
             left["Japan"]: choice["Tokyo"], left["India"]: choice["New Delhi"]}
    assert grade(question, right) == 1.0
    assert grade(question, {**right, left["India"]: choice["Sydney"]}) == 0.75
    assert grade(question, {**right, left["India"]: choice["Tokyo"], left["Japan"]: choice["New Delhi"]}) == 0.5
    assert grade(question, {left["Canada"]: choice["Ottawa"]}) == 0.25
    assert grade(question, {left["Canada"]: None}) == 0.0
    assert grade(question, {}) == 0.0
    assert grade(question, None) == 0.0


def test_ordering_is_right_only_when_fully_in_order(q):
    question = q["ordering"]
    by_text = {i["text"]: i["id"] for i in question.data["items"]}
    assert grade(question, [by_text[t] for t in ("Plan", "Build", "Test", "Ship")]) == 1.0
    assert grade(question, [by_text[t] for t in ("Plan", "Build", "Ship", "Test")]) == 0.0
    assert grade(question, [by_text[t] for t in ("Ship", "Plan", "Build", "Test")]) == 0.0


@pytest.mark.parametrize("qid, response", [
    ("single", "z"), ("single", ["b"]), ("single", 1),
    ("multiple", "a"), ("multiple", ["a", "a"]), ("multiple", ["a", "zz"]), ("multiple", [1]),
    ("short", ["Lovelace"]), ("short", 3),
    ("exact", ["42"]), ("exact", True), ("exact", {"v": 42}),
    ("matching", ["a"]), ("matching", {"zz": "1"}), ("matching", {"a": "99"}),
    ("ordering", "a"), ("ordering", ["a", "b", "c"]), ("ordering", ["a", "a", "b", "c"]),
    ("ordering", ["a", "b", "c", "zz"]),
])
def test_malformed_or_foreign_responses_are_refused(q, qid, response):
    with pytest.raises(InvalidResponse):
        grade(q[qid], response)


def test_stored_data_grades_the_same_after_json(q):
    for question in q.values():
        stored = json.loads(json.dumps(question.data))
        assert stored == question.data


def test_feedback_of_chosen_options(q):
    single, multiple = get_type("single"), get_type("multiple")
    assert single.feedback(q["single"].data, "a") == ["Paris is in France."]
    assert single.feedback(q["single"].data, "c") == []
    assert single.feedback(q["single"].data, None) == []
    chosen = ids(q["multiple"], "Gamma", "Alpha", "Beta")
    assert multiple.feedback(q["multiple"].data, chosen) == ["Alpha feedback", "Gamma feedback"]
    assert get_type("short").feedback(q["short"].data, "Lovelace") == []
    with pytest.raises(InvalidResponse):
        single.feedback(q["single"].data, "nope")


SECRETS = ["correct", "feedback", "Paris is in France", "Right, Berlin", "Alpha feedback", "answers",
           "Ada Lovelace", "42", "tolerance", "min", "max", "pairs", "right"]


@pytest.mark.parametrize("seed", [None, 0, 1, 2])
def test_public_never_contains_keys(q, seed):
    for question in q.values():
        qtype = get_type(question.type)
        rng = None if seed is None and not qtype.scrambled else random.Random(seed or 0)
        public = qtype.public(question.data, rng)
        dumped = json.dumps(public)
        for secret in SECRETS:
            assert secret not in dumped, (question.id, secret, dumped)


def test_public_gives_what_the_form_needs(q):
    single = get_type("single").public(q["single"].data, None)
    assert single == {"type": "single", "options": [{"id": "a", "text": "Paris"}, {"id": "b", "text": "Berlin"},
                                                    {"id": "c", "text": "Rome"}]}
    assert get_type("short").public(q["short"].data, None) == {"type": "short"}
    assert get_type("numeric").public(q["range"].data, None) == {"type": "numeric"}
    matching = get_type("matching").public(q["matching"].data, random.Random(3))
    assert [i["text"] for i in matching["left"]] == ["Canada", "Italy", "Japan", "India"]
    assert sorted(c["text"] for c in matching["choices"]) == ["New Delhi", "Ottawa", "Rome", "Sydney", "Tokyo"]


def test_public_shuffles_with_the_given_random(q):
    data = q["multiple"].data
    first = get_type("multiple").public(data, random.Random(7))
    assert first == get_type("multiple").public(data, random.Random(7))
    orders = {tuple(o["id"] for o in get_type("multiple").public(data, random.Random(s))["options"]) for s in range(30)}
    assert len(orders) > 1
    assert [o["id"] for o in get_type("multiple").public(data, None)["options"]] == ["a", "b", "c", "d"]


def test_ordering_never_starts_in_the_right_order_and_ids_do_not_tell():
    texts = ["Alpha", "Bravo", "Charlie"]  # alphabetical: the id order is also the right order here
    data = {"items": [{"id": i, "text": t} for i, t in zip("abc", texts)]}
    for rng in (random.Random(s) for s in range(40)):
        shown = [i["id"] for i in get_type("ordering").public(data, rng)["items"]]
        assert shown != ["a", "b", "c"]
        assert sorted(shown) == ["a", "b", "c"]


@pytest.mark.parametrize("key", [["a", "b", "c"], ["c", "b", "a"], ["b", "c", "a"]])
def test_ordering_shows_every_other_order_equally_often(key):
    """Uniform over the n! - 1 orders that are not the key: its reverse is not favoured, so the order
    shown tells only that it is not the answer (the old fallback, reversing the key, told more)."""
    data = {"items": [{"id": i, "text": f"Item {i}"} for i in key]}
    counts = Counter(tuple(i["id"] for i in get_type("ordering").public(data, random.Random(f"{seed}:7"))["items"])
                     for seed in range(3000))
    assert tuple(key) not in counts
    assert set(counts) == set(permutations(key)) - {tuple(key)}
    assert all(500 < n < 700 for n in counts.values()), counts  # 600 each expected


def test_ordering_is_stable_for_one_attempt_and_needs_its_random():
    data = {"items": [{"id": i, "text": t} for i, t in zip("abcd", ["Frame", "Collect", "Train", "Evaluate"])]}
    ordering = get_type("ordering")
    assert ordering.scrambled
    for seed in range(200):
        first = ordering.public(data, random.Random(f"{seed}:3"))
        assert first == ordering.public(data, random.Random(f"{seed}:3"))
        assert [i["id"] for i in first["items"]] != ["a", "b", "c", "d"]
    with pytest.raises(ValueError, match="attempt's random"):
        ordering.public(data, None)


def test_matching_choice_ids_do_not_reveal_pairs(q):
    data = q["matching"].data
    # Choice ids follow the alphabetical order of their texts, not the pairs.
    texts = [c["text"] for c in sorted(data["choices"], key=lambda c: int(c["id"]))]
    assert texts == sorted(texts, key=str.casefold)


def test_builtins_are_registered_like_plugins():
    assert {t.name for t in BUILTINS} == {"single", "multiple", "short", "numeric", "matching", "ordering"}
    assert all(QUESTION_TYPES[t.name] is t for t in BUILTINS)
    with pytest.raises(KeyError, match="unknown question type"):
        get_type("essay")
    with pytest.raises(ValueError):
        register(type("Clash", (QuestionType,), {"name": "single"}))


def test_a_plugin_type_can_claim_answer_blocks():
    class YesNo(QuestionType):
        name = "yesno"
        label = "yes/no"

        @classmethod
        def detect(cls, block):
            return block.kind == "equals" and [i.text.lower() for i in block.items] in (["yes"], ["no"])

        @classmethod
        def parse(cls, block, errors, path):
            return {"yes": block.items[0].text.lower() == "yes"}

        @classmethod
        def grade(cls, data, response):
            return 1.0 if response == ("yes" if data["yes"] else "no") else 0.0

    register(YesNo)
    try:
        spec, errors = parse_quiz("---\ntitle: P\n---\n\n## Is it?\n\n= yes\n\n## Name?\n\n= Bob\n", "p.md")
        assert errors == []
        assert [question.type for question in spec.questions] == ["yesno", "short"]
        assert get_type("yesno").grade(spec.questions[0].data, "yes") == 1.0
    finally:
        del QUESTION_TYPES["yesno"]

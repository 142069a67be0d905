"""The Markdown quiz format: the contract's example, every type, every error with its line."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.quizzes.markdown_writer import quiz_to_markdown
from lms.quizzes.parsing import parse_quiz
from lms.quizzes.spec import QuizSpec

CONTRACT_EXAMPLE = """---
title: "Check: what AI is and is not"
pass_mark: 70        # percent needed to pass, default 70
max_attempts: 3      # 0 means unlimited, default 0
time_limit: 20       # minutes, optional
shuffle: true        # shuffle questions and options per attempt, default true
draw: 1              # optional: questions drawn from the pool per attempt
review: after_submit # after_submit | after_pass | never: when correct answers are shown
---

## Which task is an example of supervised learning? {#supervised points=1}

Optional paragraphs, tables or code after the heading are part of the question.

- [ ] Grouping customers by purchase behaviour
  > Grouping without labels is clustering, an unsupervised task.
- [x] Predicting churn from customers labelled as churned or retained
  > Yes: the model learns from labelled outcomes.
- [ ] Finding topics in support tickets

> Supervised learning learns a mapping from inputs to known labels.
"""


def parse_ok(text: str) -> QuizSpec:
    spec, errors = parse_quiz(text, "quiz.md")
    assert errors == []
    assert spec is not None
    return spec


def only_errors(text: str) -> list[tuple[int, str]]:
    spec, errors = parse_quiz(text, "quiz.md")
    assert spec is None
    assert errors and all(e.path == "quiz.md" for e in errors)
    return [(e.line, e.message) for e in errors]


def test_contract_example():
    spec = parse_ok(CONTRACT_EXAMPLE)
    assert (spec.title, spec.pass_mark, spec.max_attempts, spec.time_limit, spec.shuffle, spec.draw,
            spec.review) == ("Check: what AI is and is not", 70, 3, 20, True, 1, "after_submit")
    [q] = spec.questions
    assert (q.id, q.type, q.points, q.line) == ("supervised", "single", 1, 11)
    assert q.prompt == "Which task is an example of supervised learning?"
    assert q.body == "Optional paragraphs, tables or code after the heading are part of the question."
    assert q.explanation == "Supervised learning learns a mapping from inputs to known labels."
    assert q.data["options"][1] == {"id": "b", "correct": True, "feedback": "Yes: the model learns from labelled outcomes.",
                                    "text": "Predicting churn from customers labelled as churned or retained"}
    assert [o["correct"] for o in q.data["options"]] == [False, True, False]
    assert q.data["options"][2]["feedback"] == ""


def test_defaults_and_types(quiz_md):
    spec = parse_ok(quiz_md("""Welcome to the **quiz**.

## Choose *one*

| a | b |
|---|---|
| 1 | 2 |

```python
print("hi")
```

- [x] yes
- [ ] no

## Choose two {skills=ai-literacy,data-literacy points=2.5 scoring=all}

- [x] a
- [x] b
- [ ] c

## Say it
= Ada
= ada lovelace

## How many?

= 42 ± 0.5
= 40..44
= 7 +- 1

## Match

- a => 1
- b => 2
- c => 2
- => 3

## Order

1. one
2. two
3. three
"""))
    assert (spec.pass_mark, spec.max_attempts, spec.time_limit, spec.shuffle, spec.draw, spec.review) == (
        70, 0, None, True, None, "after_submit")
    assert spec.body == "Welcome to the **quiz**."
    assert [q.type for q in spec.questions] == ["single", "multiple", "short", "numeric", "matching", "ordering"]
    assert [q.id for q in spec.questions] == ["choose-one", "choose-two", "say-it", "how-many", "match", "order"]
    assert [q.line for q in spec.questions] == [7, 20, 26, 30, 36, 43]
    single, multiple, short, numeric, matching, ordering = spec.questions
    assert single.prompt == "Choose *one*"
    assert "| 1 | 2 |" in single.body and 'print("hi")' in single.body
    assert (multiple.points, multiple.skills, multiple.data["scoring"]) == (2.5, ("ai-literacy", "data-literacy"), "all")
    assert short.body == "" and short.data == {"answers": ["Ada", "ada lovelace"]}
    assert numeric.data == {"answers": [{"value": 42.0, "tolerance": 0.5}, {"min": 40.0, "max": 44.0},
                                        {"value": 7.0, "tolerance": 1.0}]}
    assert matching.data == {
        "pairs": [{"id": "a", "left": "a", "right": "1"}, {"id": "b", "left": "b", "right": "2"},
                  {"id": "c", "left": "c", "right": "2"}],
        "choices": [{"id": "1", "text": "1"}, {"id": "2", "text": "2"}, {"id": "3", "text": "3"}],
    }
    assert [i["text"] for i in ordering.data["items"]] == ["one", "two", "three"]
    assert [i["id"] for i in ordering.data["items"]] == ["a", "c", "b"]  # alphabetical, not positional


def test_answers_merged_into_the_body_paragraph_and_split_by_blank_lines(quiz_md):
    spec = parse_ok(quiz_md("## Q\nSome context.\n= 1\n\n= 2\n\n> Because.\n"))
    [q] = spec.questions
    assert (q.body, q.type, q.explanation) == ("Some context.", "numeric", "Because.")
    assert [a["value"] for a in q.data["answers"]] == [1.0, 2.0]


def test_feedback_and_explanation_keep_their_markdown(quiz_md):
    spec = parse_ok(quiz_md("## Q\n\n- [x] a\n  > first *para*\n  >\n  > second\n- [ ] b\n\n> One\n>\n> Two\n"))
    [q] = spec.questions
    assert q.data["options"][0]["feedback"] == "first *para*\n\nsecond"
    assert q.explanation == "One\n\nTwo"


def test_number_like_short_answers_are_escaped(quiz_md):
    [q] = parse_ok(quiz_md("## Q\n\n= four\n= \\4\n")).questions
    assert (q.type, q.data) == ("short", {"answers": ["four", "4"]})


def test_braces_that_are_not_attributes_stay_in_the_prompt(quiz_md):
    [q] = parse_ok(quiz_md("## Is {1,2} a set?\n\n- [x] yes\n- [ ] no\n")).questions
    assert (q.prompt, q.id) == ("Is {1,2} a set?", "is-1-2-a-set")


FRONT_MATTER_ERRORS = [
    ("title: T\npass_marks: 80", 3, "unknown key 'pass_marks' (did you mean 'pass_mark'?)"),
    ("title: T\nrevew: never", 3, "did you mean 'review'?"),
    ("pass_mark: 50", 1, "missing required key 'title'"),
    ("title: ''", 2, "'title' must not be empty"),
    ("title: T\npass_mark: 120", 3, "'pass_mark' must be a number from 0 to 100, not 120"),
    ("title: T\npass_mark: yes", 3, "'pass_mark' must be a number from 0 to 100, not True"),
    ("title: T\nmax_attempts: -1", 3, "'max_attempts' must be a whole number from 0 to 100, not -1"),
    ("title: T\nmax_attempts: 1.5", 3, "'max_attempts' must be a whole number from 0 to 100, not 1.5"),
    ("title: T\ntime_limit: 0", 3, "'time_limit' must be a whole number from 1 to 1440, not 0"),
    ("title: T\nshuffle: 3", 3, "'shuffle' must be true or false"),
    ("title: T\ndraw: 0", 3, "'draw' must be a whole number from 1 to 1000, not 0"),
    ("title: T\n\ndraw: 2", 4, "draw is 2 but the quiz has only 1 question"),
    ("title: T\nreview: sometimes", 3, "'review' must be one of: after_submit, after_pass, never (got 'sometimes')"),
    ("title: T\n  bad: [", 3, "invalid YAML"),
    ("- a list", 2, "front matter must be 'key: value' lines"),
]


@pytest.mark.parametrize("front, line, message", FRONT_MATTER_ERRORS)
def test_front_matter_errors(quiz_md, front, line, message):
    errors = only_errors(quiz_md("## Q\n\n- [x] a\n- [ ] b\n", front))
    assert any(n == line and message in m for n, m in errors), errors


def test_missing_or_unclosed_front_matter():
    assert only_errors("## Q\n\n- [x] a\n- [ ] b\n")[0][0] == 1
    assert any("not closed" in m for _, m in only_errors("---\ntitle: T\n\n## Q\n\n- [x] a\n- [ ] b\n"))


QUESTION_ERRORS = [
    ("## Q\n\nNo answers here.\n", 5, "question has no answer block"),
    ("## Q\n\n- [ ] a\n- [ ] b\n", 7, "no option is marked [x]"),
    ("## Q\n\n- [x] only\n", 7, "at least two options"),
    ("## Q\n\n- [x] a\n- b\n", 8, "option needs a checkbox"),
    ("## Q\n\n- [x] a\n- [ ]\n", 8, "option has no text"),
    ("## Q\n\n- a => 1\n- b => 2\n", 7, "at least 3 pairs"),
    ("## Q\n\n- a => 1\n- b => 2\n- c 3\n", 9, "needs 'left => right'"),
    ("## Q\n\n- a => 1\n- b => 2\n- c =>\n", 9, "nothing after '=>'"),
    ("## Q\n\n- a => 1\n- a => 2\n- c => 3\n", 8, "'a' appears twice on the left"),
    ("## Q\n\n1. a\n2. b\n", 7, "at least 3 items"),
    ("## Q\n\n1. a\n2. b\n3. a\n", 9, "'a' appears twice"),
    ("## Q\n\n1. a\n   > no\n2. b\n3. c\n", 8, "feedback is not supported under ordering items"),
    ("## Q\n\n= 42\n= forty-two\n", 8, "mixes numeric and short answers"),
    ("## Q\n\n= 42 ± abc\n", 7, "cannot read '42 ± abc'"),
    ("## Q\n\n= 44..40\n", 7, "the range '44..40' is empty"),
    ("## Q\n\n= 4,5\n", 7, "use a decimal point"),
    ("## Q\n\n= 42 ± -1\n", 7, "tolerance in '42 ± -1' is negative"),
    ("## Q\n\n= ok\nnot an answer\n", 8, "must start with '='"),
    ("## Q\n\n= !!\n", 7, "no letters or digits"),
    ("## {#q1}\n\n- [x] a\n- [ ] b\n", 5, "question has no text"),
    ("##\n\n- [x] a\n- [ ] b\n", 5, "question has no text"),
    ("## Q {pointz=2}\n\n- [x] a\n- [ ] b\n", 5, "unknown attribute 'pointz' (did you mean 'points'?)"),
    ("## Q {points=0}\n\n- [x] a\n- [ ] b\n", 5, "points must be a number above 0"),
    ("## Q {points=x}\n\n- [x] a\n- [ ] b\n", 5, "points must be a number above 0"),
    ("## Q {#a #b}\n\n- [x] a\n- [ ] b\n", 5, "'id' is given twice"),
    ("## Q {#bad!id}\n\n- [x] a\n- [ ] b\n", 5, "invalid id"),
    ("## Q {skills=a,,b}\n\n- [x] a\n- [ ] b\n", 5, "skills must be comma-separated"),
    ("## Q {scoring=all}\n\n- [x] a\n- [ ] b\n", 5, "scoring does not apply to single choice"),
    ("## Q {scoring=most}\n\n- [x] a\n- [x] b\n", 5, "scoring must be partial or all"),
    ("## Q\n\n- x\n- y\n", 7, "cannot tell the question type"),
    ("## Q\n\n- [x] a\n\n  more\n- [ ] b\n", 9, "only a blockquote (the feedback) may be nested"),
    ("## Q\n\n- [x] a\n- [ ] b\n\n> why\n\nMore text.\n", 12, "unexpected content after the answer block"),
    ("## Q\n\n- [x] a\n- [ ] b\n\n* [x] c\n", 10, "unexpected content after the answer block"),
    ("# Title\n\n## Q\n\n- [x] a\n- [ ] b\n", 5, "'#' heading"),
    ("- [x] a\n- [ ] b\n\n## Q\n\n- [x] a\n- [ ] b\n", 5, "answers before the first question"),
    ("= 42\n\n## Q\n\n- [x] a\n- [ ] b\n", 5, "answers before the first question"),
    ("### Q\n\n- [x] a\n- [ ] b\n", 5, "heading before the first question"),
    ("Only an intro.\n", 1, "the quiz has no questions"),
]


@pytest.mark.parametrize("body, line, message", QUESTION_ERRORS)
def test_question_errors_have_their_line(quiz_md, body, line, message):
    errors = only_errors(quiz_md(body))
    assert any(n == line and message in m for n, m in errors), errors


def test_duplicate_ids_name_both_lines(quiz_md):
    errors = only_errors(quiz_md("## Same\n\n- [x] a\n- [ ] b\n\n## Same\n\n- [x] a\n- [ ] b\n\n"
                                 "## Other {#same}\n\n- [x] a\n- [ ] b\n"))
    assert errors == [(10, "duplicate question id 'same' (also on line 5): set another {#id}"),
                      (15, "duplicate question id 'same' (also on line 5): set another {#id}")]


def test_every_error_of_the_file_is_reported(quiz_md):
    errors = only_errors(quiz_md("## Q1\n\n- [ ] a\n- [ ] b\n\n## Q2\n\n= 1..x\n\n## \n\n1. a\n2. b\n",
                                 front="title: T\nreviw: never"))
    assert [n for n, _ in errors] == [3, 8, 13, 15, 17]


def test_plain_lists_in_the_intro_are_prose(quiz_md):
    spec = parse_ok(quiz_md("Before you start:\n\n- read the lesson\n- take your time\n\n## Q\n\n- [x] a\n- [ ] b\n"))
    assert spec.body == "Before you start:\n\n- read the lesson\n- take your time"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_markdown_round_trip_is_stable(quiz_strategy, data):
    spec = data.draw(quiz_strategy())
    markdown = quiz_to_markdown(spec)
    again, errors = parse_quiz(markdown, "round-trip.md")
    assert errors == [], markdown
    assert again == spec, markdown
    assert quiz_to_markdown(again) == markdown

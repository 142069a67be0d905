"""Aiken import: Moodle's example and error files, and the all-or-nothing rule."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from lms.quizzes.aiken import aiken_to_quiz
from lms.quizzes.cli import interchange_cli
from lms.quizzes.markdown_writer import quiz_to_markdown
from lms.quizzes.parsing import parse_quiz


def test_moodle_aiken_questions(moodle):
    spec, errors, warnings = aiken_to_quiz((moodle / "aiken-questions.aiken.txt").read_text(encoding="utf-8"),
                                           "questions.aiken.txt", "Aiken")
    assert (errors, warnings) == ([], [])
    first, second = spec.questions
    assert (first.type, first.line, first.prompt) == ("single", 1, "The Moodle project was started by:")
    assert [(o["id"], o["text"], o["correct"]) for o in first.data["options"]] == [
        ("a", "Petr Skoda", False), ("b", "Martin Dougiamas", True), ("c", "Eloy Lafuente", False),
        ("d", "Tim Hunt", False)]
    assert second.line == 8
    assert second.prompt == 'Moodle\'s abilities include handling user input that includes <html class="cool"> & images:'
    assert [o["correct"] for o in second.data["options"]] == [True, False]
    again, problems = parse_quiz(quiz_to_markdown(spec), "aiken.md")
    assert problems == [] and again == spec


def test_moodle_aiken_errors_fail_the_whole_import(moodle):
    spec, errors, _ = aiken_to_quiz((moodle / "aiken-aiken_errors.txt").read_text(encoding="utf-8"),
                                    "aiken_errors.txt", "Aiken")
    assert spec is None  # the three good questions are not imported either
    assert [(e.line, e.message) for e in errors] == [
        (1, "question needs at least two options, found 1"),
        (5, "option 'A' before any question text"),
        (7, "'ANSWER:' line without a question before it"),
        (14, "question has no 'ANSWER: X' line after its options"),
    ]


def test_both_option_styles_and_no_space():
    spec, errors, _ = aiken_to_quiz("Q one?\nA. yes\nB. no\nANSWER: A\nQ two?\nA)x\nB)y\nANSWER: B\n", "a.txt", "T")
    assert errors == []
    assert [[o["text"] for o in q.data["options"]] for q in spec.questions] == [["yes", "no"], ["x", "y"]]
    assert [q.line for q in spec.questions] == [1, 5]


@pytest.mark.parametrize("text, line, message", [
    ("Q?\nA. a\nB. b\nANSWER: C\n", 4, "ANSWER must be one of the option letters A, B, not 'C'"),
    ("Q?\nA. a\nA. b\nANSWER: A\n", 3, "option A appears twice"),
    ("Q?\nA. a\nB. b\n", 1, "question has no 'ANSWER: X' line"),
    ("Q?\nA. a\nsomething else\nB. b\nANSWER: A\n", 3, "expected an option"),
    ("Q?\nA.\nB. b\nANSWER: A\n", 2, "option A has no text"),
    ("\n\n", 1, "no question to import"),
])
def test_malformed_aiken_is_reported_with_its_line(text, line, message):
    spec, errors, _ = aiken_to_quiz(text, "a.txt", "T")
    assert spec is None
    assert any(e.line == line and message in e.message for e in errors), errors


def test_duplicate_question_texts_get_distinct_ids():
    spec, _, _ = aiken_to_quiz("Same?\nA. a\nB. b\nANSWER: A\n\nSame?\nA. a\nB. b\nANSWER: B\n", "a.txt", "T")
    assert [q.id for q in spec.questions] == ["same", "same-2"]


def test_cli_aiken_import(moodle, tmp_path):
    out = tmp_path / "aiken.md"
    ok = CliRunner().invoke(interchange_cli, ["aiken-import", str(moodle / "aiken-questions.aiken.txt"), "-o", str(out)])
    assert ok.exit_code == 0, ok.output
    spec, errors = parse_quiz(out.read_text(encoding="utf-8"), str(out))
    assert errors == [] and spec.title == "Aiken questions" and len(spec.questions) == 2
    bad_out = tmp_path / "bad.md"
    bad = CliRunner().invoke(interchange_cli, ["aiken-import", str(moodle / "aiken-aiken_errors.txt"), "-o", str(bad_out)])
    assert bad.exit_code == 1
    assert f"{moodle / 'aiken-aiken_errors.txt'}:5: option 'A' before any question text" in bad.stderr
    assert not bad_out.exists()

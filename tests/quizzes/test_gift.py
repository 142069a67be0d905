"""GIFT import/export against Moodle's own files, crafted errors, and a round-trip property."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.quizzes.cli import interchange_cli
from lms.quizzes.gift import gift_to_quiz, quiz_to_gift
from lms.quizzes.markdown_writer import quiz_to_markdown
from lms.quizzes.parsing import parse_quiz
from lms.quizzes.qtypes import get_type
from lms.quizzes.spec import QuestionSpec, QuizSpec

GIFT_TYPES = ("single", "multiple", "short", "numeric", "matching")


def load(moodle: Path, name: str):
    return gift_to_quiz((moodle / name).read_text(encoding="utf-8"), name, "Moodle")


def at(spec: QuizSpec, line: int) -> QuestionSpec:
    return next(q for q in spec.questions if q.line == line)


def texts(question: QuestionSpec) -> list[str]:
    return [o["text"] for o in question.data["options"]]


def warned(warnings, line: int, fragment: str) -> bool:
    return any(w.line == line and fragment in w.message for w in warnings)


def test_moodle_examples_import_every_question(moodle):
    spec, errors, warnings = load(moodle, "gift-examples.txt")
    assert errors == []
    assert len(spec.questions) == 43
    assert Counter(q.type for q in spec.questions) == {
        "single": 21, "short": 9, "numeric": 8, "matching": 3, "multiple": 2}
    assert len({q.id for q in spec.questions}) == 43


def test_moodle_examples_specific_questions(moodle):
    spec, _, warnings = load(moodle, "gift-examples.txt")
    tomb = at(spec, 8)
    assert (tomb.type, texts(tomb), [o["correct"] for o in tomb.data["options"]]) == (
        "single", ["Grant", "Jefferson", "no one"], [False, False, True])
    assert at(spec, 10).prompt == "Grant is _____ in Grant's tomb."
    assert at(spec, 29).prompt == "The American holiday of Thanksgiving is celebrated on the _____ Thursday of November."
    assert at(spec, 45).data == {"answers": ["four", "4"]}
    kanji = at(spec, 90)
    assert (kanji.id, kanji.type, kanji.prompt, kanji.data) == (
        "kanji-origins", "short", "Japanese characters originally came from what country?", {"answers": ["China"]})
    assert at(spec, 108).prompt == "Who's buried in **Grant's tomb**?"


def test_moodle_examples_true_false_and_feedback(moodle):
    spec, _, _ = load(moodle, "gift-examples.txt")
    false = at(spec, 113)
    assert false.data["options"] == [
        {"id": "a", "text": "True", "correct": False, "feedback": "No one is buried in Grant's tomb."},
        {"id": "b", "text": "False", "correct": True, "feedback": ""}]
    assert [o["correct"] for o in at(spec, 51).data["options"]] == [True, False]
    feedback = at(spec, 98)
    assert [o["feedback"] for o in feedback.data["options"]] == [
        "feedback comment on the wrong answer", "feedback comment on this wrong answer", "Very good!"]
    control = at(spec, 148)
    assert texts(control) == ["~", "=", "#", "{", "}", "\\"]
    assert control.data["options"][5]["correct"] is True
    assert control.data["options"][5]["feedback"].startswith(
        "Correct! \\ (backslash) is not a control character. BUT, it is used to escape")
    assert control.data["options"][2]["feedback"] == "# is a control character."


def test_moodle_examples_weights(moodle):
    spec, _, warnings = load(moodle, "gift-examples.txt")
    zero_wrong = at(spec, 130)
    assert zero_wrong.type == "multiple" and zero_wrong.data["scoring"] == "partial"
    assert [o["correct"] for o in zero_wrong.data["options"]] == [False, True, True, False]
    assert warned(warnings, 131, "weights (0%, 50%, 50%, 0%) cannot be represented exactly")
    exact = at(spec, 136)
    assert [o["correct"] for o in exact.data["options"]] == [False, True, True, False]
    assert not any(136 <= w.line <= 140 for w in warnings)  # -50/+50 is Conductor's partial credit
    hometown = at(spec, 117)
    assert (hometown.id, hometown.type, hometown.prompt) == ("jesus-hometown", "single", "Jesus Christ was from _____.")
    assert [o["correct"] for o in hometown.data["options"]] == [False, False, False, True]
    assert hometown.data["options"][1]["feedback"] == "He was born here, but not raised here."
    assert warned(warnings, 118, "'Bethlehem' 25%, 'Galilee' 50%")
    short = at(spec, 123)
    assert (short.id, short.type, short.data) == ("jesus-hometown-2", "short", {"answers": ["Nazareth"]})
    assert warned(warnings, 125, "'Nazereth' (75%) dropped")


def test_moodle_examples_numeric_and_matching(moodle):
    spec, _, warnings = load(moodle, "gift-examples.txt")
    assert at(spec, 16).data == {"answers": [{"value": 1822.0, "tolerance": 1.0}]}
    pi = at(spec, 72)
    assert pi.data == {"answers": [{"value": 3.1415, "tolerance": 0.0005}]}
    assert [get_type("numeric").grade(pi.data, r) for r in ("3.141", "3.142", "3.1425")] == [1.0, 1.0, 0.0]
    assert at(spec, 74).data == {"answers": [{"min": 3.141, "max": 3.142}]}
    assert at(spec, 76).data == {"answers": [{"value": 1822.0, "tolerance": 0.0}]}
    assert warned(warnings, 78, "'1822:2' (50%) dropped")
    capitals = at(spec, 61)
    choice = {c["id"]: c["text"] for c in capitals.data["choices"]}
    assert {p["left"]: choice[p["right"]] for p in capitals.data["pairs"]} == {
        "Canada": "Ottawa", "Italy": "Rome", "Japan": "Tokyo", "India": "New Delhi"}


def test_moodle_questions_fixture(moodle):
    spec, errors, warnings = load(moodle, "gift-questions.gift.txt")
    assert errors == []
    assert [q.id for q in spec.questions] == [
        "moodle-activities", "q2", "colours", "q5", "shortanswer", "q1", "2-08-tsl", "2-08-tsl-2"]
    assert warned(warnings, 2, "essay question skipped: Conductor has no essay type")
    activities = spec.questions[0]
    assert activities.prompt == "Match the <b>activity</b> to the description."
    assert [p["left"] for p in activities.data["pairs"]][0] == "An activity supporting asynchronous discussions."
    assert "Chat" in [c["text"] for c in activities.data["choices"]]  # the distractor survives
    q2 = spec.questions[1]
    assert [(o["text"], o["correct"], o["feedback"]) for o in q2.data["options"]] == [
        ("yellow", True, "right; good!"), ("red", False, "wrong, it's yellow"), ("blue", False, "wrong, it's yellow")]
    colours = spec.questions[2]
    assert [o["correct"] for o in colours.data["options"]] == [True, False, True, False]
    assert warned(warnings, 24, "50%, -100%, 50%, -100%")
    q5 = spec.questions[3]
    assert q5.data == {"answers": [{"value": 3.0, "tolerance": 2.0}]}
    assert [get_type("numeric").grade(q5.data, r) for r in ("1", "5", "5.5")] == [1.0, 1.0, 0.0]
    assert spec.questions[4].data == {"answers": ["Frog"]}
    assert warned(warnings, 36, "'Cat' (50%) dropped") and warned(warnings, 37, "'*' (0%) dropped")
    q1 = spec.questions[5]
    assert q1.explanation == "This is, of course, a Hitchiker's Guide to the Galaxy reference."
    assert [(o["text"], o["correct"], o["feedback"]) for o in q1.data["options"]] == [
        ("True", False, "42 is the Ultimate Answer."), ("False", True, "You gave the right answer.")]


def test_moodle_category_fixture(moodle):
    spec, errors, warnings = load(moodle, "gift-questions_in_category.gift.txt")
    assert (errors, warnings) == ([], [])
    assert [(q.line, q.type) for q in spec.questions] == [
        (5, "matching"), (14, "single"), (22, "short"), (27, "single")]
    greeting = spec.questions[1].prompt
    assert greeting.startswith('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">Listen to this greeting:</a>')
    assert spec.questions[2].data == {"answers": ["Moodler"]}


@pytest.mark.parametrize("name", ["gift-examples.txt", "gift-questions.gift.txt",
                                  "gift-questions_in_category.gift.txt"])
def test_moodle_imports_survive_markdown_and_gift(moodle, name):
    spec, _, _ = load(moodle, name)
    again, errors = parse_quiz(quiz_to_markdown(spec), "imported.md")
    assert errors == [] and again == spec
    export = quiz_to_gift(spec)
    assert export.skipped == []
    back, errors, warnings = gift_to_quiz(export.text, "exported.gift", "Moodle")
    assert (errors, warnings) == ([], []) and back == spec


def test_descriptions_and_essays_are_warnings_with_lines():
    text = "// intro\nJust some words.\n\n::E::Tell me. {}\n\n::Q::Is it? {T}\n"
    spec, errors, warnings = gift_to_quiz(text, "f.gift", "T")
    assert errors == [] and [q.id for q in spec.questions] == ["q"]
    assert [(w.line, w.message) for w in warnings] == [
        (2, "question 'Just some words.': description skipped: Conductor has no description (text without answers)"),
        (4, "question 'E': essay question skipped: Conductor has no essay type")]


GIFT_ERRORS = [
    ("Q1 {=a ~b\n", 1, "not closed with '}'"),
    ("::Q1 Who? {=a ~b}\n", 1, "name is not closed"),
    ("Who? {foo =a ~b}\n", 1, "'foo' before the first '=' or '~' answer"),
    ("Who?\n{\n~%abc%a\n=b}\n", 3, "cannot read the weight"),
    ("Who? {~%150%a =b}\n", 1, "outside -100..100"),
    ("Pi?\n{#\n=3.14:0.01\n=abc}\n", 4, "cannot read the numeric answer 'abc'"),
    ("Pair? {\n=a -> 1\n=b -> 2\n=c\n}\n", 4, "every matching answer is '=question -> answer'"),
    ("Q? {=a ~b} and {=c}\n", 1, "a second '{' or '}'"),
    ("Q? {~a ~b}\n", 1, "no answer is right"),
    ("Q? {=a}\n\nR? {~a}\n", 3, "at least two answers"),
    ("::N::{T}\n", 1, "the question has no text"),
    ("Q? {T#a#b#c}\n", 1, "at most two feedbacks"),
    ("Q?\n{=a\n~\n}\n", 3, "empty answer"),
]


@pytest.mark.parametrize("text, line, message", GIFT_ERRORS)
def test_malformed_gift_is_an_error_with_its_line(text, line, message):
    spec, errors, _ = gift_to_quiz(text, "bad.gift", "T")
    assert spec is None
    assert any(e.line == line and message in e.message for e in errors), errors


@pytest.mark.parametrize("text, message", [
    ("Q? {=a =b ~c}", "2 answers give full credit"),
    ("Q? {=a -> 1 =b -> 2}", "2 pairs; Conductor matching needs at least 3"),
    ("Q? {=%50%a}", "no answer gives full credit"),
    ("Q? {#=%50%2:1}", "no answer gives full credit"),
])
def test_unrepresentable_questions_are_skipped_with_a_warning(text, message):
    spec, errors, warnings = gift_to_quiz(f"{text}\n\nKeep? {{T}}\n", "w.gift", "T")
    assert errors == [] and len(spec.questions) == 1
    assert any(w.line == 1 and message in w.message for w in warnings), warnings


def test_escapes_formats_and_categories():
    text = ("$CATEGORY: $course$/Imported\n\n"
            "::A\\: name::[plain]Q\\: a \\{b\\} c\\n\\nBody \\# here\\nline two {=x\\~y =z\\\\w}\n")
    spec, errors, warnings = gift_to_quiz(text, "e.gift", "T")
    assert (errors, warnings) == ([], [])
    [q] = spec.questions
    assert (q.id, q.prompt, q.body, q.data) == (
        "a-name", "Q: a {b} c", "Body # here\nline two", {"answers": ["x~y", "z\\w"]})


def test_export_lists_what_gift_cannot_say(quiz_md):
    spec, _ = parse_quiz(quiz_md("## Order {#o}\n\n1. a\n2. b\n3. c\n\n## All {#s scoring=all points=2}\n\n"
                                 "- [x] a\n- [x] b\n- [ ] c\n\n## TF {#tf}\n\n- [ ] True\n  > no\n- [x] False\n"), "q.md")
    export = quiz_to_gift(spec)
    assert [(q.id, reason) for q, reason in export.skipped] == [("o", "question 'o' skipped: ordering has no GIFT equivalent")]
    assert [q.id for q, _ in export.lossy] == ["s", "s"]
    assert "all-or-nothing" in export.lossy[0][1] and "points" in export.lossy[1][1]
    assert "::tf::[markdown]TF {\nFALSE#no#\n}" in export.text
    assert "~%50%a\n~%50%b\n~%-50%c\n" in export.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_gift_round_trip_keeps_questions_and_grading(quiz_strategy, data):
    spec = data.draw(quiz_strategy(GIFT_TYPES, gift=True))
    export = quiz_to_gift(spec)
    assert (export.skipped, export.lossy) == ([], [])
    back, errors, warnings = gift_to_quiz(export.text, "round-trip.gift", spec.title)
    assert (errors, warnings) == ([], []), export.text
    assert back.questions == spec.questions, export.text
    for before, after in zip(spec.questions, back.questions):
        qtype = get_type(before.type)
        if before.type in ("single", "multiple"):
            right = [o["id"] for o in before.data["options"] if o["correct"]]
            response = right[0] if before.type == "single" else right
            assert qtype.grade(after.data, response) == qtype.grade(before.data, response) == 1.0
            assert qtype.feedback(after.data, response) == qtype.feedback(before.data, response)


def test_cli_gift_import_writes_markdown_and_warns(moodle, tmp_path):
    out = tmp_path / "quiz.md"
    result = CliRunner().invoke(interchange_cli, ["gift-import", str(moodle / "gift-questions.gift.txt"),
                                                  "-o", str(out), "--title", "Moodle questions"])
    assert result.exit_code == 0, result.output
    assert f"{moodle / 'gift-questions.gift.txt'}:2: warning: question 'Q8': essay question skipped" in result.stderr
    spec, errors = parse_quiz(out.read_text(encoding="utf-8"), str(out))
    assert errors == [] and spec.title == "Moodle questions" and len(spec.questions) == 8


def test_cli_gift_import_with_errors_writes_nothing(tmp_path):
    source, out = tmp_path / "bad.gift", tmp_path / "bad.md"
    source.write_text("Fine? {T}\n\nBroken {=a ~b\n", encoding="utf-8")
    result = CliRunner().invoke(interchange_cli, ["gift-import", str(source), "-o", str(out)])
    assert result.exit_code == 1
    assert f"{source}:3: question 'Broken': the answer block is not closed with '}}'" in result.stderr
    assert not out.exists()


def test_cli_gift_export(tmp_path, quiz_md):
    source, out = tmp_path / "quiz.md", tmp_path / "quiz.gift"
    source.write_text(quiz_md("## Order {#o}\n\n1. a\n2. b\n3. c\n\n## Q {#q}\n\n= 42\n"), encoding="utf-8")
    result = CliRunner().invoke(interchange_cli, ["gift-export", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{source}:5: warning: question 'o' skipped: ordering has no GIFT equivalent" in result.stderr
    spec, errors, _ = gift_to_quiz(out.read_text(encoding="utf-8"), str(out), "T")
    assert errors == [] and [q.id for q in spec.questions] == ["q"]
    bad = tmp_path / "bad.md"
    bad.write_text(quiz_md("## Q\n\n- [ ] a\n- [ ] b\n"), encoding="utf-8")
    result = CliRunner().invoke(interchange_cli, ["gift-export", str(bad)])
    assert result.exit_code == 1 and f"{bad}:7: no option is marked [x]" in result.stderr

"""The shipped curriculum keeps the shape the programme promises, and its map stays current."""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from lms.content.skillmap import curriculum_map
from lms.content.tree import read_tree

ROOT = Path(__file__).resolve().parent.parent
CHOICE = {"single", "multiple"}


@pytest.fixture(scope="module")
def tree():
    return read_tree(ROOT)


def body_words(path: Path) -> int:
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    return len(re.findall(r"[A-Za-z0-9][\w'’.,%$€-]*", body))


def test_the_tree_validates_without_errors(tree):
    assert [str(e) for e in tree.errors] == []


def test_programme_and_skills_framework(tree):
    [programme] = tree.programmes
    assert programme.courses == ["ai-foundations", "agile-ai-delivery", "data-quality", "ai-ethics-governance",
                                 "leading-ai-initiatives"]
    assert 8 <= len(tree.skills) <= 12


def test_course_module_and_lesson_shape(tree):
    for course in tree.courses:
        assert 3 <= len(course.modules) <= 5, course.slug
        for module in course.modules:
            assert 2 <= len(module.lessons) <= 4, module.path
            for lesson in module.lessons:
                words = body_words(ROOT / lesson.path)
                assert 700 <= words <= 1400, f"{lesson.path}: {words} words"
                assert lesson.objectives and lesson.skills, lesson.path


def test_every_module_has_a_mixed_quiz_and_every_course_a_final(tree):
    for course in tree.courses:
        for module in course.modules:
            quiz = tree.quizzes[(course.slug, module.slug)]
            assert 8 <= len(quiz.questions) <= 12, module.path
            types = {q.type for q in quiz.questions}
            assert types - CHOICE, f"{module.path}: only choice questions"
        final = tree.quizzes[(course.slug, "final")]
        assert final.draw == 15 and len(final.questions) >= 25, course.slug


def test_every_question_explains_and_every_option_has_feedback(tree):
    for (course, key), quiz in tree.quizzes.items():
        for question in quiz.questions:
            where = f"{course}/{key}#{question.id}"
            assert question.explanation.strip(), where
            assert question.skills, where
            for option in question.data.get("options", []):
                assert option["feedback"].strip(), f"{where} option {option['id']}"


def test_right_answers_are_not_guessable_by_length_or_position(tree):
    longest = positions = 0
    where = Counter()
    for quiz in tree.quizzes.values():
        for question in quiz.questions:
            if question.type != "single":
                continue
            options = question.data["options"]
            right = next(i for i, o in enumerate(options) if o["correct"])
            lengths = [len(o["text"]) for o in options]
            longest += lengths[right] == max(lengths) and lengths.count(max(lengths)) == 1
            where[right] += 1
            positions += 1
    assert longest / positions < 0.25, f"the right option is the longest in {longest} of {positions}"
    assert max(where.values()) / positions < 0.4, f"right-answer positions: {dict(where)}"


def test_curriculum_map_is_current(tree):
    committed = (ROOT / "docs" / "curriculum.md").read_text(encoding="utf-8")
    assert committed == curriculum_map(tree), "run: flask --app lms lms curriculum-map > docs/curriculum.md"

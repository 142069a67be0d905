"""The shipped curriculum keeps the shape the programme promises, and its map stays current."""
from __future__ import annotations

import csv
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
                                 "leading-ai-initiatives", "generative-agentic-ai"]
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
        assert final.draw == 15 and len(final.questions) >= 45, course.slug


def test_every_question_explains_and_every_option_has_feedback(tree):
    for (course, key), quiz in tree.quizzes.items():
        for question in quiz.questions:
            where = f"{course}/{key}#{question.id}"
            assert question.explanation.strip(), where
            assert question.skills, where
            for option in question.data.get("options", []):
                assert option["feedback"].strip(), f"{where} option {option['id']}"


def rank_chance(lengths: list[int], index: int, rank: int) -> float:
    """Chance that option ``index`` is the ``rank``-th longest (0 = longest), ties broken at random."""
    longer = sum(length > lengths[index] for length in lengths)
    tied = sum(length == lengths[index] for length in lengths)
    return 1 / tied if longer <= rank < longer + tied else 0.0


def test_right_answers_are_not_guessable_by_length_or_position(tree):
    by_rank = [0.0, 0.0]
    positions = 0
    where = Counter()
    for quiz in tree.quizzes.values():
        for question in quiz.questions:
            if question.type != "single":
                continue
            options = question.data["options"]
            right = next(i for i, o in enumerate(options) if o["correct"])
            lengths = [len(o["text"]) for o in options]
            for rank in (0, 1):
                by_rank[rank] += rank_chance(lengths, right, rank)
            where[right] += 1
            positions += 1
    longest, second = (hits / positions for hits in by_rank)
    assert longest < 0.35, f"'pick the longest' scores {longest:.0%} over {positions} questions"
    assert second < 0.35, f"'pick the second-longest' scores {second:.0%} over {positions} questions"
    assert max(where.values()) / positions < 0.4, f"right-answer positions: {dict(where)}"


def test_multiple_response_keys_are_not_guessable_by_length(tree):
    """Ticking the longer half of the options must not find the keys better than the base rate does."""
    hits = right = ticked = total = 0
    for quiz in tree.quizzes.values():
        for question in quiz.questions:
            if question.type != "multiple":
                continue
            options = question.data["options"]
            order = sorted(options, key=lambda o: len(o["text"]), reverse=True)
            half = order[: len(options) // 2]
            hits += sum(o["correct"] for o in half)
            ticked += len(half)
            right += sum(o["correct"] for o in options)
            total += len(options)
    assert ticked, "no multiple-response questions"
    precision, base = hits / ticked, right / total
    assert precision <= base + 0.1, f"the longer half is right {precision:.0%} of the time, base rate {base:.0%}"


def test_no_quiz_can_be_passed_by_resubmitting_until_the_answers_show(tree):
    for (course, key), quiz in tree.quizzes.items():
        assert quiz.review != "after_submit" or quiz.max_attempts == 1, f"{course}/{key} shows answers after a fail"
        assert 1 <= quiz.max_attempts <= 20, f"{course}/{key}: max_attempts {quiz.max_attempts}"
        assert quiz.time_limit is None or 5 <= quiz.time_limit <= 240, f"{course}/{key}: time_limit"


def test_a_final_retake_shares_at_most_a_third_of_its_questions(tree):
    for course in tree.courses:
        final = tree.quizzes[(course.slug, "final")]
        pool = len(final.questions)
        # Two independent uniform draws of d from n share d * d / n questions on average: at most d / 3
        # when the pool holds at least three times the draw.
        assert 3 * final.draw <= pool, f"{course.slug}: {final.draw ** 2 / pool:.1f} of {final.draw} shared, pool {pool}"
        assert final.max_attempts >= 2 and final.review in ("after_pass", "never"), course.slug


def test_curriculum_map_is_current(tree):
    committed = (ROOT / "docs" / "curriculum.md").read_text(encoding="utf-8")
    assert committed == curriculum_map(tree), "run: flask --app lms lms curriculum-map > docs/curriculum.md"


def test_the_capstone_assignment_is_the_published_rubric_and_the_programme_requires_it(tree):
    [programme] = tree.programmes
    assert programme.capstone == "leading-ai-initiatives/reporting-and-your-next-role"
    capstone = tree.assignments[("leading-ai-initiatives", "reporting-and-your-next-role")]
    assert (capstone.review, capstone.peer_reviews, capstone.pass_mark, capstone.lowest_level_fails) == (
        "peer+instructor", 2, 60, True)
    assert capstone.submit_text and capstone.submit_files
    assert set(capstone.file_types) == {"pdf", "docx", "xlsx", "odt", "ods", "csv", "md"}
    with open(ROOT / "courses/leading-ai-initiatives/assets/capstone-rubric.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(capstone.criteria) == len(rows) == 8 and capstone.max_points == 100
    for criterion, row in zip(capstone.criteria, rows):
        assert criterion.title.startswith(f"{row['id']}. {row['criterion']} (weight {row['weight']})"), criterion.key
        assert criterion.skill == row["skill"]
        weight = int(row["weight"])
        assert [level.points for level in criterion.levels] == [weight * n / 4 for n in (1, 2, 3, 4)], criterion.key
        texts = [row[name] for name in ("level_1_not_yet", "level_2_developing", "level_3_proficient", "level_4_exemplary")]
        assert [level.text for level in criterion.levels] == texts, criterion.key
    for deliverable in ("Problem framing sheet", "Data readiness review", "Business case with ROI", "Risk register",
                        "EU AI Act", "Delivery plan with a RACI", "Monitoring and retraining plan"):
        assert deliverable in capstone.brief, deliverable


def test_a_self_paced_course_has_a_peer_reviewed_practice_assignment(tree):
    practice = tree.assignments[("data-quality", "data-readiness")]
    assert practice.review == "peer" and practice.peer_reviews == 2 and len(practice.criteria) == 3
    assert {criterion.skill for criterion in practice.criteria} <= {skill.slug for skill in tree.skills}


def test_the_capstone_page_and_the_lesson_link_to_each_other_by_working_addresses(tree):
    from urllib.parse import urljoin
    page = "https://school.example/courses/leading-ai-initiatives/assignments/reporting-and-your-next-role"
    capstone = tree.assignments[("leading-ai-initiatives", "reporting-and-your-next-role")]
    targets = {urljoin(page, href) for href in re.findall(r'href="([^"]+)"', capstone.html.brief_html)}
    assert "https://school.example/courses/leading-ai-initiatives/assets/business-case.csv" in targets
    assert "https://school.example/courses/ai-foundations/assets/problem-framing-sheet.md" in targets
    assert "https://school.example/courses/leading-ai-initiatives/phased-rollout" in targets
    lesson = next(lesson for course in tree.courses for module in course.modules for lesson in module.lessons
                  if lesson.path.endswith("03-the-capstone-project.md"))
    hrefs = re.findall(r'href="([^"]+)"', lesson.body_html)
    assert urljoin("https://school.example/courses/leading-ai-initiatives/the-capstone-project", hrefs[0]) == page

"""Short answers with ``accents=ignore``: "developpement" is right for "= développement" when the author
allows it, wrong by default; the review still shows the accepted answers as the author wrote them."""
from __future__ import annotations

import pytest

from lms.quizzes.gift import quiz_to_gift
from lms.quizzes.markdown_writer import quiz_to_markdown
from lms.quizzes.parsing import parse_quiz
from lms.quizzes.registry import strip_accents
from lms.quizzes.textual import ShortAnswer

from .quiz_support import attempt_url, enrol, post_answers, questions, start, sync, write_quiz

QUIZ = """---
title: Accents
---

## Which phase comes after design? {{#phase{attrs}}}

= développement
= Mise en œuvre
"""


def spec(attrs: str = ""):
    found, errors = parse_quiz(QUIZ.format(attrs=attrs), "quizzes/c/accents.md")
    assert not errors, errors
    return found.questions[0]


@pytest.mark.parametrize("given", ["developpement", "DEVELOPPEMENT", "Développement", "dévelôppement",
                                   "Mise en œuvre", "MISE EN ŒUVRE"])
def test_ignored_accents_accept_the_answer_with_or_without_them(given):
    assert ShortAnswer.grade(spec(" accents=ignore").data, given) == 1.0


@pytest.mark.parametrize("given", ["developpement", "DEVELOPPEMENT", "dévelôppement"])
def test_accents_count_by_default(given):
    question = spec()
    assert question.data == {"answers": ["développement", "Mise en œuvre"]}  # as before the option existed
    assert ShortAnswer.grade(question.data, given) == 0.0
    assert ShortAnswer.grade(spec(" accents=count").data, given) == 0.0
    assert ShortAnswer.grade(question.data, "  Développement!") == 1.0  # case, spacing, punctuation: as before


def test_only_accents_are_dropped():
    """NFD, combining marks dropped: letters of their own (œ, ø, ß) stay different letters."""
    assert strip_accents("développement à l’île") == "developpement a l’ile"
    data = spec(" accents=ignore").data
    assert ShortAnswer.grade(data, "mise en oeuvre") == 0.0
    assert ShortAnswer.grade({"answers": ["İstanbul"], "accents": "ignore"}, "istanbul") == 1.0
    assert ShortAnswer.grade({"answers": ["Ærø"], "accents": "ignore"}, "Aero") == 0.0


def test_the_attribute_is_checked_written_back_and_noted_in_gift():
    found, errors = parse_quiz(QUIZ.format(attrs=" accents=no"), "quizzes/c/accents.md")
    assert found is None and [(e.line, e.message) for e in errors] == [
        (5, "accents must be count or ignore, not 'no'")]
    ignoring = spec(" accents=ignore")
    assert ignoring.data["accents"] == "ignore"
    written = quiz_to_markdown(parse_quiz(QUIZ.format(attrs=" accents=ignore"), "q.md")[0])
    assert "{#phase accents=ignore}" in written
    assert parse_quiz(written, "q.md")[0].questions[0].data == ignoring.data
    assert "accents" not in quiz_to_markdown(parse_quiz(QUIZ.format(attrs=""), "q.md")[0])
    export = quiz_to_gift(parse_quiz(QUIZ.format(attrs=" accents=ignore"), "q.md")[0])
    assert [reason for _, reason in export.lossy] == [
        "question 'phase': GIFT short answers compare accents: exported with accents counting"]
    found, errors = parse_quiz("---\ntitle: T\n---\n\n## Pick {#p accents=ignore}\n\n- [x] A\n- [ ] B\n", "q.md")
    assert [(e.line, e.message) for e in errors] == [(5, "accents does not apply to single choice questions")]


@pytest.mark.parametrize("attrs, score", [(" accents=ignore", "1 of 1 point."), ("", "0 of 1 point.")])
def test_a_learner_without_accents_is_graded_by_the_option(app, content_dir, learner, auth, client, attrs, score):
    write_quiz(content_dir, text=QUIZ.format(attrs=attrs).replace("title: Accents", "title: Accents\nreview: after_submit"))
    sync(app)
    enrol(auth)
    attempt_id = start(auth)
    (question,) = questions(app, attempt_id)
    assert post_answers(auth, attempt_id, {f"q{question.id}": "developpement"}).status_code == 302
    page = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert score in page
    assert "Your answer: developpement" in page
    assert "Accepted answers: développement, Mise en œuvre" in page  # as the author wrote them

"""Learners are led to a module's quiz when its lessons are done, and the outline lists every quiz."""
from __future__ import annotations

from .quiz_support import COURSE, FINAL, enrol, sync, write_quiz
from .content_factory import write


def test_completing_a_modules_last_lesson_leads_to_its_quiz(app, content_dir, learner, auth, client):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    first = auth.post(COURSE + "what-is-ai/complete", token_from=COURSE + "what-is-ai")
    assert first.headers["Location"] == COURSE + "models"
    last = auth.post(COURSE + "models/complete", token_from=COURSE + "models")
    assert last.headers["Location"] == COURSE + "quiz/basics"
    page = client.get(COURSE + "models").get_data(as_text=True)
    assert f'href="{COURSE}quiz/basics">Take the module quiz' in page


def test_outline_lists_module_quizzes_and_the_final_and_follows_new_quizzes(app, content_dir, learner, auth, client):
    sync(app)
    enrol(auth)
    before = client.get(COURSE + "models").get_data(as_text=True)
    assert "Quiz: " not in before  # no quiz yet: the cached outline says so
    write_quiz(content_dir)
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(app)  # the course's outline hash changes with its quizzes, so the cache is not stale
    after = client.get(COURSE + "models").get_data(as_text=True)
    assert f'href="{COURSE}quiz/basics">Quiz: Basics check' in after
    assert f'href="{COURSE}quiz/final">Final exam</a>' in after  # the label is not said twice
    last = client.get(COURSE + "review").get_data(as_text=True)
    assert "Take the final exam" in last

"""The quiz engine: quizzes stored by sync, attempts taken and graded on the server, completion."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.db import utcnow
from lms.extensions import db
from lms.progress.models import Enrolment
from lms.quizzes.models import Attempt, AttemptAnswer, AttemptQuestion, QuestionVersion, Quiz
from lms.quizzes.services import draw_questions, question_pool

from .content_factory import write
from .quiz_support import (
    BASICS, COURSE, FINAL, QUIZ, QUIZ_FILE, answers_form, attempt_url, enrol, post_answers, questions, start, sync,
    write_quiz,
)


def quiz_row(app, slug="basics") -> Quiz:
    with app.app_context():
        quiz = db.session.execute(db.select(Quiz).filter_by(slug=slug)).scalar_one()
        db.session.expunge(quiz)
        return quiz


def versions(app) -> list[tuple[str, int, bool]]:
    with app.app_context():
        rows = db.session.execute(db.select(QuestionVersion).order_by(QuestionVersion.key, QuestionVersion.version))
        return [(row.key, row.version, row.retired) for row in rows.scalars()]


def attempt_row(app, attempt_id) -> Attempt:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        db.session.expunge(attempt)
        return attempt


def take(auth, app, right=None, action="submit") -> int:
    attempt_id = start(auth)
    response = post_answers(auth, attempt_id, answers_form(questions(app, attempt_id), right), action)
    assert response.status_code == 302
    return attempt_id


def test_sync_stores_quizzes_with_rendered_questions(app, runner, content_dir):
    write_quiz(content_dir, max_attempts=3, time_limit=15)
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0 and "7 new question versions" in result.output, result.output
    quiz = quiz_row(app)
    assert (quiz.title, quiz.pass_mark, quiz.max_attempts, quiz.time_limit, quiz.shuffle, quiz.review) == \
        ("Basics check", 70, 3, 15, True, "after_submit")
    assert quiz.module_id is not None and quiz_row(app, "final").module_id is None
    assert "<p>Intro paragraph for the basics quiz.</p>" in quiz.intro_html
    with app.app_context():
        supervised = db.session.execute(db.select(QuestionVersion).filter_by(key="supervised")).scalar_one()
        assert supervised.type == "single" and supervised.version == 1
        assert "<p>EXPLANATION-SUPERVISED" in supervised.explanation_html
        assert supervised.data["options"][1]["feedback"].startswith("<p>FEEDBACK-RIGHT")
    again = runner.invoke(args=["lms", "sync"])
    assert "0 rendered" in again.output and "new question versions" not in again.output, again.output
    assert len(versions(app)) == 7


def test_an_edit_adds_a_version_only_for_the_changed_question_and_retires_removed_ones(app, content_dir):
    write_quiz(content_dir)
    sync(app)
    edited = BASICS.replace("FEEDBACK-RIGHT", "FEEDBACK-EDITED")
    edited = edited[: edited.index("## Put the life cycle")]  # the ordering question is removed
    write_quiz(content_dir, text=edited.format(max_attempts=0, time_limit="", review="after_submit"))
    sync(app)
    rows = versions(app)
    assert ("supervised", 1, True) in rows and ("supervised", 2, False) in rows
    assert ("metrics", 1, False) in rows and ("cycle", 1, True) in rows
    assert len(rows) == 7
    (content_dir / QUIZ_FILE).unlink()
    sync(app)
    assert quiz_row(app).retired


def test_taking_and_passing_the_quiz_completes_the_module_and_the_course(app, content_dir, learner, auth, client):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        auth.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)
    with app.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one().completed_at is None  # the quiz is not passed
    assert "1 quiz to pass" in client.get("/dashboard").get_data(as_text=True)
    page = client.get(COURSE).get_data(as_text=True)
    assert "Basics check" in page and "not attempted" in page and "Module complete" not in page.split('id="module-practice"')[0]
    take(auth, app, right=2)  # two of six right: not passed
    assert "Not passed yet" in client.get(COURSE).get_data(as_text=True)
    attempt_id = take(auth, app)
    attempt = attempt_row(app, attempt_id)
    assert (attempt.number, attempt.score, attempt.passed, attempt.late) == (2, 1.0, True, False)
    page = client.get(COURSE).get_data(as_text=True)
    assert "Module complete" in page.split('id="module-practice"')[0] and "Passed" in page
    with app.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one().completed_at is not None


def test_a_final_exam_must_be_passed_too(app, content_dir, learner, auth):
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(app)
    enrol(auth)
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        auth.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)
    with app.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one().completed_at is None
    attempt_id = start(auth, COURSE + "quiz/final")
    post_answers(auth, attempt_id, answers_form(questions(app, attempt_id)), quiz=COURSE + "quiz/final")
    with app.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one().completed_at is not None


def test_partial_credit_and_score(app, content_dir, learner, auth, client):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    attempt_id = take(auth, app, right=3)
    attempt = attempt_row(app, attempt_id)
    assert attempt.score == pytest.approx(0.5) and attempt.passed is False
    assert "Score: <strong>50%</strong>" in client.get(attempt_url(attempt_id)).get_data(as_text=True)


def test_save_stores_answers_and_shows_them_again(app, content_dir, learner, auth, client):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    attempt_id = take(auth, app, right=6, action="save")
    assert attempt_row(app, attempt_id).submitted_at is None
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(AttemptAnswer.id))).scalar_one() == 6
    page = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert "Your answers are saved." in page and "checked" in page and 'value="machine learning"' in page
    assert start(auth) == attempt_id  # starting again resumes the open attempt
    post_answers(auth, attempt_id, answers_form(questions(app, attempt_id), right=1), "save")
    with app.app_context():  # blanks clear what was saved before
        assert db.session.execute(db.select(db.func.count(AttemptAnswer.id))).scalar_one() == 1


def test_an_ordering_slip_is_shown_not_refused(app, content_dir, learner, auth):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    attempt_id = start(auth)
    cycle = next(q for q in questions(app, attempt_id) if q.type == "ordering")
    form = {f"q{cycle.id}-{item['id']}": "1" for item in cycle.data["items"]}
    response = post_answers(auth, attempt_id, form, "submit")
    assert response.status_code == 200 and "Give each item its own position" in response.get_data(as_text=True)
    assert attempt_row(app, attempt_id).submitted_at is None


def test_max_attempts_is_enforced(app, content_dir, learner, auth, client):
    write_quiz(content_dir, max_attempts=2)
    sync(app)
    enrol(auth)
    first, second = take(auth, app, right=0), take(auth, app, right=0)
    assert first != second
    response = auth.post(QUIZ + "/start", token_from=QUIZ)
    assert response.status_code == 302 and response.headers["Location"].endswith(QUIZ)
    assert "used all 2 attempts" in client.get(QUIZ).get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(Attempt.id))).scalar_one() == 2


def test_time_limit_grades_only_what_was_saved_in_time(app, content_dir, learner, auth, client):
    write_quiz(content_dir, time_limit=10)
    sync(app)
    enrol(auth)
    attempt_id = start(auth)
    started = attempt_row(app, attempt_id)
    assert started.deadline - started.started_at == timedelta(minutes=10)
    assert "Time remaining: <span" in client.get(attempt_url(attempt_id)).get_data(as_text=True)
    found = questions(app, attempt_id)
    post_answers(auth, attempt_id, answers_form(found, right=2), "save")
    with app.app_context():  # time passes: the deadline is a minute ago, the answers were saved before it
        now = utcnow()
        db.session.get(Attempt, attempt_id).deadline = now - timedelta(minutes=1)
        answers = db.session.execute(db.select(AttemptAnswer).order_by(AttemptAnswer.id)).scalars().all()
        for answer in answers:
            answer.saved_at = now - timedelta(minutes=2)
        answers[1].saved_at = now  # this one only arrived after the deadline
        db.session.commit()
    assert "Time is up" in client.get(attempt_url(attempt_id)).get_data(as_text=True)
    refused = post_answers(auth, attempt_id, answers_form(found), "save")
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(db.func.count(AttemptAnswer.id))).scalar_one() == 2
    post_answers(auth, attempt_id, answers_form(found), "submit")
    attempt = attempt_row(app, attempt_id)
    assert attempt.late and attempt.score == pytest.approx(1 / 6) and not attempt.passed
    assert "Submitted after the time limit" in client.get(attempt_url(attempt_id)).get_data(as_text=True)


def test_an_edited_question_keeps_the_old_attempts_review(app, content_dir, learner, auth, client):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    old = take(auth, app)
    edited = BASICS.replace("- [ ] Grouping customers", "- [x] Grouping customers").replace(
        "- [x] Predicting churn", "- [ ] Predicting churn").replace("FEEDBACK-RIGHT", "FEEDBACK-EDITED")
    write_quiz(content_dir, text=edited.format(max_attempts=0, time_limit="", review="after_submit"))
    sync(app)
    review = client.get(attempt_url(old)).get_data(as_text=True)
    assert "FEEDBACK-RIGHT" in review and "FEEDBACK-EDITED" not in review and "Score: <strong>100%</strong>" in review
    new = start(auth)
    keys = {q.key: q.version for q in questions(app, new)}
    assert keys["supervised"] == 2 and keys["metrics"] == 1
    with app.app_context():
        old_versions = db.session.execute(db.select(QuestionVersion.version).join(AttemptQuestion).where(
            AttemptQuestion.attempt_id == old, QuestionVersion.key == "supervised")).scalar_one()
        assert old_versions == 1


@pytest.mark.parametrize("review, shown_after_fail, shown_after_pass", [
    ("after_submit", True, True), ("after_pass", False, True), ("never", False, False),
])
def test_review_settings_are_respected(app, content_dir, learner, auth, client, review, shown_after_fail,
                                       shown_after_pass):
    write_quiz(content_dir, review=review)
    sync(app)
    enrol(auth)
    failed = take(auth, app, right=1)
    page = client.get(attempt_url(failed)).get_data(as_text=True)
    assert ("EXPLANATION-ACRONYM" in page) is shown_after_fail
    assert ("Correct answer" in page or "tag-correct" in page) is shown_after_fail
    passed = take(auth, app)
    page = client.get(attempt_url(failed)).get_data(as_text=True)
    assert ("EXPLANATION-ACRONYM" in page) is shown_after_pass
    page = client.get(attempt_url(passed)).get_data(as_text=True)
    assert "Passed." in page and ("FEEDBACK-RIGHT" in page) is shown_after_pass


def test_draw_and_order_come_from_the_seed(app, content_dir, learner, auth):
    text = BASICS.replace("shuffle: true", "shuffle: false\ndraw: 3")
    write_quiz(content_dir, text=text.format(max_attempts=0, time_limit="", review="after_submit"))
    sync(app)
    enrol(auth)
    attempt_id = start(auth)
    found = questions(app, attempt_id)
    assert len(found) == 3 and [q.position for q in found] == sorted(q.position for q in found)
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        pool = question_pool(attempt.quiz)
        assert [q.id for q in draw_questions(attempt.quiz, pool, attempt.seed)] == [q.id for q in found]


def test_links_in_questions_resolve_and_broken_ones_stop_the_sync(app, runner, content_dir, learner, auth, client):
    linked = BASICS.replace("Intro paragraph for the basics quiz.", "Read [the lesson](../../courses/intro-course/01-basics/01-what-is-ai.md).")
    linked = linked.replace("## What does ML stand for? {{#acronym}}\n",
                            "## What does ML stand for? {{#acronym}}\n\nSee [models](../../courses/intro-course/01-basics/02-models.md).\n")
    write_quiz(content_dir, text=linked.format(max_attempts=0, time_limit="", review="after_submit"))
    sync(app)
    enrol(auth)
    assert 'href="../what-is-ai"' in client.get(QUIZ).get_data(as_text=True)
    attempt_id = start(auth)
    assert 'href="../../../models"' in client.get(attempt_url(attempt_id)).get_data(as_text=True)
    write_quiz(content_dir, text=linked.replace("02-models.md", "09-missing.md").format(
        max_attempts=0, time_limit="", review="after_submit"))
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 1 and "quizzes/intro-course/01-basics.md:" in result.output and "no lesson" in result.output

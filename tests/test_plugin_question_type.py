"""A question type registered from outside the ``lms`` package works end to end: parsed from a quiz
file, answered in its own controls, read and graded by its own code, reviewed, previewed by authors
and counted in item analysis, with no change to Conductor (tests/truefalse_plugin is the plugin)."""
from __future__ import annotations

import csv
import io
import re

import pytest

from lms.extensions import db
from lms.quizzes.models import AttemptAnswer, QuestionVersion
from lms.quizzes.parsing import parse_quiz
from lms.quizzes.qtypes import QUESTION_TYPES, QuestionType, register, unregister

from . import truefalse_plugin
from .authoring_support import log_in, make_account, submit
from .quiz_support import QUIZ_FILE, attempt_url, enrol, post_answers, questions, start, sync, write_quiz

STATEMENTS = """\
---
title: Statements
pass_mark: 50
shuffle: false
---

## Water boils at 100 °C at sea level. {#boiling}

- true
  > FEEDBACK-BOILING it does, at one atmosphere.

> EXPLANATION-BOILING sea-level pressure is one atmosphere.

## The Moon is made of cheese. {#cheese}

- false
  > FEEDBACK-CHEESE it is rock.

## Is this the GIFT true/false shape? {#builtin}

- [x] True
- [ ] False

## Type the word true. {#word}

= true
"""
REPORT = "/reports/courses/intro-course/quizzes/basics"
SECRETS = ("FEEDBACK-BOILING", "FEEDBACK-CHEESE", "EXPLANATION-BOILING", "truefalse-key", "truefalse-review")


@pytest.fixture()
def plugin(app):
    """The plugin installed on this test's app; the registry is global, so it is removed after."""
    truefalse_plugin.install(app)
    yield app
    truefalse_plugin.uninstall()


@pytest.fixture()
def statements(plugin, content_dir):
    write_quiz(content_dir, text=STATEMENTS)
    sync(plugin)
    return plugin


def by_key(app, attempt_id: int) -> dict[str, QuestionVersion]:
    return {question.key: question for question in questions(app, attempt_id)}


def test_the_plugin_syntax_takes_no_built_in_question(plugin):
    spec, errors = parse_quiz(STATEMENTS, "statements.md")
    assert errors == []
    assert [(q.id, q.type) for q in spec.questions] == [
        ("boiling", "truefalse"), ("cheese", "truefalse"), ("builtin", "single"), ("word", "short")]
    assert spec.questions[0].data == {"answer": True, "feedback": "FEEDBACK-BOILING it does, at one atmosphere."}


def test_without_the_plugin_the_syntax_is_unknown():
    assert not {"truefalse", "keyword"} & set(QUESTION_TYPES)  # no test's registration leaked
    spec, errors = parse_quiz(STATEMENTS, "statements.md")
    assert spec is None and any("cannot tell the question type" in error.message for error in errors)


def test_a_learner_answers_submits_and_reviews_a_plugin_question(statements, learner, auth, client):
    enrol(auth)
    attempt_id = start(auth)
    found = by_key(statements, attempt_id)
    boiling, cheese = f"q{found['boiling'].id}", f"q{found['cheese'].id}"
    page = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    for name in (boiling, cheese):  # the plugin's own controls, labelled, inside the question's fieldset
        assert f'<input type="radio" id="{name}-true" name="{name}" value="true">' in page
        assert f'<label for="{name}-false">False</label>' in page
    assert page.count('<ul class="options truefalse">') == 2 and page.count("<fieldset") == 4
    for secret in SECRETS:
        assert secret not in page, secret

    for forged in ({boiling: "maybe"}, {boiling: ["true", "false"]}, {f"{boiling}-x": "true"}):
        assert post_answers(auth, attempt_id, forged, "save").status_code == 400, forged

    builtin = found["builtin"]
    right_builtin = next(o["id"] for o in builtin.data["options"] if o["correct"])
    form = {boiling: "true", cheese: "true", f"q{builtin.id}": right_builtin, f"q{found['word'].id}": "TRUE"}
    assert post_answers(auth, attempt_id, form, "save").status_code == 302
    saved = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert f'id="{boiling}-true" name="{boiling}" value="true" checked>' in saved
    assert f'id="{cheese}-true" name="{cheese}" value="true" checked>' in saved

    assert post_answers(auth, attempt_id, form, "submit").status_code == 302
    with statements.app_context():
        graded = {answer.question_version_id: (answer.response, answer.score) for answer in db.session.execute(
            db.select(AttemptAnswer).filter_by(attempt_id=attempt_id)).scalars()}
    # The plugin's reader stored its verdicts as booleans; its grader marked one right, one wrong.
    assert graded == {found["boiling"].id: (True, 1.0), found["cheese"].id: (True, 0.0),
                      builtin.id: (right_builtin, 1.0), found["word"].id: ("TRUE", 1.0)}

    review = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert "Score: <strong>75%</strong>" in review
    assert "You judged the statement true; it is true." in review
    assert "You judged the statement true; it is false." in review
    assert "EXPLANATION-BOILING" in review and "FEEDBACK-CHEESE" in review  # feedback for the wrong verdict only
    assert "FEEDBACK-BOILING" not in review


def test_authors_preview_the_plugin_questions_answer_key(statements, make_user, auth):
    make_account(statements, make_user, "author")
    log_in(auth, "author@example.com")
    preview = submit(auth, QUIZ_FILE, STATEMENTS, "preview").get_data(as_text=True)
    assert 'The statement is <strong>true</strong>.' in preview
    assert 'The statement is <strong>false</strong>.' in preview
    assert re.search(r'<div class="feedback"><p>FEEDBACK-CHEESE it is rock.</p>\s*</div>', preview)
    assert "<strong class=\"done\">Right:</strong> True" in preview  # the built-in beside it keeps its own key


def test_item_analysis_counts_the_plugin_questions_options(statements, make_user, auth, client):
    learners = {"right@example.com": "true", "wrong@example.com": "false", "blank@example.com": None}
    for email, verdict in learners.items():
        make_user(email=email)
        auth.login(email=email)
        enrol(auth)
        attempt_id = start(auth)
        boiling = f"q{by_key(statements, attempt_id)['boiling'].id}"
        assert post_answers(auth, attempt_id, {boiling: verdict} if verdict else {}).status_code == 302
        auth.logout()
    make_account(statements, make_user, "author")
    log_in(auth, "author@example.com")
    report = client.get(REPORT)
    assert report.status_code == 200
    html = report.get_data(as_text=True)
    answers = html[html.index("<code>boiling</code> v1: Water boils"):]
    answers = answers[:answers.index("</table>")]
    assert '<tr><th scope="row">True</th><td>right</td><td>1</td>' in answers
    assert '<tr><th scope="row">False</th><td>wrong</td><td>1</td>' in answers
    rows = list(csv.DictReader(io.StringIO(client.get(REPORT + "/options.csv").get_data(as_text=True))))
    boiling = [(r["option"], r["answer"], r["correct"], r["chosen"]) for r in rows if r["question"] == "boiling"]
    assert boiling == [("true", "True", "yes", "1"), ("false", "False", "no", "1"), ("", "(no answer)", "", "1")]


class Keyword(QuestionType):
    """A type that keeps every default: one typed answer, shown, read, reviewed and reported by the base."""

    name = "keyword"
    label = "keyword"

    @classmethod
    def detect(cls, block):
        return block.kind == "bullet" and len(block.items) == 1 and block.items[0].text.startswith("keyword:")

    @classmethod
    def parse(cls, block, errors, path):
        return {"keyword": block.items[0].text.removeprefix("keyword:").strip()}

    @classmethod
    def public(cls, data, rng):
        return {"type": cls.name}

    @classmethod
    def grade(cls, data, response):
        return 1.0 if response is not None and response.casefold() == data["keyword"].casefold() else 0.0

    @classmethod
    def to_markdown(cls, data):
        return f"- keyword: {data['keyword']}"


KEYWORD_QUIZ = "---\ntitle: Capitals\npass_mark: 50\n---\n\n## The capital of France? {#capital}\n\n- keyword: Paris\n"


@pytest.fixture()
def keyword_quiz(app, content_dir):
    register(Keyword)
    try:
        write_quiz(content_dir, text=KEYWORD_QUIZ)
        sync(app)
        yield app
    finally:
        unregister(Keyword.name)


def test_a_type_without_templates_or_form_code_gets_the_base_defaults(keyword_quiz, make_user, auth, client):
    make_user()
    auth.login()
    enrol(auth)
    attempt_id = start(auth)
    name = f"q{by_key(keyword_quiz, attempt_id)['capital'].id}"
    assert f'<label for="{name}">Your answer</label>' in client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert post_answers(auth, attempt_id, {name: "  paris "}, "save").status_code == 302
    assert f'name="{name}" value="paris" maxlength="1000"' in client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert post_answers(auth, attempt_id, {name: "paris"}).status_code == 302
    review = client.get(attempt_url(attempt_id)).get_data(as_text=True)
    assert "Score: <strong>100%</strong>" in review and "<p>Your answer: paris</p>" in review
    auth.logout()
    make_account(keyword_quiz, make_user, "author")
    log_in(auth, "author@example.com")
    preview = submit(auth, QUIZ_FILE, KEYWORD_QUIZ, "preview").get_data(as_text=True)
    assert '<pre class="answer-key"><code>- keyword: Paris</code></pre>' in preview
    assert '<tr><th scope="row">paris</th><td>–</td><td>1</td>' in client.get(REPORT).get_data(as_text=True)

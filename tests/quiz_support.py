"""Quiz files and helpers shared by the quiz engine and quiz security tests."""
from __future__ import annotations

import re
from pathlib import Path

from lms.extensions import db
from lms.quizzes.models import Attempt, QuestionVersion
from lms.quizzes.services import attempt_questions

from .conftest import Auth
from .content_factory import write

COURSE = "/courses/intro-course/"
QUIZ = COURSE + "quiz/basics"
QUIZ_FILE = "quizzes/intro-course/01-basics.md"

BASICS = """\
---
title: Basics check
pass_mark: 70
max_attempts: {max_attempts}
{time_limit}shuffle: true
review: {review}
---

Intro paragraph for the basics quiz.

## Which task is an example of supervised learning? {{#supervised}}

- [ ] Grouping customers by purchase behaviour
  > FEEDBACK-CLUSTERING grouping without labels is clustering.
- [x] Predicting churn from customers labelled as churned or retained
  > FEEDBACK-RIGHT the model learns from labelled outcomes.
- [ ] Finding topics in support tickets

> EXPLANATION-SUPERVISED learns a mapping from inputs to known labels.

## Which measures suit a classifier? {{#metrics}}

- [x] Precision
- [x] Recall
- [ ] Mean squared error
  > FEEDBACK-MSE that one measures regression.

## What does ML stand for? {{#acronym}}

= machine learning

> EXPLANATION-ACRONYM the field of learning from data.

## What is 30 / 120 as a percentage? {{#precision}}

= 25 ± 0.5

## Match each measure to its meaning {{#terms}}

- Precision => Share of flagged items that are right
- Recall => Share of right items that are flagged
- Accuracy => Share of all items classified correctly

## Put the life cycle in order {{#cycle}}

1. Frame the problem
2. Collect data
3. Train a model
4. Evaluate the model
"""

FINAL = """\
---
title: Final exam
pass_mark: 50
---

## Is this course about AI? {#about}

- [x] Yes
- [ ] No
"""


def write_quiz(content_dir: Path, max_attempts: int = 0, time_limit: int | None = None, review: str = "after_submit",
               text: str | None = None) -> Path:
    limit = f"time_limit: {time_limit}\n" if time_limit else ""
    body = text if text is not None else BASICS.format(max_attempts=max_attempts, time_limit=limit, review=review)
    return write(content_dir, QUIZ_FILE, body)


def sync(app) -> None:
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output


def enrol(auth: Auth) -> None:
    assert auth.post(COURSE + "enrol", token_from=COURSE).status_code == 302


def start(auth: Auth, quiz: str = QUIZ) -> int:
    """Start (or resume) an attempt through the start page; returns the attempt id."""
    response = auth.post(quiz + "/start", token_from=quiz)
    assert response.status_code == 302, response.status_code
    match = re.search(r"/attempts/(\d+)$", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match[1])


def questions(app, attempt_id: int) -> list[QuestionVersion]:
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        found = attempt_questions(attempt)
        db.session.expunge_all()
        return found


def right_answers(question: QuestionVersion) -> dict[str, object]:
    """The form fields a learner who knows every answer would post for one question."""
    name, data = f"q{question.id}", question.data
    if question.type == "single":
        return {name: next(o["id"] for o in data["options"] if o["correct"])}
    if question.type == "multiple":
        return {name: [o["id"] for o in data["options"] if o["correct"]]}
    if question.type == "short":
        return {name: data["answers"][0]}
    if question.type == "numeric":
        accepted = data["answers"][0]
        return {name: str(accepted["value"] if "value" in accepted else accepted["min"])}
    if question.type == "matching":
        return {f"{name}-{pair['id']}": pair["right"] for pair in data["pairs"]}
    if question.type == "ordering":
        return {f"{name}-{item['id']}": str(n) for n, item in enumerate(data["items"], 1)}
    raise AssertionError(question.type)


def answers_form(found: list[QuestionVersion], right: int | None = None) -> dict[str, object]:
    """Right answers for the first ``right`` questions (all when None); the rest left blank."""
    form: dict[str, object] = {}
    for question in found[: len(found) if right is None else right]:
        form.update(right_answers(question))
    return form


def attempt_url(attempt_id: int, quiz: str = QUIZ) -> str:
    return f"{quiz}/attempts/{attempt_id}"


def post_answers(auth: Auth, attempt_id: int, form: dict, action: str = "submit", quiz: str = QUIZ):
    url = attempt_url(attempt_id, quiz)
    return auth.post(url, {**form, "action": action}, token_from=COURSE)

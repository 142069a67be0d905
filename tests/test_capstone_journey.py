"""The issue's journeys, through the pages: a self-paced learner submits the programme's capstone, reviews two
peers, receives their reviews and a grade, and only then gets the programme certificate; in a school cohort the
peers review the same way and the instructor's decision releases the grade and the certificate."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import User
from lms.extensions import db

from . import cohort_support as cs
from .certificate_support import certificates, finish_course
from .conftest import PASSWORD, Auth
from .content_factory import write
from .quiz_support import sync

PAGE = "/courses/intro-course/assignments/practice"
CAPSTONE = """\
---
title: Capstone plan
submit: [text]
review: peer+instructor
peer_reviews: 2
pass_mark: 60
lowest_level_fails: true
---
Take one AI initiative from framing to monitoring.

## Rubric {#rubric}

### Problem framing {#framing skill=ai-literacy}

- **Not yet** (2.5): No measurable goal.
- **Proficient** (10): A goal with a number, an owner and a date.

### Monitoring {#monitoring skill=agile-delivery}

- **Not yet** (2.5): No monitoring plan.
- **Proficient** (10): Drift checks with thresholds and an owner.
"""
LEARNERS = {"ada": "Ada Learner", "ben": "Ben Bright", "cleo": "Cléo Durand"}


@pytest.fixture()
def pathway(app, content_dir):
    """The test pathway (the intro course) ends with a peer+instructor capstone its certificate requires."""
    write(content_dir, "assignments/intro-course/02-practice.md", CAPSTONE)
    programme = (content_dir / "courses/_programmes/pathway.md").read_text()
    write(content_dir, "courses/_programmes/pathway.md", programme.replace("courses:\n", "capstone: intro-course/practice\ncourses:\n"))
    sync(app)
    return app


def learner(app, key: str) -> Auth:
    with app.app_context():
        from lms.accounts import services

        services.create_user(f"{key}@example.com", LEARNERS[key], PASSWORD, "learner")
        db.session.commit()
    auth = Auth(app.test_client())
    assert auth.login(email=f"{key}@example.com").status_code == 302
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    finish_course(auth, enrol=False)
    return auth


def submit(auth: Auth, text: str) -> None:
    assert auth.post(PAGE + "/save", {"text": text}, token_from=PAGE).status_code == 302
    assert auth.post(PAGE + "/submit", token_from=PAGE).status_code == 302


def review_two(auth: Auth, levels=("1", "1")) -> list[str]:
    """Ask for and give the two reviews owed; returns the texts reviewed."""
    seen = []
    for _ in range(2):
        response = auth.post(PAGE + "/reviews/next", token_from=PAGE + "/reviews")
        review = response.headers["Location"]
        assert "/review/" in review, response.headers["Location"]
        page = auth.client.get(review).get_data(as_text=True)
        seen.append(re.search(r"My plan for (\w+)", page).group(0))
        assert auth.post(review, {"c-framing": levels[0], "c-monitoring": levels[1], "comment": "Clear."},
                         token_from=review).status_code == 302
    return seen


def programme_certificates(app, email: str) -> list:
    with app.app_context():
        user_id = db.session.execute(db.select(User.id).filter_by(email=email)).scalar_one()
    return [c for c in certificates(app) if c.user_id == user_id and c.kind == "programme"]


def test_a_self_paced_learner_gets_the_programme_certificate_once_the_peers_grade_the_capstone(pathway):
    app = pathway
    ada, ben, cleo = (learner(app, key) for key in LEARNERS)
    assert programme_certificates(app, "ada@example.com") == []  # every lesson done: the capstone is left
    submit(ada, "My plan for ada: churn model, owner Ben, monitored weekly.")
    waiting = ada.client.get(PAGE + "/reviews").get_data(as_text=True)
    assert "Waiting for 2 reviews; 0 received." in waiting
    submit(ben, "My plan for ben: a triage model.")
    submit(cleo, "My plan for cleo: a forecasting model.")
    assert sorted(review_two(ada)) == ["My plan for ben", "My plan for cleo"]  # never one's own
    review_two(ben)
    assert programme_certificates(app, "ada@example.com") == []  # one review of Ada's in: no grade yet
    review_two(cleo)
    received = ada.client.get(PAGE + "/reviews").get_data(as_text=True)
    assert "Reviewer 1" in received and "Reviewer 2" in received
    assert "Ben Bright" not in received and "Cléo Durand" not in received  # reviewers stay anonymous
    page = ada.client.get(PAGE).get_data(as_text=True)
    assert "Passed: 20 of 20 points (100%)" in page
    [certificate] = programme_certificates(app, "ada@example.com")
    assert certificate.title == "Test Pathway"


def test_in_a_cohort_the_instructor_decides_after_the_peers_and_the_certificate_follows(pathway):
    app = pathway
    ada, ben, cleo = (learner(app, key) for key in LEARNERS)
    with app.app_context():
        cohort = cs.make_cohort()
        for key in LEARNERS:
            cs.add_learner(cohort, db.session.execute(db.select(User).filter_by(email=f"{key}@example.com")).scalar_one(),
                           enrolled_course=None)
        cs.add_instructor(cohort, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        db.session.commit()
    for auth, key in ((ada, "ada"), (ben, "ben"), (cleo, "cleo")):
        submit(auth, f"My plan for {key}: a model with an owner and a monitoring plan.")
    for auth in (ada, ben, cleo):
        review_two(auth, levels=("0", "1"))
    # The peers' reviews are in, but in a cohort the instructor decides.
    assert "an instructor decides on your work" in ada.client.get(PAGE + "/reviews").get_data(as_text=True)
    assert programme_certificates(app, "ada@example.com") == []
    teacher = Auth(app.test_client())
    assert teacher.login(email="teacher@example.com").status_code == 302
    queue = teacher.client.get("/teach/reviews").get_data(as_text=True)
    assert "Ada Learner" in queue and "2 of 2 peer reviews in" in queue
    with app.app_context():
        from lms.assignments.models import Submission

        ada_id = db.session.execute(db.select(User.id).filter_by(email="ada@example.com")).scalar_one()
        url = f"/teach/reviews/{db.session.execute(db.select(Submission.id).filter_by(user_id=ada_id)).scalar_one()}"
    review_page = teacher.client.get(url).get_data(as_text=True)
    assert "Ada Learner" in review_page and "Tess Teacher" not in ada.client.get(PAGE).get_data(as_text=True)
    assert teacher.post(url, {"action": "decide", "decision": "pass", "level-framing": "1", "level-monitoring": "1",
                              "feedback": "Ready to present."}, token_from=url).status_code == 302
    page = ada.client.get(PAGE).get_data(as_text=True)
    assert "Passed: 20 of 20 points (100%)" in page and "Ready to present." in page
    assert len(programme_certificates(app, "ada@example.com")) == 1
    assert programme_certificates(app, "ben@example.com") == []  # Ben's work still waits for the instructor

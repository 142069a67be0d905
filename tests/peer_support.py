"""A peer-reviewed assignment, learners' submissions made straight with the models, and review helpers."""
from __future__ import annotations

import re
from datetime import timedelta
from html import escape

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.assignments.models import Assignment, Review, Submission, SubmissionFile
from lms.db import utcnow
from lms.extensions import db

from .conftest import PASSWORD, Auth
from .content_factory import write

COURSE = "/courses/intro-course/"
ASSIGNMENT = COURSE + "assignments/practice"
RECEIVED = ASSIGNMENT + "/reviews"
NEXT = ASSIGNMENT + "/reviews/next"
ASSIGNMENT_FILE = "assignments/intro-course/02-practice.md"

BRIEF = """\
---
title: Sprint plan
submit: [text, files]
file_types: [pdf]
review: {review}
peer_reviews: {peer_reviews}
pass_mark: 60
---
Write a two-sprint plan for a churn model.

## Rubric {{#rubric}}

### Problem framing {{#framing skill=ai-literacy}}
Is the business problem stated?

- **Not yet** (0): The problem is not stated.
- **Partly** (5): The problem is stated without a measure.
- **Fully** (10): The problem and its measure are stated.

### Delivery plan {{#delivery skill=agile-delivery}}

- **Not yet** (0): No plan.
- **Proficient** (10): Two sprints with goals.
"""
# Level indexes per criterion: all top marks (20 points), and a failing review (0 points).
TOP = {"framing": 2, "delivery": 1}
LOW = {"framing": 0, "delivery": 0}


def write_assignment(content_dir, review: str = "peer", peer_reviews: int = 2):
    return write(content_dir, ASSIGNMENT_FILE, BRIEF.format(review=review, peer_reviews=peer_reviews))


def sync(app) -> None:
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output


def assignment_of(app=None) -> Assignment:
    return db.session.execute(db.select(Assignment).filter_by(slug="practice")).scalar_one()


def learner(app, email: str, name: str, role: str = "learner") -> int:
    with app.app_context():
        user = accounts.create_user(email, name, PASSWORD, role)
        db.session.commit()
        return user.id


def submit(app, user_id: int, text: str = "My plan.", minutes_ago: int = 0, files: int = 0) -> int:
    """A submitted version of the learner's work, as the submission pages leave it (rubric snapshot, time)."""
    with app.app_context():
        assignment = assignment_of()
        user = db.session.get(User, user_id)
        number = 1 + len(db.session.execute(db.select(Submission.id).filter_by(
            assignment_id=assignment.id, user_id=user_id)).all())
        submission = Submission(assignment_id=assignment.id, user_id=user_id, school_id=user.school_id, number=number,
                                status="submitted", text=text, text_html=f"<p>{escape(text)}</p>",
                                rubric=assignment.rubric, submitted_at=utcnow() - timedelta(minutes=minutes_ago))
        for index in range(files):
            data = b"%PDF-1.4\n" + f"file {index}".encode()
            submission.files.append(SubmissionFile(name=f"report-{index}.pdf", kind="pdf", size=len(data),
                                                   sha256="0" * 64, data=data))
        db.session.add(submission)
        db.session.commit()
        return submission.id


def login(app, email: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(email=email).status_code == 302
    return auth


def ask_next(auth: Auth, token_from: str = "/reviewing"):
    return auth.post(NEXT, token_from=token_from)


def allocated_id(response) -> int:
    match = re.search(r"/review/(\d+)$", response.headers.get("Location", ""))
    assert match, (response.status_code, response.headers.get("Location"))
    return int(match[1])


def give(auth: Auth, review_id: int, levels: dict[str, int], comments: dict[str, str] | None = None):
    """Post a review through its page, as the reviewer's browser would."""
    data = {f"c-{key}": str(index) for key, index in levels.items()}
    data.update({f"c-{key}-comment": text for key, text in (comments or {}).items()})
    return auth.post(f"/review/{review_id}", data, token_from=f"/review/{review_id}")


def reviews_of(app, submission_id: int) -> list[Review]:
    with app.app_context():
        found = list(db.session.execute(db.select(Review).filter_by(submission_id=submission_id)
                                        .order_by(Review.id)).scalars())
        db.session.expunge_all()
        return found


AUDIT_RUBRIC = [{"key": "framing", "title": "Problem framing", "skill": "ai-literacy", "description_html": "",
                 "levels": [{"name": "Not yet", "points": 0, "html": "<p>Not stated.</p>"},
                            {"name": "Fully", "points": 10, "html": "<p>Stated.</p>"}]}]


def audit_peer_review(app, users: dict[str, int]) -> dict[str, int]:
    """For the access table: a peer-reviewed assignment of the intro course (made as a row, so the audit's
    content stays as it is), the owner's and the victim's submissions (the victim's with a file), the owner's open
    allocation of the victim's work, and the victim's submitted review of the owner's (for the owner to flag)."""
    from lms.catalog.models import Course, Module

    with app.app_context():
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        module = db.session.execute(db.select(Module).filter_by(course_id=course.id, slug="practice")).scalar_one()
        assignment = Assignment(course_id=course.id, module_id=module.id, slug="practice", title="Sprint plan",
                                review_mode="peer", peer_reviews=2, rubric=AUDIT_RUBRIC, max_points=10,
                                source_path=ASSIGNMENT_FILE, content_hash="audit")
        db.session.add(assignment)
        db.session.flush()
        made = {}
        for role in ("owner", "victim"):
            user = db.session.get(User, users[role])
            made[role] = Submission(assignment_id=assignment.id, user_id=user.id, school_id=user.school_id,
                                    status="submitted", text="Audit plan", text_html="<p>Audit plan</p>",
                                    rubric=AUDIT_RUBRIC, submitted_at=utcnow())
            db.session.add(made[role])
        made["victim"].files.append(SubmissionFile(name="plan.pdf", kind="pdf", size=8, sha256="0" * 64,
                                                   data=b"%PDF-1.4"))
        db.session.flush()
        allocation = Review(submission_id=made["victim"].id, reviewer_id=users["owner"], kind="peer")
        received = Review(submission_id=made["owner"].id, reviewer_id=users["victim"], kind="peer",
                          levels={"framing": 1}, points=10, submitted_at=utcnow())
        db.session.add_all([allocation, received])
        db.session.commit()
        return {"review_id": allocation.id, "review_file_id": made["victim"].files[0].id,
                "flag_review_id": received.id}

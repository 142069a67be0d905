"""Assignment files and submissions for the tests: a valid assignment in the test content tree, and a learner's
submitted work made the way the pages make it."""
from __future__ import annotations

from pathlib import Path

from lms.accounts.models import User
from lms.assignments import services
from lms.assignments.models import Assignment, Submission, SubmissionFile
from lms.extensions import db

from .content_factory import write

PAGE = "/courses/intro-course/assignments/basics"
PDF_BYTES = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"

DEFAULT = """\
---
title: Data readiness review
submit: [text, files]
file_types: [pdf, docx]
max_file_mb: 0.1
max_files: 2
review: peer+instructor
peer_reviews: 2
pass_mark: 60
skills: [ai-literacy]
---
Review the data of **one** project you know.

## Rubric {#rubric}

### Evidence for each criterion {#evidence skill=ai-literacy}
What the reviewer looks for.

- **Not yet** (0): No evidence is given.
- **Partly** (5): Some rows have evidence.
- **Proficient** (10): Every row has evidence a reviewer could check.

### Clear recommendation {#recommendation}

- **Missing** (0): No recommendation.
- **Clear** (4): A recommendation the team can act on.
"""


def write_assignment(root: Path, course_folder: str = "intro-course", module_folder: str = "01-basics",
                     text: str = DEFAULT) -> Path:
    """Write ``assignments/<course folder>/<module folder>.md`` into the test content tree."""
    return write(root, f"assignments/{course_folder}/{module_folder}.md", text)


def submitted_submission(app, user_id: int, course_slug: str = "intro-course", slug: str = "basics",
                         text: str = "My **answer**.", with_file: bool = False) -> int:
    """A learner's submitted version (through the services the pages use); returns its id."""
    with app.test_request_context("/"):
        from lms.catalog.models import Course
        from lms.schools.services import current_school

        course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar_one()
        assignment = db.session.execute(db.select(Assignment).filter_by(course_id=course.id, slug=slug)).scalar_one()
        user = db.session.get(User, user_id)
        draft = services.save_text(user, assignment, current_school(), text)
        if with_file:
            services.add_file(draft, PDF_BYTES, "work.pdf")
        services.submit(draft)
        db.session.commit()
        return draft.id


def submission(app, submission_id: int) -> Submission:
    with app.app_context():
        found = db.session.get(Submission, submission_id)
        db.session.expunge(found)
        return found


def audit_submission(app, owner_id: int) -> dict[str, int]:
    """For the access table: the owner's submitted version of the intro course's assignment, with a file."""
    with app.app_context():
        found = db.session.execute(db.select(SubmissionFile.id).join(Submission).filter(Submission.user_id == owner_id)
                                   ).scalars().first()
    if found is None:
        submitted_submission(app, owner_id, with_file=True)
        with app.app_context():
            found = db.session.execute(db.select(SubmissionFile.id)).scalars().first()
    return {"submission_file": found}

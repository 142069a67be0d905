"""A learner's portfolio: off until they publish it, by a private link or publicly; it shows their valid
certificates, and only the passed work they choose, whose files only its page serves."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import User
from lms.assignments.models import Assignment, Submission, SubmissionFile
from lms.db import utcnow
from lms.extensions import db
from lms.portfolio.models import Portfolio
from lms.schools.services import default_school

from .conftest import Auth
from .content_factory import write
from .quiz_support import sync

ASSIGNMENT = """\
---
title: Plan a sprint
submit: [text, files]
file_types: [pdf]
review: instructor
---
Plan the next sprint of your team.

## Rubric {#rubric}

### Plan {#plan skill=agile-delivery}

- **Not yet** (0): No plan.
- **Done** (10): A plan with a goal and a date.
"""


@pytest.fixture()
def work(app, content_dir, make_user, learner):
    """The learner's passed submission (with a file) and a failed one, and another learner's passed one."""
    write(content_dir, "assignments/intro-course/02-practice.md", ASSIGNMENT)
    sync(app)
    other = make_user(email="other@example.com", name="Oscar Petit")
    with app.app_context():
        assignment = db.session.execute(db.select(Assignment)).scalar_one()

        def submission(user_id, number, decision, text):
            row = Submission(assignment_id=assignment.id, user_id=user_id, school_id=default_school().id, number=number,
                             status="decided", decision=decision, rubric=assignment.rubric, submitted_at=utcnow(),
                             decided_at=utcnow(), released_at=utcnow(), text=text, text_html=f"<p>{text}</p>")
            row.files.append(SubmissionFile(name=f"{text}.pdf", kind="pdf", size=9, sha256="0" * 64,
                                            data=b"%PDF-1.4\n" + text.encode()))
            db.session.add(row)
            return row

        rows = [submission(learner, 2, "pass", "passed-plan"), submission(learner, 1, "revise", "first-draft"),
                submission(other, 1, "pass", "others-plan")]
        db.session.commit()
        return {"passed": rows[0].id, "revised": rows[1].id, "others": rows[2].id,
                "passed_file": rows[0].files[0].id, "revised_file": rows[1].files[0].id, "others_file": rows[2].files[0].id}


def publish(auth: Auth, visibility="link", submissions=(), headline="AI project manager, health care") -> str:
    data = {"visibility": visibility, "headline": headline, "show_skills": "y", "submissions": list(submissions)}
    response = auth.post("/account/portfolio", data, token_from="/account/portfolio")
    assert response.status_code == 302, response.get_data(as_text=True)
    page = auth.client.get("/account/portfolio").get_data(as_text=True)
    match = re.search(r'value="https?://[^/"]+(/portfolio/[^"]+)"', page)
    return match.group(1) if match else ""


def test_a_portfolio_is_off_until_published_and_then_shows_the_chosen_work(app, learner, auth, work, client):
    page = auth.client.get("/account/portfolio").get_data(as_text=True)
    assert "passed-plan" not in page and "Plan a sprint (Intro Course), version 2" in page
    assert "version 1" not in page  # a version that did not pass cannot be shown
    with app.app_context():
        assert db.session.execute(db.select(Portfolio)).first() is None  # opening the settings stores nothing
    address = publish(auth, submissions=[work["passed"]])
    visitor = app.test_client()
    shown = visitor.get(address)
    text = shown.get_data(as_text=True)
    assert shown.status_code == 200 and "Ada Learner" in text and "AI project manager, health care" in text
    assert "passed-plan" in text and "first-draft" not in text and "others-plan" not in text
    assert shown.headers["X-Robots-Tag"] == "noindex, nofollow" and 'content="noindex, nofollow"' in text
    download = visitor.get(f"{address}/files/{work['passed_file']}")
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    for other_file in (work["revised_file"], work["others_file"]):  # files of work not shown stay private
        assert visitor.get(f"{address}/files/{other_file}").status_code == 404

    publish(auth, visibility="public", submissions=[work["passed"]])
    public = visitor.get(address)
    assert public.status_code == 200 and "X-Robots-Tag" not in public.headers
    publish(auth, visibility="off")
    assert visitor.get(address).status_code == 404
    assert visitor.get(f"{address}/files/{work['passed_file']}").status_code == 404


def test_only_ones_own_passed_work_can_be_chosen(app, learner, auth, work):
    for tampered in (work["others"], work["revised"]):
        response = auth.post("/account/portfolio", {"visibility": "link", "submissions": [tampered]},
                             token_from="/account/portfolio")
        assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(Portfolio)).first() is None


def test_a_new_link_retires_the_old_one(app, learner, auth, work):
    old = publish(auth)
    assert auth.post("/account/portfolio/address", token_from="/account/portfolio").status_code == 302
    new = re.search(r'value="https?://[^/"]+(/portfolio/[^"]+)"', auth.client.get("/account/portfolio").get_data(as_text=True)).group(1)
    visitor = app.test_client()
    assert new != old and visitor.get(old).status_code == 404 and visitor.get(new).status_code == 200


def test_the_page_shows_valid_certificates_with_their_verification_links(app, learner, auth, work):
    from lms.certificates.services import issue_course_certificate
    from lms.progress.models import Enrolment
    from lms.catalog.models import Course

    with app.app_context():
        user = db.session.get(User, learner)
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        enrolment = Enrolment(user_id=learner, course_id=course.id, school_id=default_school().id, completed_at=utcnow())
        db.session.add(enrolment)
        db.session.flush()
        certificate = issue_course_certificate(user, enrolment)
        db.session.commit()
        credential = certificate.credential_id
    address = publish(auth)
    text = app.test_client().get(address).get_data(as_text=True)
    assert f"/verify/{credential}" in text and "Intro Course" in text
    with app.app_context():
        db.session.execute(db.update(type(certificate)).values(revoked_at=utcnow(), revocation_reason="audit"))
        db.session.commit()
    assert f"/verify/{credential}" not in app.test_client().get(address).get_data(as_text=True)


def test_the_headline_is_text_not_markup(app, learner, auth, work):
    address = publish(auth, headline='<script>alert("x")</script>')
    text = app.test_client().get(address).get_data(as_text=True)
    assert '<script>alert("x")</script>' not in text and "&lt;script&gt;" in text


def test_an_erased_or_deactivated_holder_has_no_page(app, learner, auth, work):
    address = publish(auth)
    with app.app_context():
        db.session.execute(db.update(User).where(User.id == learner).values(active=False))
        db.session.commit()
    assert app.test_client().get(address).status_code == 404


def test_the_skills_profile_shows_only_when_the_learner_chooses(app, learner, auth, work):
    address = publish(auth)
    text = app.test_client().get(address).get_data(as_text=True)
    assert 'id="skills-title"' in text and "Agile delivery" in text and 'role="img"' in text
    response = auth.post("/account/portfolio", {"visibility": "link", "headline": ""}, token_from="/account/portfolio")
    assert response.status_code == 302
    text = app.test_client().get(address).get_data(as_text=True)
    assert 'id="skills-title"' not in text and 'role="img"' not in text


def test_a_file_id_no_column_holds_is_not_found(app, learner, auth, work):
    address = publish(auth, submissions=[work["passed"]])
    assert app.test_client().get(f"{address}/files/{2**64}").status_code == 404

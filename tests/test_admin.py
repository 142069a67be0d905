"""Learner management: search, enrol and unenrol, reset an attempt, deactivate, assign authors; every
action lands in the audit log with who, what, when, target and why."""
from __future__ import annotations

import pytest

from lms.accounts.models import User
from lms.admin.models import AuditEntry
from lms.catalog.models import Course, CourseAuthor
from lms.extensions import db
from lms.progress.models import Enrolment
from lms.quizzes.models import Attempt

from .authoring_support import log_in, make_account
from .conftest import PASSWORD, Auth
from .quiz_support import QUIZ, answers_form, enrol, post_answers, questions, start, write_quiz


@pytest.fixture()
def admin(synced, make_user, auth):
    user_id = make_account(synced, make_user, "admin")
    log_in(auth, "admin@example.com")
    return user_id


def audit(app) -> list[tuple[str, str, str, str]]:
    with app.app_context():
        rows = db.session.execute(db.select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(e.action, e.actor.email, e.target_label, e.reason) for e in rows]


def learner_page(user_id: int) -> str:
    return f"/admin/learners/{user_id}"


def test_search_finds_by_name_or_email_and_escapes_wildcards(admin, make_user, client):
    make_user(email="grace@example.com", name="Grace Hopper")
    make_user(email="alan@example.com", name="Alan Turing")
    page = client.get("/admin/learners?q=hopp").get_data(as_text=True)
    assert "Grace Hopper" in page and "Alan Turing" not in page
    assert "Alan Turing" in client.get("/admin/learners?q=ALAN%40").get_data(as_text=True)
    assert "No account matches." in client.get("/admin/learners?q=%25").get_data(as_text=True)
    assert "admin@example.com</td>" not in client.get("/admin/learners?role=learner").get_data(as_text=True)


def test_enrol_and_unenrol_are_logged_with_the_reason(admin, make_user, auth, synced):
    learner = make_user()
    with synced.app_context():
        course_id = db.session.execute(db.select(Course.id)).scalar_one()
    page = learner_page(learner)
    assert auth.post(page + "/enrol", {"course": str(course_id), "reason": "paid by the school"},
                     token_from=page).status_code == 302
    refused = auth.post(page + f"/unenrol/{course_id}", {"reason": ""}, token_from=page, follow_redirects=True)
    assert "Say why" in refused.get_data(as_text=True)
    assert auth.post(page + f"/unenrol/{course_id}", {"reason": "left the company"}, token_from=page).status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(Enrolment)).first() is None
    assert audit(synced) == [("enrol", "admin@example.com", "learner@example.com", "paid by the school"),
                             ("unenrol", "admin@example.com", "learner@example.com", "left the company")]
    log = auth.client.get("/admin/audit").get_data(as_text=True)
    assert "left the company" in log and "unenrol" in log
    assert "left the company" in auth.client.get("/admin/audit.csv").get_data(as_text=True)


def test_resetting_an_attempt_gives_it_back_and_keeps_the_score_in_the_log(synced, make_user, make_app, content_dir):
    write_quiz(content_dir, max_attempts=2)
    assert synced.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    learner_id = make_user()
    learner = Auth(synced.test_client())
    learner.login()
    enrol(learner)
    first = start(learner)
    post_answers(learner, first, answers_form(questions(synced, first), right=1))
    second = start(learner)
    post_answers(learner, second, answers_form(questions(synced, second), right=2))
    assert "used all 2 attempts" in learner.post(QUIZ + "/start", token_from=QUIZ, follow_redirects=True) \
        .get_data(as_text=True)

    make_account(synced, make_user, "admin")
    admin = Auth(synced.test_client())
    log_in(admin, "admin@example.com")
    page = learner_page(learner_id)
    assert admin.post(page + f"/attempts/{first}/reset", {"reason": "power cut during the exam"},
                      token_from=page).status_code == 302
    with synced.app_context():
        remaining = db.session.execute(db.select(Attempt.id, Attempt.number)).all()
        assert remaining == [(second, 1)]  # the later attempt is renumbered
        entry = db.session.execute(db.select(AuditEntry)).scalar_one()
        assert (entry.action, entry.reason, entry.details["attempt"]) == ("reset_attempt", "power cut during the exam", 1)
        assert entry.details["score"] is not None and entry.details["quiz"] == "intro-course/basics"
        score = entry.details["score"]
    log = admin.client.get("/admin/audit").get_data(as_text=True)  # rounded and in words, not a raw float
    assert f"Score: {round(score * 100)}%" in log and str(score) not in log and "Passed: no" in log
    assert "Reset attempt" in log and "Quiz: intro-course/basics" in log
    assert start(learner) != second  # one attempt is free again


def test_deactivating_ends_sessions_and_refuses_log_in(admin, make_user, auth, synced):
    learner_id = make_user()
    learner = Auth(synced.test_client())
    learner.login()
    assert learner.client.get("/dashboard").status_code == 200
    kept = synced.test_client()  # a copy of the learner's cookies, from before the deactivation
    kept.set_cookie("session", learner.client.get_cookie("session").value)
    page = learner_page(learner_id)
    assert auth.post(page + "/deactivate", {"reason": "account shared"}, token_from=page).status_code == 302
    assert learner.client.get("/dashboard").status_code == 302  # logged out
    assert learner.login().status_code == 200  # the form again: refused
    with synced.app_context():
        admin_id = db.session.execute(db.select(User.id).filter_by(email="admin@example.com")).scalar_one()
    own = auth.post(learner_page(admin_id) + "/deactivate", {"reason": "oops"}, token_from=page, follow_redirects=True)
    assert "cannot deactivate your own account" in own.get_data(as_text=True)
    assert auth.post(page + "/reactivate", {"reason": "new password"}, token_from=page).status_code == 302
    assert learner.login(password=PASSWORD).status_code == 302
    assert kept.get("/dashboard").status_code == 302  # reactivating brings no old session back
    assert [a[0] for a in audit(synced)] == ["deactivate", "reactivate"]


def test_admins_assign_authors_who_then_edit_that_course_only(admin, make_user, auth, synced, client):
    writer = make_user(email="writer@example.com", name="Writer")
    page = "/admin/courses/intro-course/authors"
    assert auth.post(page, {"email": "writer@example.com"}, token_from=page).status_code == 302
    with synced.app_context():
        assert db.session.get(User, writer).role == "author"
        assert db.session.execute(db.select(CourseAuthor)).scalar_one().user_id == writer
    auth.logout()
    log_in(auth, "writer@example.com")
    assert client.get("/author/courses/intro-course/").status_code == 200
    auth.logout()
    log_in(auth, "admin@example.com")
    assert auth.post(page + f"/{writer}/remove", token_from=page).status_code == 302
    assert [a[0] for a in audit(synced)] == ["add_author", "remove_author"]


def test_admins_reach_author_assignment_from_the_course_and_from_the_account(admin, make_user, auth, synced, client):
    writer = make_user(email="writer@example.com", name="Writer")
    assignment = "/admin/courses/intro-course/authors"
    assert f'href="{assignment}">Assign authors</a>' in client.get("/author/courses/intro-course/").get_data(as_text=True)
    account = client.get(learner_page(writer)).get_data(as_text=True)
    assert "Writer authors no course." in account
    link = f"{assignment}?email=writer@example.com"
    assert f'href="{link}">Assign to Intro Course</a>' in account
    assert 'value="writer@example.com"' in client.get(link).get_data(as_text=True)  # the form comes filled in
    assert auth.post(assignment, {"email": "writer@example.com"}, token_from=link).status_code == 302
    account = client.get(learner_page(writer)).get_data(as_text=True)
    assert f'<a href="{assignment}">Intro Course</a> (authors)' in account and "Assign to Intro Course" not in account
    auth.logout()
    log_in(auth, "writer@example.com")  # an author does not assign authors: no link to a page it may not open
    assert "Assign authors" not in client.get("/author/courses/intro-course/").get_data(as_text=True)

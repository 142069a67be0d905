"""The school admin's cohort pages: create, edit, archive, deadlines, instructors, members; scoped to the school."""
from __future__ import annotations

import re

import pytest

from lms.admin.models import AuditEntry
from lms.cohorts.models import Cohort, CohortDeadline, CohortInstructor, CohortMember
from lms.extensions import db

from .cohort_admin_support import admin_client, make_cohort


@pytest.fixture()
def admin(synced, make_user):
    return admin_client(synced, make_user)


def test_an_admin_creates_a_cohort_and_finds_it_in_the_list(synced, admin):
    page = admin.client.get("/admin/cohorts/new").get_data(as_text=True)
    assert "Test Pathway" in page and "Intro Course" in page
    response = admin.post("/admin/cohorts/new", {"name": "Promo Mai 2026", "offering": "programme:1",
                                                 "starts_on": "2026-05-01", "ends_on": "2026-09-30"},
                          token_from="/admin/cohorts/new")
    assert response.status_code == 302
    with synced.app_context():
        cohort = db.session.execute(db.select(Cohort)).scalar_one()
        assert (cohort.slug, cohort.programme.title) == ("promo-mai-2026", "Test Pathway")
        assert db.session.execute(db.select(AuditEntry.action)).scalars().all() == ["cohort_create"]
    listing = admin.client.get("/admin/cohorts/").get_data(as_text=True)
    assert "Promo Mai 2026" in listing and "Test Pathway" in listing


def test_a_cohort_cannot_end_before_it_starts(synced, admin):
    response = admin.post("/admin/cohorts/new", {"name": "Backwards", "offering": "course:1",
                                                 "starts_on": "2026-05-01", "ends_on": "2026-04-01"},
                          token_from="/admin/cohorts/new")
    assert response.status_code == 200 and "cannot end before it starts" in response.get_data(as_text=True)
    with synced.app_context():
        assert db.session.execute(db.select(Cohort)).first() is None


def test_edit_and_archive_are_audited_and_the_list_filters_archived(synced, admin):
    cohort_id = make_cohort(synced)
    url = f"/admin/cohorts/{cohort_id}"
    assert admin.post(url + "/edit", {"name": "June intake", "starts_on": "2026-06-01", "ends_on": "2026-10-31"},
                      token_from=url).status_code == 302
    assert admin.post(url + "/archive", token_from=url).status_code == 302
    assert "June intake" not in admin.client.get("/admin/cohorts/").get_data(as_text=True)
    assert "June intake" in admin.client.get("/admin/cohorts/?archived=1").get_data(as_text=True)
    with synced.app_context():
        actions = db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars().all()
        assert actions == ["cohort_create", "cohort_update", "cohort_archive"]


def test_deadlines_are_stored_in_utc_and_refused_outside_the_cohorts_dates(synced, admin):
    cohort_id = make_cohort(synced)
    url = f"/admin/cohorts/{cohort_id}/deadlines"
    page = admin.client.get(url).get_data(as_text=True)
    assert "UTC" in page and 'name="course-1-date"' in page
    refused = admin.post(url, {"course-1-date": "2027-01-10", "course-1-time": "12:00"}, token_from=url)
    assert refused.status_code == 400 and "within the cohort" in refused.get_data(as_text=True)
    unreadable = admin.post(url, {"course-1-date": "10/06/2026", "course-1-time": "12:00"}, token_from=url)
    assert unreadable.status_code == 400
    with synced.app_context():
        assert db.session.execute(db.select(CohortDeadline)).first() is None
    assert admin.post(url, {"course-1-date": "2026-06-10", "course-1-time": "17:30"}, token_from=url).status_code == 302
    with synced.app_context():
        deadline = db.session.execute(db.select(CohortDeadline)).scalar_one()
        assert deadline.due_at.isoformat() == "2026-06-10T17:30:00+00:00" and deadline.quiz_id is None
    assert admin.post(url, {"course-1-date": "", "course-1-time": ""}, token_from=url).status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(CohortDeadline)).first() is None


def test_instructors_are_staff_accounts_only(synced, admin, make_user):
    cohort_id = make_cohort(synced)
    teacher = make_user(email="ines@example.com", name="Inès Garnier", role="instructor")
    learner = make_user(email="lea@example.com", name="Léa Morel")
    url = f"/admin/cohorts/{cohort_id}"
    page = admin.client.get(url).get_data(as_text=True)
    assert "Inès Garnier" in page and "Léa Morel" not in page
    admin.post(url + "/instructors", {"user": str(learner)}, token_from=url)
    assert admin.post(url + "/instructors", {"user": str(teacher)}, token_from=url).status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(CohortInstructor.user_id)).scalars().all() == [teacher]
    assert admin.post(f"{url}/instructors/{teacher}/remove", token_from=url).status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(CohortInstructor)).first() is None


def test_removing_a_member_keeps_their_enrolment_and_is_audited(synced, admin, make_user):
    from lms.accounts.models import User
    from lms.cohorts.services import join
    from lms.progress.models import Enrolment

    cohort_id = make_cohort(synced)
    learner = make_user(email="lea@example.com", name="Léa Morel")
    with synced.app_context():
        join(db.session.get(Cohort, cohort_id), db.session.get(User, learner), "staff")
        db.session.commit()
    url = f"/admin/cohorts/{cohort_id}"
    assert "Léa Morel" in admin.client.get(url).get_data(as_text=True)
    assert admin.post(f"{url}/members/{learner}/remove", {"reason": "moved"}, token_from=url).status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(CohortMember)).first() is None
        assert db.session.execute(db.select(Enrolment).filter_by(user_id=learner)).scalar_one()
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="cohort_member_remove")).scalar_one()
        assert entry.reason == "moved" and entry.details == {"user": "lea@example.com"}


def test_another_schools_cohort_is_not_found(synced, admin):
    from datetime import date

    from lms.schools.models import School

    with synced.app_context():
        other = School(slug="elsewhere", name="Elsewhere", signatory="Someone")
        db.session.add(other)
        db.session.flush()
        cohort = Cohort(school_id=other.id, slug="theirs", name="Theirs", course_id=1, starts_on=date(2026, 1, 1),
                        ends_on=date(2026, 2, 1))
        db.session.add(cohort)
        db.session.commit()
        cohort_id = cohort.id
    own = make_cohort(synced)
    for path in ("", "/deadlines", "/import"):
        assert admin.client.get(f"/admin/cohorts/{cohort_id}{path}").status_code == 404
    assert admin.post(f"/admin/cohorts/{cohort_id}/archive", token_from=f"/admin/cohorts/{own}").status_code == 404
    assert "Theirs" not in admin.client.get("/admin/cohorts/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["learner", "instructor", "author"])
def test_only_admins_open_the_cohort_pages(synced, make_user, role):
    from .conftest import Auth

    make_user(email="someone@example.com", name="Sam Durand", role=role)
    auth = Auth(synced.test_client())
    auth.login("someone@example.com")
    assert auth.client.get("/admin/cohorts/").status_code == 403
    assert auth.client.get("/admin/cohorts/new").status_code == 403


def test_a_post_without_the_csrf_token_changes_nothing(synced, admin):
    cohort_id = make_cohort(synced)
    response = admin.client.post(f"/admin/cohorts/{cohort_id}/archive")
    assert response.status_code == 400
    with synced.app_context():
        assert db.session.get(Cohort, cohort_id).archived is False


def test_new_dates_that_would_leave_a_deadline_outside_are_refused(synced, admin):
    cohort_id = make_cohort(synced)
    url = f"/admin/cohorts/{cohort_id}"
    admin.post(url + "/deadlines", {"course-1-date": "2026-09-15", "course-1-time": "12:00"}, token_from=url)
    response = admin.post(url + "/edit", {"name": "May intake", "starts_on": "2026-05-01", "ends_on": "2026-08-31"},
                          token_from=url)
    assert response.status_code == 400 and "outside these dates" in response.get_data(as_text=True)
    with synced.app_context():
        assert db.session.get(Cohort, cohort_id).ends_on.isoformat() == "2026-09-30"


def test_a_quiz_gets_its_own_deadline(make_app, content_dir, make_user):
    from .quiz_support import write_quiz

    write_quiz(content_dir)
    app = make_app()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    admin = admin_client(app, make_user)
    cohort_id = make_cohort(app)
    url = f"/admin/cohorts/{cohort_id}/deadlines"
    page = admin.client.get(url).get_data(as_text=True)
    quiz_field = re.search(r'name="(quiz-\d+)-date"', page).group(1)
    assert admin.post(url, {"course-1-date": "2026-09-01", f"{quiz_field}-date": "2026-06-01"},
                      token_from=url).status_code == 302
    with app.app_context():
        rows = db.session.execute(db.select(CohortDeadline.quiz_id, CohortDeadline.due_at)
                                  .order_by(CohortDeadline.due_at)).all()
        assert [(quiz is not None, due.isoformat()) for quiz, due in rows] == [
            (True, "2026-06-01T23:59:00+00:00"), (False, "2026-09-01T23:59:00+00:00")]

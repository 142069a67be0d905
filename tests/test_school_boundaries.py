"""The boundaries between schools an independent review probed: each test was first a reproduction of a hole
(another school's course offered, enrolled in or authored; another school's audit log rewritten; another
school's attempt read; admissions missing from the school's log; accounts moved to the wrong school by the
migration), and now checks that it stays closed."""
from __future__ import annotations

import re

from lms.accounts import services as accounts
from lms.admin.models import AuditEntry
from lms.catalog.models import Course
from lms.extensions import db
from lms.progress.models import Enrolment
from lms.schools import services as schools

from .conftest import PASSWORD, Auth
from .test_access import audit_app  # noqa: F401
from .test_school_content import B, make_school_b, tree_with_school_content


def login_b(app, email):
    auth = Auth(app.test_client())
    page = auth.client.get("/account/login", base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = auth.client.post("/account/login", base_url=B, data={"csrf_token": token, "email": email,
                                                                     "password": PASSWORD})
    assert response.status_code == 302
    return auth


def token_of(auth, path, base):
    page = auth.client.get(path, base_url=base).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def synced_two_schools(make_app, tmp_path):
    app = make_app(LMS_CONTENT_DIR=str(tree_with_school_content(tmp_path / "content")))
    make_school_b(app)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    return app


def test_school_as_admin_neither_sees_nor_enrols_into_school_bs_own_course(make_app, tmp_path):
    app = synced_two_schools(make_app, tmp_path)
    with app.test_request_context("/"):
        learner = accounts.create_user("l@example.com", "Léa Aubert", PASSWORD, school=schools.default_school())
        db.session.commit()
        learner_id = learner.id
        lyon = db.session.execute(db.select(Course).filter_by(slug="lyon-course")).scalar_one().id
    admin = Auth(app.test_client())
    admin.login(email="admin@example.com")
    assert "Lyon Course" not in admin.client.get(f"/admin/learners/{learner_id}").get_data(as_text=True)
    response = admin.client.post(f"/admin/learners/{learner_id}/enrol",
                                 data={"csrf_token": admin.csrf("/"), "course": str(lyon), "reason": "x"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.execute(db.select(Enrolment).filter_by(user_id=learner_id, course_id=lyon)).first() is None
    assert "Lyon Course" not in admin.client.get("/admin/cohorts/new").get_data(as_text=True)
    response = admin.client.post("/admin/cohorts/new", data={
        "csrf_token": admin.csrf("/admin/cohorts/new"), "name": "Steal", "slug": "steal", "offering": f"course:{lyon}",
        "starts_on": "2026-01-01", "ends_on": "2027-12-31"})
    assert response.status_code != 302


def test_erasing_an_account_leaves_another_schools_log_alone(make_app, tmp_path):
    from lms.privacy.erasure import erase_account

    app = synced_two_schools(make_app, tmp_path)
    with app.test_request_context("/"):
        a_user = accounts.create_user("same@example.com", "Same Person", PASSWORD, school=schools.default_school())
        school_b = schools.school_by_slug("ecole-b")
        b_user = accounts.create_user("same@example.com", "Same Person", PASSWORD, school=school_b)
        b_admin = accounts.find_user("admin-b@example.com", school_b)
        db.session.add(AuditEntry(school_id=school_b.id, actor_id=b_admin.id, action="rename", target_type="user",
                                  target_id=b_user.id, target_label="same@example.com", reason="asked by Same Person",
                                  details={}))
        db.session.commit()
        erase_account(a_user, accounts.find_user("admin@example.com", schools.default_school()))
        db.session.commit()
        entry = db.session.execute(db.select(AuditEntry).filter_by(school_id=school_b.id, target_id=b_user.id)).scalar_one()
        assert (entry.target_label, entry.reason) == ("same@example.com", "asked by Same Person")


def test_school_bs_admin_cannot_read_school_as_attempt(audit_app):
    from .test_school_isolation import make_school_b as make_b, on_b, school_a_ids

    names = school_a_ids(audit_app)
    make_b(audit_app)
    b_admin = on_b(audit_app, "admin@example.com")
    assert b_admin.client.get(f"/courses/intro-course/quiz/basics/attempts/{names['attempt']}").status_code == 403
    home_admin = Auth(audit_app.test_client())
    home_admin.login(email="admin@example.com")
    assert home_admin.client.get(f"/courses/intro-course/quiz/basics/attempts/{names['attempt']}").status_code == 200


def test_admissions_are_in_the_schools_audit_log(app, auth, synced, make_user):
    from .admission_support import make_round
    from .test_admissions import confirmed

    confirmed(app, auth, make_round(synced))
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    admin = Auth(app.test_client())
    admin.login("admin@example.com")
    with app.app_context():
        rows = db.session.execute(db.select(AuditEntry.action, AuditEntry.school_id)).all()
        assert rows and all(school is not None for _action, school in rows)
    assert "application_made" in admin.client.get("/admin/audit.csv").get_data(as_text=True)


def test_the_upgrade_keeps_accounts_at_the_school_the_app_names(make_app):
    from flask_migrate import downgrade, upgrade
    from sqlalchemy import text

    app = make_app(LMS_SCHOOL="acme")  # set by the caller (or a host app), not the environment
    with app.test_request_context("/"):
        acme = schools.current_school()
        accounts.create_user("old@example.com", "Old User", PASSWORD, school=acme)
        db.session.commit()
        acme_id = acme.id
        db.session.remove()
        downgrade(revision="0017")
        try:
            upgrade()
            db.session.remove()
            school_id = db.session.execute(text("SELECT school_id FROM users WHERE email = 'old@example.com'")).scalar()
        finally:
            upgrade()
    assert school_id == acme_id
    assert Auth(app.test_client()).login(email="old@example.com").status_code == 302


def test_the_downgrade_refuses_to_merge_two_schools_accounts(make_app, tmp_path):
    import pytest
    from flask_migrate import downgrade, upgrade

    app = synced_two_schools(make_app, tmp_path)
    with app.test_request_context("/"):
        accounts.create_user("same@example.com", "Same", PASSWORD, school=schools.default_school())
        accounts.create_user("same@example.com", "Same", PASSWORD, school=schools.school_by_slug("ecole-b"))
        db.session.commit()
        db.session.remove()
        try:
            with pytest.raises(SystemExit):  # Flask-Migrate reports the refusal and exits
                downgrade(revision="0017")
        finally:
            db.session.remove()
            upgrade()  # whatever the refusal left, the next tests need the whole schema
        assert db.session.execute(db.text("SELECT COUNT(*) FROM users WHERE email = 'same@example.com'")).scalar() == 2


def edit_and_publish(app, auth, root, change):
    url = "/author/courses/lyon-course/files/courses/lyon-course/course.md"
    html = auth.client.get(url, base_url=B).get_data(as_text=True)
    base = re.search(r'name="base" type="hidden" value="([^"]*)"', html).group(1)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    text = change((root / "courses/lyon-course/course.md").read_text())
    return auth.client.post(url, base_url=B, data={"csrf_token": token, "text": text, "base": base, "publish": "1"})


def test_a_school_cannot_move_its_course_to_another_school_in_the_browser(make_app, tmp_path):
    from .content_factory import write

    root = tree_with_school_content(tmp_path / "content")
    write(root, "courses/_programmes/lyon.md",
          "---\ntitle: Lyon Track\nsummary: Only at B.\ncourses: [intro-course]\nschools: [ecole-b]\n---\n\nB.\n")
    app = make_app(LMS_CONTENT_DIR=str(root))
    make_school_b(app)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    b_admin = login_b(app, "admin-b@example.com")
    for change in (lambda t: t.replace("school: ecole-b", "school: default").replace("Lyon Course", "Injected By B"),
                   lambda t: t.replace("school: ecole-b\n", "").replace("Lyon Course", "Injected By B")):
        page = edit_and_publish(app, b_admin, root, change).get_data(as_text=True)
        assert "changed in Git by the platform" in page
    assert "Injected By B" not in app.test_client().get("/").get_data(as_text=True)
    with app.app_context():
        assert db.session.execute(db.select(Course.school_slug).filter_by(slug="lyon-course")).scalar_one() == "ecole-b"


def test_a_course_made_on_a_schools_site_is_that_schools(make_app, tmp_path):
    app = synced_two_schools(make_app, tmp_path)
    b_admin = login_b(app, "admin-b@example.com")
    token = token_of(b_admin, "/author/courses/new", B)
    response = b_admin.client.post("/author/courses/new", base_url=B, data={
        "csrf_token": token, "title": "B Secret", "slug": "b-secret", "summary": "s", "level": "beginner", "hours": "1",
        "skills": "ai-literacy"})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(Course.school_slug).filter_by(slug="b-secret")).scalar_one() == "ecole-b"
    assert b_admin.client.get(response.headers["Location"], base_url=B).status_code == 200
    home_admin = Auth(app.test_client())
    home_admin.login(email="admin@example.com")
    assert home_admin.client.get("/author/courses/b-secret/").status_code == 404


def test_a_course_naming_an_unknown_school_stops_the_sync(make_app, tmp_path):
    root = tree_with_school_content(tmp_path / "content")
    result = make_app(LMS_CONTENT_DIR=str(root)).test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code != 0
    assert "courses/lyon-course/course.md:7: no school has the identifier 'ecole-b'" in result.output

"""Content per school: a course a school owns (course.md ``school:``) exists on its site only; a programme is
offered by the schools its file names (``schools:``), else by the LMS_SCHOOL one."""
from __future__ import annotations

import re

from lms.accounts import services as accounts
from lms.catalog.models import Programme
from lms.extensions import db
from lms.schools import services as schools

from .conftest import PASSWORD, Auth
from .content_factory import COURSE, make_tree, write

B = "http://b.example.org"


def tree_with_school_content(root):
    make_tree(root, courses=("intro-course", "lyon-course"))
    write(root, "courses/lyon-course/course.md", COURSE.format(title="Lyon Course").replace(
        "skills: [ai-literacy]", "skills: [ai-literacy]\nschool: ecole-b"))
    write(root, "courses/_programmes/pathway.md",
          "---\ntitle: Test Pathway\nsummary: Shared.\ncourses: [intro-course]\nschools: [default, ecole-b]\n---\n\nAll.\n")
    write(root, "courses/_programmes/lyon.md",
          "---\ntitle: Lyon Track\nsummary: Only at B.\ncourses: [intro-course, lyon-course]\nschools: [ecole-b]\n---\n\nB.\n")
    return root


def make_school_b(app):
    with app.test_request_context("/"):
        school = schools.create_school("ecole-b", "École B", ["b.example.org"])
        accounts.create_user("admin-b@example.com", "Bérénice Faure", PASSWORD, "admin", school=school)
        accounts.create_user("admin@example.com", "Adèle Roux", PASSWORD, "admin", school=schools.default_school())
        db.session.commit()


def test_a_schools_own_course_and_programmes_show_on_its_site_only(make_app, tmp_path):
    app = make_app(LMS_CONTENT_DIR=str(tree_with_school_content(tmp_path / "content")))
    make_school_b(app)
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        rows = sorted((p.slug, p.school_id) for p in db.session.execute(db.select(Programme)).scalars())
        assert [slug for slug, _school in rows] == ["lyon", "pathway", "pathway"]
    client = app.test_client()
    home_a, home_b = client.get("/").get_data(as_text=True), client.get("/", base_url=B).get_data(as_text=True)
    assert "Lyon Course" not in home_a and "Lyon Track" not in home_a and "Test Pathway" in home_a
    assert "Lyon Course" in home_b and "Lyon Track" in home_b and "Test Pathway" in home_b
    # School A's site: B's course and its lessons, quizzes, search results and programme do not exist.
    for url in ("/courses/lyon-course/", "/courses/lyon-course/what-is-ai", "/programmes/lyon",
                "/author/courses/lyon-course/", "/reports/courses/lyon-course/"):
        auth = Auth(app.test_client())
        auth.login(email="admin@example.com")
        assert auth.client.get(url).status_code == 404, url
    assert "Lyon" not in client.get("/search?q=sprints").get_data(as_text=True)
    assert client.get("/courses/lyon-course/what-is-ai", base_url=B).status_code == 200
    # B's admin sees and authors it on B.
    auth_b = Auth(app.test_client())
    page = auth_b.client.get("/account/login", base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    auth_b.client.post("/account/login", base_url=B, data={"csrf_token": token, "email": "admin-b@example.com",
                                                           "password": PASSWORD})
    assert auth_b.client.get("/author/courses/lyon-course/", base_url=B).status_code == 200


def test_a_programme_naming_an_unknown_school_stops_the_sync_at_its_line(make_app, tmp_path):
    root = tree_with_school_content(tmp_path / "content")
    app = make_app(LMS_CONTENT_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code != 0
    assert "courses/_programmes/lyon.md:5: no school has the identifier 'ecole-b'" in result.output
    with app.app_context():
        assert db.session.execute(db.select(Programme)).first() is None  # nothing stored


def test_a_programme_with_another_schools_course_is_refused(make_app, tmp_path):
    root = tree_with_school_content(tmp_path / "content")
    write(root, "courses/_programmes/pathway.md",
          "---\ntitle: Test Pathway\nsummary: Shared.\ncourses: [intro-course, lyon-course]\n---\n\nAll.\n")
    result = make_app(LMS_CONTENT_DIR=str(root)).test_cli_runner().invoke(args=["lms", "check"])
    assert result.exit_code != 0
    assert ("courses/_programmes/pathway.md:4: 'lyon-course' belongs to the school ecole-b, so a programme listing "
            "it must say 'schools: [ecole-b]'") in result.output
    write(root, "courses/lyon-course/course.md", COURSE.format(title="Lyon").replace(
        "skills: [ai-literacy]", "skills: [ai-literacy]\nschool: Ecole B!"))
    result = make_app(LMS_CONTENT_DIR=str(root)).test_cli_runner().invoke(args=["lms", "check"])
    assert "courses/lyon-course/course.md:7: school must be a school's identifier" in result.output


def test_a_school_with_a_catalog_list_offers_those_courses_and_its_programmes_only(make_app, tmp_path):
    root = make_tree(tmp_path / "content", courses=("intro-course", "extra-course", "data-course"))
    write(root, "courses/_programmes/pathway.md",
          "---\ntitle: Test Pathway\nsummary: Shared.\ncourses: [data-course]\nschools: [default, ecole-b]\n---\n\nAll.\n")
    app = make_app(LMS_CONTENT_DIR=str(root))
    make_school_b(app)
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    admin_b = Auth(app.test_client())
    page = admin_b.client.get("/account/login", base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    admin_b.client.post("/account/login", base_url=B, data={"csrf_token": token, "email": "admin-b@example.com",
                                                            "password": PASSWORD})
    settings = admin_b.client.get("/admin/school", base_url=B).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', settings).group(1)
    form = {"csrf_token": token, "name": "École B", "signatory": "La directrice", "default_language": "fr"}
    refused = admin_b.client.post("/admin/school", base_url=B, data={**form, "catalog": "intro-course\nno-such-course"})
    assert refused.status_code == 422 and "no-such-course" in refused.get_data(as_text=True)
    assert admin_b.client.post("/admin/school", base_url=B, data={**form, "catalog": "intro-course"}).status_code == 302
    client = app.test_client()
    home_b = client.get("/", base_url=B).get_data(as_text=True)
    assert "Intro Course" in home_b and "Data Course" in home_b and "Extra Course" not in home_b
    assert client.get("/courses/extra-course/", base_url=B).status_code == 404
    assert client.get("/courses/data-course/", base_url=B).status_code == 200  # a step of its programme
    assert "Extra Course" not in admin_b.client.get("/reports/", base_url=B).get_data(as_text=True)
    assert "Extra Course" in client.get("/").get_data(as_text=True)  # the other school keeps every course
    assert "intro-course" in admin_b.client.get("/admin/school", base_url=B).get_data(as_text=True)

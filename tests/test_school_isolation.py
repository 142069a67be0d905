"""Several schools on one deployment: a request acts for the school that lists its host name, accounts belong
to a school, and nothing of one school is reachable or visible from another.

The access table (tests/test_access.py) is replayed on a second school's host with the cookies of each account
of the first school: every answer must be the one a stranger (an anonymous visitor) gets there."""
from __future__ import annotations

import re

import pytest

from lms.accounts import services as accounts
from lms.extensions import db
from lms.schools import services as schools

from .conftest import PASSWORD, Auth
from .test_access import LESSON_FILE, ROLES, ROUTES, FORMS, audit_app, client_for, ids, owner_certificates, send  # noqa: F401

B = "b.example.org"
B_URL = f"http://{B}"
B_ADMIN, B_LEARNER = "Bérénice Faure", "Basile Morel"


def make_school_b(app) -> None:
    """School B on its host, with an admin and a learner who uses the same address as school A's owner."""
    with app.test_request_context("/"):
        school = schools.create_school("ecole-b", "École B", [B])
        accounts.create_user("admin@example.com", B_ADMIN, PASSWORD, "admin", school=school)
        accounts.create_user("owner@example.com", B_LEARNER, PASSWORD, school=school)
        db.session.commit()


def on_b(app, email: str | None = None) -> Auth:
    """A client of school B's site, logged in there as ``email``."""
    auth = Auth(app.test_client())
    original = auth.client.open

    def open_on_b(*args, **kwargs):
        kwargs.setdefault("base_url", B_URL)
        return original(*args, **kwargs)

    auth.client.open = open_on_b
    if email:
        assert auth.login(email=email).status_code == 302
    auth.token = auth.csrf("/account/login" if email is None else "/")
    return auth


def carried_to_b(app, role: str) -> Auth:
    """A client logged in at school A, whose cookies (session, remember-me) are then sent to school B's host."""
    auth = client_for(app, role)
    for name in ("session", "remember_token"):
        cookie = auth.client.get_cookie(name)
        if cookie is not None:
            auth.client.set_cookie(name, cookie.value, domain=B)
    original = auth.client.open

    def open_on_b(*args, **kwargs):
        kwargs.setdefault("base_url", B_URL)
        return original(*args, **kwargs)

    auth.client.open = open_on_b
    return auth


def school_a_ids(app) -> dict[str, str]:
    """What the access table's URLs name at school A: the owner enrolled, an attempt, certificates, ids."""
    owner = client_for(app, "owner")
    assert send(owner, "POST", "/courses/intro-course/enrol").status_code == 302
    attempt = send(owner, "POST", "/courses/intro-course/quiz/basics/start").headers["Location"].rsplit("/", 1)[1]
    return {"attempt": attempt, **owner_certificates(app), **ids(app)}


def answer(response) -> tuple[int, str]:
    location = response.headers.get("Location", "")
    response.close()
    return response.status_code, re.sub(r"\?.*", "", location)


def test_an_account_of_one_school_is_a_stranger_on_another(audit_app):
    names = school_a_ids(audit_app)
    make_school_b(audit_app)
    visitors = {role: carried_to_b(audit_app, role) for role in ROLES[1:]}
    stranger = on_b(audit_app)
    mismatches = {}
    for endpoint, method, url, _answers in ROUTES:
        if endpoint == "platform.create":
            continue  # a stranger cannot create a school; the row's form would create one per visitor otherwise
        url = url.format(**names)
        expected = answer(send(stranger, method, url, FORMS.get(endpoint)))
        for role, visitor in visitors.items():
            if endpoint == "accounts.logout":
                visitor = carried_to_b(audit_app, role)
            got = answer(send(visitor, method, url, FORMS.get(endpoint)))
            if got != expected:
                mismatches[(method, url, role)] = (got, expected)
    assert mismatches == {}, "(school A's account on B, a stranger on B) per (method, url, role)"
    # The accounts still work on their own school's site: the cookies were refused on B, not spent.
    home = client_for(audit_app, "admin")
    assert home.client.get("/admin/learners").status_code == 200


def test_school_bs_admin_sees_none_of_school_as_people(audit_app):
    names = school_a_ids(audit_app)
    make_school_b(audit_app)
    a_people = ["Olive Martin", "Oscar Petit", "Aurore Lemoine", "Adèle Roux", "Pauline Mercier", "Victim",
                "victim@example.com", "other@example.com", "author@example.com"]
    learner = on_b(audit_app, "owner@example.com")
    assert send(learner, "POST", "/courses/intro-course/enrol").status_code == 302
    admin = on_b(audit_app, "admin@example.com")
    for url in ("/admin/learners", "/admin/learners.csv", "/admin/audit", "/admin/audit.csv", "/admin/certificates/",
                "/reports/", "/reports/courses.csv", "/reports/courses/intro-course/",
                "/reports/courses/intro-course/funnel.csv", "/search?q=models", "/dashboard", "/certificates"):
        response = admin.client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert [name for name in a_people if name in page] == [], url
    learners = admin.client.get("/admin/learners").get_data(as_text=True)
    assert B_LEARNER in learners and B_ADMIN in learners
    course_report = admin.client.get("/reports/courses/intro-course/funnel.csv").get_data(as_text=True)
    assert "Olive" not in course_report
    # School A's people, certificates and issuer, by their ids and addresses: not found on B.
    for url in (f"/admin/learners/{names['owner_id']}", f"/reports/learners/{names['owner_id']}",
                f"/admin/certificates/{names['credential']}", f"/certificates/{names['credential']}.pdf",
                f"/verify/{names['credential']}", f"/verify/{names['credential']}.json", "/issuers/default",
                "/issuers/default/jwks.json", "/issuers/default/status/revocation",
                f"/calendar/{names['calendar_token']}.ics", f"/teach/cohorts/{names['cohort_id']}"):
        assert admin.client.get(url).status_code == 404, url
    assert admin.client.get("/issuers/ecole-b").status_code == 200
    # A shared course is the platform's to write: school B offers it and reports on its own learners in it, but
    # neither edits it nor assigns its authors.
    for url in ("/author/courses/intro-course/", "/admin/courses/intro-course/authors",
                f"/author/courses/intro-course/files/{LESSON_FILE}"):
        assert admin.client.get(url).status_code == 403, url
    assert "intro-course" not in admin.client.get("/author/").get_data(as_text=True)


def test_one_address_holds_separate_accounts_at_two_schools(audit_app):
    make_school_b(audit_app)
    with audit_app.app_context():
        db.session.execute(db.text("UPDATE users SET password_hash = 'x' WHERE name = :name"), {"name": B_LEARNER})
        db.session.commit()
    # School A's password does not open school B's account with the same address, and each site shows its own.
    assert on_b(audit_app).login(email="owner@example.com").status_code == 200
    home = Auth(audit_app.test_client())
    assert home.login(email="owner@example.com").status_code == 302
    assert "Olive Martin" in home.client.get("/account/profile").get_data(as_text=True)


def test_each_site_shows_its_schools_name(audit_app):
    make_school_b(audit_app)
    assert "École B" in on_b(audit_app).client.get("/").get_data(as_text=True)
    assert "École B" not in audit_app.test_client().get("/").get_data(as_text=True)


def test_a_reset_link_of_one_school_does_nothing_on_another(audit_app):
    make_school_b(audit_app)
    auth = Auth(audit_app.test_client())
    auth.post("/account/reset", {"email": "owner@example.com"}, token_from="/account/reset")
    body = audit_app.extensions["lms"]["outbox"][-1].get_content()
    link = re.search(r"https?://[^/\s]+(/account/reset/\S+)", body).group(1)
    stranger = on_b(audit_app)
    response = send(stranger, "POST", link, {"password": "a-new-password-1", "confirm": "a-new-password-1"})
    assert response.status_code == 302 and "/account/reset" in response.headers["Location"]
    assert auth.login(email="owner@example.com").status_code == 302  # school A's password unchanged


@pytest.fixture()
def platform_app(make_app):
    app = make_app(LMS_BASE_URL="https://platform.example.org", LMS_TRUSTED_HOSTS="localhost, .example.net")
    with app.test_request_context("/"):
        accounts.create_user("root@example.com", "Rania Platform", PASSWORD, "admin", platform_admin=True)
        db.session.commit()
    return app


def test_a_platform_admin_creates_a_school_whose_admin_is_invited_on_its_own_address(platform_app):
    auth = Auth(platform_app.test_client())
    assert auth.login(email="root@example.com").status_code == 302
    form = {"name": "Institut Lumière", "slug": "lumiere", "hosts": "learn.lumiere.example.net\nlumiere.example.net",
            "admin_name": "Lucie Brun", "admin_email": "lucie@example.net"}
    response = auth.post("/platform/schools", form, token_from="/platform/schools")
    assert response.status_code == 302
    mail = platform_app.extensions["lms"]["outbox"][-1]
    assert mail["To"] == "lucie@example.net" and "Institut Lumière" in mail["Subject"]
    link = re.search(r"(https://[^/\s]+)(/account/welcome/\S+)", mail.get_content())
    assert link.group(1) == "https://learn.lumiere.example.net"  # the school's own address, not the platform's
    school_site = Auth(platform_app.test_client())
    kwargs = {"base_url": "https://learn.lumiere.example.net", "headers": {"Referer": "https://learn.lumiere.example.net/"}}
    page = school_site.client.get(link.group(2), **kwargs).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = school_site.client.post(link.group(2), data={"csrf_token": token, "password": PASSWORD,
                                                            "confirm": PASSWORD}, **kwargs)
    assert response.status_code == 302
    admin_page = school_site.client.get("/admin/learners", **kwargs)
    assert admin_page.status_code == 200 and "Lucie Brun" in admin_page.get_data(as_text=True)
    assert "Rania Platform" not in admin_page.get_data(as_text=True)
    assert "Institut Lumière" in school_site.client.get("/", base_url="https://lumiere.example.net").get_data(as_text=True)
    # The platform admin's own site lists it; a host no school lists is refused by the trusted hosts.
    assert "learn.lumiere.example.net" in auth.client.get("/platform/schools").get_data(as_text=True)
    refused = auth.post("/platform/schools", {**form, "slug": "autre", "hosts": "evil.example.com"},
                        token_from="/platform/schools")
    assert refused.status_code == 422 and "LMS_TRUSTED_HOSTS" in refused.get_data(as_text=True)


def test_a_host_belongs_to_one_school(platform_app):
    auth = Auth(platform_app.test_client())
    auth.login(email="root@example.com")
    base = {"admin_name": "Lucie Brun", "admin_email": "lucie@example.net"}
    assert auth.post("/platform/schools", {**base, "name": "Un", "slug": "un", "hosts": "un.example.net"},
                     token_from="/platform/schools").status_code == 302
    taken = auth.post("/platform/schools", {**base, "name": "Deux", "slug": "deux", "hosts": "UN.example.net."},
                      token_from="/platform/schools")
    assert taken.status_code == 422 and "already belongs to the school Un" in taken.get_data(as_text=True)
    for bad in ("https://x.example.net/", "a b", "-x.example.net", "x" * 300):
        response = auth.post("/platform/schools", {**base, "name": "Trois", "slug": "trois", "hosts": bad},
                             token_from="/platform/schools")
        assert response.status_code == 422, bad
    with platform_app.app_context():
        assert sorted(school.slug for school in schools.all_schools()) == ["default", "un"]


def test_the_schools_command_creates_lists_and_rehosts(platform_app):
    runner = platform_app.test_cli_runner()
    result = runner.invoke(args=["lms", "schools", "create", "cli-school", "--name", "École CLI", "--host",
                                 "cli.example.net", "--admin-email", "chef@example.net", "--admin-name", "Chloé Chef"])
    assert result.exit_code == 0, result.output
    assert "https://cli.example.net/account/welcome/" in result.output
    assert platform_app.extensions["lms"]["outbox"][-1]["To"] == "chef@example.net"
    listed = runner.invoke(args=["lms", "schools", "list"]).output
    assert "cli-school\tÉcole CLI\tcli.example.net" in listed
    assert runner.invoke(args=["lms", "schools", "hosts", "cli-school", "new.example.net", "cli.example.net"]).exit_code == 0
    assert "cli-school\tÉcole CLI\tnew.example.net, cli.example.net" in runner.invoke(args=["lms", "schools", "list"]).output
    again = runner.invoke(args=["lms", "schools", "create", "cli-school", "--name", "X", "--host", "x.example.net",
                                "--admin-email", "x@example.net", "--admin-name", "X"])
    assert again.exit_code == 1 and "already exists" in again.output


def test_an_import_into_another_schools_cohort_makes_that_schools_accounts(audit_app, tmp_path):
    """The address school A's owner uses gets its own account at school B, invited there; A's is untouched."""
    from datetime import date

    from lms.accounts.models import User
    from lms.catalog.models import Course
    from lms.cohorts import services as cohorts

    make_school_b(audit_app)
    with audit_app.test_request_context("/", base_url=B_URL):
        school_b = schools.school_by_slug("ecole-b")
        admin_b = accounts.find_user("admin@example.com", school_b)
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        cohorts.create_cohort(admin_b, school_b, "Promo B", "promo-b", course, date(2026, 1, 1), date(2027, 6, 30))
        db.session.commit()
    csv_file = tmp_path / "b.csv"
    csv_file.write_text("email,name\nother@example.com,Odile B\nnew@example.com,Noé Nouveau\n", encoding="utf-8")
    audit_app.config["LMS_BASE_URL"] = "https://platform.example.org"  # a command's mails need the site's address
    result = audit_app.test_cli_runner().invoke(args=["lms", "cohorts", "import", "promo-b", str(csv_file),
                                                      "--school", "ecole-b"])
    assert result.exit_code == 0, result.output
    with audit_app.app_context():
        rows = db.session.execute(db.select(User.email, User.name, User.school_id).where(
            User.email.in_(["other@example.com", "new@example.com"])).order_by(User.id)).all()
        school_b_id = schools.school_by_slug("ecole-b").id
    assert [(email, name) for email, name, school in rows if school == school_b_id] == \
        [("other@example.com", "Odile B"), ("new@example.com", "Noé Nouveau")]
    assert [name for email, name, school in rows if school != school_b_id] == ["Oscar Petit"]
    invitation = audit_app.extensions["lms"]["outbox"][-1].get_content()
    assert f"https://{B}/account/welcome/" in invitation and "École B" in invitation


def test_the_admin_hub_links_every_admin_page(audit_app):
    """One header link for admins: the hub reaches each page an admin runs (a platform admin's, the schools too)."""
    admin, platform = client_for(audit_app, "admin"), client_for(audit_app, "platform")
    hub = admin.client.get("/admin/").get_data(as_text=True)
    for path in ("/admin/learners", "/admin/deletion-requests/", "/admin/audit", "/admin/cohorts/", "/admin/admissions",
                 "/teach/", "/reports/", "/admin/certificates/", "/author/", "/admin/school", "/admin/assignments/reviewers"):
        assert f'href="{path}"' in hub, path
    assert 'href="/platform/schools"' not in hub
    assert 'href="/platform/schools"' in platform.client.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/"' in admin.client.get("/").get_data(as_text=True)

"""axe-core finds no serious or critical violation on any page type; a keyboard alone is enough."""
from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ANONYMOUS_PAGES = ["/", "/programmes/pathway", "/courses/intro-course/", "/courses/intro-course/what-is-ai",
                   "/account/login", "/account/register", "/account/reset", "/help", "/search?q=models"]
LEARNER_PAGES = ["/dashboard", "/courses/intro-course/", "/courses/intro-course/models", "/account/password", "/account/sessions",
                 "/certificates", "/account/profile"]
LESSON = "courses/intro-course/01-basics/02-models.md"
QUIZ = "quizzes/intro-course/01-basics.md"
# Authoring, report and admin page types, seen as an admin (who is an author of every course).
STAFF_PAGES = ["/author/", "/author/courses/new", "/author/courses/intro-course/",
               f"/author/courses/intro-course/files/{LESSON}", f"/author/courses/intro-course/files/{QUIZ}",
               f"/author/courses/intro-course/history/{LESSON}", "/reports/", "/reports/courses/intro-course/",
               "/reports/courses/intro-course/quizzes/basics", "/admin/learners", "/admin/audit",
               "/admin/courses/intro-course/authors", "/admin/school", "/admin/learning-records"]


# Every page is checked in each colour scheme (prefers-color-scheme) at a phone's and a desktop's width.
SCHEMES = ("light", "dark")
WIDTHS = (320, 1280)


def violations(page, frame=None) -> list[str]:
    """axe's serious and critical findings on the page, or on one of its frames (``frame``: a Playwright Frame, such
    as an LTI platform's iframe showing Conductor), in each scheme at each width."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm install` (make test does)")
    document = frame or page
    document.evaluate(AXE.read_text(encoding="utf-8"))
    found = []
    for scheme in SCHEMES:
        page.emulate_media(color_scheme=scheme)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 800})
            result = document.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
            found += [f"{scheme} {width}px: {v['id']} ({v['impact']}): {v['nodes'][0]['target']}"
                      for v in result["violations"] if v["impact"] in ("serious", "critical")]
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": WIDTHS[-1], "height": 800})
    return found


def log_in(page, base, email="learner@example.com"):
    page.goto(base + "/account/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("correct-horse-battery")
    page.get_by_role("button", name="Log in").click()


@pytest.fixture()
def context(browser):
    # axe is injected from the test, so the page's own Content-Security-Policy is bypassed for it only.
    ctx = browser.new_context(bypass_csp=True)
    yield ctx
    ctx.close()


def test_anonymous_pages_have_no_serious_violations(synced, live_server, context):
    with synced.test_request_context():
        from lms.accounts.services import make_registration_token

        finish = "/account/register/" + make_registration_token("new@example.com", "New Learner")
    page = context.new_page()
    found = {}
    for path in ANONYMOUS_PAGES + [finish]:
        page.goto(live_server + path)
        found[path] = violations(page)
    assert found == {path: [] for path in ANONYMOUS_PAGES + [finish]}


def test_learner_pages_have_no_serious_violations(live_server, context, make_user, app):
    from lms.accounts.models import User
    from lms.accounts.services import make_email_change_token
    from lms.extensions import db

    learner_id = make_user()
    with app.test_request_context():  # the page the link mailed to a new address opens
        confirm = "/account/email/" + make_email_change_token(db.session.get(User, learner_id), "new@example.com")
    page = context.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/courses/intro-course/")
    page.get_by_role("button", name="Enrol in this course").click()
    page.get_by_role("button", name="Mark as complete and continue").click()
    found = {}
    for path in LEARNER_PAGES + [confirm]:
        page.goto(live_server + path)
        found[path] = violations(page)
    assert found == {path: [] for path in LEARNER_PAGES + [confirm]}


def test_certificate_pages_have_no_serious_violations(live_server, context, synced, make_user):
    from lms.accounts.models import User
    from lms.catalog.models import Lesson
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.progress import services as progress
    from lms.schools.logos import store_logo
    from lms.schools.services import current_school

    from ..school_support import tiny_png

    learner_id = make_user()
    make_user(email="admin@example.com", name="Site Admin", role="admin")
    with synced.app_context():  # a finished course, so there is a certificate to show
        user = db.session.get(User, learner_id)
        lessons = db.session.execute(db.select(Lesson).order_by(Lesson.position)).scalars().all()
        school = current_school()  # a logo, which the certificate keeps and its verification page shows
        school.logo_id = store_logo(tiny_png(64), 100_000).id
        enrolment = progress.enrol(user, lessons[0].course, school)
        for lesson in lessons:
            progress.complete_lesson(user, lesson, enrolment)
        user.name = "Ada Lovelace"  # renamed since: the page offers the reissue, the admin queue lists it
        db.session.commit()
        credential_id = db.session.execute(db.select(Certificate.credential_id)).scalar_one()
    page = context.new_page()
    found = {}
    page.goto(live_server + f"/verify/{credential_id}")  # the public page, logged out
    found["verify"] = violations(page)
    log_in(page, live_server)
    page.goto(live_server + "/certificates")
    found["mine"] = violations(page)
    page.get_by_role("button", name="Ask for a reissue with my current name").click()
    found["mine, reissue asked"] = violations(page)
    admin = context.browser.new_context(bypass_csp=True).new_page()
    log_in(admin, live_server, "admin@example.com")
    for path in ("/admin/certificates/", f"/admin/certificates/{credential_id}", "/admin/certificates/reissue-requests"):
        admin.goto(live_server + path)
        found[path] = violations(admin)
    admin.context.close()
    assert found == {key: [] for key in found}
@pytest.fixture()
def basics_quiz(content_dir):
    """A module quiz in the tree before it is synced, so the quiz editor and report have one."""
    from ..quiz_support import write_quiz

    write_quiz(content_dir)


def test_authoring_report_and_admin_pages_have_no_serious_violations(basics_quiz, live_server, context, make_user):
    make_user(email="admin@example.com", name="Ada Admin", role="admin")
    learner = make_user()
    page = context.new_page()
    log_in(page, live_server, "admin@example.com")
    page.goto(f"{live_server}/author/courses/intro-course/history/{LESSON}")
    page.get_by_role("link", name="1", exact=True).click()  # the revision page with its diff
    paths = [page.url.removeprefix(live_server), *STAFF_PAGES, f"/admin/learners/{learner}", f"/reports/learners/{learner}"]
    found = {}
    for path in paths:
        assert page.goto(live_server + path).status == 200, path
        found[path] = violations(page)
    assert found == {path: [] for path in paths}


def test_a_lesson_can_be_completed_with_the_keyboard_alone(live_server, browser, make_user):
    make_user()
    page = browser.new_page()
    log_in(page, live_server)
    page.goto(live_server + "/courses/intro-course/")
    page.get_by_role("button", name="Enrol in this course").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/what-is-ai")
    for _ in range(80):  # tab through the page until the completion button has focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith("Mark as complete"):
            break
    else:
        pytest.fail("the completion button is not reachable with Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/models")
    page.keyboard.press("Tab")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # focus is visible


def test_skip_link_is_the_first_stop_and_reaches_the_content(live_server, browser):
    page = browser.new_page()
    page.goto(live_server + "/courses/intro-course/what-is-ai")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_learning_record_store_page_with_a_refusal_and_an_error_has_no_serious_violations(live_server, context,
                                                                                             make_user, synced):
    from lms.extensions import db
    from lms.outbox.models import OutboxMessage
    from lms.schools.services import default_school

    make_user(email="admin@example.com", name="Ada Admin", role="admin")
    page = context.new_page()
    log_in(page, live_server, "admin@example.com")
    page.goto(live_server + "/admin/learning-records")
    page.get_by_label("xAPI address").fill("http://lrs.example.org/xAPI/")  # refused: not https
    page.get_by_label("Key").fill("conductor")
    page.get_by_label("Secret").fill("s3cret")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("alert").is_visible()
    refused = violations(page)
    page.get_by_label("xAPI address").fill("http://127.0.0.1:9/xAPI/")
    page.get_by_label("Secret").fill("s3cret")
    page.get_by_role("button", name="Save settings").click()
    with synced.app_context():  # a statement waiting, the store having refused the connection
        db.session.add(OutboxMessage(school_id=default_school().id, kind="xapi", key="u1:course:1:launched:web",
                                     payload={}, attempts=1, error="the record store could not be reached: refused"))
        db.session.commit()
    page.goto(live_server + "/admin/learning-records")
    assert page.get_by_role("button", name="Retry now").is_visible()
    assert (refused, violations(page)) == ([], [])

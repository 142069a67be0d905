"""Who may see an unpublished course: its own authors and admins, nobody else. One rule
(``catalog.services.can_see``) answers for the catalog, the course page, its lessons, its assets,
its quizzes and programme enrolment; here each is asked of every role."""
from __future__ import annotations

import pytest

from lms.catalog.models import Course
from lms.extensions import db
from lms.progress.models import Enrolment

from .authoring_support import make_account
from .conftest import PASSWORD, Auth
from .content_factory import make_tree, write
from .quiz_support import BASICS, start

HIDDEN = "/courses/hidden-course/"
QUIZ = HIDDEN + "quiz/basics"
ROLES = ("visitor", "learner", "other_author", "own_author", "admin")
LOGIN = "login"  # a redirect to the log-in page: pages for signed-in users ask before they look anything up


def client_for(app, role: str) -> Auth:
    auth = Auth(app.test_client())
    if role != "visitor":
        assert auth.login(email=f"{role}@example.com", password=PASSWORD).status_code == 302
    return auth


def set_published(content_dir, runner, published: bool) -> None:
    path = content_dir / "courses/hidden-course/course.md"
    text = path.read_text().replace("published: false\n", "")
    if not published:
        text = text.replace("skills: [ai-literacy]", "skills: [ai-literacy]\npublished: false")
    path.write_text(text)
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output


@pytest.fixture()
def world(app, runner, content_dir, make_user):
    """intro-course (published) and hidden-course, both in the programme; a learner enrolled in
    hidden-course and started its quiz while it was published; then hidden-course was unpublished."""
    make_tree(content_dir, courses=("intro-course", "hidden-course"))
    write(content_dir, "courses/hidden-course/assets/notes.txt", "the draft's notes")
    write(content_dir, "quizzes/hidden-course/01-basics.md", BASICS.format(max_attempts=0, time_limit="", review="after_submit"))
    set_published(content_dir, runner, True)
    make_user(email="learner@example.com", name="Learner")
    make_account(app, make_user, "author", email="other_author@example.com", course="intro-course")
    make_account(app, make_user, "author", email="own_author@example.com", course="hidden-course")
    make_user(email="admin@example.com", name="Admin", role="admin")
    learner = client_for(app, "learner")
    assert learner.post(HIDDEN + "enrol", token_from=HIDDEN).status_code == 302
    attempt = start(learner, QUIZ)
    set_published(content_dir, runner, False)
    return {"attempt": attempt}


def answers(app, requests) -> dict[str, object]:
    """What each role gets for one request: a status, or LOGIN."""
    got = {}
    for role in ROLES:
        auth = client_for(app, role)
        method, url = requests
        if method == "POST":
            token = auth.csrf("/account/login" if role == "visitor" else "/")
            response = auth.client.post(url, data={"csrf_token": token})
        else:
            response = auth.client.get(url)
        location = response.headers.get("Location", "")
        got[role] = LOGIN if response.status_code == 302 and location.startswith("/account/login") else response.status_code
        response.close()
    return got


def seen_only_by_its_authors_and_admins(ok=200, visitor=404):
    return {"visitor": visitor, "learner": 404, "other_author": 404, "own_author": ok, "admin": ok}


@pytest.mark.parametrize("method, url, expected", [
    ("GET", HIDDEN, seen_only_by_its_authors_and_admins()),
    ("GET", HIDDEN + "what-is-ai", seen_only_by_its_authors_and_admins()),  # the free preview lesson
    ("GET", HIDDEN + "models", seen_only_by_its_authors_and_admins()),  # the enrolled learner's too
    ("GET", HIDDEN + "assets/notes.txt", seen_only_by_its_authors_and_admins()),
    ("GET", QUIZ, seen_only_by_its_authors_and_admins(visitor=LOGIN)),
    ("POST", QUIZ + "/start", seen_only_by_its_authors_and_admins(ok=302, visitor=LOGIN)),
    ("POST", HIDDEN + "enrol", seen_only_by_its_authors_and_admins(ok=302, visitor=LOGIN)),
])
def test_an_unpublished_course_is_seen_by_its_authors_and_admins_only(world, app, method, url, expected):
    assert answers(app, (method, url)) == expected


def test_its_quiz_review_is_hidden_even_from_the_learner_who_took_it(world, app):
    review = QUIZ + f"/attempts/{world['attempt']}"
    # Its author sees the course but not another person's attempt (403); an admin sees both.
    assert answers(app, ("GET", review)) == {"visitor": LOGIN, "learner": 404, "other_author": 404,
                                             "own_author": 403, "admin": 200}


def test_the_same_course_published_is_seen_by_everyone(world, app, runner, content_dir):
    set_published(content_dir, runner, True)
    assert answers(app, ("GET", HIDDEN)) == dict.fromkeys(ROLES, 200)
    assert answers(app, ("GET", HIDDEN + "assets/notes.txt")) == dict.fromkeys(ROLES, 200)


def test_an_unpublished_asset_is_never_kept_by_a_shared_cache(world, app):
    response = client_for(app, "own_author").client.get(HIDDEN + "assets/notes.txt")
    assert response.status_code == 200 and response.get_data(as_text=True) == "the draft's notes"
    assert response.cache_control.private and not response.cache_control.public


@pytest.mark.parametrize("role, listed", [
    ("visitor", False), ("learner", False), ("other_author", False), ("own_author", True), ("admin", True),
])
def test_the_catalog_and_the_programme_list_it_for_its_authors_and_admins_only(world, app, role, listed):
    client = client_for(app, role).client
    assert ('href="/courses/hidden-course/"' in client.get("/").get_data(as_text=True)) is listed
    assert ('href="/courses/hidden-course/"' in client.get("/programmes/pathway").get_data(as_text=True)) is listed


@pytest.mark.parametrize("role, enrolled", [
    ("learner", {"intro-course"}), ("other_author", {"intro-course"}),
    ("own_author", {"intro-course", "hidden-course"}), ("admin", {"intro-course", "hidden-course"}),
])
def test_programme_enrolment_leaves_out_a_course_the_learner_may_not_see(world, app, role, enrolled):
    auth = client_for(app, role)
    with app.app_context():
        db.session.execute(db.delete(Enrolment))  # the learner's enrolment from before the course was hidden
        db.session.commit()
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    with app.app_context():
        slugs = set(db.session.execute(db.select(Course.slug).join(Enrolment, Enrolment.course_id == Course.id)
                                       .where(Enrolment.user_id == _user_id(role))).scalars())
    assert slugs == enrolled
    dashboard = auth.client.get("/dashboard").get_data(as_text=True)
    assert ("/courses/hidden-course/" in dashboard) is ("hidden-course" in enrolled)


def test_enrolling_again_once_it_is_published_adds_it(world, app, runner, content_dir):
    auth = client_for(app, "other_author")
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    set_published(content_dir, runner, True)
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    with app.app_context():
        slugs = set(db.session.execute(db.select(Course.slug).join(Enrolment, Enrolment.course_id == Course.id)
                                       .where(Enrolment.user_id == _user_id("other_author"))).scalars())
    assert slugs == {"intro-course", "hidden-course"}


def test_the_dashboard_never_links_a_course_hidden_since_the_learner_enrolled(world, app):
    dashboard = client_for(app, "learner").client.get("/dashboard")
    assert dashboard.status_code == 200
    assert "/courses/hidden-course/" not in dashboard.get_data(as_text=True)


def _user_id(role: str) -> int:
    from lms.accounts.models import User

    return db.session.execute(db.select(User.id).filter_by(email=f"{role}@example.com")).scalar_one()

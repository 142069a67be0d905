"""The learner's path: catalog, preview, enrol, read, complete, resume, finish."""
from __future__ import annotations

from lms.catalog.models import Course
from lms.extensions import db
from lms.progress.models import Enrolment, LessonProgress, ProgrammeEnrolment

from .authoring_support import make_account
from .content_factory import write

COURSE = "/courses/intro-course/"


def enrol(auth):
    return auth.post(COURSE + "enrol", token_from=COURSE)


def complete(auth, lesson):
    return auth.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)


def test_catalog_lists_programmes_and_courses(synced, client):
    page = client.get("/").get_data(as_text=True)
    assert "Test Pathway" in page and "Intro Course" in page
    assert "A short course used by the tests." in page and "Beginner" in page and "2 h" in page
    assert "AI literacy" in page


def test_anonymous_visitor_previews_the_first_lesson_only(synced, client):
    course = client.get(COURSE).get_data(as_text=True)
    assert "Basics" in course and "What is AI" in course and "Sign up to enrol" in course
    first = client.get(COURSE + "what-is-ai")
    assert first.status_code == 200 and "free preview" in first.get_data(as_text=True)
    second = client.get(COURSE + "models")
    assert second.status_code == 302 and second.headers["Location"] == "/account/login?next=/courses/intro-course/models"


def test_logged_in_but_not_enrolled_is_sent_to_the_course_page(synced, learner, client):
    response = client.get(COURSE + "models")
    assert response.status_code == 302 and response.headers["Location"] == COURSE


def test_enrol_read_complete_and_finish(synced, learner, auth, client):
    response = enrol(auth)
    assert response.headers["Location"] == COURSE + "what-is-ai"
    page = client.get(COURSE + "what-is-ai").get_data(as_text=True)
    assert "Mark as complete" in page and "free preview" not in page
    response = complete(auth, "what-is-ai")
    assert response.headers["Location"] == COURSE + "models"  # on to the next lesson
    course = client.get(COURSE).get_data(as_text=True)
    assert "25%" in course
    for lesson in ("models", "sprints", "review"):
        complete(auth, lesson)
    course = client.get(COURSE).get_data(as_text=True)
    assert "100%" in course and "Completed on" in course
    with synced.app_context():
        enrolment = db.session.execute(db.select(Enrolment)).scalar_one()
        assert enrolment.completed_at is not None


def test_visiting_marks_started_and_moves_the_resume_pointer(synced, learner, auth, client):
    enrol(auth)
    client.get(COURSE + "sprints")
    with synced.app_context():
        [progress] = db.session.execute(db.select(LessonProgress)).scalars()
        assert progress.started_at is not None and progress.completed_at is None
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert "Continue where you left off" in dashboard and "Sprints" in dashboard
    assert 'href="/courses/intro-course/sprints"' in dashboard
    course = client.get(COURSE).get_data(as_text=True)
    assert "Continue: Sprints" in course and "Started" in course


def test_lesson_page_shows_outline_previous_next_and_progress(synced, learner, auth, client):
    enrol(auth)
    complete(auth, "what-is-ai")
    page = client.get(COURSE + "models").get_data(as_text=True)
    assert 'rel="prev" href="/courses/intro-course/what-is-ai"' in page
    assert 'rel="next" href="/courses/intro-course/sprints"' in page
    assert 'aria-current="page">Models' in page
    assert "25%" in page and "Completed" in page


def test_completing_twice_keeps_one_row_and_the_first_time(synced, learner, auth):
    enrol(auth)
    complete(auth, "models")
    with synced.app_context():
        first = db.session.execute(db.select(LessonProgress)).scalar_one().completed_at
    complete(auth, "models")
    with synced.app_context():
        rows = db.session.execute(db.select(LessonProgress)).scalars().all()
        assert len(rows) == 1 and rows[0].completed_at == first


def test_cannot_complete_without_enrolling_or_without_token(synced, learner, auth, client):
    assert auth.post(COURSE + "models/complete", token_from=COURSE).status_code == 403
    enrol(auth)
    assert client.post(COURSE + "models/complete").status_code == 400
    with synced.app_context():
        assert db.session.execute(db.select(LessonProgress).where(LessonProgress.completed_at.is_not(None))).first() is None


def test_anonymous_actions_go_to_login(synced, auth, client):
    response = auth.post(COURSE + "enrol", token_from="/account/login")  # a valid token: the log-in check answers
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")
    assert client.get("/dashboard").headers["Location"].startswith("/account/login")


def test_dashboard_shows_each_enrolment_and_programme_progress(synced, learner, auth, client):
    enrol(auth)
    complete(auth, "what-is-ai")
    complete(auth, "models")
    page = client.get("/dashboard").get_data(as_text=True)
    assert "Intro Course" in page and "2 of 4 lessons" in page and "50%" in page
    assert "Test Pathway" in page


def test_programme_enrolment_and_completion(synced, learner, auth, client):
    response = auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway")
    assert response.status_code == 302
    with synced.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one()
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        complete(auth, lesson)
    with synced.app_context():
        assert db.session.execute(db.select(ProgrammeEnrolment)).scalar_one().completed_at is not None
    assert "Completed on" in client.get("/dashboard").get_data(as_text=True)


def test_unpublished_course_is_visible_to_its_authors_only(synced, content_dir, runner, client, make_user, auth):
    text = (content_dir / "courses/intro-course/course.md").read_text()
    write(content_dir, "courses/intro-course/course.md", text.replace("skills: [ai-literacy]", "skills: [ai-literacy]\npublished: false"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    assert "Intro Course" not in client.get("/").get_data(as_text=True)
    assert client.get(COURSE).status_code == 404
    make_account(synced, make_user, "author")  # an author of this course (tests/test_course_visibility.py: the others)
    auth.login(email="author@example.com")
    assert client.get(COURSE).status_code == 200
    assert client.get(COURSE + "review").status_code == 200  # authors read everything without enrolling


def test_unknown_pages_are_404(synced, client):
    assert client.get("/courses/nope/").status_code == 404
    assert client.get(COURSE + "nope").status_code == 404
    assert client.get("/programmes/nope").status_code == 404
    assert client.get("/courses/intro-course").status_code == 308


def test_new_lessons_after_completion_do_not_undo_it(synced, learner, auth, content_dir, runner):
    enrol(auth)
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        complete(auth, lesson)
    write(content_dir, "courses/intro-course/02-practice/03-extra.md", "---\ntitle: Extra\nminutes: 5\n---\n\nNew.\n")
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    with synced.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one().completed_at is not None
        assert db.session.execute(db.select(Course)).scalar_one()

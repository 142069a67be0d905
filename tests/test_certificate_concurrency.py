"""Racing completions issue each certificate once. On PostgreSQL the threads' transactions really
overlap; on SQLite they queue on the write lock. Both must end with one certificate per achievement."""
from __future__ import annotations

from lms.accounts.models import User
from lms.certificates import services
from lms.extensions import db
from lms.progress.models import Enrolment, ProgrammeEnrolment

from .certificate_support import COURSE, certificates
from .conftest import Auth
from .content_factory import make_tree
from .test_concurrency import THREADS, logged_in_clients, run_together, together


def test_concurrent_last_lessons_issue_one_course_and_one_programme_certificate(synced, make_user):
    make_user()
    clients = logged_in_clients(synced, THREADS)
    first = Auth(clients[0])
    assert first.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    for lesson in ("what-is-ai", "models", "sprints"):
        first.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)
    assert run_together(clients, COURSE + "review/complete", COURSE + "review") == [302] * THREADS
    assert sorted(c.kind for c in certificates(synced)) == ["course", "programme"]


def test_concurrent_issuing_calls_insert_one_row(synced, make_user, auth):
    """Below the completion guard: the unique key and insert-ignore alone keep issuing to one row."""
    user_id = make_user()
    auth.login()
    auth.post(COURSE + "enrol", token_from=COURSE)
    with synced.app_context():
        db.session.execute(db.update(Enrolment).values(completed_at=db.func.now()))
        db.session.commit()

    def issue(_):
        with synced.app_context():
            user = db.session.get(User, user_id)
            enrolment = db.session.execute(db.select(Enrolment)).scalar_one()
            credential_id = services.issue_course_certificate(user, enrolment).credential_id
            db.session.commit()
            return credential_id

    issued = together(THREADS, issue)
    [certificate] = certificates(synced)
    assert issued == [certificate.credential_id] * THREADS


def test_finishing_a_programmes_last_two_courses_at_once_completes_it_once(app, runner, content_dir, make_user):
    """Two workers each complete a different course of the programme; neither may miss the other's."""
    make_tree(content_dir, courses=("intro-course", "second-course"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    clients = logged_in_clients(app, 2)
    auth = Auth(clients[0])
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    courses = ("/courses/intro-course/", "/courses/second-course/")
    for course in courses:
        for lesson in ("what-is-ai", "models", "sprints"):
            assert auth.post(f"{course}{lesson}/complete", token_from=course + lesson).status_code == 302
    tokens = [Auth(client).csrf(course + "review") for client, course in zip(clients, courses)]

    def finish(index: int) -> int:
        return clients[index].post(courses[index] + "review/complete", data={"csrf_token": tokens[index]}).status_code

    assert together(2, finish) == [302, 302]
    with app.app_context():
        assert db.session.execute(db.select(ProgrammeEnrolment)).scalar_one().completed_at is not None
    assert sorted(c.kind for c in certificates(app)) == ["course", "course", "programme"]

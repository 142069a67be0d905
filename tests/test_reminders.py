"""Deadline reminders (7 days and 1 day before, and once missed) and event mails: each sent once per learner,
even over overlapping runs; never to a learner who is done, who turned them off, or whose account is closed."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from lms.cohorts.models import Cohort
from lms.extensions import db
from lms.notifications.models import Notification
from lms.notifications.reminders import run as run_reminders
from lms.progress.models import Enrolment
from lms.quizzes.models import Attempt

from .notification_support import BASE, NOW, make_cohort, outbox, run


@pytest.fixture()
def app(make_app):
    return make_app(LMS_BASE_URL=BASE)


def subjects(app) -> list[str]:
    return [message["Subject"] for message in outbox(app)]


def test_each_reminder_is_sent_once_over_two_runs(synced, runner):
    app = synced
    made = make_cohort(app)  # due 6 March 17:00 UTC
    run(runner, NOW)
    run(runner, NOW + timedelta(hours=1))
    assert subjects(app) == ["Due in 7 days: Intro Course"]
    body = outbox(app)[0].get_content()
    assert "6 Mar 2027, 17:00 UTC" in body and f"{BASE}/courses/intro-course/" in body
    assert f"{BASE}/account/profile" in body.split("-- \n")[1]  # how to turn them off, last
    run(runner, NOW + timedelta(days=4, hours=12))  # due in 21 h
    run(runner, NOW + timedelta(days=4, hours=13))
    run(runner, NOW + timedelta(days=6))  # missed
    run(runner, NOW + timedelta(days=6, hours=1))
    assert subjects(app) == ["Due in 7 days: Intro Course", "Due tomorrow: Intro Course",
                             "Deadline missed: Intro Course"]
    assert all(message["To"] == "learner0@example.com" for message in outbox(app))
    with app.app_context():
        rows = db.session.execute(db.select(Notification).order_by(Notification.id)).scalars().all()
        assert [(r.kind, r.subject_id, r.sent_at is not None) for r in rows] == [
            ("deadline_7d", made["deadline"], True), ("deadline_1d", made["deadline"], True),
            ("deadline_missed", made["deadline"], True)]


def test_a_deadline_missed_long_before_the_first_run_is_not_mailed(synced, runner):
    make_cohort(synced, due=NOW - timedelta(days=30))
    run(runner, NOW)
    assert outbox(synced) == []


@pytest.mark.parametrize("threads", [4])
def test_overlapping_runs_send_each_reminder_once(synced, threads):
    app = synced
    made = make_cohort(app, learners=40)
    barrier = threading.Barrier(threads)
    errors = []

    def one_run():
        try:
            with app.app_context():
                barrier.wait()
                run_reminders(NOW)
                db.session.remove()
        except Exception as error:  # noqa: BLE001  (reported by the assertion below)
            errors.append(error)

    workers = [threading.Thread(target=one_run) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    recipients = sorted(message["To"] for message in outbox(app))
    assert recipients == sorted(f"learner{n}@example.com" for n in range(len(made["users"])))


def test_a_learner_who_is_done_is_not_reminded(synced, runner):
    app = synced
    course = make_cohort(app, learners=2, prefix="course")
    quiz = make_cohort(app, learners=3, quiz=True, prefix="quiz")
    with app.app_context():
        db.session.add(Enrolment(school_id=course["school"], user_id=course["users"][0], course_id=course["course"],
                                 completed_at=NOW))
        db.session.add(Enrolment(school_id=course["school"], user_id=course["users"][1], course_id=course["course"]))
        passed, failed, _open = quiz["users"]
        db.session.add_all([
            Attempt(user_id=passed, quiz_id=quiz["quiz"], school_id=quiz["school"], number=1, seed=1,
                    submitted_at=NOW, score=0.9, passed=True),
            Attempt(user_id=failed, quiz_id=quiz["quiz"], school_id=quiz["school"], number=1, seed=1,
                    submitted_at=NOW, score=0.2, passed=False)])
        db.session.commit()
    run(runner, NOW)
    assert sorted(message["To"] for message in outbox(app)) == ["course1@example.com", "quiz1@example.com",
                                                                "quiz2@example.com"]
    with app.app_context():  # the same condition, for one learner (the progress page's question)
        from lms.accounts.models import User
        from lms.cohorts.models import CohortDeadline
        from lms.notifications.deadlines import is_done
        done = {(made["deadline"], user): is_done(db.session.get(CohortDeadline, made["deadline"]),
                                                  db.session.get(User, user))
                for made in (course, quiz) for user in made["users"]}
    assert [done[course["deadline"], user] for user in course["users"]] == [True, False]
    assert [done[quiz["deadline"], user] for user in quiz["users"]] == [True, False, False]
    quiz_mail = next(m for m in outbox(app) if m["To"] == "quiz1@example.com").get_content()
    assert "“Checkpoint”" in quiz_mail and f"{BASE}/courses/intro-course/quiz/quiz-check" in quiz_mail


def test_opt_out_closed_accounts_and_archived_cohorts_get_no_reminder(synced, runner):
    app = synced
    made = make_cohort(app, learners=3)
    archived = make_cohort(app, prefix="old")
    with app.app_context():
        from lms.accounts.models import User
        db.session.get(User, made["users"][0]).reminders_off = True
        db.session.get(User, made["users"][1]).active = False
        db.session.get(Cohort, archived["cohort"]).archived = True
        db.session.commit()
    run(runner, NOW)
    assert [message["To"] for message in outbox(app)] == ["learner2@example.com"]


def test_reminders_speak_the_learners_language(synced, runner):
    app = synced
    made = make_cohort(app, learners=2)
    with app.app_context():
        from lms.accounts.models import User
        db.session.get(User, made["users"][0]).locale = "fr"
        db.session.commit()
    run(runner, NOW)
    mails = {message["To"]: message for message in outbox(app)}
    french = mails["learner0@example.com"]
    assert french["Subject"] == "Échéance dans 7\u00a0jours\u00a0: Intro Course"
    assert "6 mars 2027, 17:00 UTC" in french.get_content()
    assert "Rappels" not in mails["learner1@example.com"].get_content()
    assert "Due in 7 days" in mails["learner1@example.com"]["Subject"]


def test_the_school_default_language_stands_in(synced, runner):
    app = synced
    made = make_cohort(app)
    with app.app_context():
        from lms.schools.models import School
        school = db.session.get(School, made["school"])
        school.default_language = "fr"
        db.session.commit()
    run(runner, NOW)
    assert subjects(app)[0].startswith("Échéance dans 7")


def test_a_failed_send_is_recorded_and_sent_by_the_next_run(synced, runner, monkeypatch):
    app = synced
    make_cohort(app, learners=2)
    from lms.notifications import sending
    real = sending.send_mail_now
    calls = []

    def flaky(to, subject, body):
        calls.append(to)
        if to == "learner0@example.com" and calls.count(to) == 1:
            raise ConnectionRefusedError("smtp down")
        real(to, subject, body)

    monkeypatch.setattr(sending, "send_mail_now", flaky)
    run(runner, NOW)
    assert [m["To"] for m in outbox(app)] == ["learner1@example.com"]
    with app.app_context():
        failed = db.session.execute(db.select(Notification).filter(Notification.sent_at.is_(None))).scalar_one()
        assert failed.attempts == 1 and "smtp down" in failed.error and failed.failed_at is not None
    run(runner, NOW + timedelta(minutes=15))
    run(runner, NOW + timedelta(minutes=30))
    assert sorted(m["To"] for m in outbox(app)) == ["learner0@example.com", "learner1@example.com"]


def test_a_certificate_issued_is_mailed_once_even_with_reminders_off(synced, runner):
    app = synced
    from lms.accounts import services as accounts
    from lms.catalog.models import Course
    from lms.certificates.services import issue_course_certificate

    from .conftest import PASSWORD
    with app.app_context():
        user = accounts.create_user("grace@example.com", "Grace Hopper", PASSWORD)
        user.reminders_off = True
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        enrolment = Enrolment(school_id=user.school_id, user_id=user.id, course_id=course.id, completed_at=NOW)
        db.session.add(enrolment)
        db.session.flush()
        issue_course_certificate(user, enrolment)
        issue_course_certificate(user, enrolment)  # a second completion signal issues (and owes) nothing more
        db.session.commit()
    run(runner, NOW)
    run(runner, NOW + timedelta(hours=1))
    assert subjects(app) == ["Your certificate: Intro Course"]
    assert f"{BASE}/certificates" in outbox(app)[0].get_content()


def test_links_name_the_host_of_the_learners_school(synced, runner):
    app = synced
    from lms.schools import services as schools
    with app.test_request_context("/", base_url=BASE):
        schools.create_school("ecole-b", "École B", ["b.example.org"])
        db.session.commit()
    make_cohort(app, prefix="a")
    make_cohort(app, prefix="b", school_slug="ecole-b")
    run(runner, NOW)
    bodies = {message["To"]: message.get_content() for message in outbox(app)}
    assert "http://a.example.org/courses/intro-course/" in bodies["a0@example.com"]
    assert "http://b.example.org/courses/intro-course/" in bodies["b0@example.com"]
    assert "http://b.example.org/account/profile" in bodies["b0@example.com"]
    assert "b.example.org" not in bodies["a0@example.com"] and "École B" in bodies["b0@example.com"]


def test_with_redis_the_mails_wait_on_the_queue_for_a_worker(synced, runner):
    import uuid

    from redis import Redis
    from rq import Queue, SimpleWorker

    app = synced
    make_cohort(app, learners=3)
    name = f"conductor-test-{uuid.uuid4().hex}"
    app.config.update(LMS_REDIS_URL="redis://127.0.0.1:6379/0", LMS_RQ_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url("redis://127.0.0.1:6379/0"))
    try:
        assert "3 queued on RQ" in run(runner, NOW).output
        assert outbox(app) == [] and queue.count == 1  # one job per batch of rows
        run(runner, NOW + timedelta(minutes=10))
        assert queue.count == 1  # claimed rows are not queued twice
        with app.app_context():
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert sorted(m["To"] for m in outbox(app)) == [f"learner{n}@example.com" for n in range(3)]
        run(runner, NOW + timedelta(hours=3))
        assert queue.count == 0 and len(outbox(app)) == 3
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_a_batch_sent_twice_mails_once(synced):
    """RQ may run a job again (a worker lost mid-job): rows already marked sent are not mailed again."""
    from lms.notifications.sending import send_batch
    from lms.notifications.services import claim_reminders

    app = synced
    made = make_cohort(app, learners=2)
    with app.app_context():
        ids = claim_reminders(made["school"], NOW)
        db.session.commit()
        assert send_batch(ids, NOW) == 2
        assert send_batch(ids, NOW) == 0
    assert len(outbox(app)) == 2


def test_a_bad_moment_is_refused_with_a_message(synced, runner):
    result = runner.invoke(args=["lms", "reminders", "--now", "next tuesday"])
    assert result.exit_code == 2 and "give an ISO date-time" in result.output


def test_the_documented_worker_command_sends_the_queued_mails(synced, runner, database_url, content_dir, tmp_path):
    """``rq worker -u $LMS_REDIS_URL <queue>`` in its own process builds the app from the environment."""
    import os
    import subprocess
    import sys
    import uuid
    from pathlib import Path

    from redis import Redis
    from rq import Queue

    app = synced
    make_cohort(app, learners=2)
    name, url = f"conductor-test-{uuid.uuid4().hex}", "redis://127.0.0.1:6379/0"
    app.config.update(LMS_REDIS_URL=url, LMS_RQ_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url(url))
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root), "LMS_DATABASE_URL": database_url, "LMS_ENV": "development",
           "LMS_SECRET_KEY": "worker-test", "LMS_BASE_URL": BASE, "LMS_MAIL_BACKEND": "log",
           "LMS_CONTENT_DIR": str(content_dir), "LMS_KEYS_DIR": str(tmp_path / "keys"), "LMS_REDIS_URL": url}
    try:
        run(runner, NOW)
        assert queue.count == 1
        worker = subprocess.run([str(Path(sys.executable).parent / "rq"), "worker", "--burst", "-u", url, name],
                                cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert worker.returncode == 0, worker.stderr[-2000:]
        assert "mail to learner0@example.com: Due in 7 days: Intro Course" in worker.stderr
        with app.app_context():
            assert db.session.execute(db.select(db.func.count()).select_from(Notification)
                                      .where(Notification.sent_at.is_not(None))).scalar() == 2
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_with_redis_a_certificate_mail_is_queued_when_its_transaction_commits(synced, runner):
    import uuid

    from redis import Redis
    from rq import Queue, SimpleWorker

    from lms.accounts import services as accounts
    from lms.catalog.models import Course
    from lms.certificates.services import issue_course_certificate

    from .conftest import PASSWORD
    app = synced
    name = f"conductor-test-{uuid.uuid4().hex}"
    app.config.update(LMS_REDIS_URL="redis://127.0.0.1:6379/0", LMS_RQ_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url("redis://127.0.0.1:6379/0"))
    try:
        with app.app_context():
            user = accounts.create_user("grace@example.com", "Grace Hopper", PASSWORD)
            course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
            enrolment = Enrolment(school_id=user.school_id, user_id=user.id, course_id=course.id, completed_at=NOW)
            db.session.add(enrolment)
            db.session.flush()
            issue_course_certificate(user, enrolment)
            assert queue.count == 0  # not before the certificate is committed
            db.session.commit()
        assert queue.count == 1
        run(runner, NOW)  # the row is still unsent, so the run queues it too: the job that comes second sends nothing
        with app.app_context():
            SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert subjects(app) == ["Your certificate: Intro Course"]
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def test_the_persons_notifications_are_in_their_export_and_erased_with_them(synced, runner, make_user):
    from lms.accounts.models import User
    from lms.privacy.erasure import erase_account
    from lms.privacy.export import collect
    from lms.schools.models import School

    app = synced
    made = make_cohort(app)
    admin_id = make_user(email="admin@example.com", name="Carla Admin", role="admin")
    run(runner, NOW)
    with app.test_request_context("/", base_url=BASE):
        user = db.session.get(User, made["users"][0])
        data = collect(user, db.session.get(School, made["school"]))
        assert [(row["kind"], row["about_id"]) for row in data["notifications"]] == [("deadline_7d", made["deadline"])]
        assert data["account"][0]["deadline_reminders"] is True
        erase_account(user, db.session.get(User, admin_id))
        db.session.commit()
        assert db.session.execute(db.select(Notification).filter_by(user_id=user.id)).first() is None


def test_a_learner_who_turns_reminders_off_before_the_worker_sends_gets_none(synced):
    from lms.accounts.models import User
    from lms.notifications.sending import send_batch
    from lms.notifications.services import claim_reminders

    app = synced
    made = make_cohort(app, learners=2)
    with app.app_context():
        ids = claim_reminders(made["school"], NOW)
        db.session.get(User, made["users"][0]).reminders_off = True
        db.session.commit()
        assert send_batch(ids, NOW) == 1
    assert [m["To"] for m in outbox(app)] == ["learner1@example.com"]


def test_the_command_needs_the_sites_address(make_app):
    """Every reminder links to the school's pages: without LMS_BASE_URL nothing is claimed, and the command says why."""
    app = make_app()
    result = app.test_cli_runner().invoke(args=["lms", "reminders"])
    assert result.exit_code == 2 and "Set LMS_BASE_URL" in result.output
    with app.app_context():
        assert db.session.execute(db.select(Notification)).first() is None

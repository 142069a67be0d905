"""``flask lms reminders`` over a school of 50,000 learners in cohorts: the rows are bulk-inserted (100
cohorts of 500 learners, each cohort with a course deadline due in 5 days and a quiz deadline due in 20 h; a
tenth of the learners have completed the course and a tenth passed the quiz), then the command's run is
timed, and run again, which must send nothing. Mails go to a counting backend (``--backend count``, the
default: what the command itself costs) or to the memory backend (``--backend memory``: each mail also built as
an ``EmailMessage``, 1 to 4 ms each on a busy machine, as an SMTP send or an RQ worker would), or to an RQ
queue (``--backend rq --redis URL``: the command only claims the rows and queues them in jobs of 500, which
is what it does in production with ``LMS_REDIS_URL``; the jobs' ids are counted, then the queue is deleted).

Printed: the seconds of each run, the mails sent (7-day and 1-day reminders), and the second run's count.
The run fails when a learner gets a reminder twice, one owed is missing, or the first run takes 60 s or more.

    python bench/reminders.py [--learners 50000] [--database URL] [--backend count|memory|rq] [--redis URL]
"""
from __future__ import annotations

import argparse
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from common import ROOT, make_app, reset_database, temp_dir

COURSE = "ai-foundations"
PER_COHORT = 500
NOW = datetime(2027, 3, 1, 8, 0, tzinfo=UTC)


def prepare(database: str, work):
    reset_database(database)
    app = make_app(database, ROOT)
    app.config.update(LMS_MAIL_BACKEND="memory", LMS_KEYS_DIR=str(work / "keys"))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    return app


def seed(app, learners: int) -> int:
    """Bulk-insert the learners, cohorts, deadlines, members and the done rows; returns the reminders owed."""
    from sqlalchemy import insert

    from lms.accounts.models import User
    from lms.catalog.models import Course
    from lms.cohorts.models import Cohort, CohortDeadline, CohortMember
    from lms.extensions import db
    from lms.progress.models import Enrolment
    from lms.quizzes.models import Attempt, Quiz
    from lms.schools.services import current_school

    with app.app_context():
        school = current_school()
        course = db.session.execute(db.select(Course).filter_by(slug=COURSE)).scalar_one()
        quiz = db.session.execute(db.select(Quiz).filter_by(course_id=course.id).order_by(Quiz.id)).scalars().first()
        db.session.execute(insert(User), [
            {"school_id": school.id, "email": f"reminded{n}@example.com", "name": f"Learner {n}", "password_hash": "!",
             "role": "learner", "active": True, "created_at": NOW, "locale": "fr" if n % 3 == 0 else None,
             "platform_admin": False, "reminders_off": False} for n in range(learners)])
        users = list(db.session.execute(db.select(User.id).where(User.email.like("reminded%")).order_by(User.id))
                     .scalars())
        cohorts = (learners + PER_COHORT - 1) // PER_COHORT
        db.session.execute(insert(Cohort), [
            {"school_id": school.id, "slug": f"bench-{c}", "name": f"Cohort {c}", "course_id": course.id,
             "starts_on": date(2027, 1, 1), "ends_on": date(2027, 6, 30), "archived": False, "created_at": NOW}
            for c in range(cohorts)])
        cohort_ids = list(db.session.execute(db.select(Cohort.id).where(Cohort.slug.like("bench-%"))
                                             .order_by(Cohort.id)).scalars())
        deadlines = [{"cohort_id": c, "course_id": course.id, "quiz_id": None, "due_at": NOW + timedelta(days=5)}
                     for c in cohort_ids]
        deadlines += [{"cohort_id": c, "course_id": course.id, "quiz_id": quiz.id, "due_at": NOW + timedelta(hours=20)}
                      for c in cohort_ids]
        db.session.execute(insert(CohortDeadline), deadlines)
        db.session.execute(insert(CohortMember), [
            {"cohort_id": cohort_ids[index // PER_COHORT], "user_id": user, "source": "import", "joined_at": NOW}
            for index, user in enumerate(users)])
        completed = users[::10]
        passed = users[5::10]
        db.session.execute(insert(Enrolment), [
            {"school_id": school.id, "user_id": user, "course_id": course.id, "enrolled_at": NOW,
             "completed_at": NOW if user in set(completed) else None, "last_activity_at": NOW} for user in users])
        db.session.execute(insert(Attempt), [
            {"user_id": user, "quiz_id": quiz.id, "school_id": school.id, "number": 1, "seed": 1, "started_at": NOW,
             "submitted_at": NOW, "score": 1.0, "passed": True, "late": False} for user in passed])
        db.session.commit()
        return 2 * len(users) - len(completed) - len(passed)


def counting_backend() -> list:
    """Replace the notifications' mail sending by a list of (to, subject): the command's cost alone."""
    from lms.notifications import sending

    sent: list = []
    sending.send_mail_now = lambda to, subject, body: sent.append((to, subject))
    return sent


def run_once(app, when: datetime, counted: list | None) -> tuple[float, int, Counter]:
    outbox = app.extensions["lms"]["outbox"]
    outbox.clear()
    if counted is not None:
        counted.clear()
    began = time.perf_counter()
    result = app.test_cli_runner().invoke(args=["lms", "reminders", "--now", when.isoformat()])
    seconds = time.perf_counter() - began
    assert result.exit_code == 0, (result.output, result.exception)
    mails = counted if counted is not None else [(message["To"], message["Subject"]) for message in outbox]
    return seconds, len(mails), Counter(mails)


def queued_runs(app, redis_url: str) -> tuple[float, int, Counter, float, int]:
    """Both runs with a queue: the rows the jobs name, counted (a row named twice would be mailed once, but
    counts here as a learner mailed twice)."""
    import uuid

    from redis import Redis
    from rq import Queue

    name = f"conductor-bench-{uuid.uuid4().hex}"
    app.config.update(LMS_REDIS_URL=redis_url, LMS_RQ_QUEUE=name)
    queue = Queue(name, connection=Redis.from_url(redis_url))
    try:
        first, _, _ = run_once(app, NOW, None)
        ids = Counter(row for job in queue.jobs for row in job.args[0])
        jobs = queue.count
        second, _, _ = run_once(app, NOW + timedelta(minutes=15), None)
        again = sum(len(job.args[0]) for job in queue.jobs) - sum(ids.values())
        print(f"  {jobs} jobs queued")
        return first, sum(ids.values()), ids, second, again
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=50_000)
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--backend", default="count", choices=["count", "memory", "rq"])
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for --backend rq")
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'reminders.sqlite3'}"
    app = prepare(database, work)
    began = time.perf_counter()
    owed = seed(app, args.learners)
    seeded = time.perf_counter() - began
    if args.backend == "rq":
        first, sent, recipients, second, again = queued_runs(app, args.redis)
    else:
        counted = counting_backend() if args.backend == "count" else None
        first, sent, recipients = run_once(app, NOW, counted)
        second, again, _ = run_once(app, NOW + timedelta(minutes=15), counted)
    twice = sum(1 for count in recipients.values() if count > 1)
    kind = database.split(":", 1)[0].split("+")[0]
    print(f"reminders ({kind}): {args.learners} learners in {args.learners // PER_COHORT} cohorts, 2 deadlines each "
          f"(seeded in {seeded:.1f} s), {args.backend} mail backend")
    verb = "queued" if args.backend == "rq" else "sent"
    print(f"  first run {first:.1f} s: {sent} mails {verb} ({owed} owed), {twice} learners mailed twice about one thing")
    print(f"  second run {second:.1f} s: {again} mails {verb}")
    if sent != owed or twice or again or first >= 60:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

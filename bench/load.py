"""Load and faults: 50 learners complete a course at once against gunicorn (4 workers); a worker is
killed with SIGKILL mid-run, and on PostgreSQL every connection to the run's database is cut
(pg_terminate_backend, the same loss of connections a server restart causes, without restarting a
server others share). Afterwards every lesson completion, passed attempt and certificate exists
exactly once, no attempt is left half-written, and no 500 survives one retry of the same request
(the pool's pre-ping replaces the dead connections). Loopback only, bounded in time.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import threading
import time
from collections import Counter

import requests
from common import CSRF_FIELD, PASSWORD, ROOT, SECRET, gunicorn, prepare, seed_walk, temp_dir

from tests.quiz_support import answers_form, questions

COURSE = "ai-foundations"


class Learner:
    def __init__(self, base: str, email: str, stats: Counter, latencies: list[float], lock: threading.Lock):
        self.base, self.email, self.stats, self.latencies, self.lock = base, email, stats, latencies, lock
        self.http = requests.Session()

    def request(self, method: str, path: str, **kwargs) -> requests.Response:
        """One request, retried on a dropped connection (a killed worker): every action is idempotent."""
        url = path if path.startswith("http") else self.base + path
        for attempt in range(5):
            began = time.perf_counter()
            try:
                response = self.http.request(method, url, allow_redirects=False, timeout=30, **kwargs)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError):
                # a worker killed before or while it answered: no answer, or half of one
                with self.lock:
                    self.stats["dropped connections (retried)"] += 1
                time.sleep(0.2 * (attempt + 1))
                continue
            with self.lock:
                self.latencies.append((time.perf_counter() - began) * 1000)
                self.stats["requests"] += 1
                self.stats[f"status {response.status_code}"] += 1
                if response.status_code == 500 and attempt == 0:
                    self.stats["500s retried"] += 1  # a request on a connection the fault cut
                elif response.status_code == 500:
                    self.stats["500s after a retry"] += 1
            if response.status_code == 500 and attempt == 0:
                continue
            return response
        raise RuntimeError(f"{method} {path}: no answer after 5 tries")

    def csrf(self, path: str) -> str:
        return CSRF_FIELD.search(self.request("GET", path).text).group(1)

    def run(self, app, lessons: list[str], quizzes: list[str]) -> None:
        self.request("POST", "/account/login", data={"email": self.email, "password": PASSWORD,
                                                     "csrf_token": self.csrf("/account/login")})
        course = f"/courses/{COURSE}/"
        self.request("POST", course + "enrol", data={"csrf_token": self.csrf(course)})
        for slug in lessons:
            token = self.csrf(course + slug)  # reading the lesson marks it started
            self.request("POST", f"{course}{slug}/complete", data={"csrf_token": token})
        for slug in quizzes:
            quiz = f"{course}quiz/{slug}"
            location = self.request("POST", quiz + "/start", data={"csrf_token": self.csrf(quiz)}).headers["Location"]
            attempt_id = int(location.rsplit("/", 1)[1])
            form = {"csrf_token": self.csrf(location), "action": "submit", **answers_form(questions(app, attempt_id))}
            self.request("POST", location, data=form)


def cut_connections(app) -> int:
    """Every other connection to the run's database ended by the server, as a restart would end them."""
    from sqlalchemy import text

    from lms.extensions import db

    with app.app_context(), db.engine.connect() as connection:
        return len(connection.execute(text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--learners", type=int, default=50)
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'load.sqlite3'}"
    app = prepare(database, ROOT)
    lessons, quizzes = seed_walk(app, "load", args.learners, COURSE)
    env = {"LMS_DATABASE_URL": database, "LMS_SECRET_KEY": SECRET, "LMS_CONTENT_DIR": str(ROOT), "LMS_SECURE_COOKIES": "false"}
    stats: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []
    with gunicorn("lms:create_app()", env, workers=4, worker_class="sync") as base:
        master = int(subprocess.run(["pgrep", "-f", f"gunicorn.*{base.rsplit(':', 1)[1]}"], capture_output=True,
                                    text=True).stdout.split()[0])
        learners = [Learner(base, f"load{n}@example.com", stats, latencies, lock) for n in range(args.learners)]

        def run(learner: Learner) -> None:
            try:
                learner.run(app, lessons, quizzes)
            except Exception as exc:  # noqa: BLE001 - reported below, the run goes on
                failures.append(f"{learner.email}: {exc!r}")

        threads = [threading.Thread(target=run, args=(learner,)) for learner in learners]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        expected_requests = args.learners * (4 + 2 * len(lessons) + 4 * len(quizzes))
        while stats["requests"] < expected_requests * 0.4 and any(t.is_alive() for t in threads):
            time.sleep(0.05)
        victims = worker_pids(master)
        if victims:
            os.kill(victims[0], signal.SIGKILL)
            stats["workers killed with SIGKILL"] += 1
        if database.startswith("postgresql"):
            while stats["requests"] < expected_requests * 0.6 and any(t.is_alive() for t in threads):
                time.sleep(0.05)
            stats["database connections cut"] += cut_connections(app)
        for thread in threads:
            thread.join(timeout=600)
        elapsed = time.perf_counter() - started
    with app.app_context():
        from sqlalchemy import func

        from lms.extensions import db
        from lms.progress.models import Enrolment, LessonProgress
        from lms.quizzes.models import Attempt

        completions = dict(db.session.execute(db.select(LessonProgress.user_id, func.count())
                                              .where(LessonProgress.completed_at.is_not(None)).group_by(LessonProgress.user_id)).all())
        passed = db.session.execute(db.select(Attempt.user_id, Attempt.quiz_id, func.count()).where(Attempt.passed.is_(True))
                                    .group_by(Attempt.user_id, Attempt.quiz_id)).all()
        open_attempts = db.session.execute(db.select(func.count(Attempt.id)).where(Attempt.submitted_at.is_(None))).scalar_one()
        finished = db.session.execute(db.select(func.count(Enrolment.id)).where(Enrolment.completed_at.is_not(None))).scalar_one()
        from lms.certificates.models import Certificate

        certificates = Counter(db.session.execute(db.select(Certificate.user_id).where(Certificate.course_id.is_not(None))).scalars())
    latencies.sort()
    p = lambda q: latencies[max(0, round(len(latencies) * q) - 1)]  # noqa: E731
    rows_ok = (len(completions) == args.learners and set(completions.values()) == {len(lessons)}
               and len(passed) == args.learners * len(quizzes) and all(count == 1 for *_, count in passed)
               and len(certificates) == args.learners and set(certificates.values()) == {1})
    print(f"load ({database.split(':', 1)[0]}): {args.learners} learners complete {COURSE} "
          f"({len(lessons)} lessons, {len(quizzes)} quizzes) on gunicorn 4 sync workers, in {elapsed:.1f} s")
    print(f"  requests {stats['requests']}, p50 {p(0.5):.1f} ms, p99 {p(0.99):.1f} ms, 500s {stats['status 500']} "
          f"(retried {stats['500s retried']}, after a retry {stats['500s after a retry']}), "
          f"database connections cut {stats['database connections cut']}, dropped connections retried {stats['dropped connections (retried)']}, workers killed {stats['workers killed with SIGKILL']}")
    print(f"  rows: {sum(completions.values())} lesson completions for {len(completions)} learners, "
          f"{len(passed)} passed (learner, quiz) pairs each once: {rows_ok}; open attempts left {open_attempts}; "
          f"courses completed {finished}; certificates {sum(certificates.values())} for {len(certificates)} learners; "
          f"learner failures {len(failures)}")
    for failure in failures[:5]:
        print("   ", failure)
    # A 500 is forgiven only on PostgreSQL, where the run cut the database's connections, and only once.
    unexplained = stats["500s retried"] if not stats["database connections cut"] else 0
    if not rows_ok or stats["500s after a retry"] or unexplained or failures or finished != args.learners:
        raise SystemExit(1)


if __name__ == "__main__":
    main()

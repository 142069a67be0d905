"""Submit-and-grade latency with 8 learners submitting at once under gunicorn (p50, p99).

Each learner loops: start an attempt at an AI foundations module quiz (11 questions of five types,
unlimited attempts), then submit every answer with one POST, which saves, grades and records it.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time

import requests
from common import ROOT, SECRET, csrf, gunicorn, prepare, temp_dir

from tests.quiz_support import answers_form, questions

COURSE, QUIZ = "ai-foundations", "reading-model-results"
LEARNERS = 8


def learner(base: str, email: str) -> requests.Session:
    session = requests.Session()
    session.post(base + "/account/login", data={"email": email, "password": "bench-password-2026",
                                                "csrf_token": csrf(session, base + "/account/login")})
    course = f"{base}/courses/{COURSE}/"
    session.post(course + "enrol", data={"csrf_token": csrf(session, course)})
    return session


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'quiz.sqlite3'}"
    app = prepare(database, ROOT)
    with app.app_context():
        from lms.accounts.services import create_user
        from lms.extensions import db

        for n in range(LEARNERS):
            create_user(f"learner{n}@example.com", f"Learner {n}", "bench-password-2026")
        db.session.commit()
    env = {"LMS_DATABASE_URL": database, "LMS_SECRET_KEY": SECRET, "LMS_CONTENT_DIR": str(ROOT), "LMS_SECURE_COOKIES": "false"}
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with gunicorn("lms:create_app()", env, workers=4, worker_class="sync") as base:
        quiz = f"{base}/courses/{COURSE}/quiz/{QUIZ}"
        sessions = [learner(base, f"learner{n}@example.com") for n in range(LEARNERS)]
        barrier = threading.Barrier(LEARNERS)

        def run(session: requests.Session) -> None:
            for _ in range(args.rounds):
                started = session.post(quiz + "/start", data={"csrf_token": csrf(session, quiz)}, allow_redirects=False)
                attempt_url = base + started.headers["Location"] if started.headers["Location"].startswith("/") else started.headers["Location"]
                attempt_id = int(attempt_url.rsplit("/", 1)[1])
                form = {"csrf_token": csrf(session, attempt_url), "action": "submit",
                        **answers_form(questions(app, attempt_id))}
                barrier.wait()  # the eight submits leave together
                began = time.perf_counter()
                response = session.post(attempt_url, data=form, allow_redirects=False)
                elapsed = time.perf_counter() - began
                with lock:
                    latencies.append(elapsed * 1000)
                    if response.status_code != 302:
                        errors.append(str(response.status_code))

        threads = [threading.Thread(target=run, args=(s,)) for s in sessions]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with app.app_context():
        from lms.extensions import db
        from lms.quizzes.models import Attempt

        graded = db.session.execute(db.select(db.func.count(Attempt.id)).where(Attempt.score.is_not(None))).scalar_one()
        passed = db.session.execute(db.select(db.func.count(Attempt.id)).where(Attempt.passed.is_(True))).scalar_one()
    latencies.sort()
    p99 = latencies[max(0, round(len(latencies) * 0.99) - 1)]
    print(f"quiz submit-and-grade ({database.split(':', 1)[0]}, {LEARNERS} learners at once, 11 questions, gunicorn 4 sync workers)")
    print(f"  {len(latencies)} submits: p50 {statistics.median(latencies):.1f} ms  p99 {p99:.1f} ms  "
          f"errors {len(errors)}; attempts graded {graded}, passed {passed}")


if __name__ == "__main__":
    main()

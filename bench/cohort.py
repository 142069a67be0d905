"""A cohort walks a course at once: N learners (200 by default), each with an account and a session
of their own, log in, enrol, open every lesson of AI foundations in order and mark it complete, and
take each module quiz and the final exam (start, save half the answers, submit them all), against
gunicorn. Locust drives them headless from its own processes (bench/cohort_learner.py).

Each learner walks the course once and stops, so the run is bounded and every row it should leave
can be checked exactly afterwards. Learners do not pause between pages: the figures are what the
server sustains with N sessions at once, not a model of reading speed. "Sustained" is the request
rate while all N learners were walking (from the last learner's first request to the first
learner's last); the ramp at the start and the stragglers at the end are reported beside it.
Starting together with no pauses, the learners stay nearly in step (the server's queue is first in,
first out), so a kind's latency is mostly the queue of everyone making that same request: about
N x its service time / workers. Everyone submits at once, as a cohort sitting an exam would.

Printed: requests per second, p50 and p99 per kind of request (from Locust's CSV), errors (any
fails the run), the CPU seconds of the Locust processes, of gunicorn's and (PostgreSQL) of the
database's backends, and the check of the rows in the database ("rows exact", or the run fails).

    python bench/cohort.py [--learners 200] [--database URL] [--workers 4] [--worker-class sync]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from common import (BIN, PASSWORD, ROOT, SECRET, cpu_seconds, database_cpu_seconds, free_port, gunicorn_server,
                    make_learners, prepare, temp_dir, warm_up)

HERE = Path(__file__).resolve().parent
COURSE = "ai-foundations"
KINDS = ["login page", "log-in", "dashboard", "course page", "enrol", "lesson page", "complete", "quiz page",
         "quiz start", "attempt page", "save", "submit", "result page"]


def course_plan(app, slug: str) -> dict:
    """The walk: each module's lessons and quiz, the final exam, and the answer key of every question."""
    from tests.quiz_support import right_answers

    with app.app_context():
        from lms.catalog.models import Course
        from lms.progress.outline import outline
        from lms.extensions import db
        from lms.quizzes.models import QuestionVersion, Quiz

        course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()
        plan = outline(course)
        questions = db.session.execute(
            db.select(QuestionVersion).join(Quiz, Quiz.id == QuestionVersion.quiz_id)
            .where(Quiz.course_id == course.id, Quiz.retired.is_(False), QuestionVersion.retired.is_(False))).scalars()
        return {"course": slug, "final": plan.final.slug if plan.final else None,
                "modules": [{"lessons": [lesson.slug for lesson in module.lessons],
                             "quiz": module.quiz.slug if module.quiz else None} for module in plan.modules],
                "answers": {str(question.id): right_answers(question) for question in questions}}


def check_rows(app, slug: str, emails: list[str], last_opened: dict[int, str | None]) -> list[str]:
    """Every learner's rows exactly: one enrolment completed with its resume pointer at the last lesson
    they opened, one completed progress row per lesson, one attempt per quiz submitted once with every
    answer saved and right, and one certificate. Returns the problems found."""
    from sqlalchemy import func

    from lms.accounts.models import User
    from lms.catalog.models import Course, Lesson
    from lms.certificates.models import Certificate
    from lms.extensions import db
    from lms.progress.models import Enrolment, LessonProgress
    from lms.quizzes.models import Attempt, AttemptAnswer, AttemptQuestion, Quiz

    problems: list[str] = []
    with app.app_context():
        course = db.session.execute(db.select(Course).filter_by(slug=slug)).scalar_one()
        lessons = dict(db.session.execute(
            db.select(Lesson.slug, Lesson.id).filter_by(course_id=course.id, retired=False)).all())
        quizzes = set(db.session.execute(db.select(Quiz.id).filter_by(course_id=course.id, retired=False)).scalars())
        users = dict(db.session.execute(db.select(User.email, User.id).where(User.email.in_(emails))).all())
        enrolments: dict[int, list] = {}
        for row in db.session.execute(db.select(Enrolment).filter_by(course_id=course.id)).scalars():
            enrolments.setdefault(row.user_id, []).append(row)
        progress: dict[int, list] = {}
        in_course = LessonProgress.lesson_id.in_(lessons.values())
        for row in db.session.execute(db.select(LessonProgress).where(in_course)).scalars():
            progress.setdefault(row.user_id, []).append(row)
        attempts: dict[int, list] = {}
        for row in db.session.execute(db.select(Attempt).where(Attempt.quiz_id.in_(quizzes))).scalars():
            attempts.setdefault(row.user_id, []).append(row)
        counts = lambda model: dict(db.session.execute(  # noqa: E731
            db.select(model.attempt_id, func.count()).group_by(model.attempt_id)).all())
        answers, drawn = counts(AttemptAnswer), counts(AttemptQuestion)
        certificates = dict(db.session.execute(db.select(Certificate.user_id, func.count()).filter_by(course_id=course.id)
                                               .group_by(Certificate.user_id)).all())
    for number, email in enumerate(emails):
        user, name = users.get(email), f"learner {number}"
        mine = enrolments.get(user, [])
        if len(mine) != 1:
            problems.append(f"{name}: {len(mine)} enrolments")
        elif mine[0].last_lesson_id is None or mine[0].last_lesson_id != lessons.get(last_opened.get(number)):
            problems.append(f"{name}: resume pointer at lesson {mine[0].last_lesson_id}, "
                            f"last opened {last_opened.get(number)}")
        elif mine[0].completed_at is None:
            problems.append(f"{name}: course not completed")
        rows = progress.get(user, [])
        if sorted(row.lesson_id for row in rows) != sorted(lessons.values()):
            problems.append(f"{name}: {len(rows)} lesson progress rows for {len(lessons)} lessons")
        elif any(row.completed_at is None or row.completed_at < row.started_at for row in rows):
            problems.append(f"{name}: a lesson not completed, or completed before it started")
        tries = attempts.get(user, [])
        if sorted(attempt.quiz_id for attempt in tries) != sorted(quizzes):
            problems.append(f"{name}: {len(tries)} attempts at {len(quizzes)} quizzes")
        for attempt in tries:
            if attempt.submitted_at is None or abs((attempt.score or 0) - 1) > 1e-9 or not attempt.passed:
                problems.append(f"{name}: attempt {attempt.id} submitted {attempt.submitted_at}, score {attempt.score}")
            elif not drawn.get(attempt.id) or answers.get(attempt.id) != drawn[attempt.id]:
                problems.append(f"{name}: attempt {attempt.id} has {answers.get(attempt.id)} answers, "
                                f"{drawn.get(attempt.id)} questions")
        if certificates.get(user, 0) != (1 if course.certificate else 0):
            problems.append(f"{name}: {certificates.get(user, 0)} certificates")
    return problems


def run_locust(base: str, plan_file: Path, work: Path, learners: int, processes: int, seconds: int) -> tuple[int, float]:
    """Locust headless, quiet (its output goes to locust.log); returns its exit code and wall seconds."""
    port = free_port()
    command = [str(BIN / "locust"), "-f", str(HERE / "cohort_learner.py"), "--headless", "--only-summary",
               "--processes", str(processes), "--master-bind-port", str(port), "--master-port", str(port),
               "-u", str(learners), "-r", str(learners), "-t", f"{seconds}s", "--stop-timeout", "10",
               "-H", base, "--csv", str(work / "locust"), "--loglevel", "WARNING"]
    env = {**os.environ, "COHORT_PLAN": str(plan_file), "PYTHONPATH": os.pathsep.join([str(HERE), str(ROOT)])}
    began = time.perf_counter()
    with (work / "locust.log").open("wb") as log:
        # cwd: the work folder, so no locust.conf or pyproject.toml of ours is read as Locust settings
        process = subprocess.Popen(command, cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
        try:
            code = process.wait(timeout=seconds + 120)
        except subprocess.TimeoutExpired:
            code = -1
    wall = time.perf_counter() - began
    # Locust's master does not wait for its workers; give them a moment to quit, then end the group
    # this call started (the master and its workers) whatever is left of it.
    for _ in range(100):
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    return code, wall


def locust_cpu(work: Path) -> tuple[float, int]:
    """CPU seconds the Locust processes reported as they quit, and how many reported."""
    reports = [float(path.read_text()) for path in work.glob("cpu-*.json")]
    return sum(reports), len(reports)


def locust_stats(work: Path) -> tuple[dict[str, dict[str, str]], list[str]]:
    """Locust's rows by request kind, and its failure and exception messages."""
    with (work / "locust_stats.csv").open() as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    messages = []
    for name in ("failures", "exceptions"):
        path = work / f"locust_{name}.csv"
        if path.exists():
            with path.open() as found:
                messages += [" ".join(row.values()) for row in csv.DictReader(found)]
    return rows, messages


def walks(work: Path) -> list[dict]:
    return [json.loads(line) for path in sorted(work.glob("walks-*.jsonl")) for line in path.read_text().splitlines()]


def rates(records: list[dict]) -> dict[str, float]:
    """Requests per second while every learner was walking, and over the whole run."""
    stamps = sorted(stamp for record in records for stamp in record["stamps"])
    first, last = min(r["start"] for r in records), max(r["end"] for r in records)
    all_in, first_out = max(r["start"] for r in records), min(r["end"] for r in records)
    plateau = [stamp for stamp in stamps if all_in <= stamp <= first_out]
    return {"requests": len(stamps), "seconds": last - first, "rps": len(stamps) / (last - first),
            "plateau_seconds": max(0.0, first_out - all_in),
            "plateau_rps": len(plateau) / (first_out - all_in) if first_out > all_in else float("nan"),
            "ramp_seconds": all_in - first, "tail_seconds": last - first_out}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument("--worker-class", default="sync", choices=["sync", "gthread"], help="gthread runs 4 threads each")
    parser.add_argument("--client-processes", type=int, default=2, help="Locust worker processes")
    parser.add_argument("--max-seconds", type=int, default=600, help="bound on the run; learners left walking fail it")
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'cohort.sqlite3'}"
    app = prepare(database, ROOT)
    emails = make_learners(app, args.learners, "cohort")
    plan = {**course_plan(app, COURSE), "learners": args.learners, "email": "cohort{}@example.com",
            "password": PASSWORD, "claims": str(work / "claims"), "records": str(work)}
    plan_file = work / "plan.json"
    plan_file.write_text(json.dumps(plan))
    env = {"LMS_DATABASE_URL": database, "LMS_SECRET_KEY": SECRET, "LMS_CONTENT_DIR": str(ROOT), "LMS_ENV": "production",
           "LMS_SECURE_COOKIES": "false", "LMS_KEYS_DIR": str(work / "keys")}
    with gunicorn_server("lms:create_app()", env, args.workers, args.worker_class) as server:
        warm_up(server.url + "/account/login", args.workers)
        server_before, database_before = cpu_seconds(server.pid), database_cpu_seconds(database)
        code, wall = run_locust(server.url, plan_file, work, args.learners, args.client_processes, args.max_seconds)
        cpu = {"server": cpu_seconds(server.pid) - server_before, "client": locust_cpu(work)}
        if database_before is not None:
            cpu["database"] = database_cpu_seconds(database) - database_before
    records = walks(work)
    rows = check_rows(app, COURSE, emails, {record["learner"]: record["last_lesson"] for record in records})
    lessons = sum(len(module["lessons"]) for module in plan["modules"])
    quizzes = sum(1 for module in plan["modules"] if module["quiz"])
    threads = " (4 threads each)" if args.worker_class == "gthread" else ""
    print(f"cohort ({database.split(':', 1)[0].split('+')[0]}): {args.learners} learners walk {COURSE} ({lessons} lessons, "
          f"{quizzes} module quizzes{' and a final exam' if plan['final'] else ''}) on gunicorn {args.workers} "
          f"{args.worker_class} workers{threads}; Locust, {args.client_processes} client processes")
    errors = report(work, records, args, code, wall, cpu, server.log)
    print("  rows exact" if not rows else f"  rows NOT exact ({len(rows)} problems):")
    for problem in rows[:5]:
        print("   ", problem)
    if errors or rows:
        print(f"  Locust's log: {work / 'locust.log'}", file=sys.stderr)
        raise SystemExit(1)


def report(work: Path, records: list[dict], args, code: int, wall: float, cpu: dict, server_log: Path) -> int:
    """Print the rates, the table of kinds, the errors and the CPU; returns the number of errors."""
    stats, messages = locust_stats(work) if (work / "locust_stats.csv").exists() else ({}, ["no stats from Locust"])
    if records:
        rate = rates(records)
        print(f"  sustained {rate['plateau_rps']:.0f} req/s with all {args.learners} learners walking "
              f"({rate['plateau_seconds']:.1f} s); overall {rate['requests']} requests in {rate['seconds']:.1f} s = "
              f"{rate['rps']:.0f} req/s (ramp {rate['ramp_seconds']:.1f} s, stragglers {rate['tail_seconds']:.1f} s)")
    print(f"  {'kind':<13} {'requests':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for kind in [*KINDS, *sorted(set(stats) - set(KINDS) - {"Aggregated"}), "Aggregated"]:
        if kind in stats:
            row = stats[kind]
            name = "all" if kind == "Aggregated" else kind
            print(f"  {name:<13} {row['Request Count']:>8} {row['50%']:>8} {row['99%']:>8}")
    failed = int(stats.get("Aggregated", {}).get("Failure Count", 0))
    broken = [f"learner {record['learner']}: {record['error']}" for record in records if record["error"]]
    missing = args.learners - len({record["learner"] for record in records})
    errors = failed + len(broken) + missing + (code != 0 and not failed)
    counted = int(stats.get("Aggregated", {}).get("Request Count", 0))
    made = sum(len(record["stamps"]) for record in records)
    if counted != made:  # Locust's last reports did not all arrive: its figures would be short
        errors += 1
        messages.insert(0, f"Locust counted {counted} requests, the learners made {made}")
    print(f"  errors {errors}: failed requests {failed}, broken walks {len(broken)}, learners who never walked {missing}, "
          f"Locust exit code {code}")
    for message in [*messages, *broken][:5]:
        print("   ", message[:300])
    client, reported = cpu["client"]
    parts = [f"client (Locust, {reported} of {args.client_processes + 1} processes reporting) {client:.1f} s = "
             f"{client / wall:.0%}",
             f"server (gunicorn, {args.workers + 1} processes) {cpu['server']:.1f} s = {cpu['server'] / wall:.0%}"]
    if "database" in cpu:
        parts.append(f"database (PostgreSQL backends) {cpu['database']:.1f} s = {cpu['database'] / wall:.0%}")
    print(f"  CPU over {wall:.1f} s wall (100% = one core of {os.cpu_count()}): " + "; ".join(parts))
    log = (work / "locust.log").read_text(errors="replace")
    if "CPU usage above" in log or "exceeded cpu threshold" in log:
        print("  note: a Locust process passed 90% CPU, so the client may have limited the rate")
    tracebacks = server_log.read_text(errors="replace").count("Traceback")
    if tracebacks:
        print(f"  server log: {tracebacks} tracebacks ({server_log})")
    return errors


if __name__ == "__main__":
    main()

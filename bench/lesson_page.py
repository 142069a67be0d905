"""Lesson-page throughput for a logged-in learner under gunicorn, against a bare Flask page that
serves the same HTML, in the same run and with the same server settings."""
from __future__ import annotations

import argparse

from common import ROOT, SECRET, gunicorn, load, logged_in_client, prepare, session_cookie, temp_dir, warm_up

COURSE, LESSON = "ai-foundations", "confusion-matrix-and-core-metrics"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class: sync (its default) or gthread")
    parser.add_argument("--floors", action="store_true",
                        help="also measure the bare page plus only a session, a log-in and one query (bench/floor_app.py)")
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'bench.sqlite3'}"
    app = prepare(database, ROOT)
    client = logged_in_client(app, COURSE)
    path = f"/courses/{COURSE}/{LESSON}"
    html = client.get(path)
    assert html.status_code == 200, html.status_code
    (work / "lesson.html").write_bytes(html.get_data())
    cookie = session_cookie(client)
    env = {"LMS_DATABASE_URL": database, "LMS_SECRET_KEY": SECRET, "LMS_CONTENT_DIR": str(ROOT), "LMS_ENV": "production",
           "LMS_SECURE_COOKIES": "false", "BENCH_HTML": str(work / "lesson.html")}
    server = {"workers": args.workers, "worker_class": args.worker_class}
    with gunicorn("lms:create_app()", env, **server) as base:
        warm_up(base + "/", args.workers)  # every worker booted (the port opens before)
        load(base + path, cookie, seconds=2)  # warm up
        lesson = load(base + path, cookie, seconds=args.seconds)
    with gunicorn("bench.bare_app:app", env, **server) as base:
        warm_up(base + "/", args.workers)
        load(base + "/", seconds=2)
        bare = load(base + "/", seconds=args.seconds)
    floors = {}
    if args.floors:
        for floor in ("session", "login", "query"):
            with gunicorn("bench.floor_app:app", {**env, "FLOOR": floor, "BENCH_COURSE": COURSE, "BENCH_LESSON": LESSON},
                          **server) as base:
                warm_up(base + "/", args.workers)
                load(base + "/", cookie, seconds=2)
                floors[floor] = load(base + "/", cookie, seconds=args.seconds)
    kind = database.split(":", 1)[0]
    print(f"lesson page ({kind}, gunicorn {args.workers} {args.worker_class} workers, {len(html.get_data())} bytes)")
    print(f"  lesson page: {lesson['rps']:8.0f} req/s  p50 {lesson['p50_ms']:.2f} ms  p99 {lesson['p99_ms']:.2f} ms  non-2xx {lesson['non_2xx']}")
    print(f"  bare Flask : {bare['rps']:8.0f} req/s  p50 {bare['p50_ms']:.2f} ms  p99 {bare['p99_ms']:.2f} ms")
    print(f"  ratio      : {lesson['rps'] / bare['rps']:.0%} of the bare page")
    labels = {"session": "bare + signed session cookie", "login": "  + Flask-Login user (no query)",
              "query": "  + the page's one SQL query"}
    for floor, result in floors.items():
        print(f"  floor, {labels[floor]:32s}: {result['rps']:8.0f} req/s  {result['rps'] / bare['rps']:.0%} of the bare page")
    if "query" in floors:
        print(f"  lesson page: {lesson['rps'] / floors['query']['rps']:.0%} of the floor with its one query (target: at least 50%)")


if __name__ == "__main__":
    main()

"""Shared set-up for the benchmarks: a prepared database, gunicorn servers, and a load tool."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
SECRET = "bench-secret-key"
PASSWORD = "bench-password-2026"
# One browser: the log-in and the load tool send the same User-Agent. Flask-Login binds a session to
# the client's address and agent, and a replayed cookie from another agent would be re-issued
# (Set-Cookie) on every request, a path no real browser takes more than once.
USER_AGENT = "conductor-bench/1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def reset_database(url: str) -> None:
    if url.startswith("postgresql"):
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()


def make_app(database_url: str, content_dir: Path):
    from lms import create_app

    # Production mode, driven in-process through the test client, whose requests name localhost.
    return create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url, "LMS_CONTENT_DIR": str(content_dir),
                       "LMS_PASSWORD_HASH": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False, "LMS_SECURE_COOKIES": False, "LMS_BASE_URL": "http://localhost"})


def prepare(database_url: str, content_dir: Path):
    """Migrate, sync, and make an enrolled learner; returns the app."""
    reset_database(database_url)
    app = make_app(database_url, content_dir)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from lms.accounts.services import create_user
        from lms.extensions import db

        create_user("bench@example.com", "Bench Learner", PASSWORD)
        db.session.commit()
    return app


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf(client, path: str) -> str:
    """The CSRF token of a page, through the Flask test client or a requests session."""
    response = client.get(path)
    page = response.get_data(as_text=True) if hasattr(response, "get_data") else response.text
    return CSRF_FIELD.search(page).group(1)


def logged_in_client(app, course_slug: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = USER_AGENT
    client.post("/account/login", data={"email": "bench@example.com", "password": PASSWORD, "csrf_token": csrf(client, "/account/login")})
    course = f"/courses/{course_slug}/"
    client.post(course + "enrol", data={"csrf_token": csrf(client, course)})
    return client


def session_cookie(client) -> str:
    cookie = client.get_cookie("session")
    return f"session={cookie.value}"


@dataclass(frozen=True)
class Server:
    url: str
    pid: int  # gunicorn's master; its workers are its children
    log: Path  # gunicorn's and the app's stderr


@contextmanager
def gunicorn_server(app_spec: str, env: dict[str, str], workers: int = 2, worker_class: str = "gthread",
                    threads: int = 4) -> Iterator[Server]:
    """gunicorn on a free loopback port; stderr goes to a file, so a chatty app never blocks on a full pipe."""
    port = free_port()
    threading = ["--threads", str(threads)] if worker_class == "gthread" else []
    log = temp_dir() / "gunicorn.log"
    with log.open("wb") as stderr:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-w", str(workers), "-k", worker_class, *threading, "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", app_spec],
            # The server's own address is the site's (production mode needs one), unless the caller names another.
            cwd=ROOT, env={**os.environ, "LMS_BASE_URL": f"http://127.0.0.1:{port}", **env}, stdout=subprocess.DEVNULL,
            stderr=stderr)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(log.read_text())
                time.sleep(0.1)
        yield Server(f"http://127.0.0.1:{port}", process.pid, log)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2, worker_class: str = "gthread", threads: int = 4):
    """gunicorn on a free loopback port; yields its base URL."""
    with gunicorn_server(app_spec, env, workers, worker_class, threads) as server:
        yield server.url


def warm_up(url: str, workers: int, seconds: float = 60) -> None:
    """Wait until the server answers ``url`` and has served it to a burst of concurrent requests, so a
    measurement does not start while gunicorn's workers are still booting (the port opens before)."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.request import Request, urlopen

    def fetch(_=None) -> float:
        began = time.perf_counter()
        with urlopen(Request(url, headers={"User-Agent": USER_AGENT}), timeout=30) as response:
            response.read()
        return time.perf_counter() - began

    deadline = time.time() + seconds
    with ThreadPoolExecutor(workers * 2) as pool:
        while time.time() < deadline:
            try:
                if max(pool.map(fetch, range(workers * 4))) < 1:
                    return
            except OSError:
                time.sleep(0.2)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of a process, its live descendants and the children they have reaped."""
    import psutil  # comes with the bench extra (Locust needs it too)

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system + times.children_user + times.children_system
    return total


def database_cpu_seconds(url: str) -> float | None:
    """CPU seconds of the local PostgreSQL backends serving this database, while they live (None for
    SQLite, which runs inside the app's processes)."""
    if not url.startswith("postgresql"):
        return None
    import psutil
    from sqlalchemy.engine import make_url

    name, total = make_url(url).database, 0.0
    for process in psutil.process_iter(["cmdline"]):
        command = " ".join(process.info["cmdline"] or [])
        if command.startswith("postgres:") and f" {name} " in command:
            try:
                times = process.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
    return total


def make_learners(app, count: int, prefix: str) -> list[str]:
    """``count`` learner accounts with the bench password; returns their e-mail addresses."""
    from lms.accounts.services import create_user
    from lms.extensions import db

    emails = [f"{prefix}{n}@example.com" for n in range(count)]
    with app.app_context():
        for n, email in enumerate(emails):
            create_user(email, f"{prefix.title()} Learner {n}", PASSWORD)
        db.session.commit()
    return emails


def load(url: str, cookie: str | None = None, seconds: int = 8, connections: int = 8) -> dict[str, float]:
    """Requests per second and latency from wrk (a C load tool, so the client is not the bottleneck)."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is missing: `make bench` installs it (apt-get install wrk)")
    command = [wrk, "-t", str(min(2, connections)), "-c", str(connections), "-d", f"{seconds}s", "--latency", "-H", f"User-Agent: {USER_AGENT}", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    scale = {"us": 0.001, "ms": 1, "s": 1000}
    return {"rps": rps, "p50_ms": float(p50.group(1)) * scale[p50.group(2)], "p99_ms": float(p99.group(1)) * scale[p99.group(2)],
            "non_2xx": int(errors.group(1)) if errors else 0}


def temp_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="conductor-bench-"))


def seed_walk(app, email_prefix: str, learners: int, course_slug: str) -> tuple[list[str], list[str]]:
    """Create the learners (``<prefix><n>@example.com``, ``PASSWORD``) and return the course's lesson
    slugs in order and its quiz slugs, module quizzes first and the final exam last."""
    with app.app_context():
        from lms.accounts.services import create_user
        from lms.catalog.models import Course
        from lms.extensions import db
        from lms.progress.outline import outline
        from lms.quizzes.models import Quiz

        for n in range(learners):
            create_user(f"{email_prefix}{n}@example.com", f"{email_prefix.title()} Learner {n}", PASSWORD)
        db.session.commit()
        course = db.session.execute(db.select(Course).filter_by(slug=course_slug)).scalar_one()
        lessons = [lesson.slug for lesson in outline(course).lessons]
        quizzes = [q.slug for q in db.session.execute(db.select(Quiz).filter_by(course_id=course.id, retired=False)
                                                      .order_by(Quiz.module_id.is_(None), Quiz.slug)).scalars()]
    return lessons, quizzes

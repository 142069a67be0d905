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
from contextlib import contextmanager
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

    return create_app({"SECRET_KEY": SECRET, "SQLALCHEMY_DATABASE_URI": database_url, "LMS_CONTENT_DIR": str(content_dir),
                       "LMS_PASSWORD_HASH": "pbkdf2:sha256:1000", "RATELIMIT_ENABLED": False,
                       "SESSION_COOKIE_SECURE": False, "LMS_SECURE_COOKIES": False})


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


@contextmanager
def gunicorn(app_spec: str, env: dict[str, str], workers: int = 2, worker_class: str = "gthread", threads: int = 4):
    port = free_port()
    threading = ["--threads", str(threads)] if worker_class == "gthread" else []
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", str(workers), "-k", worker_class, *threading, "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", app_spec],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None:
                    raise RuntimeError(process.stderr.read().decode())
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


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

"""The hardening findings replayed as an attacker would, against gunicorn in production mode (secure cookies,
HSTS, trusted hosts, Redis-backed limits behind one trusted proxy): each is refused, none is a 500, and the
database holds nothing the requests tried to store. Prints one line per finding; exits 1 on any failure.

    python bench/replay.py [--database URL] [--redis URL]
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests
from common import BIN, PASSWORD, ROOT, SECRET, gunicorn_server, prepare, reset_database, temp_dir

from tests.content_factory import make_tree, write

USER_AGENT = "conductor-replay/1"
HUGE = "9" * 30
results: list[tuple[str, bool, str]] = []


class LoopbackSession(requests.Session):
    """The site sets Secure cookies (production mode); loopback has no TLS, so this client keeps sending them,
    as a browser would over HTTPS."""

    def send(self, request, **kwargs):
        response = super().send(request, **kwargs)
        for cookie in self.cookies:
            cookie.secure = False
        return response


def check(name: str, ok: bool, detail: str = "") -> None:
    results.append((name, ok, detail))
    print(f"  {'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)


def browser(base: str) -> requests.Session:
    session = LoopbackSession()
    session.headers["User-Agent"] = USER_AGENT
    session.base = base  # type: ignore[attr-defined]
    return session


def token(session: requests.Session, path: str) -> str:
    page = session.get(session.base + path).text  # type: ignore[attr-defined]
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def post(session: requests.Session, path: str, data: dict, token_from: str | None = None, **kwargs):
    data = {"csrf_token": token(session, token_from or path), **data}
    return session.post(session.base + path, data=data, allow_redirects=False, **kwargs)  # type: ignore[attr-defined]


def log_in(session: requests.Session, email: str, forwarded: str = "10.0.0.1"):
    return post(session, "/account/login", {"email": email, "password": PASSWORD},
                headers={"X-Forwarded-For": forwarded})


def raw(base: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, str]:
    """A request exactly as written (requests would fix the Host header): its status and body."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.putrequest(method, path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders(body)
    response = connection.getresponse()
    text = response.read().decode(errors="replace")
    connection.close()
    return response.status, text


def oversized_login(base: str, megabytes: int = 50) -> tuple[int | None, float]:
    """A log-in form that declares ``megabytes`` of body and starts sending it: the server must answer 413 from
    the declared length, without reading the rest. A connection cut without an answer is no 413 (None)."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    started = time.perf_counter()
    connection.putrequest("POST", "/account/login")
    connection.putheader("Content-Type", "application/x-www-form-urlencoded")
    connection.putheader("Content-Length", str(megabytes * 1024 * 1024))
    connection.endheaders()
    try:
        connection.send(b"email=a%40example.com&password=" + b"x" * (1024 * 1024))
    except OSError:
        pass  # the server answered and closed before reading on: what it should do
    try:
        response = connection.getresponse()
        response.read()
        status = response.status
    except OSError:
        status = None
    connection.close()
    return status, time.perf_counter() - started


def rows(app, model_sql: str) -> int:
    from sqlalchemy import text

    from lms.extensions import db

    with app.app_context():
        return db.session.execute(text(model_sql)).scalar_one()


def make_content(root: Path) -> Path:
    make_tree(root, courses=("intro-course", "hidden-course"))
    course = root / "courses/hidden-course/course.md"
    course.write_text(course.read_text().replace("skills: [ai-literacy]", "skills: [ai-literacy]\npublished: false"))
    for slug in ("hidden-course", "intro-course"):
        write(root, f"courses/{slug}/assets/answers.md", "# The course's notes\n")
    return root


def refused_content(work: Path) -> None:
    """Front-matter numbers out of range and YAML aliases: `flask lms check` names the file and line."""
    cases = {"hours: .inf": "hours", "hours: .nan": "hours", "minutes: 99999999999999999999999": "minutes"}
    for line, key in cases.items():
        tree = make_tree(work / f"bad-{key}-{len(results)}")
        target = tree / ("courses/intro-course/course.md" if key == "hours" else "courses/intro-course/01-basics/02-models.md")
        text = target.read_text()
        text = re.sub(rf"^{key}: .*$", line, text, count=1, flags=re.M) if re.search(rf"^{key}:", text, re.M) else \
            text.replace("---\n", f"---\n{line}\n", 1)
        target.write_text(text)
        done = subprocess.run([str(BIN / "flask"), "--app", "lms", "lms", "check"], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "LMS_ENV": "development", "LMS_CONTENT_DIR": str(tree)})
        named = re.search(re.escape(str(target.relative_to(tree))) + r":\d+", done.stdout + done.stderr)
        check(f"content `{line}` refused with its file and line", done.returncode != 0 and bool(named),
              (done.stdout + done.stderr).strip().splitlines()[-1][:120] if done.returncode else "accepted")
    alias = make_tree(work / "bad-alias")
    lesson = alias / "courses/intro-course/01-basics/02-models.md"
    lesson.write_text(lesson.read_text().replace("---\n", "---\nx: &a [1, 2]\ny: [*a, *a, *a, *a]\n", 1))
    started = time.perf_counter()
    done = subprocess.run([str(BIN / "flask"), "--app", "lms", "lms", "check"], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "LMS_ENV": "development", "LMS_CONTENT_DIR": str(alias)})
    check("YAML aliases refused, with a short message", done.returncode != 0 and len(done.stdout + done.stderr) < 5000
          and "02-models.md:" in done.stdout + done.stderr, f"{len(done.stdout + done.stderr)} bytes in "
          f"{time.perf_counter() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None, help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'replay.sqlite3'}"
    reset_database(database)
    content = make_content(work / "content")
    app = prepare(database, content)
    with app.app_context():
        from lms.accounts.services import create_user
        from lms.extensions import db

        create_user("admin@example.com", "Replay Admin", PASSWORD, role="admin")
        create_user("victim@example.com", "Victim Learner", PASSWORD)
        db.session.commit()
    import redis

    redis.Redis.from_url(args.redis).flushdb()
    env = {"LMS_DATABASE_URL": database, "LMS_SECRET_KEY": SECRET, "LMS_CONTENT_DIR": str(content),
           "LMS_REDIS_URL": args.redis, "LMS_PROXY_COUNT": "1", "LMS_KEYS_DIR": str(work / "keys")}
    env.pop("LMS_ENV", None)
    os.environ.pop("LMS_ENV", None)
    print(f"replay against gunicorn in production mode ({database.split(':', 1)[0]}, Redis, one trusted proxy)")
    with gunicorn_server("lms:create_app()", env, workers=2) as server:
        base = server.url
        time.sleep(1)
        users_before = rows(app, "SELECT count(*) FROM users")

        # Host header poisoning: a reset mail or a credential built from a forged host.
        status, page = raw(base, "GET", "/", {"Host": "attacker.example"})
        check("forged Host header refused", status == 400 and "host" in page.lower(), f"HTTP {status}")
        # The same reset request, with the anonymous visitor's session and CSRF token: refused for the forged
        # host alone (the control, with the site's own host, is accepted and redirects).
        anonymous = browser(base)
        csrf_token = token(anonymous, "/account/reset")
        cookie = "; ".join(f"{c.name}={c.value}" for c in anonymous.cookies)
        form = f"csrf_token={csrf_token}&email=victim%40example.com".encode()
        answers = {}
        for name in ("attacker.example", base.removeprefix("http://")):
            answers[name] = raw(base, "POST", "/account/reset", {
                "Host": name, "Cookie": cookie, "User-Agent": USER_AGENT, "X-Forwarded-For": "10.0.0.9",
                "Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(len(form))}, form)[0]
        forged, real = answers.values()
        check("password reset with a forged Host refused (the same request on the real host: 302)",
              forged == 400 and real == 302, f"forged HTTP {forged}, real HTTP {real}")

        # An unbounded body: 50 MB in the password field of the anonymous log-in form.
        status, seconds = oversized_login(base)
        check("50 MB form body refused with 413 within 2 s", status == 413 and seconds < 2,
              f"HTTP {status} in {seconds:.2f} s")

        # Huge integers in URLs are 404s, not 500s.
        admin = browser(base)
        assert log_in(admin, "admin@example.com", "10.0.0.2").status_code == 302
        # An id past any row is 404; a page number past the last page shows the last page.
        expected = {f"/attempts/{HUGE}": 404, f"/admin/learners/{HUGE}": 404, f"/verify/{HUGE}": 404,
                    f"/courses/intro-course/quiz/{HUGE}": 404, f"/admin/learners?page={HUGE}": 200,
                    f"/admin/audit?page={HUGE}": 200}
        for path, wanted in expected.items():
            status = admin.get(base + path, allow_redirects=False).status_code
            check(f"GET {path[:40]}… answers {wanted}", status == wanted, f"HTTP {status}")

        # Sessions that end: a cookie copied before log-out no longer opens the dashboard.
        learner = browser(base)
        assert log_in(learner, "victim@example.com", "10.0.0.3").status_code == 302
        stolen = {cookie.name: cookie.value for cookie in learner.cookies}
        thief = requests.Session()
        before = thief.get(base + "/dashboard", cookies=stolen, headers={"User-Agent": USER_AGENT},
                           allow_redirects=False).status_code
        assert post(learner, "/account/logout", {}, token_from="/dashboard").status_code == 302
        after = thief.get(base + "/dashboard", cookies=stolen, headers={"User-Agent": USER_AGENT},
                          allow_redirects=False).status_code
        check("a session cookie copied before log-out opens the dashboard, and is dead after it",
              before == 200 and after == 302, f"before HTTP {before}, after HTTP {after}")

        # Rate limits: per account and per forwarded address, shared through Redis by both workers.
        attacker = browser(base)
        statuses = [post(attacker, "/account/login", {"email": "victim@example.com", "password": "wrong"},
                         headers={"X-Forwarded-For": f"10.1.0.{n}"}).status_code for n in range(12)]
        check("10 bad passwords for one account are answered, the 11th is limited, whatever the address",
              statuses[:10] == [200] * 10 and statuses[10:] == [429, 429], f"statuses {statuses}")
        colleague = browser(base)
        status = log_in(colleague, "admin@example.com", "10.2.0.1").status_code
        check("another account from another address still logs in", status == 302, f"HTTP {status}")

        # Account enumeration at registration: the same answer either way.
        answers = []
        for email in ("victim@example.com", "nobody-yet@example.com"):
            visitor = browser(base)
            response = post(visitor, "/account/register", {"email": email, "name": "Someone"},
                            headers={"X-Forwarded-For": "10.3.0.1"})
            answers.append((response.status_code, response.headers.get("Location")))
        check("registration answers the same for a taken and a new address (302 to the catalog)",
              answers == [(302, "/"), (302, "/")], str(answers))

        # Unpublished content: a hidden course's page, lesson and asset; the same paths of a published course
        # are served (the control).
        for path in ("/", "/assets/answers.md", "/what-is-ai"):
            hidden = anonymous.get(f"{base}/courses/hidden-course{path}", allow_redirects=False).status_code
            shown = anonymous.get(f"{base}/courses/intro-course{path}", allow_redirects=False).status_code
            check(f"hidden course {path.strip('/') or 'page'} not served (published: served)",
                  hidden == 404 and shown == 200, f"hidden HTTP {hidden}, published HTTP {shown}")

        # Headers: HSTS, a 404 outside the app's routes that cannot be framed, private pages not cached.
        response = anonymous.get(base + "/no/such/page")
        hsts = anonymous.get(base + "/").headers.get("Strict-Transport-Security", "")
        check("HSTS in production", hsts.startswith("max-age=31536000"), hsts or "missing")
        check("the 404 page has CSP, X-Frame-Options and nosniff", response.status_code == 404
              and "frame-ancestors 'none'" in response.headers.get("Content-Security-Policy", "")
              and response.headers.get("X-Frame-Options") == "DENY"
              and response.headers.get("X-Content-Type-Options") == "nosniff")
        cache = colleague.get(base + "/dashboard").headers.get("Cache-Control", "")
        check("a private page is not cacheable", "no-store" in cache and "private" in cache, cache)
        check("nothing stored by the refused requests", rows(app, "SELECT count(*) FROM users") == users_before)
        time.sleep(1)  # the mail thread logs after the response
        log = server.log.read_text(errors="replace")
        check("the log mail backend wrote that mail was not sent, and no link", "its body is not logged" in log
              and not re.search(r"/account/(register|reset)/[\w.-]{20,}", log))
        check("no server error in the log (each logs its Traceback)", "Traceback" not in log,
              log.strip().splitlines()[-1][:160] if "Traceback" in log else "")

    refused_content(work)
    failed = [name for name, ok, _ in results if not ok]
    print(f"{len(results) - len(failed)} of {len(results)} findings refused")
    if failed:
        sys.exit(1)


if __name__ == "__main__":
    main()

"""Two servers behind nginx: two gunicorn servers on loopback, each with its own keys folder holding a
copy of the same keys (`keys export` on one, `keys import` on the other), sharing the database and
Redis; nginx (round robin, 127.0.0.1 only, run in the foreground from a temporary folder) alternates
the learners' requests between them. Learners enrol, complete every lesson, pass the quizzes and
download their signed credential; afterwards every row exists exactly once and every credential
verifies against the JWKS fetched from each server directly, both identical. Loopback only, bounded.
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import shutil
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

import requests
from common import ROOT, SECRET, free_port, gunicorn_server, make_app, prepare, seed_walk, temp_dir
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from load import COURSE, Learner

NGINX_CONF = """daemon off;
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/nginx-error.log warn;
events {{ worker_connections 256; }}
http {{
    log_format upstream '$upstream_addr $status $request_method $uri';
    access_log {work}/nginx-access.log upstream;
    client_body_temp_path {work}/client_body;
    proxy_temp_path {work}/proxy;
    fastcgi_temp_path {work}/fastcgi;
    uwsgi_temp_path {work}/uwsgi;
    scgi_temp_path {work}/scgi;
    upstream lms {{
        server 127.0.0.1:{port_a};
        server 127.0.0.1:{port_b};
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://lms;
            proxy_next_upstream error timeout http_503;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verifies(token: str, jwks: dict) -> bool:
    """The compact JWS checked with `cryptography` alone against a JWK Set."""
    header_part, payload_part, signature = token.split(".")
    kid = json.loads(b64decode(header_part))["kid"]
    [jwk] = [key for key in jwks["keys"] if key["kid"] == kid]
    public = rsa.RSAPublicNumbers(int.from_bytes(b64decode(jwk["e"]), "big"),
                                  int.from_bytes(b64decode(jwk["n"]), "big")).public_key()
    public.verify(b64decode(signature), f"{header_part}.{payload_part}".encode(), padding.PKCS1v15(), hashes.SHA256())
    return True


def wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(log.read_text() if log.exists() else "nginx exited") from None
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


def keys_for_two_servers(database: str, work: Path) -> tuple[Path, Path]:
    """A key made on server A's folder (`keys rotate`) and copied to B's (`keys export` / `keys import`)."""
    folders = work / "keys_a", work / "keys_b"
    archive = work / "keys.tar"
    for folder, commands in zip(folders, ([["rotate"], ["export", str(archive)]], [["import", str(archive)]])):
        app = make_app(database, ROOT)
        app.config["LMS_KEYS_DIR"] = str(folder)
        for command in commands:
            result = app.test_cli_runner().invoke(args=["lms", "keys", *command])
            assert result.exit_code == 0, result.output
    archive.unlink()
    return folders


def rotate_on_a_only(database: str, folder_a: Path, learners: list[Learner], server_b: str,
                     stats: Counter) -> Counter:
    """A rotates and B is not given the new key: through nginx every download still succeeds (B's 503
    is passed on to A), while B asked directly refuses to sign."""
    app = make_app(database, ROOT)
    app.config["LMS_KEYS_DIR"] = str(folder_a)
    result = app.test_cli_runner().invoke(args=["lms", "keys", "rotate"])
    assert result.exit_code == 0, result.output
    outcome: Counter = Counter()
    for learner in learners:
        page = learner.request("GET", "/certificates").text
        credential_id = re.search(r"/certificates/([A-Za-z0-9_-]+)\.jwt", page).group(1)
        for _ in range(2):
            outcome[f"via nginx {learner.request('GET', f'/certificates/{credential_id}.jwt').status_code}"] += 1
        outcome[f"B directly {learner.request('GET', f'{server_b}/certificates/{credential_id}.jwt').status_code}"] += 1
    stats["status 503"] -= outcome["B directly 503"]  # expected: counted apart
    return outcome


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--learners", type=int, default=10)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        raise SystemExit("nginx is missing: `make nginx` installs Debian's nginx")
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'two.sqlite3'}"
    app = prepare(database, ROOT)
    lessons, quizzes = seed_walk(app, "two", args.learners, COURSE)
    folder_a, folder_b = keys_for_two_servers(database, work)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    common_env = {"LMS_DATABASE_URL": database, "LMS_SECRET_KEY": SECRET, "LMS_CONTENT_DIR": str(ROOT),
                  "LMS_SECURE_COOKIES": "false", "LMS_BASE_URL": base, "LMS_REDIS_URL": args.redis,
                  "LMS_PROXY_COUNT": "1"}
    stats: Counter = Counter()
    latencies: list[float] = []
    lock = threading.Lock()
    failures: list[str] = []
    tokens: list[str] = []
    with gunicorn_server("lms:create_app()", {**common_env, "LMS_KEYS_DIR": str(folder_a)}, workers=2,
                         worker_class="sync") as server_a, \
            gunicorn_server("lms:create_app()", {**common_env, "LMS_KEYS_DIR": str(folder_b)}, workers=2,
                            worker_class="sync") as server_b:
        conf = work / "nginx.conf"
        conf.write_text(NGINX_CONF.format(work=work, port=port, port_a=server_a.url.rsplit(":", 1)[1],
                                          port_b=server_b.url.rsplit(":", 1)[1]))
        log = work / "nginx-error.log"
        process = subprocess.Popen([nginx, "-p", str(work), "-c", str(conf), "-e", str(log)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(port, process, log)
            learners = [Learner(base, f"two{n}@example.com", stats, latencies, lock) for n in range(args.learners)]

            def run(learner: Learner) -> None:
                try:
                    learner.run(app, lessons, quizzes)
                    page = learner.request("GET", "/certificates").text
                    credential_id = re.search(r"/certificates/([A-Za-z0-9_-]+)\.jwt", page).group(1)
                    for _ in range(2):  # once from each server, in turn
                        response = learner.request("GET", f"/certificates/{credential_id}.jwt")
                        assert response.status_code == 200, response.status_code
                        tokens.append(response.text)
                except Exception as exc:  # noqa: BLE001 - reported below, the run goes on
                    failures.append(f"{learner.email}: {exc!r}")

            started = time.perf_counter()
            threads = [threading.Thread(target=run, args=(learner,)) for learner in learners]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=90)
            elapsed = time.perf_counter() - started
            jwks = [requests.get(f"{server.url}/issuers/default/jwks.json", timeout=10).json()
                    for server in (server_a, server_b)]
            after_rotation = rotate_on_a_only(database, folder_a, learners, server_b.url, stats)
        finally:
            process.terminate()
            process.wait(timeout=10)
    # $upstream_addr lists every server tried ("A, B" when A's 503 was passed on to B); the last answered.
    tried = [line.rsplit(" ", 3)[0].split(", ") for line in (work / "nginx-access.log").read_text().splitlines()]
    upstreams = Counter(servers[-1] for servers in tried)
    passed_on = sum(len(servers) > 1 for servers in tried)
    verified = sum(verifies(token, keys) for token in tokens for keys in jwks)
    with app.app_context():
        from sqlalchemy import func

        from lms.certificates.models import Certificate
        from lms.extensions import db
        from lms.progress.models import Enrolment, LessonProgress
        from lms.quizzes.models import Attempt

        completions = dict(db.session.execute(db.select(LessonProgress.user_id, func.count())
                                              .where(LessonProgress.completed_at.is_not(None)).group_by(LessonProgress.user_id)).all())
        enrolments = Counter(db.session.execute(db.select(Enrolment.user_id)).scalars())
        passed = db.session.execute(db.select(Attempt.user_id, Attempt.quiz_id, func.count()).where(Attempt.passed.is_(True))
                                    .group_by(Attempt.user_id, Attempt.quiz_id)).all()
        certificates = Counter(db.session.execute(db.select(Certificate.user_id)).scalars())
    rows_ok = (len(completions) == args.learners and set(completions.values()) == {len(lessons)}
               and len(enrolments) == args.learners and set(enrolments.values()) == {1}
               and len(passed) == args.learners * len(quizzes) and all(count == 1 for *_, count in passed)
               and len(certificates) == args.learners and set(certificates.values()) == {1})
    same_jwks = jwks[0] == jwks[1] and len(jwks[0]["keys"]) == 1
    print(f"two servers ({database.split(':', 1)[0]}): {args.learners} learners complete {COURSE} through nginx "
          f"round robin over two gunicorn servers (2 sync workers each), in {elapsed:.1f} s")
    print(f"  requests {stats['requests']}, by server {dict(upstreams)}, 500s {stats['status 500']}, "
          f"503s {stats['status 503']}; rows exactly once: {rows_ok} ({sum(completions.values())} lesson completions, "
          f"{len(passed)} passed (learner, quiz) pairs, {sum(certificates.values())} certificates)")
    print(f"  requests passed on by nginx to the other server: {passed_on}")
    print(f"  credentials downloaded {len(tokens)}, verified against both servers' JWKS {verified}; "
          f"JWKS identical on both: {same_jwks}; learner failures {len(failures)}")
    print(f"  after `keys rotate` on A only: {dict(after_rotation)}")
    for failure in failures[:5]:
        print("   ", failure)
    shutil.rmtree(work, ignore_errors=True)
    if (not rows_ok or not same_jwks or failures or stats["status 500"] or len(upstreams) != 2
            or verified != 2 * args.learners * 2
            or after_rotation != Counter({"via nginx 200": 2 * args.learners, "B directly 503": args.learners})):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

"""How long the account forms take for an address that has an account and for one that has not.

A password-reset request, and a registration, must answer in about the same time either way, or
their timing says who has an account. The site sends mail through an SMTP sink that takes
``--smtp-delay`` ms per message, as a relay across the network would; the figures are medians of
``--rounds`` requests through the Flask test client, scrypt hashing as in production.
"""
from __future__ import annotations

import argparse
import socketserver
import statistics
import threading
import time

from common import csrf, temp_dir

PASSWORD = "bench-password-2026"


class SlowSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: every command is accepted; the message is acknowledged late."""

    delay = 0.0

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 sink")
        while line := self.rfile.readline():
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self.reply("250 sink")
            elif command == "DATA":
                self.reply("354 go on")
                while self.rfile.readline() not in (b".\r\n", b""):
                    continue
                time.sleep(self.delay)
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


def post_ms(app, path: str, form: dict) -> float:
    client = app.test_client()  # a visitor each time
    token = csrf(client, path)
    started = time.perf_counter()
    response = client.post(path, data={"csrf_token": token, **form})
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 302, response.status_code
    return elapsed


def compare(app, path: str, first: list[dict], second: list[dict]) -> tuple[float, float]:
    """Medians of the two kinds of request, taken in turn so that a busy machine slows both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for a, b in zip(first, second):
        times[0].append(post_ms(app, path, a))
        times[1].append(post_ms(app, path, b))
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--smtp-delay", type=float, default=50.0, help="ms the SMTP server takes per message")
    args = parser.parse_args()
    SlowSink.delay = args.smtp_delay / 1000
    sink = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSink)
    sink.daemon_threads = True
    threading.Thread(target=sink.serve_forever, daemon=True).start()

    from flask_migrate import upgrade

    from lms import create_app
    from lms.accounts.services import create_user
    from lms.extensions import db
    from lms.mail import flush_mail

    work = temp_dir()
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'mail.sqlite3'}",
                      "LMS_ENV": "development", "RATELIMIT_ENABLED": False, "LMS_MAIL_BACKEND": "smtp",
                      "LMS_SMTP_HOST": "127.0.0.1", "LMS_SMTP_PORT": sink.server_address[1]})
    with app.app_context():
        upgrade()
        create_user("known@example.com", "Known Learner", PASSWORD)
        db.session.commit()
    rounds = range(args.rounds)
    known = [{"name": "Known", "email": "known@example.com"} for _ in rounds]
    unknown = [{"name": "New", "email": f"nobody{n}@example.com"} for n in rounds]
    reset = compare(app, "/account/reset", known, unknown)
    register = compare(app, "/account/register", known, unknown)
    figures = {"reset request, account exists": reset[0], "reset request, no account": reset[1],
               "registration, account exists": register[0], "registration, new address": register[1]}
    flush_mail(timeout=None)  # the mails go on after their requests; let them reach the sink
    sink.shutdown()
    print(f"Account forms, median of {args.rounds} requests (SMTP relay {args.smtp_delay:.0f} ms per message, scrypt)")
    for label, value in figures.items():
        print(f"  {label:<32} {value:7.1f} ms")


if __name__ == "__main__":
    main()

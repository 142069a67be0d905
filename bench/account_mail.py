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


def median_ms(app, path: str, forms) -> float:
    times = []
    for form in forms:
        client = app.test_client()  # a visitor each time: a new account would be logged in
        token = csrf(client, path)
        started = time.perf_counter()
        response = client.post(path, data={"csrf_token": token, **form})
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code in (200, 302), response.status_code
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
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

    work = temp_dir()
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{work / 'mail.sqlite3'}",
                      "LMS_ENV": "development", "RATELIMIT_ENABLED": False, "LMS_MAIL_BACKEND": "smtp",
                      "LMS_SMTP_HOST": "127.0.0.1", "LMS_SMTP_PORT": sink.server_address[1]})
    with app.app_context():
        upgrade()
        create_user("known@example.com", "Known Learner", PASSWORD)
        db.session.commit()
    rounds = range(args.rounds)
    known = [{"email": "known@example.com"} for _ in rounds]
    unknown = [{"email": f"nobody{n}@example.com"} for n in rounds]
    figures = {
        "reset request, account exists": median_ms(app, "/account/reset", known),
        "reset request, no account": median_ms(app, "/account/reset", unknown),
        "registration, account exists": median_ms(app, "/account/register", [
            {"name": "Known", "password": PASSWORD, "confirm": PASSWORD, **form} for form in known]),
        "registration, new address": median_ms(app, "/account/register", [
            {"name": "New", "password": PASSWORD, "confirm": PASSWORD, "email": f"new{n}@example.com"} for n in rounds]),
    }
    sink.shutdown()
    print(f"Account forms, median of {args.rounds} requests (SMTP relay {args.smtp_delay:.0f} ms per message, scrypt)")
    for label, value in figures.items():
        print(f"  {label:<32} {value:7.1f} ms")


if __name__ == "__main__":
    main()

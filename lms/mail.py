"""Outgoing mail through a configurable backend: the log (default), SMTP, or memory for tests."""
from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from flask import current_app

log = logging.getLogger("lms.mail")


def send_mail(to: str, subject: str, body: str) -> None:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["LMS_MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    backend = config["LMS_MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions["lms"]["outbox"].append(message)
    elif backend == "smtp":
        with smtplib.SMTP(config["LMS_SMTP_HOST"], config["LMS_SMTP_PORT"], timeout=10) as smtp:
            if config["LMS_SMTP_TLS"]:
                smtp.starttls()
            if config["LMS_SMTP_USER"]:
                smtp.login(config["LMS_SMTP_USER"], config["LMS_SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    elif backend == "log":
        log.warning("mail to %s: %s\n%s", to, subject, body)
    else:
        raise RuntimeError(f"unknown LMS_MAIL_BACKEND {backend!r} (use log, smtp or memory)")

"""Outgoing mail through a configurable backend: SMTP, the log (development), or memory (tests).

Mail leaves outside the request: ``send_mail`` builds the message and hands it to a background
thread, so a page that sends a mail answers as fast as one that does not (a reset request must not
tell by its timing who has an account). Python waits for those threads when the process ends, so a
mail handed over before a clean shutdown is still sent. The ``memory`` backend stays synchronous.
"""
from __future__ import annotations

import logging
import smtplib
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait
from email.message import EmailMessage
from typing import Any

from flask import current_app

from .config import is_development

log = logging.getLogger("lms.mail")

BACKENDS = ("smtp", "log", "memory")
SMTP_KEYS = ("LMS_SMTP_HOST", "LMS_SMTP_PORT", "LMS_SMTP_USER", "LMS_SMTP_PASSWORD", "LMS_SMTP_TLS")

_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None
_pending: set[Future] = set()


def _message(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["LMS_MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message.set_content(body)
    return message


def _outgoing(to: str, subject: str, body: str) -> tuple[str, EmailMessage] | None:
    """The message and the backend that sends it; None once the memory backend has kept it (tests)."""
    message = _message(to, subject, body)
    backend = current_app.config["LMS_MAIL_BACKEND"]
    if backend == "memory":
        current_app.extensions["lms"]["outbox"].append(message)
        return None
    if backend not in BACKENDS:
        raise RuntimeError(f"unknown LMS_MAIL_BACKEND {backend!r} (use {', '.join(BACKENDS)})")
    return backend, message


def send_mail_now(to: str, subject: str, body: str) -> None:
    """Send a mail before returning, raising when it could not be sent: for a job that records each failure
    and sends again later (``lms.notifications``), never for a request."""
    config, outgoing = current_app.config, _outgoing(to, subject, body)
    if outgoing is not None:
        _transmit(*outgoing, {key: config[key] for key in SMTP_KEYS}, is_development(config))


def send_mail(to: str, subject: str, body: str) -> None:
    """Queue a mail for its backend; the request goes on without waiting for it."""
    config, outgoing = current_app.config, _outgoing(to, subject, body)
    if outgoing is not None:
        _submit(_deliver, *outgoing, {key: config[key] for key in SMTP_KEYS}, is_development(config))


def _submit(function, *args) -> None:
    global _pool
    with _lock:
        if _pool is None:  # made on first use, so a forking server makes it in each worker
            _pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lms-mail")
        future = _pool.submit(function, *args)
        _pending.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future) -> None:
    with _lock:
        _pending.discard(future)


def _deliver(backend: str, message: EmailMessage, settings: dict[str, Any], development: bool) -> None:
    """Runs on the mail thread: a failure is logged, since no request is left to answer."""
    try:
        _transmit(backend, message, settings, development)
    except Exception:
        log.exception("mail to %s (%s) was not sent", message["To"], message["Subject"])


def _transmit(backend: str, message: EmailMessage, settings: dict[str, Any], development: bool) -> None:
    if backend == "smtp":
        with smtplib.SMTP(settings["LMS_SMTP_HOST"], settings["LMS_SMTP_PORT"], timeout=10) as smtp:
            if settings["LMS_SMTP_TLS"]:
                smtp.starttls()
            if settings["LMS_SMTP_USER"]:
                smtp.login(settings["LMS_SMTP_USER"], settings["LMS_SMTP_PASSWORD"] or "")
            smtp.send_message(message)
    elif development:
        log.warning("mail to %s: %s\n%s", message["To"], message["Subject"], message.get_content())
    else:  # its body may hold a reset link, which must never reach a production log
        log.warning("mail to %s: %s (not sent, and its body is not logged: set LMS_MAIL_BACKEND=smtp)",
                    message["To"], message["Subject"])


def flush_mail(timeout: float | None = 30) -> None:
    """Wait until every queued mail has been handed to its backend (tests, benchmarks)."""
    with _lock:
        pending = list(_pending)
    wait(pending, timeout=timeout)

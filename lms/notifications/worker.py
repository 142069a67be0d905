"""The job an RQ worker runs: ``rq worker -u $LMS_REDIS_URL conductor`` imports this module, which builds the
app once per worker process (``lms.create_app()``, configured from the environment like ``flask``) and sends
each batch inside its app context."""
from __future__ import annotations

from flask import has_app_context

_app = []


def _application():
    if not _app:
        from lms import create_app

        _app.append(create_app())
    return _app[0]


def send_job(ids: list[int]) -> int:
    """Send a batch of claimed notifications (see ``lms.notifications.sending``)."""
    from .sending import send_batch

    if has_app_context():  # a worker run inside an app (tests, ``SimpleWorker`` in a shell)
        return send_batch(ids)
    with _application().app_context():
        try:
            return send_batch(ids)
        finally:
            from lms.extensions import db

            db.session.remove()


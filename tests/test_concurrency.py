"""Double clicks, two tabs, two workers: concurrent requests never duplicate progress.

Each thread has its own client and so its own database connection; on PostgreSQL the requests
really overlap, on SQLite they queue on the write lock. Both must end with one row per fact.
"""
from __future__ import annotations

import threading

from lms.extensions import db
from lms.progress.models import Enrolment, LessonProgress

from .conftest import Auth

COURSE = "/courses/intro-course/"
THREADS = 8


def logged_in_clients(app, count):
    clients = []
    for _ in range(count):
        client = app.test_client()
        Auth(client).login()
        clients.append(client)
    return clients


def together(count: int, work) -> list:
    """Run ``work(i)`` in ``count`` threads released at the same moment; returns what each returned."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(index: int) -> None:
        barrier.wait()
        results[index] = work(index)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def run_together(clients, path, token_from):
    """Each client POSTs ``path`` (with its own CSRF token) at the same moment; their status codes."""
    tokens = [Auth(client).csrf(token_from) for client in clients]
    return together(len(clients), lambda i: clients[i].post(path, data={"csrf_token": tokens[i]}).status_code)


def test_concurrent_enrolments_make_one_enrolment(synced, make_user):
    make_user()
    statuses = run_together(logged_in_clients(synced, THREADS), COURSE + "enrol", COURSE)
    assert statuses == [302] * THREADS
    with synced.app_context():
        assert db.session.execute(db.select(db.func.count(Enrolment.id))).scalar_one() == 1


def test_concurrent_completions_make_one_row_and_one_course_completion(synced, make_user):
    make_user()
    clients = logged_in_clients(synced, THREADS)
    Auth(clients[0]).post(COURSE + "enrol", token_from=COURSE)
    for lesson in ("what-is-ai", "models", "sprints"):
        Auth(clients[0]).post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)
    statuses = run_together(clients, COURSE + "review/complete", COURSE + "review")
    assert statuses == [302] * THREADS
    with synced.app_context():
        rows = db.session.execute(db.select(LessonProgress)).scalars().all()
        assert len(rows) == 4 and all(row.completed_at for row in rows)
        enrolment = db.session.execute(db.select(Enrolment)).scalar_one()
        assert enrolment.completed_at is not None

"""CSV export of 100,000 seeded learners (admin's learners.csv): time, and peak Python memory
(tracemalloc) while the response streams, at two sizes so a flat peak shows."""
from __future__ import annotations

import argparse
import time
import tracemalloc

from common import PASSWORD, csrf, make_app, reset_database, temp_dir

from tests.content_factory import make_tree

BATCH = 5000


def seed(app, start: int, stop: int) -> None:
    """Learners ``start``..``stop`` - 1, each enrolled in the one course, inserted in batches."""
    from sqlalchemy import insert

    from lms.accounts.models import User
    from lms.catalog.models import Course
    from lms.db import utcnow
    from lms.extensions import db
    from lms.progress.models import Enrolment
    from lms.schools.services import current_school

    with app.app_context():
        school, course = current_school(), db.session.execute(db.select(Course)).scalar_one()
        now, hashed = utcnow(), "pbkdf2:sha256:1000$bench$" + "0" * 64
        for first in range(start, stop, BATCH):
            numbers = range(first, min(first + BATCH, stop))
            ids = db.session.execute(insert(User).returning(User.id), [
                {"school_id": school.id, "email": f"learner{n:06d}@example.com", "name": f"Learner {n:06d}", "password_hash": hashed,
                 "role": "learner", "active": True, "created_at": now} for n in numbers]).scalars().all()
            db.session.execute(insert(Enrolment), [
                {"school_id": school.id, "user_id": user_id, "course_id": course.id, "enrolled_at": now,
                 "last_activity_at": now} for user_id in ids])
        db.session.commit()


def export(client) -> tuple[int, int]:
    """Stream /admin/learners.csv to the end; returns (bytes, lines)."""
    response = client.get("/admin/learners.csv")
    size = lines = 0
    for chunk in response.iter_encoded():
        size += len(chunk)
        lines += chunk.count(b"\n")
    response.close()
    return size, lines


def measure(client, learners: int) -> None:
    started = time.perf_counter()
    size, lines = export(client)
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    export(client)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {learners:>7,} learners: {lines - 1:>7,} rows, {size / 1e6:5.1f} MB of CSV in {elapsed:5.2f} s "
          f"({(lines - 1) / elapsed:,.0f} rows/s); peak Python memory while streaming {peak / 1e6:5.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    parser.add_argument("--learners", type=int, default=100_000)
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'csv.sqlite3'}"
    reset_database(database)
    app = make_app(database, make_tree(work / "tree"))
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    with app.app_context():
        from lms.accounts.services import create_user
        from lms.extensions import db

        create_user("admin@example.com", "Bench Admin", PASSWORD, "admin")
        db.session.commit()
    client = app.test_client()
    client.post("/account/login", data={"email": "admin@example.com", "password": PASSWORD,
                                        "csrf_token": csrf(client, "/account/login")})
    print(f"CSV export of learners ({database.split(':', 1)[0]}), streamed with yield_per and stream_with_context")
    small = args.learners // 10
    seed(app, 0, small)
    measure(client, small)
    seed(app, small, args.learners)
    measure(client, args.learners)


if __name__ == "__main__":
    main()

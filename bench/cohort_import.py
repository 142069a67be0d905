"""CSV import of learners into a cohort, through the admin's pages (upload and preview, then confirm): time, and
peak Python memory (tracemalloc), for 500 and 5,000 rows of new accounts, so a flat peak shows.

Each size is imported twice, into two cohorts with fresh addresses: once timed without tracemalloc (which slows
Python down), once under tracemalloc for the peak. The confirmation's figures include building and queuing the
5,000 invitation mails; the mail backend here counts the mails and keeps none (an SMTP server would take them),
so the peak is the import's own. The issue's budget: 5,000 rows in under 30 s, memory flat.

    python bench/cohort_import.py [--database URL]
"""
from __future__ import annotations

import argparse
import io
import re
import time
import tracemalloc
from datetime import date

from common import PASSWORD, csrf, make_app, reset_database, temp_dir

from tests.content_factory import make_tree

SEALED = re.compile(r'name="sealed" type="hidden" value="([^"]+)"')


class CountingOutbox(list):
    """The memory mail backend's outbox, counting mails without keeping them."""

    sent = 0

    def append(self, message) -> None:
        CountingOutbox.sent += 1


MAIL_SECONDS = [0.0]


def timing_mails(app) -> None:
    """Time the confirmation's mail building and queuing apart from the import itself."""
    import lms.cohorts.admin as views

    real = views.import_mails

    def timed(*args):
        started = time.perf_counter()
        try:
            return real(*args)
        finally:
            MAIL_SECONDS[0] += time.perf_counter() - started

    views.import_mails = timed


def csv_of(prefix: str, rows: int) -> bytes:
    lines = ["courriel;nom"] + [f"{prefix}{n:05d}@example.com;Apprenant {n:05d}, {prefix}" for n in range(rows)]
    return ("\ufeff" + "\n".join(lines) + "\n").encode()


def make_cohort(app, slug: str) -> int:
    from lms.accounts.services import find_user
    from lms.catalog.models import Course
    from lms.cohorts.services import create_cohort
    from lms.extensions import db
    from lms.schools.services import current_school

    with app.app_context():
        course = db.session.execute(db.select(Course)).scalars().first()
        cohort = create_cohort(find_user("admin@example.com"), current_school(), slug, slug, course,
                               date(2026, 1, 1), date(2026, 12, 31))
        db.session.commit()
        return cohort.id


def run_import(client, cohort_id: int, content: bytes) -> tuple[float, float]:
    """(preview seconds, confirm seconds) of one import through the pages."""
    url = f"/admin/cohorts/{cohort_id}/import"
    started = time.perf_counter()
    response = client.post(url, data={"csrf_token": csrf(client, url), "file": (io.BytesIO(content), "learners.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 200, response.status_code
    sealed = SEALED.search(response.get_data(as_text=True)).group(1)
    previewed = time.perf_counter()
    response = client.post(url + "/confirm", data={"csrf_token": csrf(client, url), "sealed": sealed})
    assert response.status_code == 302, response.status_code
    return previewed - started, time.perf_counter() - previewed


def members(app, cohort_id: int) -> int:
    from lms.cohorts.models import CohortMember
    from lms.extensions import db

    with app.app_context():
        return db.session.execute(db.select(db.func.count()).select_from(CohortMember)
                                  .filter_by(cohort_id=cohort_id)).scalar_one()


def measure(app, client, rows: int) -> None:
    timed, traced = make_cohort(app, f"timed-{rows}"), make_cohort(app, f"traced-{rows}")
    sent, MAIL_SECONDS[0] = CountingOutbox.sent, 0.0
    preview, confirm = run_import(client, timed, csv_of(f"t{rows}-", rows))
    mails = MAIL_SECONDS[0]
    assert members(app, timed) == rows and CountingOutbox.sent - sent == rows
    tracemalloc.start()
    run_import(client, traced, csv_of(f"m{rows}-", rows))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert members(app, traced) == rows
    print(f"  {rows:>5,} rows: preview {preview:5.2f} s, confirm {confirm:5.2f} s (accounts, members, enrolments "
          f"{confirm - mails:5.2f} s; building and queuing {rows:,} mails {mails:5.2f} s), total {preview + confirm:5.2f} s; "
          f"peak Python memory {peak / 1e6:5.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", default=None)
    args = parser.parse_args()
    work = temp_dir()
    database = args.database or f"sqlite:///{work / 'import.sqlite3'}"
    reset_database(database)
    app = make_app(database, make_tree(work / "tree"))
    app.config["LMS_MAIL_BACKEND"] = "memory"
    app.extensions["lms"]["outbox"] = CountingOutbox()
    timing_mails(app)
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
    print(f"Cohort CSV import ({database.split(':', 1)[0]}), through the admin's preview and confirmation")
    for rows in (500, 5000):
        measure(app, client, rows)


if __name__ == "__main__":
    main()

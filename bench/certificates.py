"""Time to make one certificate PDF and one signed Open Badge credential (median of N), on their own
and through the app (database, access check, response)."""
from __future__ import annotations

import argparse
import statistics
import time

from common import csrf, logged_in_client, prepare, temp_dir

from tests.content_factory import make_tree


def median_ms(action, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", "--runs", type=int, default=50)
    args = parser.parse_args()
    work = temp_dir()
    app = prepare(f"sqlite:///{work / 'certificates.sqlite3'}", make_tree(work / "tree"))
    app.config.update(LMS_KEYS_DIR=str(work / "keys"), LMS_BASE_URL="https://learn.example.org",
                      LMS_TRUSTED_HOSTS="localhost")  # the test client's host
    client = logged_in_client(app, "intro-course")
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        path = f"/courses/intro-course/{lesson}"
        client.post(path + "/complete", data={"csrf_token": csrf(client, path)})

    from lms.certificates.models import Certificate
    from lms.certificates.openbadge import signed_credential
    from lms.certificates.pdf import render_pdf
    from lms.extensions import db

    with app.app_context():
        certificate = db.session.execute(db.select(Certificate)).scalar_one()
        url = f"https://learn.example.org/verify/{certificate.credential_id}"
        signed_credential(certificate)  # makes the signing key (first use) outside the timings
        pdf = median_ms(lambda: render_pdf(certificate, url), args.runs)
        jwt = median_ms(lambda: signed_credential(certificate), args.runs)
        size = len(render_pdf(certificate, url))
    base = f"/certificates/{certificate.credential_id}"
    pdf_http = median_ms(lambda: client.get(base + ".pdf"), args.runs)
    jwt_http = median_ms(lambda: client.get(base + ".jwt"), args.runs)
    print(f"certificates (median of {args.runs}, RSA-3072 RS256 signing key)")
    print(f"  PDF           : {pdf:6.1f} ms  ({size / 1024:.0f} KiB; {pdf_http:6.1f} ms through the app)")
    print(f"  signed badge  : {jwt:6.1f} ms  ({jwt_http:6.1f} ms through the app)")


if __name__ == "__main__":
    main()

"""Helpers for the certificate tests: finish a course through the pages, find what was issued."""
from __future__ import annotations

from lms.certificates.models import Certificate
from lms.extensions import db

from .conftest import Auth

COURSE = "/courses/intro-course/"
LESSONS = ("what-is-ai", "models", "sprints", "review")


def finish_course(auth: Auth, course: str = COURSE, enrol: bool = True) -> None:
    if enrol:
        assert auth.post(course + "enrol", token_from=course).status_code == 302
    for lesson in LESSONS:
        assert auth.post(f"{course}{lesson}/complete", token_from=course + lesson).status_code == 302


def certificates(app) -> list[Certificate]:
    with app.app_context():
        found = db.session.execute(db.select(Certificate).order_by(Certificate.id)).scalars().all()
        db.session.expunge_all()
        return list(found)


def only_certificate(app) -> Certificate:
    [certificate] = certificates(app)
    return certificate

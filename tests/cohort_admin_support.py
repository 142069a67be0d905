"""Shared set-up for the cohort tests: a school with the test course and programme, an admin, and cohorts."""
from __future__ import annotations

from datetime import date

from lms.accounts.services import find_user
from lms.catalog.models import Course, Programme
from lms.cohorts import services
from lms.extensions import db
from lms.schools.services import current_school

from .conftest import Auth

ADMIN = "adele@example.com"


def make_cohort(app, slug="may-intake", name="May intake", programme=False, starts_on=date(2026, 5, 1),
                ends_on=date(2026, 9, 30)) -> int:
    with app.test_request_context("/"):
        admin = find_user(ADMIN)
        offering = (db.session.execute(db.select(Programme)).scalars().first() if programme else
                    db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one())
        cohort = services.create_cohort(admin, current_school(), name, slug, offering, starts_on, ends_on)
        db.session.commit()
        return cohort.id


def admin_client(app, make_user) -> Auth:
    make_user(email=ADMIN, name="Adèle Roux", role="admin")
    auth = Auth(app.test_client())
    assert auth.login(ADMIN).status_code == 302
    return auth

"""Finding the school a request or command acts for."""
from __future__ import annotations

from flask import current_app

from ..db import insert_ignore
from ..extensions import db
from .models import School


def find_school() -> School | None:
    """The school this app serves, read-only: browsing never creates it (enrolling does)."""
    return db.session.execute(db.select(School).filter_by(slug=current_app.config["LMS_SCHOOL"])).scalar_one_or_none()


def current_school() -> School:
    """The school this app serves (``LMS_SCHOOL``), created on first use so a fresh install works."""
    slug = current_app.config["LMS_SCHOOL"]
    school = db.session.execute(db.select(School).filter_by(slug=slug)).scalar_one_or_none()
    if school is None:
        config = current_app.config  # only seeds the settings: admins edit them afterwards
        seed = {"slug": slug, "name": config["LMS_SCHOOL_NAME"], "signatory": config["LMS_CERTIFICATE_SIGNATORY"]}
        db.session.execute(insert_ignore(School, seed, ["slug"]))
        school = db.session.execute(db.select(School).filter_by(slug=slug)).scalar_one()
    return school

"""Helpers for the admissions tests: a cohort with an open round, files of each kind, applying."""
from __future__ import annotations

import io
import zipfile
from datetime import date

from lms.admissions import files, questions, services
from lms.admissions.models import AdmissionRound
from lms.catalog.models import Course, Programme
from lms.cohorts.models import Cohort
from lms.extensions import db
from lms.schools.services import current_school

# No interface word among them (tests/test_french_pages.py opens the form in French).
QUESTIONS = "long | *Motivation | Pourquoi ? \nchoice | Niveau | | débutant; avancé\nfile | *CV | PDF"
PDF = b"%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n"


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override PartName="/word/document.xml" ContentType="application/'
                         'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def odt() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def make_round(app, slug="may", name="Cohorte de mai", programme=False, opened=True, text=QUESTIONS,
               closes_on=None, school=None) -> int:
    """An open round for a cohort of the intro course (or the pathway programme); returns its id."""
    with app.test_request_context("/"):
        school_id = school if school is not None else current_school().id
        offering = {"programme_id": db.session.execute(db.select(Programme.id)).scalar_one()} if programme else \
            {"course_id": db.session.execute(db.select(Course.id).filter_by(slug="intro-course")).scalar_one()}
        cohort = Cohort(school_id=school_id, slug=slug, name=name, starts_on=date(2026, 5, 1), ends_on=date(2026, 9, 1),
                        **offering)
        db.session.add(cohort)
        db.session.flush()
        round_ = AdmissionRound(school_id=school_id, cohort_id=cohort.id, is_open=opened, closes_on=closes_on,
                                questions=questions.dump(questions.parse(text)))
        db.session.add(round_)
        db.session.commit()
        return round_.id


def application_form(name="Nour Haddad", email="nour@example.com", file=(PDF, "mon cv.pdf"), **answers):
    data = {"name": name, "email": email, "q0": "J’aime apprendre.", "q1": "avancé", **answers}
    if file is not None:
        data["q2"] = (io.BytesIO(file[0]), file[1])
    return data


def apply(auth, round_id, **fields):
    """Apply as a visitor would: the form's page for its CSRF token, then the multipart POST."""
    return auth.post(f"/apply/{round_id}", application_form(**fields), token_from=f"/apply/{round_id}",
                     content_type="multipart/form-data")


def submitted_application(app, round_id: int, token: str, email="candidate@example.com", name="Inès Moreau") -> int:
    """A confirmed application with a PDF, whose private link is ``/apply/status/<token>``; returns its id."""
    with app.test_request_context("/"):
        round_ = db.session.get(AdmissionRound, round_id)
        checked = files.check(PDF, "cv.pdf", 1024 * 1024)
        application, _token = services.apply(round_, name, email, {"0": "Motivation forte", "1": "avancé"}, checked, "en")
        application.token_hash = services.token_hash(token)
        services.confirm(application)
        db.session.commit()
        return application.id

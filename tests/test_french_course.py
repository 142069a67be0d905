"""The French AI foundations course validates, loads, and a French learner completes it, quizzes and final
exam included, to a certificate in French."""
from __future__ import annotations

import io
from pathlib import Path

from pypdf import PdfReader

from lms.accounts.models import User
from lms.catalog.models import Course, Lesson
from lms.extensions import db
from lms.quizzes.models import Quiz

from .certificate_support import only_certificate
from .quiz_support import answers_form, questions, start

ROOT = Path(__file__).resolve().parent.parent
COURSE = "/courses/fondamentaux-ia/"


def test_a_french_learner_completes_the_french_course_to_a_french_certificate(make_app, make_user, auth):
    app = make_app(LMS_CONTENT_DIR=str(ROOT))
    result = app.test_cli_runner().invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    user_id = make_user()
    with app.app_context():
        db.session.get(User, user_id).locale = "fr"
        db.session.commit()
        course = db.session.execute(db.select(Course).filter_by(slug="fondamentaux-ia")).scalar_one()
        assert (course.language, course.translation_of, course.published) == ("fr", "ai-foundations", True)
        lessons = db.session.execute(db.select(Lesson.slug).filter_by(course_id=course.id, retired=False)
                                     .order_by(Lesson.position)).scalars().all()
        found = db.session.execute(db.select(Quiz).filter_by(course_id=course.id, retired=False)).scalars().all()
        # Module quizzes in the modules' order, the final exam last.
        quizzes = [quiz.slug for quiz in sorted(found, key=lambda q: (q.is_final, q.module.position if q.module else 0))]
    assert len(lessons) == 11 and len(quizzes) == 5
    auth.client = app.test_client()
    assert auth.login().status_code == 302
    page = auth.client.get(COURSE).get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert auth.post(COURSE + "enrol", token_from=COURSE).status_code == 302
    for slug in lessons:
        assert auth.post(f"{COURSE}{slug}/complete", token_from=COURSE + slug).status_code == 302
    for slug in quizzes:
        quiz = f"{COURSE}quiz/{slug}"
        attempt = start(auth, quiz)
        response = auth.post(f"{quiz}/attempts/{attempt}", {**answers_form(questions(app, attempt)), "action": "submit"},
                             token_from=quiz)
        assert response.status_code == 302, slug
        result_page = auth.client.get(response.headers["Location"]).get_data(as_text=True)
        assert "100" in result_page, slug
    certificate = only_certificate(app)
    assert certificate.language == "fr"
    pdf = auth.client.get(f"/certificates/{certificate.credential_id}.pdf")
    assert pdf.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Certificat de réussite" in text
    assert "Les fondamentaux de l'IA pour chefs de projet" in text
    assert any(month in text for month in ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                                           "septembre", "octobre", "novembre", "décembre"))

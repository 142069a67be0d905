"""Admissions: anyone applies to an open round with a file checked by content; the address's owner confirms;
staff accept (account made and invited, cohort joined) or decline with a message; a retention purge."""
from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest

from lms.accounts.models import User
from lms.admin.models import AuditEntry
from lms.admissions import services
from lms.admissions.models import AdmissionRound, Application
from lms.cohorts.models import CohortMember
from lms.extensions import db
from lms.progress.models import Enrolment

from .admission_support import PDF, apply, docx, make_round, odt
from .conftest import PASSWORD, Auth, last_link


def applications(app):
    with app.app_context():
        rows = db.session.execute(db.select(Application).order_by(Application.id)).scalars().all()
        db.session.expunge_all()
        return rows


def actions(app):
    with app.app_context():
        return [action for action in db.session.execute(db.select(AuditEntry.action).order_by(AuditEntry.id)).scalars()]


def confirmed(app, auth, round_id, **fields):
    """Apply and confirm through the mailed link; returns the status page's path."""
    assert apply(auth, round_id, **fields).status_code == 302
    link = last_link(app, "/apply/status/")
    assert auth.post(link + "/confirm", token_from=link).status_code == 302
    return link


@pytest.fixture()
def round_id(synced):
    return make_round(synced)


@pytest.fixture()
def admin(app, make_user):
    make_user(email="admin@example.com", name="Adèle Roux", role="admin")
    auth = Auth(app.test_client())
    assert auth.login("admin@example.com").status_code == 302
    return auth


def test_a_visitor_applies_with_a_pdf_and_confirms_through_the_mailed_link(app, auth, round_id):
    response = apply(auth, round_id)
    assert response.status_code == 302
    [row] = applications(app)
    assert (row.status, row.email, row.file_type, row.file_name, row.file_size) == \
        ("unconfirmed", "nour@example.com", "application/pdf", "mon cv.pdf", len(PDF))
    assert len(row.file_sha256) == 64 and row.language == "en"
    [mail] = app.extensions["lms"]["outbox"]
    assert mail["To"] == "nour@example.com" and "Cohorte de mai" in mail["Subject"]
    assert "J’aime" not in mail.get_content()  # nothing the sender typed but the address
    link = last_link(app, "/apply/status/")
    token = link.rsplit("/", 1)[1]
    assert token not in row.token_hash and services.token_hash(token) == row.token_hash
    page = auth.client.get(link)
    assert page.status_code == 200 and "Confirm my application" in page.get_data(as_text=True)
    assert "J’aime apprendre." in page.get_data(as_text=True) and "mon cv.pdf" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer" and "no-store" in page.headers["Cache-Control"]
    auth.post(link + "/confirm", token_from=link)
    assert applications(app)[0].status == "submitted"
    assert actions(app) == ["application_made", "application_confirmed"]


@pytest.mark.parametrize("content, name, stored", [(docx(), "cv.docx", "cv.docx"), (odt(), "cv.odt", "cv.odt"),
                                                    (PDF, "../../etc/cv\u202e.exe", "cv.pdf")])
def test_docx_and_odt_are_taken_by_content_and_names_are_cleaned(app, auth, round_id, content, name, stored):
    assert apply(auth, round_id, file=(content, name)).status_code == 302
    assert applications(app)[0].file_name == stored


@pytest.mark.parametrize("content", [b"MZ\x90\x00 not a pdf", b"PK\x03\x04 a broken zip", b"<html>%PDF-</html>"])
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_stored(app, auth, round_id, content):
    response = apply(auth, round_id, file=(content, "cv.pdf"))
    assert response.status_code == 422
    assert "Send a PDF, DOCX or ODT document" in response.get_data(as_text=True)
    assert applications(app) == [] and app.extensions["lms"]["outbox"] == []


def test_a_zip_that_is_not_a_document_is_refused(app, auth, round_id):
    buffer = io.BytesIO()
    import zipfile
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    assert apply(auth, round_id, file=(buffer.getvalue(), "cv.docx")).status_code == 422
    assert applications(app) == []


def test_a_file_over_the_limit_is_refused(make_app, synced):
    app = make_app(LMS_APPLICATION_FILE_MAX_BYTES=1000)
    round_id = make_round(app)
    auth = Auth(app.test_client())
    response = apply(auth, round_id, file=(PDF + b"x" * 1000, "cv.pdf"))
    assert response.status_code == 422 and "larger than" in response.get_data(as_text=True)
    far_too_big = apply(auth, round_id, file=(PDF + b"x" * 200_000, "cv.pdf"))
    assert far_too_big.status_code == 413  # past the page's body limit: not even read
    assert applications(app) == []


def test_a_missing_required_answer_or_file_is_refused(app, auth, round_id):
    response = apply(auth, round_id, q0="")
    assert response.status_code == 422 and "This field is required." in response.get_data(as_text=True)
    assert apply(auth, round_id, file=None).status_code == 422
    assert apply(auth, round_id, q1="expert").status_code == 422  # not an option
    assert applications(app) == []


def test_one_live_application_per_address_and_round(app, auth, round_id):
    assert apply(auth, round_id).status_code == 302
    again = apply(auth, round_id, email="NOUR@example.com")
    assert again.status_code == 422 and "already under way" in again.get_data(as_text=True)
    assert len(applications(app)) == 1
    link = last_link(app, "/apply/status/")
    auth.post(link + "/withdraw", token_from=link)  # withdrawn: the address may apply again
    assert apply(auth, round_id).status_code == 302
    assert [row.status for row in applications(app)] == ["withdrawn", "unconfirmed"]


def test_a_closed_round_takes_no_application(app, auth, synced):
    closed = make_round(app, opened=False)
    past = make_round(app, slug="april", closes_on=date(2020, 1, 1))
    assert auth.client.get(f"/apply/{closed}").status_code == 404
    assert auth.client.get(f"/apply/{past}").status_code == 404
    assert "Apply for" not in auth.client.get("/courses/intro-course/").get_data(as_text=True)


def test_the_course_and_programme_pages_offer_to_apply(app, auth, synced):
    course_round = make_round(app)
    programme_round = make_round(app, slug="pathway-may", name="Parcours de mai", programme=True)
    course = auth.client.get("/courses/intro-course/").get_data(as_text=True)
    assert "Apply for Cohorte de mai" in course and f'href="/apply/{course_round}"' in course
    programme = auth.client.get("/programmes/pathway").get_data(as_text=True)
    assert "Apply for Parcours de mai" in programme and f'href="/apply/{programme_round}"' in programme


def test_the_status_page_opens_by_its_token_only(app, auth, round_id):
    apply(auth, round_id)
    apply(auth, round_id, email="other@example.com", name="Oscar Petit")
    assert auth.client.get("/apply/status/" + "x" * 43).status_code == 404
    link = last_link(app, "/apply/status/")
    assert "Oscar Petit" in auth.client.get(link).get_data(as_text=True)
    assert "Nour Haddad" not in auth.client.get(link).get_data(as_text=True)
    assert auth.client.get("/apply/status/" + "y" * 5000).status_code == 404


def test_posts_without_a_csrf_token_are_refused(app, auth, round_id):
    from .admission_support import application_form
    assert auth.client.post(f"/apply/{round_id}", data=application_form(),
                            content_type="multipart/form-data").status_code == 400
    assert applications(app) == []
    apply(auth, round_id)
    link = last_link(app, "/apply/status/")
    assert auth.client.post(link + "/confirm").status_code == 400
    assert applications(app)[0].status == "unconfirmed"


def test_staff_never_see_an_unconfirmed_application(app, auth, admin, round_id):
    apply(auth, round_id)
    [row] = applications(app)
    assert admin.client.get(f"/admin/admissions/applications/{row.id}").status_code == 404
    assert "Nour Haddad" not in admin.client.get(f"/admin/admissions/rounds/{round_id}").get_data(as_text=True)


def test_accepting_makes_the_account_which_sets_its_password_and_logs_in(app, auth, admin, round_id):
    confirmed(app, auth, round_id)
    [row] = applications(app)
    page = admin.client.get(f"/admin/admissions/rounds/{round_id}?status=submitted").get_data(as_text=True)
    assert "Nour Haddad" in page
    detail = admin.client.get(f"/admin/admissions/applications/{row.id}").get_data(as_text=True)
    assert "J’aime apprendre." in detail and "avancé" in detail
    response = admin.post(f"/admin/admissions/applications/{row.id}/accept",
                          token_from=f"/admin/admissions/applications/{row.id}")
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(db.select(User).filter_by(email="nour@example.com")).scalar_one()
        assert user.role == "learner"
        assert db.session.execute(db.select(CohortMember).filter_by(user_id=user.id)).scalar_one().source == "admission"
        assert db.session.execute(db.select(Enrolment).filter_by(user_id=user.id)).scalar_one() is not None
        assert db.session.get(Application, row.id).status == "accepted"
    assert actions(app)[-1] == "application_accepted"
    mail = app.extensions["lms"]["outbox"][-1]
    assert mail["To"] == "nour@example.com" and "Cohorte de mai" in mail.get_content()
    applicant = Auth(app.test_client())
    link = last_link(app, "/account/welcome/")
    applicant.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link)
    applicant.logout()
    assert applicant.login("nour@example.com", PASSWORD).status_code == 302
    assert "Intro Course" in applicant.client.get("/dashboard").get_data(as_text=True)
    # Accepting twice changes nothing.
    admin.post(f"/admin/admissions/applications/{row.id}/accept", token_from="/admin/admissions")
    assert actions(app).count("application_accepted") == 1


def test_accepting_an_existing_account_adds_it_to_the_cohort(app, auth, admin, make_user, round_id):
    make_user(email="nour@example.com", name="Nour Haddad")
    confirmed(app, auth, round_id, email="Nour@Example.com")
    [row] = applications(app)
    admin.post(f"/admin/admissions/applications/{row.id}/accept", token_from="/admin/admissions")
    with app.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one() == 2  # no new account
        user = db.session.execute(db.select(User).filter_by(email="nour@example.com")).scalar_one()
        assert db.session.execute(db.select(CohortMember).filter_by(user_id=user.id)).scalar_one()
    mail = app.extensions["lms"]["outbox"][-1]
    assert "was accepted" in mail["Subject"] and "/dashboard" in mail.get_content()
    assert auth.login("nour@example.com", PASSWORD).status_code == 302


def test_declining_needs_a_message_and_mails_it_in_the_applicants_language(app, auth, admin, round_id):
    auth.client.set_cookie("lms_lang", "fr")
    confirmed(app, auth, round_id)
    [row] = applications(app)
    assert row.language == "fr"
    empty = admin.post(f"/admin/admissions/applications/{row.id}/decline", {"message": " "}, token_from="/admin/admissions")
    assert empty.status_code == 422 and applications(app)[0].status == "submitted"
    admin.post(f"/admin/admissions/applications/{row.id}/decline", {"message": "Complet cette année."},
               token_from="/admin/admissions")
    assert applications(app)[0].status == "declined"
    mail = app.extensions["lms"]["outbox"][-1]
    assert "Complet cette année." in mail.get_content() and "Votre candidature" in mail["Subject"]
    status = auth.client.get(last_link_to_status(app)).get_data(as_text=True)
    assert "Complet cette année." in status
    assert actions(app)[-1] == "application_declined"


def last_link_to_status(app):
    import re
    for mail in reversed(app.extensions["lms"]["outbox"]):
        match = re.search(r"https?://[^/\s]+(/apply/status/\S+)", mail.get_content())
        if match:
            return match.group(1)
    raise AssertionError("no status link")


def test_the_file_is_for_staff_only_and_always_a_download(app, auth, admin, make_user, round_id):
    confirmed(app, auth, round_id)
    [row] = applications(app)
    url = f"/admin/admissions/applications/{row.id}/file"
    response = admin.client.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.mimetype == "application/pdf"
    anonymous = app.test_client().get(url)
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    make_user(email="learner@example.com")
    learner = Auth(app.test_client())
    learner.login()
    assert learner.client.get(url).status_code == 403


def test_another_schools_round_and_application_are_not_found(app, auth, admin, round_id):
    from lms.schools.models import School
    confirmed(app, auth, round_id)
    [row] = applications(app)
    with app.app_context():
        other = School(slug="other", name="Other School")
        db.session.add(other)
        db.session.commit()
        db.session.execute(db.update(AdmissionRound).values(school_id=other.id))
        db.session.execute(db.update(Application).values(school_id=other.id))
        db.session.commit()
    assert admin.client.get(f"/admin/admissions/applications/{row.id}").status_code == 404
    assert admin.client.get(f"/admin/admissions/applications/{row.id}/file").status_code == 404
    assert admin.client.get(f"/admin/admissions/rounds/{round_id}").status_code == 404
    assert auth.client.get(f"/apply/{round_id}").status_code == 404


def test_staff_create_a_round_with_its_questions(app, admin, synced):
    make_round(app, opened=False)  # makes the cohort
    with app.app_context():
        cohort_id = db.session.execute(db.select(AdmissionRound.cohort_id)).scalar_one()
    bad = admin.post("/admin/admissions", {"cohort": cohort_id, "questions": "essay | Motivation"},
                     token_from="/admin/admissions")
    assert bad.status_code == 422 and "Line 1" in bad.get_data(as_text=True)
    good = admin.post("/admin/admissions", {"cohort": cohort_id, "is_open": "y",
                                            "questions": "short | *Ville\nchoice | Niveau | aide | a; b"},
                      token_from="/admin/admissions")
    assert good.status_code == 302
    round_id = int(good.headers["Location"].rsplit("/", 1)[1])
    form = admin.client.get(f"/apply/{round_id}").get_data(as_text=True)
    assert "Ville" in form and "aide" in form
    assert actions(app)[-1] == "admission_round_created"


def test_the_retention_purge_deletes_exactly_what_is_not_kept(app, auth, admin, runner, synced):
    open_round = make_round(app)
    closed_round = make_round(app, slug="old", name="Ancienne", opened=False)
    # Everything made in the open round, then the closed one is given a submitted application directly.
    statuses = ["unconfirmed", "submitted", "accepted", "declined", "withdrawn"]
    for index, status in enumerate(statuses):
        assert apply(auth, open_round, email=f"p{index}@example.com").status_code == 302
    with app.app_context():
        rows = db.session.execute(db.select(Application).order_by(Application.id)).scalars().all()
        for row, status in zip(rows, statuses):
            row.status = status
        old = datetime.now(UTC) - timedelta(days=200)
        for row in rows:
            row.created_at = old
        db.session.flush()
        stale = Application(round_id=closed_round, school_id=rows[0].school_id, name="X", email="x@example.com",
                            language="en", answers="{}", status="submitted", decision_message="", token_hash="a" * 64,
                            created_at=old)
        recent = Application(round_id=closed_round, school_id=rows[0].school_id, name="Y", email="y@example.com",
                             language="en", answers="{}", status="declined", decision_message="", token_hash="b" * 64)
        db.session.add_all([stale, recent])
        db.session.commit()
    assert runner.invoke(args=["lms", "admissions", "purge"]).output.strip() == "Deleted 0 application(s)."  # 0 = keep
    admin.post("/admin/admissions/retention", {"months": "6"}, token_from="/admin/admissions")
    result = runner.invoke(args=["lms", "admissions", "purge"])
    assert result.exit_code == 0 and result.output.strip() == "Deleted 4 application(s)."
    left = sorted((row.email, row.status) for row in applications(app))
    assert left == [("p1@example.com", "submitted"), ("p2@example.com", "accepted"), ("y@example.com", "declined")]
    with app.app_context():
        entry = db.session.execute(db.select(AuditEntry).filter_by(action="applications_purged")).scalar_one()
        assert entry.details == {"count": 4, "months": 6} and "@" not in entry.target_label


def test_months_before_keeps_the_day_or_the_months_last():
    assert services.months_before(datetime(2026, 3, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert services.months_before(datetime(2026, 1, 15, tzinfo=UTC), 13) == datetime(2024, 12, 15, tzinfo=UTC)


def test_applying_is_rate_limited_per_client_and_per_address(make_app, synced):
    app = make_app(RATELIMIT_ENABLED=True, LMS_APPLY_RATE_LIMIT="2 per hour", LMS_APPLY_EMAIL_RATE_LIMIT="1 per hour")
    round_id = make_round(app)
    first, second = Auth(app.test_client()), Auth(app.test_client())
    second.client.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert apply(first, round_id, email="a@example.com").status_code == 302
    assert apply(first, round_id, email="b@example.com").status_code == 302
    assert apply(first, round_id, email="c@example.com").status_code == 429  # this client's third in the hour
    link = last_link(app, "/apply/status/")
    second.post(link + "/withdraw", token_from=link)  # b's application withdrawn: b may apply again, but not yet
    assert apply(second, round_id, email="b@example.com").status_code == 429  # the address's second in the hour
    assert apply(second, round_id, email="d@example.com").status_code == 302
    assert len(applications(app)) == 3


def test_the_database_holds_one_live_application_per_address_and_round(app, auth, round_id):
    from sqlalchemy.exc import IntegrityError
    apply(auth, round_id)
    with app.app_context():
        [row] = db.session.execute(db.select(Application)).scalars().all()
        twin = Application(round_id=row.round_id, school_id=row.school_id, name="Twin", email=row.email, language="en",
                           answers="{}", status="submitted", decision_message="", token_hash="c" * 64)
        db.session.add(twin)
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_withdrawing_is_audited_and_ends_the_review(app, auth, admin, round_id):
    link = confirmed(app, auth, round_id)
    auth.post(link + "/withdraw", token_from=link)
    [row] = applications(app)
    assert row.status == "withdrawn" and actions(app)[-1] == "application_withdrawn"
    admin.post(f"/admin/admissions/applications/{row.id}/accept", token_from="/admin/admissions")
    assert applications(app)[0].status == "withdrawn"
    assert "Withdraw my application" not in auth.client.get(link).get_data(as_text=True)


def test_what_an_applicant_typed_is_shown_as_text(app, auth, admin, round_id):
    link = confirmed(app, auth, round_id, name="<b>Nour</b>", q0="<script>alert(1)</script>")
    [row] = applications(app)
    for page in (auth.client.get(link), admin.client.get(f"/admin/admissions/applications/{row.id}"),
                 admin.client.get(f"/admin/admissions/rounds/{round_id}")):
        text = page.get_data(as_text=True)
        assert "<script>alert(1)" not in text and "<b>Nour</b>" not in text and "&lt;b&gt;Nour&lt;/b&gt;" in text


def test_a_cohorts_instructors_review_its_applications_only(app, auth, admin, make_user, synced):
    from lms.cohorts.models import CohortInstructor
    mine, theirs = make_round(app), make_round(app, slug="june", name="Cohorte de juin")
    confirmed(app, auth, mine)
    confirmed(app, auth, theirs, email="other@example.com", name="Oscar Petit")
    first, second = applications(app)
    instructor_id = make_user(email="teacher@example.com", name="Tess Durand", role="instructor")
    make_user(email="idle@example.com", name="Ida Blanc", role="instructor")
    with app.app_context():
        cohort_id = db.session.get(AdmissionRound, mine).cohort_id
        db.session.add(CohortInstructor(cohort_id=cohort_id, user_id=instructor_id))
        db.session.commit()
    teacher = Auth(app.test_client())
    assert teacher.login("teacher@example.com").status_code == 302
    listing = teacher.client.get("/admin/admissions").get_data(as_text=True)
    assert "Cohorte de mai" in listing and "Cohorte de juin" not in listing and "New admission round" not in listing
    assert teacher.client.get(f"/admin/admissions/rounds/{mine}").status_code == 200
    assert teacher.client.get(f"/admin/admissions/rounds/{theirs}").status_code == 403
    assert teacher.client.get(f"/admin/admissions/applications/{second.id}").status_code == 403
    assert teacher.client.get(f"/admin/admissions/applications/{second.id}/file").status_code == 403
    token_page = f"/admin/admissions/applications/{first.id}"
    assert teacher.post(f"/admin/admissions/rounds/{mine}", {"questions": ""}, token_from=token_page).status_code == 403
    assert teacher.post("/admin/admissions/retention", {"months": "1"}, token_from=token_page).status_code == 403
    assert teacher.post(f"/admin/admissions/applications/{first.id}/accept", token_from=token_page).status_code == 302
    assert [row.status for row in applications(app)] == ["accepted", "submitted"]
    idle = Auth(app.test_client())
    idle.login("idle@example.com")
    assert idle.client.get("/admin/admissions").status_code == 403  # teaches no cohort

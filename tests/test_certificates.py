"""Issuing: one certificate per learner and course or programme, a snapshot that later edits never
change, explicit reissue that keeps the old record, revocation, and the backfill command."""
from __future__ import annotations

import base64
import hashlib

import pytest

from lms.accounts.models import User
from lms.catalog.models import Course
from lms.certificates import services
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.progress.models import Enrolment
from lms.progress.services import update_course_completion
from lms.schools.models import School

from .certificate_support import COURSE, certificates, finish_course, only_certificate
from .content_factory import write
from .quiz_support import FINAL, answers_form, post_answers, questions, start, sync


def _admin() -> User:
    from lms.accounts.services import create_user

    user = create_user("boss@example.com", "Boss Admin", "correct-horse-battery", "admin")
    db.session.flush()
    return user


def test_completing_a_course_issues_one_certificate_that_records_what_was_achieved(synced, learner, auth):
    finish_course(auth)
    certificate = only_certificate(synced)
    with synced.app_context():
        course = db.session.execute(db.select(Course)).scalar_one()
        enrolment = db.session.execute(db.select(Enrolment)).scalar_one()
        expected_version = hashlib.sha256(f"{course.content_hash}|{course.outline_hash}".encode()).hexdigest()
        assert (certificate.kind, certificate.course_id, certificate.programme_id) == ("course", course.id, None)
        assert certificate.completed_at == enrolment.completed_at
        assert certificate.school_id == enrolment.school_id
    assert certificate.holder_name == "Ada Learner" and certificate.title == "Intro Course"
    assert certificate.hours == 2 and certificate.school_name == "Conductor Academy"
    assert certificate.signatory == "Programme Director" and certificate.content_version == expected_version
    assert certificate.criteria == "Completed all 4 lessons of the course."
    assert certificate.generation == 1 and certificate.is_valid and certificate.issued_by_id is None
    assert len(base64.urlsafe_b64decode(certificate.credential_id + "==")) >= 16  # 128 random bits


def test_completion_recomputed_or_backfilled_issues_nothing_more(synced, learner, auth, runner):
    finish_course(auth)
    first = only_certificate(synced)
    with synced.app_context():
        user = db.session.get(User, learner)
        enrolment = db.session.execute(db.select(Enrolment)).scalar_one()
        assert update_course_completion(user, enrolment) is False
        again = services.issue_course_certificate(user, enrolment)  # a racing worker arriving late
        assert again.credential_id == first.credential_id
        db.session.commit()
    result = runner.invoke(args=["lms", "certificates", "backfill"])
    assert result.exit_code == 0 and "Issued 0 certificates." in result.output
    assert [c.credential_id for c in certificates(synced)] == [first.credential_id]


def test_backfill_issues_certificates_for_earlier_completions(synced, learner, auth, runner):
    auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway")
    finish_course(auth, enrol=False)
    with synced.app_context():
        db.session.execute(db.delete(Certificate))  # as if completed before certificates existed
        db.session.commit()
    result = runner.invoke(args=["lms", "certificates", "backfill"])
    assert result.exit_code == 0 and "Issued 2 certificates." in result.output
    assert sorted(c.kind for c in certificates(synced)) == ["course", "programme"]


def test_no_certificate_when_the_course_gives_none(app, runner, content_dir, make_user, auth):
    text = (content_dir / "courses/intro-course/course.md").read_text()
    write(content_dir, "courses/intro-course/course.md", text.replace("hours: 2", "hours: 2\ncertificate: false"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth.login()
    finish_course(auth)
    with app.app_context():
        assert db.session.execute(db.select(Enrolment)).scalar_one().completed_at is not None
    assert certificates(app) == []


def test_completing_every_course_of_a_programme_issues_its_certificate(synced, learner, auth):
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    finish_course(auth, enrol=False)
    course, programme = certificates(synced)
    assert (course.kind, programme.kind) == ("course", "programme")
    assert programme.title == "Test Pathway" and programme.hours == 2 and programme.course_id is None
    assert programme.criteria == "Completed every course of the programme: Intro Course."
    assert programme.credential_id != course.credential_id


def test_no_programme_certificate_when_the_programme_gives_none(app, runner, content_dir, make_user, auth):
    path = content_dir / "courses/_programmes/pathway.md"
    path.write_text(path.read_text().replace("courses:\n", "certificate: false\ncourses:\n"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth.login()
    auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway")
    finish_course(auth, enrol=False)
    assert [c.kind for c in certificates(app)] == ["course"]


def test_passing_the_final_exam_that_completes_the_course_issues_the_certificate(synced, learner, auth, content_dir):
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(synced)
    finish_course(auth)
    assert certificates(synced) == []  # every lesson done, but the exam is not passed yet
    attempt = start(auth, COURSE + "quiz/final")
    post_answers(auth, attempt, answers_form(questions(synced, attempt)), quiz=COURSE + "quiz/final")
    certificate = only_certificate(synced)
    assert certificate.criteria == "Completed all 4 lessons of the course and passed its assessment."


def test_a_certificate_does_not_change_when_the_learner_course_or_school_change(synced, learner, auth, content_dir,
                                                                                 runner):
    finish_course(auth)
    before = only_certificate(synced)
    text = (content_dir / "courses/intro-course/course.md").read_text()
    write(content_dir, "courses/intro-course/course.md", text.replace("hours: 2", "hours: 7").replace(
        "title: {title}", "title: Renamed"))
    write(content_dir, "courses/intro-course/02-practice/03-extra.md", "---\ntitle: Extra\nminutes: 5\n---\n\nNew.\n")
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    with synced.app_context():
        db.session.get(User, learner).name = "Ada Lovelace"
        db.session.execute(db.select(School)).scalar_one().name = "Renamed School"
        db.session.commit()
    after = only_certificate(synced)
    snapshot = ("holder_name", "title", "hours", "school_name", "signatory", "content_version", "completed_at",
                "issued_at", "credential_id")
    assert {name: getattr(after, name) for name in snapshot} == {name: getattr(before, name) for name in snapshot}


def test_reissue_issues_a_new_credential_and_keeps_the_old_one_auditable(synced, learner, auth):
    finish_course(auth)
    old = only_certificate(synced)
    with synced.app_context():
        admin = _admin()
        db.session.get(User, learner).name = "Ada Lovelace"
        certificate = services.by_credential_id(old.credential_id)
        new = services.reissue(certificate, admin, "Name corrected.")
        db.session.commit()
        assert new.credential_id != old.credential_id and new.generation == 2 and new.issued_by_id == admin.id
        assert new.holder_name == "Ada Lovelace" and new.title == old.title and new.completed_at == old.completed_at
        assert new.content_version == old.content_version and new.is_valid
        assert certificate.replaced_by_id == new.id and certificate.revoked_at is not None
        assert certificate.revoked_by_id == admin.id
        assert certificate.revocation_reason == "Reissued as a new certificate. Name corrected."
        assert certificate.holder_name == "Ada Learner"  # the old record says what it said
        assert [c.generation for c in services.history(new)] == [1, 2]
        assert services.certificates_of(db.session.get(User, learner)) == [new]
        with pytest.raises(services.CertificateError):
            services.reissue(certificate, admin, "")


def test_revoke_once_with_a_reason(synced, learner, auth):
    finish_course(auth)
    with synced.app_context():
        admin = _admin()
        certificate = services.by_credential_id(only_certificate(synced).credential_id)
        services.revoke(certificate, admin, "  Academic misconduct.  ")
        db.session.commit()
        assert certificate.status == "revoked" and certificate.revocation_reason == "Academic misconduct."
        with pytest.raises(services.CertificateError):
            services.revoke(certificate, admin, "again")
        assert services.revoked_indexes(db.session.get(School, certificate.school_id)) == [certificate.status_index]


def test_search_by_name_email_title_or_id_and_status(synced, learner, auth, make_user):
    finish_course(auth)
    certificate = only_certificate(synced)
    with synced.app_context():
        school = db.session.execute(db.select(School)).scalar_one()
        for query, count in (("ada", 1), ("LEARNER@example", 1), ("intro", 1), (certificate.credential_id[:10], 1),
                             ("nobody", 0), ("%", 0)):  # "%" is a literal, not a wildcard
            assert services.search(school, query)[1] == count, query
        assert services.search(school, "", "valid")[1] == 1 and services.search(school, "", "revoked")[1] == 0

"""A certificate's place in the revocation list (its ``statusListIndex``) is drawn at random when it
is issued: the indexes tell neither how many certificates a school issued nor in what order."""
from __future__ import annotations

import base64
import gzip
import json
from datetime import UTC, datetime
from typing import NamedTuple

import pytest
from sqlalchemy import text

from lms.accounts.services import create_user
from lms.certificates import openbadge, services
from lms.certificates.models import STATUS_LIST_BITS, Certificate, status_list_size
from lms.catalog.models import Course
from lms.extensions import db
from lms.progress import services as progress
from lms.schools.services import current_school

LEARNERS = 40


class Issued(NamedTuple):
    id: int
    status_index: int
    legacy_status_index: int | None


def issue(app, count: int = LEARNERS) -> list[Issued]:
    """Certificates for ``count`` learners who completed the course, in the order they were issued."""
    with app.app_context():
        school, course = current_school(), db.session.execute(db.select(Course)).scalar_one()
        issued = []
        for n in range(count):
            learner = create_user(f"learner{n}@example.com", f"Learner {n}", "correct-horse-battery", "learner")
            enrolment = progress.enrol(learner, course, school)
            enrolment.completed_at = datetime.now(UTC)
            certificate = services.issue_course_certificate(learner, enrolment)
            issued.append(Issued(certificate.id, certificate.status_index, certificate.legacy_status_index))
        db.session.commit()
        return issued


def bits_set(client) -> set[int]:
    token = client.get("/issuers/default/status/revocation").get_data(as_text=True)
    payload = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    bits = gzip.decompress(base64.urlsafe_b64decode(payload["credentialSubject"]["encodedList"][1:] + "=="))
    assert len(bits) * 8 >= STATUS_LIST_BITS
    return {n for n in range(len(bits) * 8) if bits[n // 8] & (0x80 >> (n % 8))}


def test_indexes_are_random_unique_and_within_the_list(synced):
    issued = issue(synced)
    indexes = [certificate.status_index for certificate in issued]
    assert len(set(indexes)) == LEARNERS
    assert all(0 <= index < STATUS_LIST_BITS for index in indexes)
    assert indexes != sorted(indexes)  # not in the order of issue
    assert max(indexes) - min(indexes) > 10 * LEARNERS  # spread over the list, not a run of numbers
    assert indexes != [certificate.id for certificate in issued]
    assert all(certificate.legacy_status_index is None for certificate in issued)


def test_the_credential_points_at_its_index_and_revoking_sets_that_bit_only(synced, client):
    certificate = issue(synced, 3)[1]
    with synced.test_request_context():
        found = db.session.get(Certificate, certificate.id)
        status = openbadge.credential(found, openbadge.links_for(found))["credentialStatus"]
        assert status["statusListIndex"] == str(certificate.status_index)
        assert bits_set(client) == set()
        admin = create_user("root@example.com", "Root", "correct-horse-battery", "admin")
        services.revoke(found, admin, "Issued in error.")
        db.session.commit()
    assert bits_set(client) == {certificate.status_index}


def test_a_certificate_from_before_random_indexes_keeps_its_old_bit(synced, client):
    """Credentials handed out before migration 0006 carry the id as their index: revoking one sets that
    bit as well as the new one, and no new certificate is ever given that index."""
    first, second = issue(synced, 2)
    with synced.app_context():
        old = db.session.get(Certificate, first.id)
        old.legacy_status_index = second.status_index + 1
        admin = create_user("root@example.com", "Root", "correct-horse-battery", "admin")
        services.revoke(old, admin, "Issued in error.")
        db.session.commit()
        legacy = old.legacy_status_index
    assert bits_set(client) == {first.status_index, legacy}


def test_a_taken_index_is_drawn_again(synced, monkeypatch):
    taken = issue(synced, 1)[0].status_index
    draws = iter([taken, taken, 12345])
    monkeypatch.setattr(services.secrets, "randbelow", lambda size: next(draws))
    assert issue_one(synced, "late@example.com").status_index == 12345


def test_an_index_taken_between_the_draw_and_the_insert_is_drawn_again(synced, monkeypatch):
    """A racing worker may take the index after it was found free: the insert ignores the conflict,
    the certificate does not exist yet, so another index is drawn."""
    taken = issue(synced, 1)[0].status_index
    draws = iter([taken, 777])
    monkeypatch.setattr(services, "_free_status_index", lambda school_id: next(draws))
    assert issue_one(synced, "late@example.com").status_index == 777


def issue_one(app, email: str) -> Issued:
    with app.app_context():
        learner = create_user(email, "Late Learner", "correct-horse-battery", "learner")
        enrolment = progress.enrol(learner, db.session.execute(db.select(Course)).scalar_one(), current_school())
        enrolment.completed_at = datetime.now(UTC)
        certificate = services.issue_course_certificate(learner, enrolment)
        db.session.commit()
        return Issued(certificate.id, certificate.status_index, certificate.legacy_status_index)


def test_the_list_keeps_the_minimum_size_and_grows_to_stay_a_quarter_full():
    assert status_list_size(1) == status_list_size(STATUS_LIST_BITS // 4) == STATUS_LIST_BITS
    assert status_list_size(STATUS_LIST_BITS // 4 + 1) == 2 * STATUS_LIST_BITS
    assert all(status_list_size(n) >= 4 * n for n in (1, 10, 40_000, 10**6))


def test_migration_0006_gives_existing_certificates_random_distinct_indexes(app, make_user):
    """Downgrade to 0005, write certificates as they were, upgrade: each gets a random index of its
    school's list, distinct, never an old one (the ids, kept as legacy indexes)."""
    from flask_migrate import downgrade, upgrade

    user_id = make_user()
    with app.app_context():
        school_id = current_school().id
        db.session.commit()
        db.session.remove()  # no transaction of this session may hold a lock the migrations wait for
        downgrade(revision="0005")
        try:
            with db.engine.begin() as connection:
                for n in range(200):
                    connection.execute(text(
                        "INSERT INTO certificates (credential_id, school_id, user_id, kind, generation, holder_name, "
                        "achievement_slug, title, description, criteria, hours, content_version, school_name, signatory, "
                        "completed_at, issued_at, revocation_reason) VALUES (:credential, :school, :user, 'course', :n, "
                        "'Ada', 'intro-course', 'Intro', '', '', 2, 'v', 'School', 'Director', :now, :now, '')"),
                        {"credential": f"c{n}", "school": school_id, "user": user_id, "n": n + 1, "now": datetime.now(UTC)})
            upgrade()
            rows = db.session.execute(db.select(Certificate.id, Certificate.status_index, Certificate.legacy_status_index)
                                      .order_by(Certificate.id)).all()
        finally:
            upgrade()
    ids = [row.id for row in rows]
    indexes = [row.status_index for row in rows]
    assert [row.legacy_status_index for row in rows] == ids
    assert len(set(indexes)) == 200 and not set(indexes) & set(ids)
    assert indexes != sorted(indexes) and all(0 <= index < STATUS_LIST_BITS for index in indexes)


def test_the_database_refuses_two_certificates_at_one_index(synced):
    first, second = issue(synced, 2)
    with synced.app_context(), pytest.raises(Exception, match="(?i)unique"):
        db.session.execute(db.update(Certificate).where(Certificate.id == second.id)
                           .values(status_index=first.status_index))
        db.session.flush()

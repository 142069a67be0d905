"""Invitation links: a limited number of seats, taken one per learner by a guarded UPDATE, shown once."""
from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest

from lms.cohorts.models import CohortInvitation, CohortMember
from lms.db import utcnow
from lms.extensions import db
from lms.progress.models import Enrolment

from .cohort_admin_support import admin_client, make_cohort
from .conftest import Auth


@pytest.fixture()
def admin(synced, make_user):
    return admin_client(synced, make_user)


def create_link(admin, cohort_id, seats=2, expires_on=""):
    url = f"/admin/cohorts/{cohort_id}"
    response = admin.post(url + "/invitations", {"seats": str(seats), "expires_on": expires_on}, token_from=url)
    assert response.status_code == 201, response.status_code
    assert "no-store" in response.headers["Cache-Control"]
    return re.search(r'value="https?://[^/"]+(/join/[^"]+)"', response.get_data(as_text=True)).group(1)


def learner(app, make_user, email):
    make_user(email=email, name=email.split("@")[0].title())
    auth = Auth(app.test_client())
    assert auth.login(email).status_code == 302
    return auth


def used(app) -> int:
    with app.app_context():
        return db.session.execute(db.select(CohortInvitation.used)).scalar_one()


def test_the_link_is_shown_once_and_only_its_hash_is_stored(synced, admin):
    import hashlib

    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id)
    token = link.rsplit("/", 1)[1]
    with synced.app_context():
        invitation = db.session.execute(db.select(CohortInvitation)).scalar_one()
        assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in admin.client.get(f"/admin/cohorts/{cohort_id}").get_data(as_text=True)
    assert "0 of 2" in admin.client.get(f"/admin/cohorts/{cohort_id}").get_data(as_text=True)


@pytest.mark.parametrize("seats", ["0", "1001", "many"])
def test_seats_are_between_1_and_1000(synced, admin, seats):
    cohort_id = make_cohort(synced)
    url = f"/admin/cohorts/{cohort_id}"
    assert admin.post(url + "/invitations", {"seats": seats}, token_from=url).status_code == 400
    with synced.app_context():
        assert db.session.execute(db.select(CohortInvitation)).first() is None


def test_a_learner_joins_once_and_takes_one_seat(synced, admin, make_user):
    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id)
    olive = learner(synced, make_user, "olive@example.com")
    page = olive.client.get(link).get_data(as_text=True)
    assert "May intake" in page and "Join the cohort" in page
    response = olive.post(link, token_from=link)
    assert response.status_code == 302 and response.headers["Location"].endswith("/dashboard")
    assert olive.post(link, token_from=link).status_code == 302  # again: already a learner
    assert used(synced) == 1
    with synced.app_context():
        assert db.session.execute(db.select(CohortMember.source)).scalar_one() == "link"
        assert db.session.execute(db.select(Enrolment)).scalar_one()
    assert "already a learner" in olive.client.get(link).get_data(as_text=True)


def test_a_visitor_logs_in_and_comes_back(synced, admin, make_user):
    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id)
    visitor = Auth(synced.test_client())
    page = visitor.client.get(link).get_data(as_text=True)
    assert "Log in" in page and "next=" in page
    token = visitor.csrf(link) if 'name="csrf_token"' in page else visitor.csrf()
    response = visitor.client.post(link, data={"csrf_token": token})
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    make_user(email="oscar@example.com", name="Oscar Petit")
    back = visitor.login("oscar@example.com", next=link)
    assert back.headers["Location"] == link


def test_full_expired_revoked_and_unknown_links(synced, admin, make_user):
    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id, seats=1)
    assert learner(synced, make_user, "first@example.com").post(link, token_from=link).status_code == 302
    late = learner(synced, make_user, "late@example.com")
    full = late.client.get(link)
    assert full.status_code == 410 and "no seat left" in full.get_data(as_text=True)
    token = late.csrf("/")
    assert late.client.post(link, data={"csrf_token": token}).status_code == 410 and used(synced) == 1
    with synced.app_context():
        invitation = db.session.execute(db.select(CohortInvitation)).scalar_one()
        invitation.seats, invitation.expires_at = 5, utcnow() - timedelta(minutes=1)
        db.session.commit()
    assert "has expired" in late.client.get(link).get_data(as_text=True)
    assert late.client.post(link, data={"csrf_token": token}).status_code == 410
    with synced.app_context():
        invitation = db.session.execute(db.select(CohortInvitation)).scalar_one()
        invitation.expires_at = None
        db.session.commit()
        invitation_id = invitation.id
    url = f"/admin/cohorts/{cohort_id}"
    assert admin.post(f"{url}/invitations/{invitation_id}/revoke", token_from=url).status_code == 302
    assert "withdrawn" in late.client.get(link).get_data(as_text=True)
    assert late.client.post(link, data={"csrf_token": token}).status_code == 410 and used(synced) == 1
    assert late.client.get("/join/not-a-real-token").status_code == 404
    assert late.client.get(link + "x").status_code == 404


def test_staff_accounts_do_not_join_as_learners(synced, admin):
    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id)
    assert "Only learner accounts join a cohort" in admin.client.get(link).get_data(as_text=True)
    assert admin.post(link, token_from=link).status_code == 403 and used(synced) == 0


def test_two_learners_racing_for_the_last_seat_get_one(synced, admin, make_user):
    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id, seats=1)
    racers = [learner(synced, make_user, f"racer{n}@example.com") for n in range(2)]
    tokens = [racer.csrf(link) for racer in racers]
    barrier, answers = threading.Barrier(2), []

    def run(racer, token):
        barrier.wait()
        answers.append(racer.client.post(link, data={"csrf_token": token}).status_code)

    threads = [threading.Thread(target=run, args=pair) for pair in zip(racers, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [302, 410]
    assert used(synced) == 1
    with synced.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(CohortMember)).scalar_one() == 1


def test_the_guarded_update_is_what_holds_the_last_seat(synced, admin, make_user, monkeypatch):
    """With the seat check gone (a learner who read 'one seat left' before the other took it), the second
    learner is refused all the same: the UPDATE's own WHERE keeps the count."""
    from lms.cohorts import invitations, services

    cohort_id = make_cohort(synced)
    link = create_link(admin, cohort_id, seats=1)
    learner(synced, make_user, "first@example.com").post(link, token_from=link)
    second = learner(synced, make_user, "second@example.com")
    token = second.csrf("/")
    monkeypatch.setattr(invitations.services, "link_state", lambda invitation: services.LinkState(True, "open"))
    refused = second.client.post(link, data={"csrf_token": token})
    assert refused.status_code == 200 and "There is no seat left on this link." in refused.get_data(as_text=True)
    assert used(synced) == 1
    with synced.app_context():
        assert db.session.execute(db.select(db.func.count()).select_from(CohortMember)).scalar_one() == 1

"""Profiles: a learner corrects their name and e-mail, an admin corrects a name with a reason, and
certificates follow a rename only through a reissue (asked for, approved, or automatic)."""
from __future__ import annotations

import pytest

from lms.accounts.models import User
from lms.admin.models import AuditEntry
from lms.certificates.models import Certificate, ReissueRequest
from lms.extensions import db

from .certificate_support import certificates, finish_course
from .conftest import PASSWORD, Auth, last_link
from .content_factory import make_tree

SECOND = "/courses/second-course/"


@pytest.fixture()
def content_dir(tmp_path):
    return make_tree(tmp_path / "content", ("intro-course", "second-course"), programme=False)


def outbox(app) -> list:
    return app.extensions["lms"]["outbox"]


def user(app, user_id: int) -> User:
    with app.app_context():
        found = db.session.get(User, user_id)
        db.session.expunge_all()
        return found


def rename(auth: Auth, name: str):
    return auth.post("/account/profile/name", {"name": name}, token_from="/account/profile")


def ask_email(auth: Auth, email: str, password: str = PASSWORD):
    return auth.post("/account/profile/email", {"email": email, "password": password}, token_from="/account/profile")


def make_admin(make_user, app, email="boss@example.com") -> Auth:
    make_user(email=email, name="Boss Admin", role="admin")
    admin = Auth(app.test_client())
    assert admin.login(email=email).status_code == 302
    return admin


# Name


def test_a_new_name_shows_on_the_next_certificate_and_not_on_the_old_snapshot(synced, learner, auth):
    finish_course(auth)
    response = rename(auth, "  Ada Lovelace ")
    assert response.status_code == 302
    page = auth.client.get("/account/profile").get_data(as_text=True)
    assert "Certificates issued before show the old name" in page and 'value="Ada Lovelace"' in page
    finish_course(auth, SECOND)
    old, new = certificates(synced)
    assert old.holder_name == "Ada Learner" and old.is_valid  # a snapshot: the rename leaves it alone
    assert new.holder_name == "Ada Lovelace" and new.title == "Second Course"
    assert user(synced, learner).name == "Ada Lovelace"


@pytest.mark.parametrize("name, message", [("", "This field is required."), ("x" * 121, "Field cannot be longer")])
def test_a_bad_name_is_refused_with_a_message_and_nothing_changes(synced, learner, auth, name, message):
    response = rename(auth, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert user(synced, learner).name == "Ada Learner"


def test_profile_changes_need_a_csrf_token(synced, learner, auth):
    assert auth.client.post("/account/profile/name", data={"name": "Forged"}).status_code == 400
    assert auth.client.post("/account/profile/email", data={"email": "x@example.com", "password": PASSWORD}).status_code == 400
    assert auth.client.post("/account/profile/name", data={"name": "Forged", "csrf_token": "forged"}).status_code == 400
    assert user(synced, learner).name == "Ada Learner" and outbox(synced) == []


def test_the_profile_changes_only_the_logged_in_account(synced, learner, auth, make_user):
    """There is no account in the URL or the form: another learner's post changes their own profile."""
    other_id = make_user(email="other@example.com", name="Other Learner")
    other = Auth(synced.test_client())
    other.login(email="other@example.com")
    assert other.post("/account/profile/name", {"name": "Hijacked", "user_id": str(learner)},
                      token_from="/account/profile").status_code == 302
    assert user(synced, learner).name == "Ada Learner" and user(synced, other_id).name == "Hijacked"
    anonymous = Auth(synced.test_client())
    response = anonymous.post("/account/profile/name", {"name": "Anon"}, token_from="/account/login")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")


# E-mail


def test_the_email_changes_only_when_the_link_sent_to_the_new_address_is_opened(synced, learner, auth):
    assert ask_email(auth, "Ada.New@Example.com").status_code == 302
    [mail] = outbox(synced)
    assert mail["To"] == "ada.new@example.com"
    assert user(synced, learner).email == "learner@example.com"  # not yet
    link = last_link(synced, "/account/email/")
    page = auth.client.get(link).get_data(as_text=True)
    assert "ada.new@example.com" in page and user(synced, learner).email == "learner@example.com"  # a GET changes nothing
    response = auth.post(link, token_from=link, follow_redirects=True)
    assert "Your e-mail address is now ada.new@example.com" in response.get_data(as_text=True)
    assert user(synced, learner).email == "ada.new@example.com"
    notice = outbox(synced)[-1]
    assert notice["To"] == "learner@example.com" and "changed from this address to ada.new@example.com" in notice.get_content()
    # the link works once, and the new address logs in
    again = auth.post(link, token_from="/account/profile")
    assert again.status_code == 400 and "already been used" in again.get_data(as_text=True)
    auth.logout()
    assert auth.login(email="learner@example.com").status_code == 200
    assert auth.login(email="ada.new@example.com").status_code == 302


def test_an_expired_link_is_refused_with_a_message_and_nothing_changes(make_app, make_user):
    application = make_app(LMS_EMAIL_CHANGE_TOKEN_MAX_AGE=-1)
    make_user()
    auth = Auth(application.test_client())
    auth.login()
    ask_email(auth, "new@example.com")
    link = last_link(application, "/account/email/")
    for response in (auth.client.get(link), auth.post(link, token_from="/account/profile")):
        assert response.status_code == 400
        assert "This confirmation link has expired: your e-mail address is unchanged." in response.get_data(as_text=True)
    with application.app_context():
        assert db.session.execute(db.select(User.email)).scalar_one() == "learner@example.com"


def test_a_tampered_link_is_refused_with_a_message_and_nothing_changes(synced, learner, auth):
    ask_email(auth, "new@example.com")
    link = last_link(synced, "/account/email/")
    at = len("/account/email/") + 5  # a character of the signed payload: the signature no longer matches
    tampered = link[:at] + ("A" if link[at] != "A" else "B") + link[at + 1:]
    for forged in (tampered, "/account/email/not-a-token"):
        response = auth.post(forged, token_from="/account/profile")
        assert response.status_code == 400, (forged, response.headers.get("Location"))
        assert "This confirmation link is not valid: your e-mail address is unchanged." in response.get_data(as_text=True)
    assert user(synced, learner).email == "learner@example.com"


def test_a_taken_address_gets_the_same_answer_and_its_owner_is_told(synced, learner, auth, make_user):
    make_user(email="taken@example.com", name="Taken Owner")
    taken = ask_email(auth, "taken@example.com")
    taken_page = auth.client.get(taken.headers["Location"]).get_data(as_text=True)
    free = ask_email(auth, "free@example.com")
    free_page = auth.client.get(free.headers["Location"]).get_data(as_text=True)
    assert taken.status_code == free.status_code == 302 and taken.headers["Location"] == free.headers["Location"]
    assert "we have sent a message to taken@example.com" in taken_page
    assert "we have sent a message to free@example.com" in free_page  # the same words for both
    owner_notice, link_mail = outbox(synced)
    assert owner_notice["To"] == "taken@example.com" and "/account/email/" not in owner_notice.get_content()
    assert "It already belongs to your account, so nothing has changed." in owner_notice.get_content()
    assert link_mail["To"] == "free@example.com" and "/account/email/" in link_mail.get_content()
    assert user(synced, learner).email == "learner@example.com"


def test_an_email_change_needs_the_current_password(synced, learner, auth):
    response = ask_email(auth, "new@example.com", password="wrong-password")
    assert response.status_code == 400 and "The current password is not correct." in response.get_data(as_text=True)
    assert outbox(synced) == []


# Admin


def test_an_admin_corrects_a_name_with_a_reason_in_the_audit_log(synced, learner, make_user):
    admin = make_admin(make_user, synced)
    page = f"/admin/learners/{learner}"
    refused = admin.post(page + "/name", {"rename-name": "Ada Lovelace", "rename-reason": "  "}, token_from=page,
                         follow_redirects=True)
    assert "Give the new name and say why" in refused.get_data(as_text=True)
    assert user(synced, learner).name == "Ada Learner"
    done = admin.post(page + "/name", {"rename-name": "Ada Lovelace", "rename-reason": "Passport spelling"},
                      token_from=page, follow_redirects=True)
    assert "Done, and written to the audit log." in done.get_data(as_text=True)
    assert user(synced, learner).name == "Ada Lovelace"
    with synced.app_context():
        [entry] = db.session.execute(db.select(AuditEntry)).scalars()
        assert (entry.action, entry.target_id, entry.reason) == ("rename", learner, "Passport spelling")
        assert entry.details == {"previous": "Ada Learner", "name": "Ada Lovelace"}


def test_a_learner_cannot_rename_through_the_admin_page(synced, learner, auth):
    response = auth.post(f"/admin/learners/{learner}/name", {"rename-name": "Self", "rename-reason": "x"})
    assert response.status_code == 403 and user(synced, learner).name == "Ada Learner"


# Reissue


def test_asked_approved_reissue_shows_the_new_name_and_keeps_the_chain(synced, learner, auth, make_user):
    finish_course(auth)
    rename(auth, "Ada Lovelace")
    page = auth.client.get("/certificates").get_data(as_text=True)
    assert "Ask for a reissue with my current name" in page
    [old] = certificates(synced)
    assert auth.post(f"/certificates/{old.credential_id}/reissue-request", token_from="/certificates").status_code == 302
    assert "an administrator will review it" in auth.client.get("/certificates").get_data(as_text=True)
    admin = make_admin(make_user, synced)
    queue = admin.client.get("/admin/certificates/reissue-requests").get_data(as_text=True)
    assert "Ada Lovelace" in queue
    with synced.app_context():
        request_id = db.session.execute(db.select(ReissueRequest.id)).scalar_one()
    approved = admin.post(f"/admin/certificates/reissue-requests/{request_id}/approve",
                          token_from="/admin/certificates/reissue-requests", follow_redirects=True)
    assert "The certificate was reissued" in approved.get_data(as_text=True)
    old, new = certificates(synced)
    assert old.holder_name == "Ada Learner" and old.replaced_by_id == new.id and not old.is_valid
    assert new.holder_name == "Ada Lovelace" and new.generation == 2 and new.is_valid
    with synced.app_context():
        request = db.session.get(ReissueRequest, request_id)
        assert request.state == "approved" and request.replacement_id == new.id
    mine = auth.client.get("/certificates").get_data(as_text=True)
    assert new.credential_id in mine and old.credential_id not in mine and "Ask for a reissue" not in mine
    # approving twice reissues nothing more
    admin.post(f"/admin/certificates/reissue-requests/{request_id}/approve", token_from="/admin/certificates/reissue-requests")
    assert len(certificates(synced)) == 2


def test_an_admin_cannot_approve_the_reissue_of_their_own_certificate(synced, make_user):
    make_user(email="boss@example.com", name="Boss Admin", role="admin")
    boss = Auth(synced.test_client())
    boss.login(email="boss@example.com")
    finish_course(boss)
    rename(boss, "Boss Renamed")
    [old] = certificates(synced)
    boss.post(f"/certificates/{old.credential_id}/reissue-request", token_from="/certificates")
    with synced.app_context():
        request_id = db.session.execute(db.select(ReissueRequest.id)).scalar_one()
    response = boss.post(f"/admin/certificates/reissue-requests/{request_id}/approve",
                         token_from="/admin/certificates/reissue-requests", follow_redirects=True)
    assert "You cannot decide on a reissue of your own certificate" in response.get_data(as_text=True)
    assert len(certificates(synced)) == 1
    with synced.app_context():
        assert db.session.get(ReissueRequest, request_id).state == "pending"


def asked_for_reissue(synced, auth) -> Certificate:
    """The learner finished the course, changed their name and asked for a reissue: their certificate."""
    finish_course(auth)
    rename(auth, "Ada Lovelace")
    [old] = certificates(synced)
    assert auth.post(f"/certificates/{old.credential_id}/reissue-request", token_from="/certificates").status_code == 302
    return old


def test_a_learner_can_neither_approve_nor_ask_for_someone_elses_certificate(synced, learner, auth, make_user):
    old = asked_for_reissue(synced, auth)
    with synced.app_context():
        request_id = db.session.execute(db.select(ReissueRequest.id)).scalar_one()
    assert auth.post(f"/admin/certificates/reissue-requests/{request_id}/approve").status_code == 403
    make_user(email="other@example.com", name="Other Learner")
    other = Auth(synced.test_client())
    other.login(email="other@example.com")
    assert other.post(f"/certificates/{old.credential_id}/reissue-request", token_from="/certificates").status_code == 404
    assert len(certificates(synced)) == 1


def test_a_request_for_a_certificate_revoked_since_is_not_approved(synced, learner, auth, make_user):
    old = asked_for_reissue(synced, auth)
    admin = make_admin(make_user, synced)
    detail = f"/admin/certificates/{old.credential_id}"
    admin.post(detail + "/revoke", {"reason": "Fraud"}, token_from=detail)
    with synced.app_context():
        request_id = db.session.execute(db.select(ReissueRequest.id)).scalar_one()
    response = admin.post(f"/admin/certificates/reissue-requests/{request_id}/approve",
                          token_from="/admin/certificates/reissue-requests", follow_redirects=True)
    assert "was revoked or reissued since the request" in response.get_data(as_text=True)
    [still] = certificates(synced)
    assert not still.is_valid and still.replaced_by_id is None  # a revocation is not undone by a reissue


def test_a_declined_request_tells_the_learner_why(synced, learner, auth, make_user):
    asked_for_reissue(synced, auth)
    admin = make_admin(make_user, synced)
    with synced.app_context():
        request_id = db.session.execute(db.select(ReissueRequest.id)).scalar_one()
    url = f"/admin/certificates/reissue-requests/{request_id}/decline"
    admin.post(url, {"note": ""}, token_from="/admin/certificates/reissue-requests")
    with synced.app_context():
        assert db.session.get(ReissueRequest, request_id).state == "pending"  # a reason is required
    admin.post(url, {"note": "Send us proof of the new name"}, token_from="/admin/certificates/reissue-requests")
    page = auth.client.get("/certificates").get_data(as_text=True)
    assert "Your earlier request was declined: Send us proof of the new name" in page
    assert "Ask for a reissue with my current name" in page  # and may ask again
    assert len(certificates(synced)) == 1


def test_automatic_reissue_on_rename_when_the_school_allows_it(make_app, make_user):
    application = make_app(LMS_AUTO_REISSUE_ON_RENAME=True)
    assert application.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth = Auth(application.test_client())
    auth.login()
    finish_course(auth)
    rename(auth, "Ada Lovelace")
    old, new = certificates(application)
    assert old.replaced_by_id == new.id and not old.is_valid and old.holder_name == "Ada Learner"
    assert new.holder_name == "Ada Lovelace" and new.is_valid and new.issued_by_id is None


def test_without_the_setting_a_rename_reissues_nothing(synced, learner, auth):
    finish_course(auth)
    rename(auth, "Ada Lovelace")
    [old] = certificates(synced)
    assert old.is_valid and old.holder_name == "Ada Learner"


def test_the_admin_reissue_closes_a_pending_request(synced, learner, auth, make_user):
    old = asked_for_reissue(synced, auth)
    admin = make_admin(make_user, synced)
    detail = f"/admin/certificates/{old.credential_id}"
    admin.post(detail + "/reissue", {"note": ""}, token_from=detail)
    with synced.app_context():
        assert db.session.execute(db.select(ReissueRequest.state)).scalar_one() == "approved"
        assert db.session.execute(db.select(Certificate).filter_by(replaced_by_id=None)).scalar_one().generation == 2
    assert "Ada Lovelace" not in admin.client.get("/admin/certificates/reissue-requests").get_data(as_text=True)

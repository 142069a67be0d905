"""Certificate pages: the learner's list and downloads, the public verification page, and the admin
pages, with their access rules per role."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest

from lms.accounts.models import User
from lms.extensions import db

from .certificate_support import COURSE, certificates, finish_course, only_certificate
from .conftest import Auth


@pytest.fixture()
def issued(synced, learner, auth):
    finish_course(auth)
    return only_certificate(synced)


def as_user(app, make_user, email: str, role: str) -> Auth:
    make_user(email=email, name=f"{role.title()} Person", role=role)
    other = Auth(app.test_client())
    assert other.login(email=email).status_code == 302
    return other


def test_my_certificates_lists_downloads_share_and_linkedin_links(issued, client):
    page = client.get("/certificates").get_data(as_text=True)
    cid = issued.credential_id
    assert "Intro Course" in page and "2 hours" in page
    for link in (f"/certificates/{cid}.pdf", f"/certificates/{cid}.jwt", f"/certificates/{cid}.json"):
        assert f'href="{link}"' in page
    assert f'value="http://localhost/verify/{cid}"' in page and f'href="http://localhost/verify/{cid}"' in page
    [linkedin] = re.findall(r'href="(https://www\.linkedin\.com/profile/add\?[^"]+)"', page)
    query = parse_qs(urlsplit(linkedin.replace("&amp;", "&")).query)
    assert query == {"startTask": ["CERTIFICATION_NAME"], "name": ["Intro Course"],
                     "organizationName": ["Conductor Academy"], "issueYear": [str(issued.issued_at.year)],
                     "issueMonth": [str(issued.issued_at.month)], "certUrl": [f"http://localhost/verify/{cid}"],
                     "certId": [cid]}


def test_nav_and_course_page_link_to_my_certificates(issued, client):
    assert 'href="/certificates">My certificates</a>' in client.get("/").get_data(as_text=True)
    assert 'href="/certificates">View your certificate</a>' in client.get(COURSE).get_data(as_text=True)
    assert "Certificates admin" not in client.get("/").get_data(as_text=True)


def test_without_certificates_the_page_says_how_to_earn_one(synced, learner, client):
    assert "You have no certificates yet" in client.get("/certificates").get_data(as_text=True)
    assert "View your certificate" not in client.get(COURSE).get_data(as_text=True)
    assert client.get("/certificates").headers["Content-Security-Policy"]


def test_anyone_can_verify_without_logging_in_and_sees_no_other_personal_data(issued, synced):
    visitor = synced.test_client()
    response = visitor.get(f"/verify/{issued.credential_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Valid." in page
    for fact in ("Ada Learner", "Intro Course", "Conductor Academy", "Programme Director", issued.credential_id,
                 f"{issued.completed_at.day} {issued.completed_at.strftime('%B')} {issued.completed_at.year}"):
        assert fact in page
    assert "learner@example.com" not in page and 'name="robots" content="noindex"' in page
    status = visitor.get(f"/verify/{issued.credential_id}.json")
    assert status.get_json()["status"] == "valid" and status.headers["Access-Control-Allow-Origin"] == "*"
    assert "learner@example.com" not in status.get_data(as_text=True)


def test_an_unknown_credential_is_a_plain_404(synced):
    visitor = synced.test_client()
    for path in ("/verify/AAAAAAAAAAAAAAAAAAAAAA", "/verify/AAAAAAAAAAAAAAAAAAAAAA.json", "/verify/x",
                 "/issuers/nope", "/issuers/default/keys/nope"):
        response = visitor.get(path)
        assert response.status_code == 404, path
    # The same page but for its own address (the footer's language switch returns to it).
    unknown = visitor.get("/verify/AAAAAAAAAAAAAAAAAAAAAA").get_data(as_text=True)
    missing = visitor.get("/no/such/page").get_data(as_text=True)
    assert unknown.replace("/verify/AAAAAAAAAAAAAAAAAAAAAA", "PATH") == missing.replace("/no/such/page", "PATH")


def test_a_learner_downloads_only_their_own_certificate(issued, synced, make_user):
    other = as_user(synced, make_user, "other@example.com", "learner")
    for suffix in (".pdf", ".jwt", ".json"):
        assert other.client.get(f"/certificates/{issued.credential_id}{suffix}").status_code == 404
    assert other.client.get(f"/verify/{issued.credential_id}").status_code == 200
    anonymous = synced.test_client().get(f"/certificates/{issued.credential_id}.pdf")
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/account/login")


ADMIN_PAGES = ["/admin/certificates/", "/admin/certificates/{cid}"]
ADMIN_ACTIONS = ["/admin/certificates/{cid}/revoke", "/admin/certificates/{cid}/reissue"]


@pytest.mark.parametrize("role", ["learner", "author"])
def test_only_admins_reach_the_admin_pages(issued, synced, make_user, role):
    user = as_user(synced, make_user, f"{role}2@example.com", role)
    for path in ADMIN_PAGES:
        assert user.client.get(path.format(cid=issued.credential_id)).status_code == 403
    for path in ADMIN_ACTIONS:
        assert user.post(path.format(cid=issued.credential_id), {"reason": "x"}).status_code == 403
    assert only_certificate(synced).is_valid


def test_anonymous_visitors_are_sent_to_log_in(issued, synced):
    visitor = Auth(synced.test_client())
    for path in ADMIN_PAGES:
        response = visitor.client.get(path.format(cid=issued.credential_id))
        assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")
    for path in ADMIN_ACTIONS:  # with a valid CSRF token, so the log-in check is what answers
        response = visitor.post(path.format(cid=issued.credential_id), {"reason": "x"}, token_from="/account/login")
        assert response.status_code == 302 and response.headers["Location"].startswith("/account/login")
    assert only_certificate(synced).is_valid


def test_admin_lists_searches_and_revokes_with_a_reason(issued, synced, make_user):
    admin = as_user(synced, make_user, "admin@example.com", "admin")
    listing = admin.client.get("/admin/certificates/?q=learner%40example&status=valid").get_data(as_text=True)
    assert "1 certificate found" in listing and "Ada Learner" in listing and "learner@example.com" in listing
    assert "0 certificates found" in admin.client.get("/admin/certificates/?q=zzz").get_data(as_text=True)
    detail_url = f"/admin/certificates/{issued.credential_id}"
    assert admin.client.get(detail_url).status_code == 200
    assert admin.client.get("/admin/certificates/AAAAAAAAAAAAAAAAAAAAAA").status_code == 404
    revoke = detail_url + "/revoke"
    assert admin.client.post(revoke, data={"reason": "No token"}).status_code == 400  # CSRF
    assert admin.post(revoke, {"reason": ""}, token_from=detail_url).status_code == 400  # a reason is required
    assert only_certificate(synced).is_valid
    response = admin.post(revoke, {"reason": "Awarded in error."}, token_from=detail_url)
    assert response.status_code == 302
    certificate = only_certificate(synced)
    assert certificate.status == "revoked" and certificate.revocation_reason == "Awarded in error."
    page = synced.test_client().get(f"/verify/{issued.credential_id}").get_data(as_text=True)
    assert "Revoked" in page and "Awarded in error." in page and "Valid." not in page
    date = certificate.revoked_at
    assert f"{date.day} {date.strftime('%B')} {date.year}" in page
    again = admin.post(revoke, {"reason": "Twice"}, token_from=detail_url, follow_redirects=True)
    assert "already revoked" in again.get_data(as_text=True)


def test_a_revoked_certificate_can_no_longer_be_downloaded_by_its_holder(issued, synced, client):
    with synced.app_context():
        from lms.certificates import services

        services.revoke(services.by_credential_id(issued.credential_id), db.session.get(User, issued.user_id), "x")
        db.session.commit()
    assert client.get(f"/certificates/{issued.credential_id}.pdf").status_code == 410
    assert "Revoked on" in client.get("/certificates").get_data(as_text=True)


def test_admin_reissues_and_the_old_page_points_to_the_new_certificate(issued, synced, make_user, client):
    with synced.app_context():
        db.session.get(User, issued.user_id).name = "Ada Lovelace"
        db.session.commit()
    admin = as_user(synced, make_user, "admin@example.com", "admin")
    detail_url = f"/admin/certificates/{issued.credential_id}"
    response = admin.post(detail_url + "/reissue", {"note": "Name corrected."}, token_from=detail_url)
    old, new = certificates(synced)
    assert response.headers["Location"] == f"/admin/certificates/{new.credential_id}"
    assert new.holder_name == "Ada Lovelace" and old.replaced_by_id == new.id
    old_page = synced.test_client().get(f"/verify/{old.credential_id}").get_data(as_text=True)
    assert "Revoked" in old_page and "Name corrected." in old_page
    assert f'href="/verify/{new.credential_id}"' in old_page
    assert old.credential_id not in client.get("/certificates").get_data(as_text=True)
    history = admin.client.get(f"/admin/certificates/{new.credential_id}").get_data(as_text=True)
    assert "History" in history and old.credential_id in history
    assert admin.post(detail_url + "/reissue", {}, token_from=detail_url, follow_redirects=True).status_code == 200
    assert len(certificates(synced)) == 2  # the replaced certificate cannot be reissued twice

"""Response headers: HSTS once cookies are secure, the security headers on the standalone site's own
error pages, and no caching of a logged-in reader's pages."""
from __future__ import annotations


from lms import LMS

from .test_access import ROUTES, audit_app, client_for, ids, owner_certificates  # noqa: F401  (audit_app: a fixture)

HSTS = "max-age=31536000; includeSubDomains"
# Pages whose own caching stands: static files and assets, and public data for verifiers.
OWN_CACHING = {"school.logo", "school.theme", "lms_static.static", "lms_static.favicon", "certificates.static", "catalog.asset", "verification.verify_json",
               "verification.issuer", "verification.jwks", "verification.issuer_key", "verification.status_list",
               "lti.jwks"}


def test_https_is_required_once_cookies_are_secure(make_app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers  # development: plain HTTP works
    production = make_app(LMS_SECURE_COOKIES=True, SESSION_COOKIE_SECURE=True).test_client()
    for path in ("/", "/account/login", "/no/such/page"):
        assert production.get(path).headers["Strict-Transport-Security"] == HSTS, path


def test_the_standalone_sites_error_pages_carry_the_security_headers(client):
    for path, status in (("/no/such/page", 404), ("/account/logout", 405)):
        response = client.get(path)
        assert response.status_code == status
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY" and response.headers["X-Content-Type-Options"] == "nosniff"


def test_a_mounted_lms_sets_headers_on_its_own_pages_only(make_host):
    host = make_host(LMS_SECURE_COOKIES=True, SESSION_COOKIE_SECURE=True)
    LMS(host, url_prefix="/learn")
    client = host.test_client()
    for path in ("/", "/elsewhere"):
        headers = client.get(path).headers
        assert not {"Strict-Transport-Security", "X-Frame-Options", "Content-Security-Policy"} & set(headers.keys())
    headers = client.get("/learn/account/login").headers
    # Without includeSubDomains: the host's other sites are its own business.
    assert headers["Strict-Transport-Security"] == "max-age=31536000" and headers["X-Frame-Options"] == "DENY"


def test_no_page_of_a_logged_in_reader_is_cached(audit_app):
    clients = {role: client_for(audit_app, role) for role in ("anonymous", "owner", "admin")}
    owner = clients["owner"]
    assert owner.client.post("/courses/intro-course/enrol", data={"csrf_token": owner.token}).status_code == 302
    started = owner.client.post("/courses/intro-course/quiz/basics/start", data={"csrf_token": owner.token})
    names = {"attempt": started.headers["Location"].rsplit("/", 1)[1], **owner_certificates(audit_app), **ids(audit_app)}
    seen, wrong = set(), {}
    for endpoint, method, url, _ in ROUTES:
        if method != "GET":
            continue
        for role in ("owner", "admin"):
            with clients[role].client.get(url.format(**names)) as response:
                if response.status_code != 200:
                    continue
                seen.add(endpoint)
                cache = response.headers.get("Cache-Control", "")
                if endpoint in OWN_CACHING and "no-store" in cache or endpoint not in OWN_CACHING and "no-store" not in cache:
                    wrong[(endpoint, role)] = cache
    assert wrong == {}
    assert {"progress.dashboard", "quizzes.attempt", "certificates.mine", "admin.learner", "authoring.edit", "reports.course",
            "accounts.change_password", "lms_static.static", "verification.jwks"} <= seen
    for path in ("/", "/courses/intro-course/", "/account/login"):  # a visitor's pages keep theirs
        assert "no-store" not in clients["anonymous"].client.get(path).headers.get("Cache-Control", ""), path
    assert owner.client.get("/dashboard").headers["Cache-Control"] == "private, no-store"


def test_the_favicon_answers_and_browsers_keep_it(client):
    page = client.get("/account/login").get_data(as_text=True)
    assert 'rel="icon" href="/lms/static/favicon.svg"' in page
    for path, kind in (("/favicon.ico", "image/vnd.microsoft.icon"), ("/lms/static/favicon.svg", "image/svg+xml")):
        with client.get(path) as response:
            assert response.status_code == 200 and response.mimetype == kind, path
            assert response.cache_control.max_age == 7 * 24 * 3600 and response.cache_control.public, path
            if path == "/favicon.ico":
                assert response.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file's signature
    with client.get("/lms/static/lms.css") as response:
        assert response.cache_control.max_age is None  # the stylesheet still revalidates

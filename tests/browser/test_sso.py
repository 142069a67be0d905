"""Single sign-on in a browser: a learner clicks the school's button, logs in at the independent provider's page
(panva's oidc-provider on loopback) and lands back logged in; the new pages pass axe."""
from __future__ import annotations

import pytest

from lms.extensions import db
from lms.schools.models import School

from ..sso_support import oidc_provider, register_provider  # noqa: F401
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser


@pytest.fixture()
def context(browser):
    ctx = browser.new_context(bypass_csp=True)  # axe is injected from the test
    yield ctx
    ctx.close()


def sign_in_at_provider(page, base: str, email: str) -> None:
    """On the log-in page already open, click the school's button, log in at the provider, land on the dashboard."""
    page.get_by_role("link", name="Sign in with Université A").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/dashboard")


def test_a_learner_signs_in_with_the_school_provider_in_the_browser(live_server, context, synced, make_user,
                                                                    oidc_provider):
    provider = oidc_provider(redirect_uris=[live_server + "/account/sso/callback"])
    make_user(email="ada@example.org", name="Ada Lovelace")
    register_provider(synced, provider, links_by_email=True)
    page = context.new_page()
    page.goto(live_server + "/account/login")
    sign_in_at_provider(page, live_server, "ada@example.org")
    page.goto(live_server + "/account/sso/")
    assert "Sign in with Université A (as ada@example.org)" in page.inner_text("main")


def test_the_single_sign_on_pages_have_no_serious_violations(live_server, context, synced, make_user, oidc_provider):
    provider = oidc_provider(redirect_uris=[live_server + "/account/sso/callback"])
    make_user(email="admin@example.com", name="Ada Admin", role="admin")
    make_user(email="ada@example.org", name="Ada Lovelace")
    provider_id = register_provider(synced, provider, links_by_email=True)
    found = {}
    visitor = context.new_page()
    visitor.goto(live_server + "/account/sso/callback?state=stale&code=x")  # the refusal page
    found["refused"] = violations(visitor)
    visitor.goto(live_server + "/account/login")
    found["/account/login (a provider's button)"] = violations(visitor)
    sign_in_at_provider(visitor, live_server, "ada@example.org")
    visitor.goto(live_server + "/account/sso/")
    found["/account/sso/"] = violations(visitor)
    admin = context.browser.new_context(bypass_csp=True).new_page()
    log_in(admin, live_server, "admin@example.com")
    for path in ("/admin/sso/", "/admin/sso/new", f"/admin/sso/{provider_id}"):
        assert admin.goto(live_server + path).status == 200, path
        found[path] = violations(admin)
    admin.goto(live_server + "/admin/sso/new")
    admin.get_by_role("button", name="Save the provider").click()  # the form refused, with its errors
    found["/admin/sso/new refused"] = violations(admin)
    with synced.app_context():
        db.session.execute(db.update(School).values(local_passwords=False))
        db.session.commit()
    anonymous = context.browser.new_context(bypass_csp=True).new_page()
    for path in ("/account/login", "/account/login?staff=1"):
        anonymous.goto(live_server + path)
        found[path + " (passwords off)"] = violations(anonymous)
    admin.context.close()
    anonymous.context.close()
    assert found == {key: [] for key in found}


def test_an_account_without_a_password_confirms_with_the_provider_and_downloads_its_data(live_server, context, synced,
                                                                                         oidc_provider):
    provider = oidc_provider(redirect_uris=[live_server + "/account/sso/callback"])
    register_provider(synced, provider, creates_accounts=True)
    phone = context.browser.new_context()  # another device, which /account/sessions offers to log out of
    for page in (phone.new_page(), context.new_page()):
        page.goto(live_server + "/account/login")
        sign_in_at_provider(page, live_server, "grace@example.org")
    phone.close()
    found = {}
    for path in ("/account/data/", "/account/profile", "/account/sessions"):
        page.goto(live_server + path)
        found[path + " (no password)"] = violations(page)
        assert page.get_by_label("Your password").count() == 0, path
        assert page.get_by_role("button", name="Confirm it is you: Sign in with Université A").count(), path
    page.goto(live_server + "/account/data/")  # the button confirming stands apart from the one it unlocks
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        confirm = page.get_by_role("button", name="Confirm it is you: Sign in with Université A").first.bounding_box()
        download = page.get_by_role("button", name="Download my data").bounding_box()
        assert download["y"] - (confirm["y"] + confirm["height"]) >= 16, width
    page.get_by_role("button", name="Confirm it is you: Sign in with Université A").first.click()
    page.get_by_label("E-mail address").fill("mallory@example.org")  # someone else at the provider: refused
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="Confirmation refused").wait_for()
    assert "someone other than the person linked" in page.inner_text("main")
    found["Confirmation refused"] = violations(page)
    page.goto(live_server + "/account/data/")
    page.get_by_role("button", name="Confirm it is you: Sign in with Université A").first.click()
    page.get_by_label("E-mail address").fill("grace@example.org")  # the provider asks again (prompt=login)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server + "/account/data/")
    assert "you can go on without a password" in page.inner_text("main")
    found["/account/data/ (confirmed)"] = violations(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data").click()
    assert download.value.suggested_filename == "conductor-my-data.zip"
    page.goto(live_server + "/account/profile")
    found["/account/profile (confirmed)"] = violations(page)
    assert found == {key: [] for key in found}


def test_the_confirmation_button_works_under_the_sites_own_content_security_policy(live_server, browser, synced,
                                                                                    oidc_provider):
    """No bypass_csp here: the page's form-action must let the button's POST go on to the provider."""
    provider = oidc_provider(redirect_uris=[live_server + "/account/sso/callback"])
    register_provider(synced, provider, creates_accounts=True)
    strict = browser.new_context()
    try:
        page = strict.new_page()
        page.goto(live_server + "/account/login")
        sign_in_at_provider(page, live_server, "grace@example.org")
        page.goto(live_server + "/account/data/")
        page.get_by_role("button", name="Confirm it is you: Sign in with Université A").first.click()
        page.get_by_label("E-mail address").fill("grace@example.org")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server + "/account/data/")
        assert "you can go on without a password" in page.inner_text("main")
    finally:
        strict.close()

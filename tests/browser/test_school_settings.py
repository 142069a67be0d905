"""School settings in Chromium: an admin sets a logo, an accent and footer links; the page and the
branded pages stay axe-clean at 320 px and desktop, and the accent reaches links under the real CSP."""
from __future__ import annotations

import pytest

from ..school_support import CLEAN_SVG
from .test_accessibility import log_in, violations

pytestmark = pytest.mark.browser

WIDTHS = {"phone": {"width": 320, "height": 640}, "desktop": {"width": 1280, "height": 800}}


def test_an_admin_brands_the_school_and_every_page_stays_accessible(live_server, browser, make_user, tmp_path):
    make_user(email="admin@example.com", name="Ada Admin", role="admin")
    logo = tmp_path / "logo.svg"
    logo.write_bytes(CLEAN_SVG)
    strict = browser.new_context()  # the site's own CSP applies: the accent must arrive as a stylesheet
    page = strict.new_page()
    log_in(page, live_server, "admin@example.com")
    page.goto(live_server + "/admin/school")
    page.get_by_label("Accent colour").fill("#ffee00")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_role("alert").get_by_text("too light").is_visible()  # refused, said plainly
    page.get_by_label("Name", exact=True).fill("Northwind Institute of Technology")
    page.get_by_label("Short name").fill("NWI")
    page.get_by_label("Logo (PNG, JPEG or SVG)").set_input_files(str(logo))
    page.get_by_label("Accent colour").fill("#7a1f5c")
    page.get_by_label("Footer links").fill("Privacy | https://example.org/privacy")
    page.get_by_role("button", name="Save settings").click()
    assert page.get_by_text("The school settings are saved.").is_visible()
    page.goto(live_server + "/")
    colour = page.evaluate("getComputedStyle(document.querySelector('main a')).color")
    assert colour == "rgb(122, 31, 92)"
    assert page.locator(".brand-logo").evaluate("img => img.naturalWidth") > 0  # the SVG logo loads under the CSP
    strict.close()

    found = {}
    for name, size in WIDTHS.items():
        context = browser.new_context(bypass_csp=True, viewport=size)  # axe is injected by the test
        page = context.new_page()
        log_in(page, live_server, "admin@example.com")
        for path in ("/admin/school", "/"):
            page.goto(live_server + path)
            found[(name, path)] = violations(page)
        page.goto(live_server + "/admin/school")
        page.get_by_label("Footer links").fill("Home | http://example.org/")
        page.get_by_role("button", name="Save settings").click()
        found[(name, "refused")] = violations(page)
        if name == "phone":
            page.set_viewport_size(size)  # violations() ends at the desktop width
            assert page.locator(".brand-short").is_visible() and not page.locator(".brand-name").is_visible()
        context.close()
    assert found == {key: [] for key in found}

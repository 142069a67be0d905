"""School settings edited by admins: what pages and certificates show, who may change them, and the
checks on the logo, the accent colour and the footer links (a refusal changes nothing)."""
from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from lms.certificates.models import Certificate
from lms.extensions import db
from lms.schools.models import School
from lms.schools.settings import DARK_SURFACES, THEME_REVISION, contrast, dark_mode_accent

from .certificate_support import finish_course
from .conftest import Auth
from .school_support import CLEAN_SVG, noisy_png, tiny_png

SETTINGS = "/admin/school"
GOOD = {"name": "Conductor Academy", "short_name": "", "accent": "", "signatory": "Programme Director",
        "signatory_title": "", "contact_email": "", "footer_links": ""}


def logged_in(app, make_user, email: str, role: str = "learner", name: str = "Someone") -> Auth:
    make_user(email=email, name=name, role=role)
    auth = Auth(app.test_client())
    assert auth.login(email=email).status_code == 302
    return auth


@pytest.fixture()
def admin(synced, make_user) -> Auth:
    return logged_in(synced, make_user, "admin@example.com", "admin", "Ada Admin")


def save(auth: Auth, files: dict | None = None, **changes):
    """The form as a browser posts it, encoded in memory (the test client's own spools big ones to a file)."""
    uploads = {name: FileStorage(stream, filename) for name, (stream, filename) in (files or {}).items()}
    boundary, body = encode_multipart({"csrf_token": auth.csrf(SETTINGS), **GOOD, **changes, **uploads})
    return auth.client.post(SETTINGS, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def school(app) -> dict:
    with app.app_context():
        row = db.session.execute(db.select(School)).scalar_one()
        return {c.name: getattr(row, c.name) for c in School.__table__.columns}


def pdf_text(client, credential_id: str) -> str:
    response = client.get(f"/certificates/{credential_id}.pdf")
    assert response.status_code == 200
    return PdfReader(io.BytesIO(response.data)).pages[0].extract_text()


def pdf_images(client, credential_id: str) -> int:
    return len(PdfReader(io.BytesIO(client.get(f"/certificates/{credential_id}.pdf").data)).pages[0].images)


def issuer_name(client, credential_id: str) -> str:
    return json.loads(client.get(f"/certificates/{credential_id}.json").data)["issuer"]["name"]


def by_holder(app) -> dict[str, list[Certificate]]:
    with app.app_context():
        found: dict[str, list[Certificate]] = {}
        for row in db.session.execute(db.select(Certificate).order_by(Certificate.id)).scalars():
            found.setdefault(row.holder_name, []).append(row)
        db.session.expunge_all()
        return found


def test_a_renamed_school_is_on_the_next_and_the_reissued_certificate_but_not_the_old_one(synced, make_user, admin):
    kept = logged_in(synced, make_user, "ada@example.com", name="Ada Learner")
    to_reissue = logged_in(synced, make_user, "bea@example.com", name="Bea Learner")
    finish_course(kept)
    finish_course(to_reissue)
    assert save(admin, {"logo": (io.BytesIO(tiny_png(64)), "crest.png")}, name="Northwind Institute",
                signatory="Dr Jane Roe", signatory_title="Dean of Studies").status_code == 302

    later = logged_in(synced, make_user, "grace@example.com", name="Grace Learner")
    finish_course(later)
    [old], [before_reissue], [new] = (by_holder(synced)[name] for name in ("Ada Learner", "Bea Learner", "Grace Learner"))
    detail = f"/admin/certificates/{before_reissue.credential_id}"
    assert admin.post(detail + "/reissue", {"note": "School renamed."}, token_from=detail).status_code == 302
    _, reissued = by_holder(synced)["Bea Learner"]

    old_text = pdf_text(kept.client, old.credential_id)
    assert "Conductor Academy" in old_text and "Programme Director" in old_text
    assert "Northwind" not in old_text and "Dean of Studies" not in old_text
    assert issuer_name(kept.client, old.credential_id) == "Conductor Academy"
    assert pdf_images(kept.client, old.credential_id) == 0  # issued before the logo: none added later
    for client, certificate in ((later.client, new), (to_reissue.client, reissued)):
        text = pdf_text(client, certificate.credential_id)
        assert "Northwind Institute" in text and "Dr Jane Roe" in text and "Dean of Studies" in text
        assert "Conductor Academy" not in text
        assert issuer_name(client, certificate.credential_id) == "Northwind Institute"
        assert pdf_images(client, certificate.credential_id) == 1


def test_the_header_footer_and_title_show_the_settings_at_once(synced, admin):
    links = "Privacy | https://example.org/privacy\nHelp desk | https://help.example.org/"
    assert save(admin, name="Northwind Institute", short_name="NWI", contact_email="office@northwind.example",
                footer_links=links).status_code == 302
    page = synced.test_client().get("/").get_data(as_text=True)
    assert "· Northwind Institute</title>" in page and '<span class="brand-short">NWI</span>' in page
    assert '<a href="https://example.org/privacy" rel="noopener">Privacy</a>' in page
    assert 'href="mailto:office@northwind.example"' in page and "Conductor Academy" not in page
    assert save(admin, name="Southwind College").status_code == 302
    assert "Southwind College" in synced.test_client().get("/").get_data(as_text=True)
    audit = admin.client.get("/admin/audit").get_data(as_text=True)
    assert audit.count("<td>School settings</td>") == 2 and "Name: Southwind College" in audit


@pytest.mark.parametrize("role", ["learner", "author"])
def test_only_admins_open_or_change_the_settings(synced, make_user, role):
    other = logged_in(synced, make_user, f"{role}@example.com", role)
    assert other.client.get(SETTINGS).status_code == 403
    response = other.client.post(SETTINGS, data={**GOOD, "name": "Hijacked", "csrf_token": other.csrf("/")})
    assert response.status_code == 403
    assert "Hijacked" not in synced.test_client().get("/").get_data(as_text=True)
    anonymous = synced.test_client().get(SETTINGS)
    assert anonymous.status_code == 302 and anonymous.headers["Location"].startswith("/account/login")


def test_a_change_without_the_csrf_token_is_refused(synced, admin):
    response = admin.client.post(SETTINGS, data={**GOOD, "name": "Forged Name"})
    assert response.status_code == 400
    assert "Forged Name" not in synced.test_client().get("/").get_data(as_text=True)


BAD_SVGS = {
    "script": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    "handler": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "external image": b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                      b'<image xlink:href="https://evil.example/x.png"/></svg>',
    "javascript link": b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>',
    "css import": b'<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>',
    "foreign object": b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>hi</p></foreignObject></svg>',
    "entity": b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
}


@pytest.mark.parametrize("kind", BAD_SVGS)
def test_an_svg_logo_that_could_run_or_fetch_is_refused_and_nothing_changes(synced, admin, kind):
    before = school(synced)
    response = save(admin, {"logo": (io.BytesIO(BAD_SVGS[kind]), "logo.svg")}, name="Changed Name")
    assert response.status_code == 422
    assert "Nothing was changed" in response.get_data(as_text=True)
    assert school(synced) == before


def test_a_logo_is_checked_by_its_bytes_and_its_size_is_bounded(synced, admin):
    before = school(synced)
    over = noisy_png(300)  # ~264 KB, over the 256 KB default
    response = save(admin, {"logo": (io.BytesIO(over), "logo.png")})
    assert response.status_code == 422 and "at most 256 KB are allowed" in response.get_data(as_text=True)
    far_over = noisy_png(600)  # ~1 MB: the request is cut off before it is read
    response = save(admin, {"logo": (io.BytesIO(far_over), "logo.png")})
    assert response.status_code == 413 and "accepts at most 256 KB" in response.get_data(as_text=True)
    response = save(admin, {"logo": (io.BytesIO(b"<html><script>alert(1)</script></html>"), "logo.png")})
    assert response.status_code == 422 and "Only PNG, JPEG and SVG" in response.get_data(as_text=True)
    assert school(synced) == before


def test_a_clean_svg_logo_is_served_as_an_image_that_cannot_run(synced, admin):
    assert save(admin, {"logo": (io.BytesIO(CLEAN_SVG), "mark.txt")}).status_code == 302  # the name does not matter
    logo_id = school(synced)["logo_id"]
    page = synced.test_client().get("/").get_data(as_text=True)
    assert f'src="/school/logo/{logo_id}"' in page
    response = synced.test_client().get(f"/school/logo/{logo_id}")
    assert response.data == CLEAN_SVG and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"] == "inline; filename=logo.svg"
    assert save(admin, remove_logo="y").status_code == 302 and school(synced)["logo_id"] is None


@pytest.mark.parametrize("colour, message", [
    ("#ffff00", "too light"), ("#777777", "too light"), ("red", "hex colour"), ("#1f4fb8;}body{", "hex colour")])
def test_a_colour_that_fails_aa_contrast_or_is_not_hex_is_refused_and_nothing_changes(synced, admin, colour, message):
    before = school(synced)
    response = save(admin, accent=colour, name="Changed Name")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert school(synced) == before
    assert "/school/theme.css" not in synced.test_client().get("/").get_data(as_text=True)


def test_the_accent_reaches_pages_through_a_versioned_stylesheet(synced, admin):
    assert save(admin, accent="#7A1F5C").status_code == 302
    page = synced.test_client().get("/").get_data(as_text=True)
    version = school(synced)["settings_version"]
    assert f'href="/school/theme.css?v={version}.{THEME_REVISION}"' in page and "style=" not in page
    css = synced.test_client().get(f"/school/theme.css?v={version}.{THEME_REVISION}")
    assert css.mimetype == "text/css" and "--brand: #7a1f5c;" in css.get_data(as_text=True)
    assert "immutable" in css.headers["Cache-Control"]
    assert save(admin, accent="#1b6b3a").status_code == 302
    page = synced.test_client().get("/").get_data(as_text=True)
    assert f"/school/theme.css?v={version + 1}.{THEME_REVISION}" in page  # a new address: no cached copy of the old colour
    newer = synced.test_client().get(f"/school/theme.css?v={version + 1}.{THEME_REVISION}")
    assert "--brand: #1b6b3a;" in newer.get_data(as_text=True) and "immutable" in newer.headers["Cache-Control"]
    stale = synced.test_client().get(f"/school/theme.css?v={version + 1}")  # the address before THEME_REVISION
    assert stale.headers["Cache-Control"] == "no-cache"


@pytest.mark.parametrize("links, message", [
    ("Home | http://example.org/", "must start with https://"),
    ("Home | javascript:alert(1)", "must start with https://"),
    ("just a label", "Label | https://address"),
    ("\n".join(f"L{i} | https://example.org/{i}" for i in range(6)), "At most 5 footer links"),
])
def test_footer_links_must_be_https_and_few(synced, admin, links, message):
    before = school(synced)
    response = save(admin, footer_links=links)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert school(synced) == before


def test_contrast_ratios_match_wcag():
    assert round(contrast("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54 and round(contrast("#777777", "#ffffff"), 2) == 4.48


def test_settings_seed_from_configuration_and_then_ignore_it(make_app, content_dir, make_user):
    app = make_app(LMS_SCHOOL_NAME="Seeded School", LMS_CERTIFICATE_SIGNATORY="Seeded Signer")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    admin = logged_in(app, make_user, "admin@example.com", "admin")
    page = admin.client.get(SETTINGS).get_data(as_text=True)
    assert 'value="Seeded School"' in page and 'value="Seeded Signer"' in page
    assert save(admin, name="Edited School", signatory="Edited Signer").status_code == 302
    again = make_app(LMS_SCHOOL_NAME="Seeded School")  # a restart with the same environment
    assert "Edited School" in again.test_client().get("/").get_data(as_text=True)
    assert re.search(r'value="Edited Signer"', admin.client.get(SETTINGS).get_data(as_text=True))


def test_in_dark_mode_the_accent_is_lightened_until_it_reads_on_the_dark_page(synced, admin):
    """An accent dark enough for the light page would be unreadable on the dark card and under the dark text of
    buttons: the stylesheet gives dark mode a lighter shade of the same colour that meets AA on both."""
    assert save(admin, accent="#7a1f5c").status_code == 302
    version = school(synced)["settings_version"]
    css = synced.test_client().get(f"/school/theme.css?v={version}.{THEME_REVISION}").get_data(as_text=True)
    dark = re.search(r"prefers-color-scheme: dark\) \{ :root \{ --brand: (#[0-9a-f]{6});", css)
    assert dark and dark.group(1) != "#7a1f5c"
    assert all(contrast(dark.group(1), surface) >= 4.5 for surface in DARK_SURFACES)  # page, card, every tint
    assert contrast(dark.group(1), "#0f141b") >= 4.5  # under the dark text of buttons


@pytest.mark.parametrize("accent", ["#1f4fb8", "#a1262a", "#7a1f5c", "#1b6b3a", "#000000", "#5a3e00"])
def test_the_dark_shade_of_any_accent_reads_on_every_dark_surface(accent):
    shade, hover = dark_mode_accent(accent)
    assert min(contrast(shade, surface) for surface in DARK_SURFACES) >= 4.5, (accent, shade)
    assert min(contrast(hover, surface) for surface in DARK_SURFACES) >= 4.5, (accent, hover)

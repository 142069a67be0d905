"""Two schools on one deployment, each its own issuer: its own signing keys (a credential verifies with its
school's JWKS only), its own profile, revocation list and branding on the certificate; rotating or backing up
one school's keys leaves the other's alone; credentials signed before schools had their own keys still verify."""
from __future__ import annotations

import io
import json
import stat
import tarfile
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from PIL import Image
from pypdf import PdfReader

from lms.accounts import services as accounts
from lms.accounts.models import User
from lms.certificates import services as certificates
from lms.extensions import db
from lms.schools import services as schools
from lms.schools.logos import store_logo
from lms.schools.models import School

from .certificate_support import finish_course
from .conftest import PASSWORD, Auth
from .test_open_badges import b64decode, public_key, verify
from .test_status_list import bits_set as _bits_set

A, B = "a.example.org", "b.example.org"
A_ISSUER, B_ISSUER = f"http://{A}/issuers/default", f"http://{B}/issuers/ecole-b"
A_ACCENT, B_ACCENT = "#7a1f5c", "#0b6e4f"


def on_host(app, host: str) -> Auth:
    """A browser on ``host`` (its cookies stay there)."""
    auth = Auth(app.test_client())
    original = auth.client.open

    def open_on(*args, **kwargs):
        kwargs.setdefault("base_url", f"http://{host}")
        return original(*args, **kwargs)

    auth.client.open = open_on
    return auth


def png(colour=(11, 110, 79)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(out, format="PNG")
    return out.getvalue()


def cli(app, *args: str, code: int = 0) -> str:
    result = app.test_cli_runner().invoke(args=["lms", "keys", *args])
    assert result.exit_code == code, result.output
    return result.output


class Site:
    def __init__(self, app):
        self.app, self.a, self.b = app, on_host(app, A), on_host(app, B)

    def certificate(self, host: str):
        slug = "default" if host == A else "ecole-b"
        with self.app.app_context():
            school = schools.school_by_slug(slug)
            found = db.session.execute(db.select(certificates.Certificate).filter_by(school_id=school.id)).scalar_one()
            db.session.expunge(found)
            return found

    def token(self, host: str) -> str:
        client = (self.a if host == A else self.b).client
        response = client.get(f"/certificates/{self.certificate(host).credential_id}.jwt")
        assert response.status_code == 200
        return response.get_data(as_text=True)

    def jwks(self, host: str) -> dict:
        client, slug = (self.a.client, "default") if host == A else (self.b.client, "ecole-b")
        return client.get(f"/issuers/{slug}/jwks.json").get_json()


@pytest.fixture()
def site(make_app) -> Site:
    """School A (the LMS_SCHOOL one, on every host no school lists) and school B on its own host, each with
    its own branding and a learner (the same address at both) who completed the course there."""
    app = make_app(LMS_BASE_URL=f"http://{A}", LMS_TRUSTED_HOSTS=f"{A}, {B}")
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    with app.test_request_context("/", base_url=f"http://{A}"):
        school_a = schools.current_school()
        school_a.signatory, school_a.signatory_title, school_a.accent = "Ada Director", "Dean of Studies", A_ACCENT
        school_b = schools.create_school("ecole-b", "École B", [B])
        school_b.signatory, school_b.signatory_title, school_b.accent = "Bruno Signataire", "Directeur", B_ACCENT
        school_b.contact_email, school_b.logo_id = "contact@b.example.org", store_logo(png(), 100_000).id
        for school, name in ((school_a, "Ada Learner"), (school_b, "Basile Morel")):
            accounts.create_user("learner@example.com", name, PASSWORD, school=school)
        db.session.commit()
    site = Site(app)
    for auth in (site.a, site.b):
        assert auth.login().status_code == 302
        finish_course(auth)
    return site


def signature_checks(token: str, jwk: dict) -> bool:
    header, payload, signature = token.split(".")
    try:
        public_key(jwk).verify(b64decode(signature), f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def test_each_school_signs_with_its_own_keys_and_publishes_only_them(site):
    token_a, token_b = site.token(A), site.token(B)
    header_a, _ = verify(site.a.client, token_a)
    header_b, _ = verify(site.b.client, token_b)
    assert header_a["kid"].startswith(A_ISSUER + "/keys/") and header_b["kid"].startswith(B_ISSUER + "/keys/")
    jwks_a, jwks_b = site.jwks(A)["keys"], site.jwks(B)["keys"]
    assert len(jwks_a) == len(jwks_b) == 1 and jwks_a[0]["n"] != jwks_b[0]["n"]
    # Each credential fails against the other school's keys, and the other school does not serve its key.
    assert not signature_checks(token_a, jwks_b[0]) and not signature_checks(token_b, jwks_a[0])
    assert signature_checks(token_a, jwks_a[0]) and signature_checks(token_b, jwks_b[0])
    kid_a = header_a["kid"].rsplit("/", 1)[1]
    assert site.b.client.get(f"/issuers/ecole-b/keys/{kid_a}").status_code == 404
    # The LMS_SCHOOL school's key stays in the keys folder itself; school B's is in its own folder.
    root = Path(site.app.config["LMS_KEYS_DIR"])
    assert [path.name.split("-", 1)[1] for path in root.glob("*.pem")] == [kid_a + ".pem"]
    kid_b = header_b["kid"].rsplit("/", 1)[1]
    assert [path.name.split("-", 1)[1] for path in (root / "schools" / "ecole-b").glob("*.pem")] == [kid_b + ".pem"]
    assert {stat.S_IMODE(folder.stat().st_mode) for folder in (root, root / "schools", root / "schools" / "ecole-b")} \
        == {0o700}


def test_the_credential_and_the_issuer_profile_name_the_school_that_taught_it(site):
    _, payload = verify(site.b.client, site.token(B))
    logo_id = site.certificate(B).logo_id
    assert payload["issuer"] == {"id": B_ISSUER, "type": ["Profile"], "name": "École B", "url": f"http://{B}/",
                                 "image": {"id": f"http://{B}/school/logo/{logo_id}", "type": "Image"}}
    assert payload["iss"] == B_ISSUER and payload["id"].startswith(f"http://{B}/verify/")
    assert payload["credentialStatus"]["statusListCredential"] == B_ISSUER + "/status/revocation"
    _, payload_a = verify(site.a.client, site.token(A))
    assert payload_a["issuer"] == {"id": A_ISSUER, "type": ["Profile"], "name": "Conductor Academy", "url": f"http://{A}/"}

    profile = site.b.client.get("/issuers/ecole-b").get_json()
    assert {key: profile[key] for key in ("id", "name", "url", "email", "image")} == {
        "id": B_ISSUER, "name": "École B", "url": f"http://{B}/", "email": "contact@b.example.org",
        "image": {"id": f"http://{B}/school/logo/{logo_id}", "type": "Image"}}
    profile_a = site.a.client.get("/issuers/default").get_json()
    assert profile_a["url"] == f"http://{A}/" and "email" not in profile_a and "image" not in profile_a
    assert site.a.client.get("/issuers/ecole-b").status_code == 404  # on its own host only


def test_a_schools_credential_aligns_to_the_skill_pages_of_its_own_host(site):
    """The course's skills are Open Badges alignments whose targetUrl is the skill's page on the school's site."""
    _, payload = verify(site.b.client, site.token(B))
    [alignment] = payload["credentialSubject"]["achievement"]["alignment"]
    assert alignment["targetUrl"] == f"http://{B}/skills/ai-literacy" and alignment["targetCode"] == "ai-literacy"
    assert "Knows what models do." in site.b.client.get("/skills/ai-literacy").get_data(as_text=True)


def bits_set(client, slug: str) -> set[int]:
    class Prefixed:  # the status-list helper reads the default school's address
        def get(self, url):
            return client.get(url.replace("/issuers/default/", f"/issuers/{slug}/"))
    return _bits_set(Prefixed())


def test_the_revocation_list_is_per_school_and_signed_with_its_keys(site):
    with site.app.app_context():
        certificate = db.session.get(certificates.Certificate, site.certificate(B).id)
        admin = db.session.get(User, certificate.user_id)
        certificates.revoke(certificate, admin, "Test")
        db.session.commit()
    assert bits_set(site.b.client, "ecole-b") == {site.certificate(B).status_index}
    assert bits_set(site.a.client, "default") == set()
    status_b = site.b.client.get("/issuers/ecole-b/status/revocation").get_data(as_text=True)
    assert signature_checks(status_b, site.jwks(B)["keys"][0]) and not signature_checks(status_b, site.jwks(A)["keys"][0])


def test_rotating_one_school_leaves_the_other_schools_keys_unchanged(site):
    token_a, token_b = site.token(A), site.token(B)
    jwks_a = site.jwks(A)
    root = Path(site.app.config["LMS_KEYS_DIR"])
    files_a = sorted(root.glob("*.pem"))
    assert "ecole-b: new signing key" in cli(site.app, "rotate", "--school", "ecole-b")
    assert site.jwks(A) == jwks_a and sorted(root.glob("*.pem")) == files_a
    assert len(site.jwks(B)["keys"]) == 2
    verify(site.b.client, token_b)  # signed with B's old key: still verifies
    header, _ = verify(site.b.client, site.token(B))
    assert header["kid"] == site.jwks(B)["keys"][1]["kid"]
    assert site.token(A) == token_a  # A still signs with its one key

    listing = cli(site.app, "rotate", "--all")
    assert "default: new signing key" in listing and "ecole-b: new signing key" in listing
    assert len(site.jwks(A)["keys"]) == 2 and len(site.jwks(B)["keys"]) == 3
    assert "No school 'nowhere'" in cli(site.app, "rotate", "--school", "nowhere", code=1)
    assert "ecole-b (" in cli(site.app, "list", "--school", "ecole-b")


def test_a_schools_keys_are_backed_up_and_restored_on_their_own(site, make_app, tmp_path):
    site.token(A), site.token(B)  # both schools have a key
    archive = tmp_path / "b.tar"
    cli(site.app, "export", str(archive), "--school", "ecole-b")
    with tarfile.open(archive) as opened:
        names = [name.split("-", 1)[1].removesuffix(".pem") for name in opened.getnames()]
    assert names == [site.jwks(B)["keys"][0]["kid"].rsplit("/", 1)[1]]

    other = make_app(LMS_BASE_URL=f"http://{A}", LMS_TRUSTED_HOSTS=f"{A}, {B}", LMS_KEYS_DIR=str(tmp_path / "other"))
    refused = cli(other, "import", str(archive), code=1)  # into the default school: another school's key
    assert "another school" in refused and not (tmp_path / "other").exists()
    assert "signs for ecole-b" in cli(other, "import", str(archive), "--school", "ecole-b")
    assert [path.parent for path in (tmp_path / "other").rglob("*.pem")] == [tmp_path / "other" / "schools" / "ecole-b"]
    other_b = on_host(other, B)
    assert other_b.login().status_code == 302
    certificate = site.certificate(B)
    response = other_b.client.get(f"/certificates/{certificate.credential_id}.jwt")
    assert response.status_code == 200 and response.get_data(as_text=True) == site.token(B)
    assert other_b.client.get("/issuers/ecole-b/jwks.json").get_json() == site.jwks(B)  # both servers publish one set
    # School A's key was not given to the other server: it refuses to sign for A rather than make a key.
    assert on_host(other, A).client.get("/issuers/default/status/revocation").status_code == 503


def pdf_of(site: Site, host: str) -> tuple[list[str], bytes]:
    auth = site.a if host == A else site.b
    response = auth.client.get(f"/certificates/{site.certificate(host).credential_id}.pdf")
    assert response.status_code == 200
    page = PdfReader(io.BytesIO(response.data)).pages[0]
    return [line.strip() for line in page.extract_text().splitlines()], page.get_contents().get_data()


def colour(accent: str) -> bytes:
    """The stroke colour operator fpdf2 writes for an #rrggbb colour."""
    r, g, b = (int(accent[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return f"{r:.4f} {g:.4f} {b:.4f} RG".encode()


def test_the_certificate_pdf_and_page_carry_each_schools_branding_as_issued(site):
    text_a, content_a = pdf_of(site, A)
    text_b, content_b = pdf_of(site, B)
    assert {"Conductor Academy", "Ada Director"} <= set(text_a) and "Dean of Studies" in text_a
    assert {"École B", "Bruno Signataire", "Directeur"} <= set(text_b)
    assert not {"École B", "Bruno Signataire"} & set(text_a)
    assert colour(A_ACCENT) in content_a and colour(B_ACCENT) not in content_a
    assert colour(B_ACCENT) in content_b and colour(A_ACCENT) not in content_b

    with site.app.app_context():  # the school changes its accent and signatory: issued certificates keep theirs
        school = db.session.execute(db.select(School).filter_by(slug="ecole-b")).scalar_one()
        school.accent, school.signatory = "#5b2a86", "Nouvelle Personne"
        school.logo_id = new_logo = store_logo(png((91, 42, 134)), 100_000).id
        db.session.commit()
    text_after, content_after = pdf_of(site, B)
    assert "Bruno Signataire" in text_after and colour(B_ACCENT) in content_after

    page = site.b.client.get(f"/verify/{site.certificate(B).credential_id}").get_data(as_text=True)
    logo = f'src="/school/logo/{site.certificate(B).logo_id}"'
    assert "Bruno Signataire, Directeur" in page and "École B" in page and logo in page  # the logo it was issued with
    assert f'src="/school/logo/{new_logo}"' in page  # the site's header shows the school's logo now


def test_a_credential_signed_before_schools_had_their_own_keys_still_verifies(make_app, tmp_path):
    """An install upgraded from 0021: its registered keys and key files become the LMS_SCHOOL school's,
    where they were, so what was signed before verifies and the same key keeps signing."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from lms.certificates.keys import KeyStore
    from lms.certificates.openbadge import sign
    from lms.certificates.signing import signing_key
    from lms.extension import MIGRATIONS_DIR

    database = tmp_path / "old.sqlite3"
    keys = tmp_path / "old-keys"
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{database}", LMS_KEYS_DIR=str(keys))
    with app.app_context():
        upgrade(directory=str(MIGRATIONS_DIR), revision="0021")
        key = KeyStore(keys).rotate()  # as `keys rotate` made it before: in the folder itself
        db.session.execute(text("INSERT INTO schools (slug, name, created_at, signatory) "
                                "VALUES ('default', 'Conductor Academy', '2026-01-01 00:00:00', 'Director')"))
        db.session.execute(text("INSERT INTO signing_keys (serial, kid, jwk, created, registered_at) "
                                "VALUES (1, :kid, :jwk, :created, '2026-01-01 00:00:00')"),
                           {"kid": key.kid, "jwk": json.dumps(key.public_jwk()), "created": key.created})
        db.session.commit()
        issuer = "http://localhost/issuers/default"
        claims = {"id": "http://localhost/verify/old", "issuer": {"id": issuer, "type": ["Profile"]}, "iss": issuer}
        token = sign(claims, key, f"{issuer}/keys/{key.kid}")
        upgrade(directory=str(MIGRATIONS_DIR))
        assert signing_key(schools.default_school()).kid == key.kid
        db.session.commit()
    header, _ = verify(app.test_client(), token)
    assert header["kid"] == f"{issuer}/keys/{key.kid}" and len(list(keys.rglob("*.pem"))) == 1


def test_every_schools_keys_are_backed_up_and_restored_in_one_archive(site, make_app, tmp_path):
    token_a, token_b = site.token(A), site.token(B)
    archive = tmp_path / "all.tar"
    assert "of every school" in cli(site.app, "export", str(archive), "--all")
    with tarfile.open(archive) as opened:
        names = sorted(name.rsplit("/", 1)[0] for name in opened.getnames())
    assert names == ["keys", "keys/schools/ecole-b"]

    other = make_app(LMS_BASE_URL=f"http://{A}", LMS_TRUSTED_HOSTS=f"{A}, {B}", LMS_KEYS_DIR=str(tmp_path / "other"))
    refused = cli(other, "import", str(archive), "--school", "ecole-b", code=1)
    assert "import it with --all" in refused and not (tmp_path / "other").exists()
    output = cli(other, "import", str(archive), "--all")
    assert "signs for default" in output and "signs for ecole-b" in output
    for host, token in ((A, token_a), (B, token_b)):
        auth = on_host(other, host)
        assert auth.login().status_code == 302
        assert auth.client.get(f"/certificates/{site.certificate(host).credential_id}.jwt").get_data(as_text=True) == token


def test_an_archive_naming_a_school_this_site_lacks_is_refused_whole(site, make_app, tmp_path):
    site.token(A), site.token(B)
    archive = tmp_path / "all.tar"
    cli(site.app, "export", str(archive), "--all")
    with site.app.app_context():  # a site whose database has no school ecole-b
        school = schools.school_by_slug("ecole-b")
        school.slug = "ecole-c"
        db.session.commit()
    other = make_app(LMS_BASE_URL=f"http://{A}", LMS_TRUSTED_HOSTS=f"{A}, {B}", LMS_KEYS_DIR=str(tmp_path / "other"))
    refused = cli(other, "import", str(archive), "--all", code=1)
    assert "the school 'ecole-b', which this site does not have" in refused and not (tmp_path / "other").exists()

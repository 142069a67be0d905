"""Open Badges 3.0: the VC-JWT checked independently (cryptography against the published JWKS, and
openbadgeslib's OB3 verifier offline), every required field, tampering, key rotation, revocation."""
from __future__ import annotations

import base64
import gzip
import json
import stat
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from openbadgeslib.ob3.verifier import OB3VerificationError, OB3Verifier

from lms.extensions import db

from .certificate_support import finish_course, only_certificate
from .conftest import Auth


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def get(client, url: str):
    parts = urlsplit(url)
    response = client.get(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert response.status_code == 200, url
    return response


def public_key(jwk: dict) -> rsa.RSAPublicKey:
    numbers = rsa.RSAPublicNumbers(int.from_bytes(b64decode(jwk["e"]), "big"), int.from_bytes(b64decode(jwk["n"]), "big"))
    return numbers.public_key()


def verify(client, token: str) -> tuple[dict, dict]:
    """Check a compact JWS against the issuer's published JWKS, with nothing from the app's signing code."""
    header_part, payload_part, signature = token.split(".")
    header = json.loads(b64decode(header_part))
    payload = json.loads(b64decode(payload_part))
    assert header["alg"] == "RS256" and header["typ"] == "JWT"
    issuer = payload["issuer"]["id"] if isinstance(payload["issuer"], dict) else payload["issuer"]
    jwks = get(client, issuer + "/jwks.json").get_json()
    [jwk] = [key for key in jwks["keys"] if key["kid"] == header["kid"]]
    assert get(client, header["kid"]).get_json() == jwk  # the kid dereferences to the same JWK
    public_key(jwk).verify(b64decode(signature), f"{header_part}.{payload_part}".encode(), padding.PKCS1v15(),
                           hashes.SHA256())
    return header, payload


def pem(jwk: dict) -> bytes:
    return public_key(jwk).public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@pytest.fixture()
def badge(synced, learner, auth, client):
    finish_course(auth)
    certificate = only_certificate(synced)
    response = client.get(f"/certificates/{certificate.credential_id}.jwt")
    assert response.status_code == 200 and response.mimetype == "application/vc+jwt"
    return certificate, response.get_data(as_text=True)


def test_the_signed_badge_verifies_against_the_published_keys_and_has_every_field(badge, client):
    certificate, token = badge
    header, credential = verify(client, token)
    verify_url = f"http://localhost/verify/{certificate.credential_id}"
    issuer_url = "http://localhost/issuers/default"
    assert header["kid"].startswith(issuer_url + "/keys/")
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["id"] == verify_url and credential["jti"] == verify_url
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"] == {"id": issuer_url, "type": ["Profile"], "name": "Conductor Academy",
                                    "url": "http://localhost/"}
    assert credential["iss"] == issuer_url
    assert credential["validFrom"] == certificate.issued_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert credential["nbf"] == int(certificate.issued_at.timestamp())
    assert credential["name"] == "Certificate of completion: Intro Course"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["name"] == "Ada Learner"
    achievement = subject["achievement"]
    assert achievement["id"] == "http://localhost/courses/intro-course/"
    assert achievement["type"] == ["Achievement"] and achievement["name"] == "Intro Course"
    assert achievement["description"] == "A short course used by the tests. (2 hours of study)"
    assert achievement["criteria"] == {"narrative": "Completed all 4 lessons of the course."}
    status = credential["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry" and status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == issuer_url + "/status/revocation"
    assert status["statusListIndex"] == str(certificate.status_index)  # random, not the id (tests/test_status_list.py)
    assert status["id"] == f"{issuer_url}/status/revocation#{certificate.status_index}"
    assert "learner@example.com" not in json.dumps(credential)
    profile = get(client, issuer_url).get_json()
    assert profile["id"] == issuer_url and profile["type"] == ["Profile"] and profile["name"] == "Conductor Academy"


def test_the_json_download_is_the_same_credential(badge, client):
    certificate, token = badge
    _, claims = verify(client, token)
    document = client.get(f"/certificates/{certificate.credential_id}.json").get_json()
    assert document == {key: value for key, value in claims.items() if key not in ("iss", "jti", "nbf", "iat")}


def test_a_tampered_badge_fails(badge, client):
    _, token = badge
    header, payload, signature = token.split(".")
    claims = json.loads(b64decode(payload))
    claims["credentialSubject"]["name"] = "Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    with pytest.raises(InvalidSignature):
        verify(client, f"{header}.{forged}.{signature}")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(InvalidSignature):
        verify(client, f"{header}.{payload}.{flipped}")


def test_an_independent_open_badges_verifier_accepts_it_and_sees_revocation(badge, client, make_user):
    """openbadgeslib (PyJWT underneath) verifies offline: the key comes from our JWKS, the status list
    is fetched through the test client instead of the network."""
    certificate, token = badge
    jwk = client.get("/issuers/default/jwks.json").get_json()["keys"][-1]
    verifier = OB3Verifier(pubkey_pem=pem(jwk))

    def fetch(url: str) -> bytes:
        return get(client, url).data

    verified = verifier.verify(token, check_status=True, download=fetch)
    assert verified.achievement.name == "Intro Course" and verified.issuer.id == "http://localhost/issuers/default"
    with pytest.raises(OB3VerificationError):
        verifier.verify(token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))

    make_user(email="admin@example.com", role="admin")
    admin = Auth(client.application.test_client())
    admin.login(email="admin@example.com")
    response = admin.post(f"/admin/certificates/{certificate.credential_id}/revoke", {"reason": "Issued in error."})
    assert response.status_code == 302
    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(token, check_status=True, download=fetch)


def test_the_status_list_sets_the_bit_of_a_revoked_certificate(badge, client, synced):
    certificate, _ = badge

    def bit() -> bool:
        listed = get(client, "http://localhost/issuers/default/status/revocation").get_data(as_text=True)
        _, status_list = verify(client, listed)
        assert status_list["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        subject = status_list["credentialSubject"]
        assert subject["statusPurpose"] == "revocation" and subject["encodedList"].startswith("u")
        bits = gzip.decompress(b64decode(subject["encodedList"][1:]))
        assert len(bits) * 8 >= 131072
        index = certificate.status_index
        return bool(bits[index // 8] & (0x80 >> (index % 8)))

    assert bit() is False
    with synced.app_context():
        from lms.accounts.services import create_user
        from lms.certificates import services

        admin = create_user("root@example.com", "Root", "correct-horse-battery", "admin")
        services.revoke(services.by_credential_id(certificate.credential_id), admin, "Issued in error.")
        db.session.commit()
    assert bit() is True
    status = client.get(f"/verify/{certificate.credential_id}.json").get_json()
    assert status["status"] == "revoked" and status["revocationReason"] == "Issued in error."


def test_keys_live_in_files_and_rotation_keeps_issued_badges_valid(badge, client, synced, runner):
    certificate, before = badge
    [key_file] = Path(synced.config["LMS_KEYS_DIR"]).glob("*.pem")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    result = runner.invoke(args=["lms", "keys", "rotate"])
    assert result.exit_code == 0 and "2 keys published" in result.output
    after = client.get(f"/certificates/{certificate.credential_id}.jwt").get_data(as_text=True)
    old_header, _ = verify(client, before)  # signed with the old key: still verifies
    new_header, _ = verify(client, after)
    assert old_header["kid"] != new_header["kid"]
    assert len(client.get("/issuers/default/jwks.json").get_json()["keys"]) == 2
    listing = runner.invoke(args=["lms", "keys", "list"]).output.splitlines()
    assert len(listing) == 3 and listing[0].startswith("default (") and listing[-1].endswith("(signing)")
    with synced.app_context():  # nothing secret in the database
        dump = "\n".join(str(row) for table in db.metadata.sorted_tables
                         for row in db.session.execute(table.select()).all())
    assert "PRIVATE KEY" not in dump


def test_the_first_key_is_made_on_first_use_when_none_is_registered(synced, runner):
    folder = Path(synced.config["LMS_KEYS_DIR"])
    assert not folder.exists()
    assert "No key yet" in runner.invoke(args=["lms", "keys", "list"]).output
    assert synced.test_client().get("/issuers/default/jwks.json").get_json() == {"keys": []}
    with synced.app_context():
        from lms.certificates.signing import published, signing_key
        from lms.schools.services import default_school

        school = default_school()
        first = signing_key(school)
        assert signing_key(school).kid == first.kid and len(list(folder.glob("*.pem"))) == 1
        assert [key.kid for key in published(school)] == [first.kid]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_identical_input_signs_to_an_identical_token(badge, client):
    certificate, token = badge
    assert client.get(f"/certificates/{certificate.credential_id}.jwt").get_data(as_text=True) == token


def expanded_terms(document: dict) -> set[str]:
    """Every property and type IRI of the document after JSON-LD expansion with the pinned VC 2.0 and
    OB 3.0.3 contexts that openbadgeslib bundles (no network)."""
    from openbadgeslib.ob3.contexts import document_loader
    from pyld import jsonld

    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@type" and isinstance(value, list):
                    found.update(value)
                elif not key.startswith("@"):
                    found.add(key)
                walk(value)

    walk(jsonld.expand(document, {"documentLoader": document_loader()}))
    return found


def test_every_term_is_defined_by_the_vc_and_open_badges_contexts(badge, client):
    """Nothing falls back to VC 2.0's "issuer-dependent" vocabulary: every property and type we write
    means what the standards say it means."""
    certificate, token = badge
    document = client.get(f"/certificates/{certificate.credential_id}.json").get_json()
    listed = client.get("/issuers/default/status/revocation").get_data(as_text=True)
    status_list = json.loads(b64decode(listed.split(".")[1]))
    profile = client.get("/issuers/default").get_json()
    for item in (document, {k: v for k, v in status_list.items() if k not in ("iss", "jti", "nbf", "iat")}, profile):
        terms = expanded_terms(item)
        assert terms and all(term.startswith(("https://purl.imsglobal.org/spec/vc/ob/vocab.html#",
                                              "https://www.w3.org/2018/credentials#",
                                              "https://www.w3.org/ns/credentials/status#", "https://schema.org/"))
                             for term in terms), sorted(terms)


def test_the_base_url_setting_names_every_link(make_app, make_user):
    app = make_app(LMS_BASE_URL="https://learn.example.org/school", LMS_TRUSTED_HOSTS="localhost")  # the test client's
    assert app.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    make_user()
    auth = Auth(app.test_client())
    auth.login()
    finish_course(auth)
    certificate = only_certificate(app)
    token = auth.client.get(f"/certificates/{certificate.credential_id}.jwt").get_data(as_text=True)
    header = json.loads(b64decode(token.split(".")[0]))
    claims = json.loads(b64decode(token.split(".")[1]))
    base = "https://learn.example.org/school"
    assert claims["id"] == f"{base}/verify/{certificate.credential_id}"
    assert claims["issuer"]["id"] == f"{base}/issuers/default" and header["kid"].startswith(f"{base}/issuers/default/keys/")
    assert claims["credentialStatus"]["statusListCredential"] == f"{base}/issuers/default/status/revocation"
    with app.app_context():
        from lms.web import public_url

        assert public_url("catalog.home") == f"{base}/"  # outside a request too


def test_the_signed_credential_aligns_the_course_skills_and_verifies(badge, client):
    """Each skill of the course is an OB 3.0 Alignment of the achievement, pointing at the skill's public page; the
    credential still verifies, with our keys and with openbadgeslib."""
    certificate, token = badge
    _, credential = verify(client, token)
    assert credential["credentialSubject"]["achievement"]["alignment"] == [{
        "type": ["Alignment"], "targetName": "AI literacy", "targetDescription": "Knows what models do.",
        "targetUrl": "http://localhost/skills/ai-literacy", "targetFramework": "Conductor skills framework",
        "targetCode": "ai-literacy", "targetType": "ext:Skill"}]
    assert "Knows what models do." in get(client, "http://localhost/skills/ai-literacy").get_data(as_text=True)
    jwk = client.get("/issuers/default/jwks.json").get_json()["keys"][-1]
    verified = OB3Verifier(pubkey_pem=pem(jwk)).verify(token)
    assert verified.achievement.name == "Intro Course"


def test_a_programme_credential_aligns_the_union_of_its_courses_skills(app, content_dir, make_user, auth, client):
    from .content_factory import make_tree, write
    from .quiz_support import sync

    make_tree(content_dir, courses=("intro-course", "second-course"))
    write(content_dir, "courses/second-course/course.md", "---\ntitle: Second Course\nsummary: S.\nlevel: beginner\n"
          "hours: 1\nskills: [agile-delivery, ai-literacy]\n---\n\nSecond.\n")
    sync(app)
    make_user()
    auth.login()
    assert auth.post("/programmes/pathway/enrol", token_from="/programmes/pathway").status_code == 302
    finish_course(auth)
    finish_course(auth, "/courses/second-course/")
    with app.app_context():
        from lms.certificates.models import Certificate
        programme = db.session.execute(db.select(Certificate).filter_by(kind="programme")).scalar_one()
        credential_id = programme.credential_id
    _, credential = verify(client, client.get(f"/certificates/{credential_id}.jwt").get_data(as_text=True))
    aligned = credential["credentialSubject"]["achievement"]["alignment"]
    assert [(a["targetCode"], a["targetUrl"]) for a in aligned] == [
        ("ai-literacy", "http://localhost/skills/ai-literacy"), ("agile-delivery", "http://localhost/skills/agile-delivery")]



def test_a_credential_keeps_the_skills_it_was_issued_for(badge, client, synced, content_dir):
    """The alignments are part of the achievement as issued, like its title and criteria: a course that later
    teaches other skills changes no credential already issued, and a reissue keeps them."""
    from lms.accounts.models import User
    from lms.certificates.services import reissue

    from .content_factory import COURSE, write
    from .quiz_support import sync

    certificate, _token = badge
    write(content_dir, "courses/intro-course/course.md",
          COURSE.format(title="Intro Course").replace("skills: [ai-literacy]", "skills: [agile-delivery]"))
    sync(synced)

    def aligned(credential_id: str) -> list[str]:
        token = client.get(f"/certificates/{credential_id}.jwt").get_data(as_text=True)
        return [a["targetCode"] for a in verify(client, token)[1]["credentialSubject"]["achievement"]["alignment"]]

    assert aligned(certificate.credential_id) == ["ai-literacy"]
    with synced.app_context():
        from lms.certificates.models import Certificate

        admin = User(email="admin@example.com", name="Alma Admin", role="admin", password_hash="!",
                     school_id=db.session.get(Certificate, certificate.id).school_id)
        db.session.add(admin)
        db.session.flush()
        replacement = reissue(db.session.get(Certificate, certificate.id), admin, "Audit")
        db.session.commit()
        assert replacement.skills == ["ai-literacy"]

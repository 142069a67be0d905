"""Certificates in French: the language a certificate is issued in (the learner's), its PDF and Open Badge
in that language, and the pages (the public verification page, the learner's list, the admin pages) in
the reader's language, whatever the certificate's."""
from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from babel.dates import format_date
from openbadgeslib.ob3.verifier import OB3Verifier
from pypdf import PdfReader

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.certificates.pdf import render_pdf
from lms.extensions import db

from .certificate_support import certificates, finish_course, only_certificate
from .conftest import Auth
from .test_open_badges import expanded_terms, pem, verify

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
NBSP = "\u00a0"
FRENCH_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                 "novembre", "décembre")
COMMON_ENGLISH = ("Log in", "Save", "Submit", "Continue", "Certificate", "Progress", "Dashboard")


def set_locale(app, user_id: int, locale: str | None) -> None:
    with app.app_context():
        db.session.get(User, user_id).locale = locale
        db.session.commit()


def main_of(page: str) -> str:
    """The page's own part (the header and footer belong to the layout, translated elsewhere)."""
    match = re.search(r"<main\b.*?</main>", page, re.S)
    assert match, page
    return match.group(0)


def words_of(html: str) -> str:
    """The text a reader sees, and the attributes read aloud, without the markup."""
    attributes = " ".join(re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', html))
    return re.sub(r"<[^>]+>", " ", html) + " " + attributes


def assert_no_english(text: str, strings) -> None:
    left = [s for s in strings if re.search(r"(?<![\w-])" + re.escape(s) + r"(?![\w-])", text)]
    assert not left, left


def french_date(moment: datetime) -> str:
    return format_date(moment.astimezone(UTC).date(), "d MMMM y", locale="fr")


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return reader.pages[0].extract_text().replace(NBSP, " ").replace("\u202f", " ")


@pytest.fixture()
def french_learner(synced, make_user, auth):
    user_id = make_user()
    set_locale(synced, user_id, "fr")
    assert auth.login().status_code == 302
    return user_id


@pytest.fixture()
def french_certificate(synced, french_learner, auth):
    finish_course(auth)
    return only_certificate(synced)


# --- which language a certificate is issued in ---

def test_a_learner_who_chose_french_gets_a_french_certificate(french_certificate):
    assert french_certificate.language == "fr"
    assert french_certificate.criteria == "A terminé les 4 leçons du cours."  # written in French at issue
    assert french_certificate.title == "Intro Course"  # the course's own words stay as they are


def test_without_a_preference_the_page_that_completed_the_course_decides(synced, learner, auth, make_user):
    finish_course(auth)
    assert only_certificate(synced).language == "en"  # the test client asks for no language: the school's
    make_user(email="marie@example.com", name="Marie Curie")
    french_page = Auth(synced.test_client())
    french_page.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = FRENCH["Accept-Language"]
    assert french_page.login(email="marie@example.com").status_code == 302
    finish_course(french_page)
    english, french = certificates(synced)
    assert french.holder_name == "Marie Curie" and french.language == "fr"
    assert french.criteria.startswith("A terminé") and english.criteria.startswith("Completed")


def test_outside_a_request_the_school_default_decides(synced, make_user, runner):
    """The backfill command issues with no page: the school's default language."""
    from lms.progress.models import Enrolment
    from lms.schools.services import current_school

    user_id = make_user()
    auth = Auth(synced.test_client())
    auth.login()
    finish_course(auth)
    with synced.app_context():
        db.session.execute(db.delete(Certificate))
        current_school().default_language = "fr"
        db.session.commit()
        assert db.session.execute(db.select(Enrolment).filter_by(user_id=user_id)).scalar_one().completed_at
    result = runner.invoke(args=["lms", "certificates", "backfill"])
    assert result.exit_code == 0, result.output
    assert only_certificate(synced).language == "fr"


def test_a_reissue_keeps_the_language_it_was_issued_in(french_certificate, synced):
    """The criteria were written in the certificate's language and are signed into the badge: a reissue
    (after a rename, say) keeps that language, whatever the holder reads the site in now."""
    from lms.certificates import services

    set_locale(synced, french_certificate.user_id, "en")
    with synced.app_context():
        again = services.reissue(db.session.get(Certificate, french_certificate.id), None, "")
        db.session.commit()
        assert (again.language, again.criteria) == ("fr", french_certificate.criteria)
        assert again.criteria.startswith("A terminé")
    assert [c.language for c in certificates(synced)] == ["fr", "fr"]


# --- the PDF speaks the certificate's language ---

def test_the_pdf_of_a_french_certificate_is_in_french(french_certificate, client):
    response = client.get(f"/certificates/{french_certificate.credential_id}.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    completed = french_date(french_certificate.completed_at)
    assert completed.split()[1] in FRENCH_MONTHS
    for expected in ("Certificat de réussite", "Ce certificat est décerné à", "Ada Learner",
                     "pour avoir terminé avec succès le cours", "Intro Course", "2 heures de formation",
                     f"terminé le {completed}", f"Délivré le {french_date(french_certificate.issued_at)}",
                     "Vérifier ce certificat", f"Identifiant du certificat : {french_certificate.credential_id}",
                     f"http://localhost/verify/{french_certificate.credential_id}"):
        assert expected in text, (expected, text)
    assert_no_english(text, ("Certificate of Completion", "This certifies that", "has successfully completed",
                             "hours of study", "completed on", "Issued", "Verify this certificate", "Credential ID",
                             *(datetime(2026, month, 1).strftime("%B") for month in range(1, 13))))
    assert PdfReader(io.BytesIO(response.data)).metadata.title == f"Certificat de réussite{NBSP}: Intro Course"


def test_the_pdf_does_not_follow_the_page_language(synced, learner, auth, client):
    """An English certificate downloaded from a French page is still English."""
    finish_course(auth)
    certificate = only_certificate(synced)
    text = pdf_text(client.get(f"/certificates/{certificate.credential_id}.pdf", headers=FRENCH).data)
    assert "Certificate of Completion" in text and "Certificat de réussite" not in text and "heures" not in text


def test_hours_take_a_decimal_comma_and_programmes_read_parcours(app):
    sample = Certificate(credential_id="AbCdEfGhIjKlMnOpQrStUv", kind="programme", holder_name="Zoë Ørsted",
                         title="Leading AI", hours=Decimal("12.5"), school_name="Conductor Academy",
                         signatory="Directrice", achievement_slug="leading-ai", language="fr",
                         completed_at=datetime(2026, 11, 21, 15, 30, tzinfo=UTC),
                         issued_at=datetime(2026, 11, 21, 15, 30, tzinfo=UTC))
    with app.app_context():
        text = pdf_text(render_pdf(sample, "https://learn.example.org/verify/AbCdEfGhIjKlMnOpQrStUv"))
    assert "12,5 heures de formation" in text and "terminé le 21 novembre 2026" in text
    assert "pour avoir terminé avec succès le parcours" in text and "Zoë Ørsted" in text


def test_hours_read_in_each_language(app):
    from lms.certificates.formatting import hours_text
    from lms.i18n import force_locale

    with app.app_context():
        for language, expected in (("en", ["1 hour", "1.5 hours", "2 hours", "1000 hours"]),
                                   ("fr", ["1 heure", "1,5 heure", "2 heures", "1000 heures"])):
            with force_locale(language):
                assert [hours_text(Decimal(h)) for h in ("1", "1.5", "2.0", "1000")] == expected


# --- the verification page speaks the visitor's language ---

VERIFY_ENGLISH = ("Certificate verification", "Valid.", "This certificate was issued by", "has not been revoked",
                  "Holder", "Achievement", "Study time", "Completed on", "Issued on", "Issuer", "Signed by",
                  "Credential ID", "Machine-readable status", "status as JSON", "published public keys", "hours",
                  "course", *COMMON_ENGLISH)


def test_the_verification_page_speaks_the_visitors_language(french_certificate, synced):
    visitor = synced.test_client()
    url = f"/verify/{french_certificate.credential_id}"
    page = visitor.get(url, headers=FRENCH).get_data(as_text=True)
    assert '<html lang="fr"' in page
    main = main_of(page)
    for expected in ("Vérification du certificat", "<strong>Valide.</strong> Ce certificat a été délivré par "
                     "Conductor Academy et n’a pas été révoqué.", "Titulaire", "Durée de formation", "2 heures",
                     "Terminé le", french_date(french_certificate.completed_at), "Intro Course (cours)",
                     "Signé par", "Identifiant du certificat", "clés publiques publiées"):
        assert expected in main, expected
    assert_no_english(words_of(main), VERIFY_ENGLISH)

    english = main_of(visitor.get(url, headers=ENGLISH).get_data(as_text=True))  # a French certificate, in English
    for expected in ("Certificate verification", "Valid.", "Holder", "2 hours", "Intro Course (course)"):
        assert expected in english, expected
    completed = french_certificate.completed_at
    assert f"{completed.day} {completed.strftime('%B')} {completed.year}" in english
    assert "Titulaire" not in english and "Vérification" not in english


def test_a_revoked_certificate_says_so_in_french(french_certificate, synced):
    from lms.certificates import services

    with synced.app_context():
        services.revoke(services.by_credential_id(french_certificate.credential_id),
                        db.session.get(User, french_certificate.user_id), "Awarded in error.")
        db.session.commit()
        revoked_at = services.by_credential_id(french_certificate.credential_id).revoked_at
    main = main_of(synced.test_client().get(f"/verify/{french_certificate.credential_id}", headers=FRENCH)
                   .get_data(as_text=True))
    assert f"<strong>Révoqué</strong> le {french_date(revoked_at)}. Motif{NBSP}: Awarded in error." in main
    assert_no_english(words_of(main).replace("Awarded in error.", ""), ("Revoked", "Reason", "Valid"))


# --- the Open Badge carries the language ---

def test_the_badge_carries_the_certificates_language_and_still_verifies(french_certificate, client):
    token = client.get(f"/certificates/{french_certificate.credential_id}.jwt").get_data(as_text=True)
    _, claims = verify(client, token)
    achievement = claims["credentialSubject"]["achievement"]
    assert achievement["inLanguage"] == "fr"
    assert claims["name"] == f"Certificat de réussite{NBSP}: Intro Course"
    completed = french_date(french_certificate.completed_at)
    assert claims["description"] == f"Ada Learner a terminé le cours Intro Course le {completed}."
    assert achievement["name"] == "Intro Course"
    assert achievement["description"] == "A short course used by the tests. (2 heures de formation)"
    assert achievement["criteria"] == {"narrative": "A terminé les 4 leçons du cours."}
    jwk = client.get("/issuers/default/jwks.json").get_json()["keys"][-1]
    verified = OB3Verifier(pubkey_pem=pem(jwk)).verify(token, check_status=True,
                                                       download=lambda url: client.get(url.split("localhost")[1]).data)
    assert verified.achievement.name == "Intro Course"
    document = client.get(f"/certificates/{french_certificate.credential_id}.json", headers=ENGLISH).get_json()
    assert document["name"] == claims["name"]  # the certificate's language, not the page's
    assert "https://schema.org/inLanguage" in expanded_terms(document)
    english_page_token = client.get(f"/certificates/{french_certificate.credential_id}.jwt", headers=ENGLISH)
    assert english_page_token.get_data(as_text=True) == token  # same certificate, same signed bytes


def test_an_english_badge_says_english(synced, learner, auth, client):
    finish_course(auth)
    certificate = only_certificate(synced)
    document = json.loads(client.get(f"/certificates/{certificate.credential_id}.json", headers=FRENCH).data)
    assert document["credentialSubject"]["achievement"]["inLanguage"] == "en"
    assert document["name"] == "Certificate of completion: Intro Course"


# --- the learner's and the admins' pages ---

def test_my_certificates_in_french(french_certificate, synced, client):
    with synced.app_context():
        db.session.get(User, french_certificate.user_id).name = "Ada Lovelace"
        db.session.commit()
    main = main_of(client.get("/certificates").get_data(as_text=True))
    for expected in ("Mes certificats", "Cours · 2 heures · terminé le", "Télécharger le PDF",
                     "Ajouter au profil LinkedIn", "Lien de partage", "Ouvrir la page de vérification",
                     "Demander une réémission à mon nom actuel", "votre nom est désormais"):
        assert expected in main, expected
    assert_no_english(words_of(main), ("My certificates", "Download PDF", "Add to LinkedIn profile", "Share link",
                                       "Open the verification page", "This certificate shows the name",
                                       "Ask for a reissue", "completed on", "hours", *COMMON_ENGLISH))
    response = Auth(client).post(f"/certificates/{french_certificate.credential_id}/reissue-request",
                                 token_from="/certificates", follow_redirects=True)
    main = main_of(response.get_data(as_text=True))
    assert f"Votre demande est envoyée{NBSP}: un administrateur va l’examiner" in main
    assert "Vous en avez demandé la réémission le" in main


def test_the_admin_pages_in_french(french_certificate, synced, make_user):
    make_user(email="admin@example.com", name="Admin Person", role="admin")
    admin = Auth(synced.test_client())
    admin.login(email="admin@example.com")
    with synced.app_context():
        admin_id = db.session.execute(db.select(User.id).filter_by(email="admin@example.com")).scalar_one()
    set_locale(synced, admin_id, "fr")
    listing = main_of(admin.client.get("/admin/certificates/").get_data(as_text=True))
    for expected in ("Certificats", "1 certificat trouvé.", "Titulaire", "Rechercher", "Valide", "Tous"):
        assert expected in listing, expected
    assert_no_english(words_of(listing), ("certificate found", "Holder", "Achievement", "Search", "Valid", "All",
                                          "Status", "Completed", "Issued", *COMMON_ENGLISH))
    detail_url = f"/admin/certificates/{french_certificate.credential_id}"
    detail = main_of(admin.client.get(detail_url).get_data(as_text=True))
    for expected in ("Motif de la révocation", "Révoquer le certificat", "Réémettre le certificat", "Langue",
                     "Français", "Page de vérification publique"):
        assert expected in detail, expected
    assert_no_english(words_of(detail), ("Reason for revoking", "Revoke certificate", "Reissue certificate",
                                         "Study time", "Holder", "Public verification page", *COMMON_ENGLISH))
    response = admin.post(detail_url + "/revoke", {"reason": "Erreur."}, token_from=detail_url,
                          follow_redirects=True)
    assert "Le certificat est révoqué\u202f; sa page de vérification" in response.get_data(as_text=True)
    again = admin.post(detail_url + "/revoke", {"reason": "Deux fois."}, token_from=detail_url,
                       follow_redirects=True)
    assert "Ce certificat est déjà révoqué." in again.get_data(as_text=True)
    requests = main_of(admin.client.get("/admin/certificates/reissue-requests").get_data(as_text=True))
    assert "Demandes de réémission" in requests and "Aucune demande en attente." in requests
    assert_no_english(words_of(requests), ("Reissue requests", "No request is waiting", *COMMON_ENGLISH))


def test_the_reason_conductor_wrote_for_a_revocation_reads_in_the_visitors_language(french_certificate, synced, client):
    from lms.certificates import services

    with synced.app_context():
        services.reissue(db.session.get(Certificate, french_certificate.id), None, "The holder's name was corrected.")
        db.session.commit()
    page = client.get(f"/verify/{french_certificate.credential_id}", headers={"Accept-Language": "fr-FR"})
    text = page.get_data(as_text=True)
    assert "Remplacé par un nouveau certificat. Le nom du titulaire a été corrigé." in text
    english = synced.test_client().get(f"/verify/{french_certificate.credential_id}").get_data(as_text=True)
    assert "Reissued as a new certificate. The holder&#39;s name was corrected." in english

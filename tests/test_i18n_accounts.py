"""The interface in French: the account pages, the header and footer, the error pages and the school's
settings; how a page picks its language (the account's preference, the footer's switch, the browser, the
school's default); and the account mails in their recipient's language."""
from __future__ import annotations

import re

import pytest

from lms.accounts import services
from lms.accounts.models import User
from lms.extensions import db
from lms.schools.models import School

from .conftest import PASSWORD, Auth

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
ENGLISH = {"Accept-Language": "en-GB,en;q=0.9"}
# Words of the layout (header, footer, search box) and of any page, which no French page may show.
LAYOUT_ENGLISH = ["Skip to content", "Search lessons and courses", "Search", "Catalog", "Log in", "Sign up",
                  "Help: progress, quizzes and certificates", "Powered by Conductor", "Language:", "Save", "Submit",
                  "Continue", "Certificate", "Progress", "Dashboard"]
LOGGED_IN_ENGLISH = ["My learning", "My certificates", "Account", "Log out", "Logged in as"]


def visible(html: str) -> str:
    """What a reader meets: the text between tags, and the attributes read aloud or shown."""
    attributes = re.findall(r'(?:aria-label|placeholder|alt|title)="([^"]*)"', html)
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join([text, *attributes])


def english_left(html: str, words: list[str]) -> list[str]:
    text = visible(html)
    return [word for word in words if re.search(r"(?<![\w-])" + re.escape(word) + r"(?![\w-])", text)]


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def outbox(app) -> list:
    return app.extensions["lms"]["outbox"]


def user(app, email="learner@example.com") -> User:
    with app.app_context():
        return db.session.execute(db.select(User).filter_by(email=email)).scalar_one()


def set_locale(app, locale, email="learner@example.com") -> None:
    with app.app_context():
        account = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
        services.choose_language(account, locale)
        db.session.commit()


# The pages themselves, in French.

@pytest.mark.parametrize("path, french, english", [
    ("/account/login", ["Se connecter", "Mot de passe oublié\u202f?", "Rester connecté sur cet appareil",
                        "Adresse e-mail", "Pas encore de compte\u202f?"],
     ["E-mail", "Password", "Keep me logged in on this device", "Forgot your password?", "New here?",
      "Create an account"]),
    ("/account/register", ["Créer votre compte", "Nom complet", "Tel qu’il doit figurer sur vos certificats.",
                           "Continuer", "Vous avez déjà un compte\u202f?"],
     ["Create your account", "Full name", "As it should appear on your certificates.", "E-mail",
      "We will send a link there to choose your password.", "Already have an account?"]),
    ("/account/reset", ["Réinitialiser votre mot de passe", "Envoyer le lien de réinitialisation",
                        "Saisissez l’adresse e-mail de votre compte."],
     ["Reset your password", "Send reset link", "Enter the e-mail address of your account.", "E-mail"]),
])
def test_a_french_browser_gets_french_pages(client, path, french, english):
    response = client.get(path, headers=FRENCH)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and lang_of(page) == "fr"
    for words in french:
        assert words in page
    assert english_left(page, english + LAYOUT_ENGLISH) == []
    assert "Aller au contenu" in page and 'placeholder="Rechercher"' in page and "Langue\u00a0:" in page


def test_the_same_pages_stay_english_without_a_french_browser(client):
    page = client.get("/account/login").get_data(as_text=True)
    assert lang_of(page) == "en" and "Forgot your password?" in page and "Se connecter" not in page
    page = client.get("/account/login", headers=ENGLISH).get_data(as_text=True)
    assert lang_of(page) == "en" and "Keep me logged in on this device" in page


@pytest.mark.parametrize("path, french, english", [
    ("/account/profile", ["Votre profil", "Enregistrer le nom", "Envoyer le lien de confirmation",
                          "La langue de votre navigateur", "Enregistrer la langue", "Changer votre mot de passe"],
     ["Your profile", "Name", "Full name", "Save name", "E-mail address", "New e-mail address", "Current password",
      "Send confirmation link", "Language", "Your browser's language", "Save language", "Password",
      "Change your password", "You log in with"]),
    ("/account/password", ["Changer le mot de passe", "Mot de passe actuel", "Répétez le nouveau mot de passe",
                           "Voir vos sessions ouvertes"],
     ["Change your password", "Current password", "New password", "Repeat new password", "At least 10 characters.",
      "Change password", "See where you are logged in", "Signed in as"]),
    ("/account/sessions", ["Vos sessions ouvertes", "Appareil", "(cet appareil)", "Vous n’avez de session ouverte"],
     ["Where you are logged in", "Device", "Logged in", "Ends", "(this device)", "You are logged in on this device only.",
      "A device not recorded"]),
])
def test_a_learner_who_chose_french_reads_the_account_pages_in_french(app, learner, client, path, french, english):
    set_locale(app, "fr")
    page = client.get(path, headers=ENGLISH).get_data(as_text=True)  # the account's choice beats the browser
    assert lang_of(page) == "fr"
    for words in french:
        assert words in page, words
    assert english_left(page, english + LAYOUT_ENGLISH + LOGGED_IN_ENGLISH) == []
    assert "Mon apprentissage" in page and "Se déconnecter" in page and "Connecté sous le nom «\u00a0Ada Learner\u00a0»." in page


def test_sessions_list_dates_in_french_and_names_devices_in_french(app, make_user, client):
    make_user()
    Auth(app.test_client()).login()  # a second session, on another device
    auth = Auth(client)
    client.environ_base["HTTP_USER_AGENT"] = "Mozilla/5.0 (Windows NT 10.0) Firefox/120.0"
    auth.login()
    set_locale(app, "fr")
    page = client.get("/account/sessions").get_data(as_text=True)
    assert "Firefox sous Windows <strong>(cet appareil)</strong>" in page
    assert re.search(r'value="[0-9a-f]{24}"> <label[^>]*>[^<]+, connexion le \d+ \w+\.? \d{4}, \d\d:\d\d UTC</label>', page)
    assert re.search(r"<td>\d+ \w+\.? \d{4}, \d\d:\d\d UTC</td>", page)
    assert "Les 2 autres appareils" not in page  # a single other device: no "all of them" choice
    assert english_left(page, ["Log out of another device", "Which to log out", "Your password", "logged in"]) == []


def test_form_errors_and_refusals_speak_french(app, make_user, client):
    make_user()
    auth = Auth(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = auth.post("/account/login", {"email": "learner@example.com", "password": "wrong-password"},
                     token_from="/account/login").get_data(as_text=True)
    assert "Adresse e-mail ou mot de passe incorrect." in page
    page = auth.post("/account/register", {"name": "", "email": "x@example.com"},
                     token_from="/account/register").get_data(as_text=True)
    assert english_left(page, ["This field is required."]) == []
    page = client.get("/account/register/not-a-token", follow_redirects=True).get_data(as_text=True)
    assert "Ce lien n’est pas valide. Inscrivez-vous à nouveau pour en recevoir un autre." in page


def test_error_pages_speak_french(client):
    response = client.get("/no-such-page", headers=FRENCH)
    page = response.get_data(as_text=True)
    assert response.status_code == 404 and lang_of(page) == "fr"
    assert "Page introuvable" in page and "Il n’y a aucune page à cette adresse." in page and "Retour au catalogue" in page
    assert english_left(page, ["Page not found", "There is no page at this address.", "Back to the catalog"]) == []
    response = client.post("/account/language", data={"language": "fr"}, headers=FRENCH)  # no CSRF token
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Formulaire expiré ou modifié" in page
    assert "Le jeton CSRF est absent. Revenez en arrière, rechargez la page et réessayez." in page


# The footer's switch.

def test_the_footer_switch_sets_a_cookie_a_visitor_keeps(client):
    auth = Auth(client)
    response = auth.post("/account/language", {"language": "fr", "next": "/account/login?next=%2Fdashboard"})
    assert response.status_code == 302 and response.headers["Location"] == "/account/login?next=%2Fdashboard"
    cookie = client.get_cookie("lms_lang")
    assert cookie is not None and cookie.value == "fr" and cookie.http_only
    for headers in ({}, ENGLISH):  # remembered, and the visitor's choice beats the browser's
        page = client.get("/account/login", headers=headers).get_data(as_text=True)
        assert lang_of(page) == "fr" and "Se connecter" in page
    # The switch names the other language; the current one is marked, not a button.
    assert '<button type="submit" name="language" value="en" lang="en"' in page
    assert '<span lang="fr" aria-current="true">Français</span>' in page
    auth.post("/account/language", {"language": "en", "next": "/account/login"})
    assert lang_of(client.get("/account/login", headers=FRENCH).get_data(as_text=True)) == "en"


def test_the_switch_saves_a_logged_in_learners_preference(app, learner, client):
    auth = Auth(client)
    assert auth.post("/account/language", {"language": "fr", "next": "/account/profile"}).status_code == 302
    assert user(app).locale == "fr"
    # On another device, without the cookie, with an English browser: the account's preference wins.
    other = Auth(app.test_client())
    assert other.login().status_code == 302
    page = other.client.get("/account/profile", headers=ENGLISH).get_data(as_text=True)
    assert lang_of(page) == "fr" and "Votre profil" in page
    assert re.search(r'<input checked[^>]*value="fr"', page)  # the profile shows the saved choice


@pytest.mark.parametrize("data", [
    {"language": "de"}, {"language": "klingon"}, {"language": ""}, {},
])
def test_an_unknown_language_is_refused_and_changes_nothing(app, learner, client, data):
    response = Auth(client).post("/account/language", {**data, "next": "/account/profile"})
    assert response.status_code == 400
    assert client.get_cookie("lms_lang") is None and user(app).locale is None


def test_a_switch_without_its_csrf_token_is_refused_and_changes_nothing(app, learner, client):
    response = client.post("/account/language", data={"language": "fr", "next": "/account/profile"})
    assert response.status_code == 400
    response = client.post("/account/language", data={"language": "fr", "csrf_token": "forged", "next": "/"})
    assert response.status_code == 400
    assert client.get_cookie("lms_lang") is None and user(app).locale is None


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/path", "/\\evil.example",
                                    "http:evil.example", "javascript:alert(1)", " //evil.example", ""])
def test_the_switch_never_sends_a_visitor_to_another_site(client, target):
    response = Auth(client).post("/account/language", {"language": "fr", "next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


# The profile's language preference.

def test_the_profile_saves_the_language_and_says_so_in_it(app, learner, client):
    auth = Auth(client)
    response = auth.post("/account/profile/language", {"language": "fr"}, token_from="/account/profile")
    assert response.status_code == 302 and response.headers["Location"] == "/account/profile"
    assert user(app).locale == "fr" and client.get_cookie("lms_lang").value == "fr"
    page = client.get("/account/profile", headers=ENGLISH).get_data(as_text=True)
    assert lang_of(page) == "fr" and "Votre langue est enregistrée." in page
    assert re.search(r'<input checked[^>]*value="fr"', page)
    # Back to English: the confirmation is in English at once.
    auth.post("/account/profile/language", {"language": "en"}, token_from="/account/profile")
    page = client.get("/account/profile", headers=FRENCH).get_data(as_text=True)
    assert user(app).locale == "en" and lang_of(page) == "en" and "Your language is saved." in page


def test_choosing_the_browsers_language_forgets_every_earlier_choice(app, learner, client):
    auth = Auth(client)
    auth.post("/account/language", {"language": "fr", "next": "/"})  # the footer's cookie, and the account
    response = auth.post("/account/profile/language", {"language": ""}, token_from="/account/profile")
    assert response.status_code == 302 and user(app).locale is None
    assert client.get_cookie("lms_lang") is None  # the footer's earlier choice does not outvote this one
    page = client.get("/account/profile", headers=ENGLISH).get_data(as_text=True)
    assert lang_of(page) == "en" and "Your language is saved: pages follow your browser&#39;s language." in page
    assert re.search(r'<input checked[^>]*value=""', page)
    assert lang_of(client.get("/account/profile", headers=FRENCH).get_data(as_text=True)) == "fr"


def test_the_profile_refuses_a_language_it_does_not_offer(app, learner, client):
    response = Auth(client).post("/account/profile/language", {"language": "de"}, token_from="/account/profile")
    assert response.status_code == 400 and user(app).locale is None
    response = client.post("/account/profile/language", data={"language": "fr"})  # no CSRF token
    assert response.status_code == 400 and user(app).locale is None


# Mails in the recipient's language.

def test_a_reset_mail_is_in_the_learners_language(app, make_user, client):
    make_user()
    make_user(email="english@example.com", name="Eve English")
    set_locale(app, "fr")
    auth = Auth(client)
    for email in ("learner@example.com", "english@example.com"):  # asked from an English page
        assert auth.post("/account/reset", {"email": email}, token_from="/account/reset").status_code == 302
    french, english = outbox(app)
    assert french["To"] == "learner@example.com" and french["Subject"] == "Réinitialisez votre mot de passe Conductor"
    body = french.get_content()
    assert body.startswith("Bonjour Ada Learner,") and "Utilisez ce lien dans un délai de 60 minutes" in body
    assert "Si vous ne l’avez pas demandé, ignorez cet e-mail\u202f; votre mot de passe reste le même." in body
    assert "/account/reset/" in body and not re.search(r"\b(Hello|Use this link|If you did not)\b", body)
    assert english["To"] == "english@example.com" and english["Subject"] == "Reset your Conductor password"
    assert english.get_content().startswith("Hello Eve English,") and "Bonjour" not in english.get_content()


def test_the_learners_language_wins_over_the_page_that_sent_the_mail(app, make_user, client):
    make_user()
    set_locale(app, "en")
    Auth(client).post("/account/reset", {"email": "learner@example.com"}, token_from="/account/reset",
                      headers=FRENCH)
    [mail] = outbox(app)
    assert mail["Subject"] == "Reset your Conductor password"


def test_a_mail_to_an_address_without_an_account_speaks_the_pages_language(app, client):
    auth = Auth(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr-FR,fr;q=0.9"
    auth.post("/account/reset", {"email": "nobody@example.com"}, token_from="/account/reset")
    auth.post("/account/register", {"name": "Nouvelle", "email": "new@example.com"}, token_from="/account/register")
    reset, registration = outbox(app)
    assert reset["Subject"] == "Réinitialisation de votre mot de passe Conductor"
    assert "aucun compte actif ne l’utilise" in reset.get_content()
    assert registration["Subject"] == "Terminez la création de votre compte Conductor"
    assert "Utilisez ce lien dans un délai de 24 heures" in registration.get_content()


def test_registration_in_french_welcomes_in_french_and_flashes_in_french(app, client):
    auth = Auth(client)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    response = auth.sign_up(app)
    assert response.status_code == 302
    welcome = outbox(app)[-1]
    assert welcome["Subject"] == "Bienvenue à " + app.config["LMS_SCHOOL_NAME"]
    assert "Votre compte est prêt. Voici comment commencer\u00a0:" in welcome.get_content()
    page = client.get("/").get_data(as_text=True)
    assert "Bienvenue, Grace Hopper. Choisissez un cours pour commencer." in page


def test_account_change_mails_go_to_each_owner_in_their_language(app, learner, make_user, client):
    make_user(email="owner@example.com", name="Owen Owner")
    set_locale(app, "fr", email="owner@example.com")
    auth = Auth(client)
    auth.post("/account/profile/email", {"email": "owner@example.com", "password": PASSWORD},
              token_from="/account/profile")
    [notice] = outbox(app)
    assert notice["To"] == "owner@example.com" and notice["Subject"] == "Votre adresse e-mail et Conductor"
    set_locale(app, "fr")
    auth.post("/account/password", {"current": PASSWORD, "password": "another-good-password",
                                    "confirm": "another-good-password"}, token_from="/account/password")
    changed = outbox(app)[-1]
    assert changed["Subject"] == "Le mot de passe de votre compte Conductor a changé"
    assert "et prévenez l’administrateur de votre établissement." in changed.get_content()


# The school's default language.

SETTINGS = "/admin/school"
GOOD = {"name": "Conductor Academy", "short_name": "", "accent": "", "signatory": "Programme Director",
        "signatory_title": "", "contact_email": "", "footer_links": ""}


def default_language(app) -> str:
    with app.app_context():
        return db.session.execute(db.select(School)).scalar_one().default_language


@pytest.fixture()
def admin(app, make_user) -> Auth:
    make_user(email="admin@example.com", name="Ada Admin", role="admin")
    auth = Auth(app.test_client())
    assert auth.login(email="admin@example.com").status_code == 302
    return auth


def test_the_schools_default_language_serves_visitors_whose_browser_names_none_we_speak(app, admin, client):
    page = admin.client.get(SETTINGS).get_data(as_text=True)
    assert "Default language" in page and re.search(r'<option[^>]*selected[^>]*value="en"', page)
    response = admin.post(SETTINGS, {**GOOD, "default_language": "fr"}, token_from=SETTINGS)
    assert response.status_code == 302 and default_language(app) == "fr"
    for headers in ({}, {"Accept-Language": "de-DE,de;q=0.9"}):  # no language, or none the LMS speaks
        page = client.get("/account/login", headers=headers).get_data(as_text=True)
        assert lang_of(page) == "fr" and "Se connecter" in page
    assert lang_of(client.get("/account/login", headers=ENGLISH).get_data(as_text=True)) == "en"
    # The admin's own pages follow the school too (no preference, no Accept-Language).
    page = admin.client.get(SETTINGS).get_data(as_text=True)
    assert lang_of(page) == "fr" and "Paramètres de l’établissement" in page and "Langue par défaut" in page
    assert re.search(r'<option[^>]*selected[^>]*value="fr"', page)
    assert english_left(page, ["School settings", "Default language", "Save settings", "Name", "Short name",
                               "Signatory", "Footer links", "Contact e-mail", "Accent colour"] + LAYOUT_ENGLISH) == []


def test_a_settings_form_without_the_language_keeps_it_and_an_unknown_one_is_refused(app, admin):
    admin.post(SETTINGS, {**GOOD, "default_language": "fr"}, token_from=SETTINGS)
    assert admin.post(SETTINGS, GOOD, token_from=SETTINGS).status_code == 302
    assert default_language(app) == "fr"
    response = admin.post(SETTINGS, {**GOOD, "name": "Renamed", "default_language": "de"}, token_from=SETTINGS)
    assert response.status_code == 422 and default_language(app) == "fr"
    assert "Choisissez la langue par défaut parmi les langues de l’interface." in response.get_data(as_text=True)


def test_a_settings_refusal_speaks_french(app, admin):
    set_locale(app, "fr", email="admin@example.com")
    response = admin.post(SETTINGS, {**GOOD, "accent": "#ffff00"}, token_from=SETTINGS)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Rien n’a été modifié" in page
    assert re.search(r"La couleur d’accent #ffff00 est trop claire\u00a0: son contraste est de \d+(,\d)?:1", page)
    assert "au moins 4,5:1" in page


def test_a_mail_another_account_caused_goes_out_in_the_schools_language(app, make_user, auth):
    """A French reader asks to move their account to an address someone else owns: the owner (no preference)
    is told in the school's language, not in the stranger's."""
    make_user(email="owner@example.com", name="Olive Martin")
    make_user(email="learner@example.com", name="Ada Learner")
    assert auth.login().status_code == 302
    outbox = app.extensions["lms"]["outbox"]
    before = len(outbox)
    response = auth.client.post("/account/profile/email", headers={"Accept-Language": "fr-FR"},
                                data={"csrf_token": auth.csrf("/account/profile"), "email": "owner@example.com",
                                      "password": PASSWORD})
    assert response.status_code == 302
    to_owner = [mail for mail in outbox[before:] if mail["To"] == "owner@example.com"]
    assert [mail["Subject"] for mail in to_owner] == ["Your e-mail address and Conductor"]


def test_a_page_says_it_varies_with_the_language_a_stylesheet_does_not(client):
    """A shared cache must not give a French page to an English reader: pages vary with Accept-Language and
    the cookies (the language switch's and the session's)."""
    page = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert {"Accept-Language", "Cookie"} <= set(page.vary)
    stylesheet = client.get("/lms/static/lms.css")
    assert "Accept-Language" not in stylesheet.vary
    stylesheet.close()

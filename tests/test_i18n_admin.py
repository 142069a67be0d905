"""The admin and report pages in French: an admin whose browser asks for French reads every admin page
(learners, a learner, authors, the audit log) and every report (home, course, quiz, learner) in French,
dates and numbers written the French way, the audit log's actions by their French labels, and the CSV
exports' headers in French in the same order as in English."""
from __future__ import annotations

import csv
import html
import io
import re
from datetime import datetime, timezone

import pytest

from lms.accounts.models import User
from lms.admin.models import AuditEntry
from lms.extensions import db
from lms.progress.models import Enrolment
from lms.quizzes.models import Attempt

from .authoring_support import log_in, make_account
from .conftest import Auth
from .quiz_support import answers_form, enrol, post_answers, questions, start, write_quiz

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
NBSP, NNBSP = "\u00a0", "\u202f"
WHEN = datetime(2026, 12, 6, 14, 5, tzinfo=timezone.utc)
# Interface words no French page may show (the brief's list), on top of each page's own.
COMMON = ["Log in", "Save", "Submit", "Continue", "Certificate", "Progress", "Dashboard"]


@pytest.fixture()
def scene(synced, make_user, content_dir):
    """A learner with two submitted quiz attempts; an admin reset the first one, renamed the learner
    and deactivated then reactivated the account; every date is 6 December 2026, 14:05 UTC."""
    write_quiz(content_dir, max_attempts=3)
    assert synced.test_cli_runner().invoke(args=["lms", "sync"]).exit_code == 0
    learner_id = make_user()
    learner = Auth(synced.test_client())
    learner.login()
    enrol(learner)
    for right in (1, None):
        attempt = start(learner)
        post_answers(learner, attempt, answers_form(questions(synced, attempt), right=right))
    admin_id = make_account(synced, make_user, "admin")
    admin = Auth(synced.test_client())
    log_in(admin, "admin@example.com")
    page = f"/admin/learners/{learner_id}"
    with synced.app_context():
        first = db.session.execute(db.select(Attempt.id).order_by(Attempt.id)).scalars().first()
    for path, data in ((f"/attempts/{first}/reset", {"reason": "coupure de courant"}),
                       ("/deactivate", {"reason": "compte partagé"}), ("/reactivate", {"reason": "nouveau mot de passe"}),
                       ("/name", {"rename-name": "Ada Lovelace", "rename-reason": "faute de frappe"})):
        assert admin.post(page + path, data, token_from=page).status_code == 302
    with synced.app_context():
        for model, column in ((User, "created_at"), (AuditEntry, "created_at"), (Attempt, "started_at"),
                              (Attempt, "submitted_at"), (Enrolment, "enrolled_at"), (Enrolment, "last_activity_at")):
            db.session.execute(db.update(model).values({column: WHEN}))
        db.session.commit()
    admin.client.get("/")  # the flashes of the set-up are shown (in English) and gone
    return {"app": synced, "admin": admin, "learner_id": learner_id, "admin_id": admin_id}


def french(client, path: str) -> str:
    response = client.get(path, headers=FRENCH)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def interface(page: str) -> str:
    """The page's own words: its title and its <main> (the header and footer belong to the site)."""
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    main = re.search(r"<main\b.*?</main>", page, re.S)
    assert main, "no <main> in the page"
    return html.unescape((title[1] if title else "") + main[0])


def assert_no_english(page: str, english: list[str]) -> None:
    """None of these English words, as whole words ("Progress" is not in "Progression"), in the page's own text."""
    text = interface(page)

    def pattern(words: str) -> str:
        return (r"\b" if words[0].isalnum() else "") + re.escape(words) + (r"\b" if words[-1].isalnum() else "")

    left = [words for words in english + COMMON if re.search(pattern(words), text)]
    assert not left, f"English left on the French page: {left}"


def test_the_learners_list_speaks_french(scene):
    page = french(scene["admin"].client, "/admin/learners")
    text = interface(page)
    assert '<html lang="fr"' in page
    for words in ("Apprenants", "Journal d’audit", "Le nom ou l’adresse e-mail contient", "Rechercher",
                  "2 comptes trouvés.", "Les télécharger en CSV", "Comptes, du plus récent au plus ancien",
                  "Création du compte", "Apprenant", "Administrateur", "actif", "6 déc. 2026"):
        assert words in text, words
    assert_no_english(page, ["Learners", "Audit log", "Name or e-mail contains", "Search", "accounts found",
                             "Download them as CSV", "newest first", "Joined", "Role", "Status", "E-mail",
                             "Learner<", "Admin<", "Dec"])


def test_a_learner_page_speaks_french(scene):
    page = french(scene["admin"].client, f"/admin/learners/{scene['learner_id']}")
    text = interface(page)
    for words in ("Ada Lovelace", "Création du compte", "6 décembre 2026", "Rapport de progression", "Inscriptions",
                  "Désinscrire", "Tentatives de test", "Réinitialiser", "Raison (réinitialiser)", "Corriger le nom",
                  "Changer le nom", "Changer le rôle", "Désactiver", "Nom complet", "Raison", "Espace auteur",
                  "Actions d’administration récentes sur ce compte",
                  f"6 déc. 2026, 14:05 UTC{NBSP}: Changement de nom, par Admin Person{NBSP}: «{NBSP}faute de frappe{NBSP}»",
                  f"Tentative réinitialisée, par Admin Person{NBSP}: «{NBSP}coupure de courant{NBSP}»",
                  "Désactivation, par Admin Person", "Réactivation, par Admin Person", "% (réussie)"):
        assert words in text, words
    assert_no_english(page, ["Progress report", "Enrolments", "Unenrol", "Quiz attempts", "Reset", "Reason",
                             "Correct the name", "Change name", "Change role", "Deactivate", "Full name",
                             "Authoring", "Recent admin actions", "reset_attempt", "Reset attempt", "(passed)",
                             "newest first", "Joined", "December", " by ", "Not enrolled", "No attempts"])


def test_the_audit_log_shows_actions_and_details_in_french(scene):
    page = french(scene["admin"].client, "/admin/audit")
    text = interface(page)
    for words in ("Journal d’audit", f"Chaque action d’administration{NBSP}: qui a fait quoi", "Filtrer",
                  "Télécharger tout le journal en CSV", "4 entrées, les plus récentes en premier",
                  "6 déc. 2026, 14:05 UTC", "Tentative réinitialisée", "Désactivation", "Réactivation",
                  "Changement de nom", f"Réussi{NBSP}: non", f"Test{NBSP}: intro-course/basics",
                  f"Tentative{NBSP}: 1", f"Précédent{NBSP}: Ada Learner", "Tous"):
        assert words in text, words
    assert re.search(rf"Note{NBSP}: \d+{NBSP}%", text), "the score in French"
    # Every action of the filter is named in French; the stored codes stay the options' values.
    options = dict(re.findall(r'<option value="(\w*)"[^>]*>([^<]*)</option>', page))
    assert options["reset_attempt"] == "Tentative réinitialisée" and options["enrol"] == "Inscription"
    assert options["set_role"] == "Changement de rôle" and options["school_settings"] == "Paramètres de l’établissement"
    assert_no_english(page, ["Audit log", "Every admin action", "Filter", "Download the whole log", "entries",
                             "Reset attempt", "Deactivation", "Reactivation", "Name change", "Score:", "Passed:", "Quiz:",
                             "Previous:", ">Any<", "Enrolment", "Role change", "School settings", "When", "Who",
                             "Target", "Reason", "Details", "reset attempt", "Dec"])


def test_the_authors_page_speaks_french(scene):
    page = french(scene["admin"].client, "/admin/courses/intro-course/authors")
    for words in ("Auteurs de «\u00a0Intro Course\u00a0»", "Aucun auteur pour l’instant", "Adresse e-mail du nouvel auteur",
                  "Raison (facultative)", "Ajouter un auteur"):
        assert words in interface(page), words
    assert_no_english(page, ["Authors of", "No authors yet", "E-mail of the new author", "Reason (optional)",
                             "Add author", "Authors edit"])


def test_admin_flashes_and_form_errors_speak_french(scene):
    """The messages are written when the action is posted, in the language of that request."""
    admin, page = scene["admin"], f"/admin/learners/{scene['learner_id']}"
    assert admin.post(page + "/deactivate", {"reason": ""}, token_from=page, headers=FRENCH).status_code == 302
    assert f"Indiquez pourquoi{NBSP}: la raison est consignée dans le journal d’audit." in french(admin.client, page)
    assert admin.post(page + "/deactivate", {"reason": "départ"}, token_from=page, headers=FRENCH).status_code == 302
    assert "C’est fait, et consigné dans le journal d’audit." in french(admin.client, page)
    assert admin.post(page + "/role", {"role": "learner", "reason": "rien"}, token_from=page, headers=FRENCH).status_code == 302
    assert f"Ada Lovelace a déjà le rôle «{NBSP}Apprenant{NBSP}»." in french(admin.client, page)
    own = f"/admin/learners/{scene['admin_id']}"
    assert admin.post(own + "/deactivate", {"reason": "test"}, token_from=own, headers=FRENCH).status_code == 302
    assert "Vous ne pouvez pas désactiver votre propre compte." in french(admin.client, own)
    response = admin.client.post("/admin/courses/intro-course/authors", headers=FRENCH, data={
        "csrf_token": admin.csrf("/admin/courses/intro-course/authors"), "email": "nobody@example.com"})
    assert "Aucun compte n’utilise cette adresse e-mail." in response.get_data(as_text=True)


def test_the_reports_speak_french(scene):
    client = scene["admin"].client
    home = french(client, "/reports/")
    for words in ("Rapports", "Où en sont les apprenants", "tous les cours, en tant qu’administrateur",
                  "Télécharger le CSV", "Taux d’achèvement %", "Rapport sur «\u00a0Intro Course\u00a0»", "Cours"):
        assert words in interface(home), words
    assert_no_english(home, ["Reports", "How learners are doing", "Download CSV", "Completion rate", "Report on",
                             "Enrolments", "Published", "yes", "no<", "No data yet"])

    course = french(client, "/reports/courses/intro-course/")
    for words in ("Inscriptions", "Actifs ces 30 derniers jours", "Durée médiane pour terminer", "Modifier le cours",
                  "Entonnoir d’achèvement", f"Inscription{NBSP}: 1 apprenant", "Étape", "% des inscrits",
                  "Tests", "Analyse des questions de «\u00a0Basics check\u00a0»", "Dernière activité",
                  "6 déc. 2026", "Les mêmes chiffres figurent dans le tableau ci-dessous."):
        assert words in interface(course), words
    assert_no_english(course, ["Enrolments", "Active in the last", "Median time", "Edit the course", "Completion funnel",
                               "1 learner", "Enrolled", "Stage", "% of enrolled", "Quizzes", "Item analysis",
                               "Last activity", "Completed module", "The same numbers", "Dec"])

    quiz = french(client, "/reports/courses/intro-course/quizzes/basics")
    for words in ("Tentatives envoyées", "Taux de réussite", "Note moyenne", "Répartition des notes",
                  "Télécharger toutes les tentatives en CSV", f"Répartition des notes de «{NBSP}Basics check{NBSP}»",
                  "Analyse des questions", "indice de facilité", "Indice de discrimination", "Écart type",
                  "Toutes les tentatives envoyées sont comptées.",
                  "Ne compter que les premières tentatives", "Réponses choisies", "Juste", "(aucune réponse)",
                  "Part des tentatives", "Nombre de choix"):
        assert words in interface(quiz), words
    assert re.search(rf"Taux de réussite</dt><dd>100{NBSP}%", quiz), "the pass rate"
    assert re.search(rf"Au-dessus de 30{NBSP}%", quiz)
    assert_no_english(quiz, ["Submitted attempts", "Pass rate", "Mean score", "Score distribution", "Download every",
                             "Item analysis", "facility index", "Discrimination index", "Standard deviation",
                             "Counting", "Answers chosen", "Right?", "right<", "wrong<", "(no answer)",
                             "of attempts", "Chosen", "As in Moodle"])

    learner = french(client, f"/reports/learners/{scene['learner_id']}")
    for words in ("Progression", "Gérer ce compte", "Tentatives de test", "Certificats", "Apprenant", "actif",
                  f"Ada Lovelace{NBSP}: progression dans ses cours", "Inscription", "Leçons terminées", "Tests à réussir",
                  "6 déc. 2026", "Réussi", "oui"):
        assert words in interface(learner), words
    assert_no_english(learner, ["Manage this account", "Quiz attempts", "Certificates", "Course progress",
                                "Enrolled", "Lessons completed", "Quizzes to pass", "Passed", "yes", "no<",
                                "learner<", "active", "Dec"])


def test_csv_headers_follow_the_page_language_in_the_same_order(scene):
    client = scene["admin"].client

    def header(path: str, headers=None) -> list[str]:
        response = client.get(path, headers=headers or {})
        assert response.status_code == 200 and response.mimetype == "text/csv"
        return next(csv.reader(io.StringIO(response.get_data(as_text=True))))

    learners = header("/admin/learners.csv", FRENCH)
    assert learners == ["id", "nom", "adresse e-mail", "rôle", "actif", "créé", "inscriptions", "cours terminés",
                        "dernière activité"]
    assert len(header("/admin/learners.csv")) == len(learners) and header("/admin/learners.csv")[:3] == \
        ["id", "name", "e-mail"]
    assert header("/admin/audit.csv", FRENCH) == ["date", "qui", "action", "type de cible", "id de la cible", "cible",
                                                 "raison", "détails"]
    assert header("/reports/courses/intro-course/funnel.csv", FRENCH) == ["étape", "apprenants", "% des inscrits"]
    assert header("/reports/courses/intro-course/funnel.csv") == ["stage", "learners", "% of enrolled"]
    english = header("/reports/courses/intro-course/quizzes/basics/options.csv")
    assert english == ["question", "version", "option", "answer", "correct", "chosen", "% of attempts"]
    assert header("/reports/courses/intro-course/quizzes/basics/options.csv", FRENCH) == \
        ["question", "version", "option", "réponse", "bonne réponse", "nombre de choix", "% des tentatives"]
    # The values keep their stored form (role codes, ISO dates); yes and no are words of the page.
    rows = list(csv.reader(io.StringIO(client.get("/admin/learners.csv", headers=FRENCH).get_data(as_text=True))))
    assert {row[3] for row in rows[1:]} == {"learner", "admin"} and {row[4] for row in rows[1:]} == {"oui"}
    assert rows[1][5].startswith("2026-12-06T14:05")
    audit = client.get("/admin/audit.csv", headers=FRENCH).get_data(as_text=True)
    assert "reset_attempt" in audit and "coupure de courant" in audit


def test_english_stays_the_default(scene):
    """No Accept-Language: the school's default, English, as before."""
    client = scene["admin"].client
    text = interface(client.get("/admin/audit").get_data(as_text=True))
    assert "Reset attempt" in text and "6 Dec 2026, 14:05 UTC" in text and "Score: " in text
    assert "Tentative" not in text and "Journal" not in text
    report = interface(client.get("/reports/courses/intro-course/quizzes/basics").get_data(as_text=True))
    assert "Pass rate</dt><dd>100%</dd>" in report and "Above 30% a question" in report


def test_percentages_take_the_french_space(scene):
    quiz = french(scene["admin"].client, "/reports/courses/intro-course/quizzes/basics")
    assert f"Taux de réussite</dt><dd>100{NBSP}%</dd>" in quiz

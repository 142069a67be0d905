"""Authoring in French: the pages, the flashes, the validation messages of a malformed course file
(in the editor, the workspace and ``flask lms check``/``sync``), with their path and line untouched."""
from __future__ import annotations

import re

import pytest

from lms.authoring.models import SourceFile, SourceRevision
from lms.authoring.preview import preview
from lms.extensions import db

from .authoring_support import LESSON_PATH, WORKSPACE, editor_url, head_text, log_in, make_account, submit
from .content_factory import write

FRENCH = "fr-FR,fr;q=0.9"
NBSP, NNBSP = "\u00a0", "\u202f"
# Interface words no French page may still show (any page's), besides each page's own.
COMMON_ENGLISH = ["Log in", "Save", "Submit", "Continue", "Certificate", "Progress", "Dashboard"]
BAD_MINUTES = "---\ntitle: Models\nminutes: many\n---\n\nBody.\n"


def main(response) -> str:
    """The page's own part (the layout around it belongs to another group's templates)."""
    page = response.get_data(as_text=True)
    found = re.search(r"<main\b.*?</main>", page, re.S)
    assert found, page[:500]
    return found.group(0)


def title(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


# Attributes that hold addresses, names and codes, not words (aria-label and title stay checked).
CODE_ATTRIBUTES = re.compile(r'\s(?:href|action|src|id|class|name|for|value|type|accept|role|data-[\w-]+|'
                             r'aria-(?:describedby|labelledby))="[^"]*"')


def assert_no_english(text: str, words: list[str]) -> None:
    text = CODE_ATTRIBUTES.sub("", text)
    left = [word for word in words + COMMON_ENGLISH if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text)]
    assert not left, left


@pytest.fixture()
def author_fr(synced, make_user, auth, client):
    """An author (no saved language) whose browser asks for French."""
    make_account(synced, make_user, "author")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = FRENCH
    log_in(auth, "author@example.com")
    return client


def test_the_authoring_pages_read_in_french(synced, author_fr, auth):
    home = author_fr.get("/author/")
    assert home.status_code == 200
    text = main(home)
    assert "Espace auteur" in text and "Nouveau cours" in text and "Cours que vous pouvez modifier" in text
    assert "Brouillons non publiés" in text and "Publié" in text
    assert title(home).startswith("Espace auteur")
    assert_no_english(text, ["Authoring", "New course", "Reports", "Courses you can edit", "Unpublished drafts",
                             "Published", "Status", "Write and publish courses"])

    workspace = author_fr.get(WORKSPACE)
    text = main(workspace)
    for french in ("Modules et leçons", "Ajouter une leçon à ce module", "Titre de la leçon", "Ajouter un module",
                   "Examen final", "Ajouter un examen final", "Aucune image pour l’instant.", "Déposer",
                   "Monter", "Descendre", "historique", "publié", f"Test{NBSP}:", "Ouvrir la page du cours"):
        assert french in text, french
    assert_no_english(text, ["Modules and lessons", "Add a lesson to this module", "Lesson title", "Lesson slug",
                             "Add a module", "Final exam", "Add a final exam", "No images yet", "Upload", "Move up",
                             "Move down", "history", "published", "Open the course page", "Add lesson",
                             "Module title", "link it as"])

    editor = author_fr.get(editor_url(LESSON_PATH))
    text = main(editor)
    for french in ("Modifier", "Source Markdown, en-tête YAML compris", "Ce qui a changé (facultatif)",
                   "Aperçu", "Enregistrer le brouillon", "Enregistrer et publier", "Historique et différences",
                   "La révision 1 est publiée.", f"Aucun problème{NBSP}: ce texte est valide.",
                   "Supprimer ce fichier (en brouillon)"):
        assert french in text, french
    assert_no_english(text, ["Edit", "Preview", "Save draft", "Save and publish", "History and diffs",
                             "No problems", "Delete this file", "Line numbers in the messages",
                             "Markdown source", "What changed", "is published"])

    history = author_fr.get(f"/author/courses/intro-course/history/{LESSON_PATH}")
    text = main(history)
    for french in ("Historique de", "Toutes les révisions, de la plus récente à la plus ancienne", "Révision",
                   "Qui", "Comment", "État", "publiée actuellement", "synchronisée"):
        assert french in text, french
    assert_no_english(text, ["History of", "Every revision", "When", "Who", "How", "State", "published now",
                             "Open the editor", "Changes", "synced"])

    with synced.app_context():
        revision_id = db.session.execute(db.select(SourceRevision.id).join(SourceRevision.file)
                                         .where(SourceFile.path == LESSON_PATH)).scalars().first()
    revision = author_fr.get(f"/author/courses/intro-course/revisions/{revision_id}")
    text = main(revision)
    for french in ("Révision 1 de", "Synchronisée par flask lms sync", "Restaurer cette révision comme nouveau brouillon",
                   "Modifications (première révision)", "Ancienne ligne", "Nouvelle ligne", "Texte complet", "ajoutée"):
        assert french in text, french
    assert_no_english(text, ["Revision", "Synced by", "Restore this revision", "Changes", "Old line", "New line",
                             "Full text", "added", "first revision"])

    new_course = author_fr.get("/author/courses/new")
    text = main(new_course)
    for french in ("Nouveau cours", "Identifiant dans l’adresse (slug)", "Niveau", "Débutant", "Intermédiaire",
                   "Avancé", "Durée estimée (heures)", "Compétences", "Créer le cours (non publié)"):
        assert french in text, french
    assert_no_english(text, ["New course", "Title", "Address name", "Summary", "Level", "Beginner", "Intermediate",
                             "Advanced", "Estimated hours", "Skills", "Create the course"])


def test_flashes_and_refusals_read_in_french(synced, author_fr, auth):
    created = auth.post(WORKSPACE + "lessons", {"folder": "01-basics", "title": "Essai", "slug": "essai",
                                                 "minutes": "5"}, token_from=WORKSPACE)
    assert created.status_code == 302
    text = main(author_fr.get(created.headers["Location"]))
    assert "a été créé comme brouillon." in text and "as a draft" not in text
    again = auth.post(WORKSPACE + "lessons", {"folder": "01-basics", "title": "Essai", "slug": "essai",
                                               "minutes": "5"}, token_from=WORKSPACE)
    text = main(author_fr.get(again.headers["Location"]))
    assert "Le module a déjà une leçon «\u00a0essai\u00a0»." in text and "already" not in text
    refused = auth.post("/author/courses/new", {"title": "", "slug": "Pas Bon", "summary": "", "level": "beginner",
                                                "hours": "2"}, token_from="/author/courses/new")
    text = main(refused)
    assert "Utilisez des lettres minuscules, des chiffres et «\u00a0-\u00a0»." in text
    assert "Choisissez au moins une compétence." in text
    assert_no_english(text, ["Use lowercase letters", "Choose at least one skill", "This field is required"])
    saved = submit(auth, LESSON_PATH, head_text(synced, LESSON_PATH) + "\nMore.\n", "save")
    text = main(author_fr.get(saved.headers["Location"]))
    assert "Brouillon enregistré." in text and "Draft saved" not in text
    assert f"La révision 2 est un brouillon{NNBSP}; la révision 1 est publiée." in text


def test_a_malformed_file_reads_in_french_with_its_path_and_line(synced, author_fr, auth):
    broken = submit(auth, LESSON_PATH, BAD_MINUTES, "preview")
    assert broken.status_code == 200
    text = main(broken)
    expected = (f'data-line="3"><strong>Ligne 3</strong></a>{NBSP}: «{NBSP}minutes{NBSP}» doit être un nombre entier '
                "de 0 à 600, et non &#39;many&#39;")
    assert expected in text
    assert "1 problème dans ce fichier" in text
    assert_no_english(text, ["must be", "Line", "problem in this file", "whole number"])

    # Saved as a draft, then published with the course's drafts: the workspace lists it by path and line.
    submit(auth, LESSON_PATH, BAD_MINUTES, "save")
    refused = auth.post(WORKSPACE + "publish", token_from=WORKSPACE)
    assert refused.status_code == 422
    text = main(refused)
    assert "Pourquoi rien n’a été publié (1)" in text
    assert (f"<code>{LESSON_PATH}</code> <strong>ligne 3</strong>{NBSP}: «{NBSP}minutes{NBSP}» doit être un nombre "
            "entier de 0 à 600") in text
    assert f"Rien n’a été publié{NBSP}: les brouillons ne sont pas valides ensemble." in text
    assert_no_english(text, ["Why nothing was published", "line", "must be", "Nothing was published"])


def test_preview_errors_keep_path_and_line_as_they_are(synced):
    with synced.test_request_context(headers={"Accept-Language": FRENCH}):
        result = preview(LESSON_PATH, BAD_MINUTES.replace("minutes: many", "minutez: 3").encode())
        assert sorted(str(e) for e in result.errors) == [
            f"{LESSON_PATH}:1: clé obligatoire «{NBSP}minutes{NBSP}» manquante",
            f"{LESSON_PATH}:3: clé 'minutez' inconnue (vouliez-vous dire «{NBSP}minutes{NBSP}»{NNBSP}?)",
        ]
    with synced.test_request_context():  # no Accept-Language: the school's default, English
        result = preview(LESSON_PATH, BAD_MINUTES.encode())
        assert [str(e) for e in result.errors] == [f"{LESSON_PATH}:3: 'minutes' must be a whole number from 0 to 600, not 'many'"]


def test_flask_lms_check_speaks_the_environments_language(content_dir, runner):
    write(content_dir, "courses/intro-course/01-basics/02-models.md", "---\ntitle: M\nminutez: 1\n---\n")
    french = runner.invoke(args=["lms", "check"], env={"LANG": "fr_FR.UTF-8"})
    assert french.exit_code == 1
    assert (f"courses/intro-course/01-basics/02-models.md:3: clé 'minutez' inconnue (vouliez-vous dire "
            f"«{NBSP}minutes{NBSP}»{NNBSP}?)") in french.output
    assert f"courses/intro-course/01-basics/02-models.md:1: clé obligatoire «{NBSP}minutes{NBSP}» manquante" in french.output
    assert f"2 erreurs{NNBSP}; rien n’a été modifié." in french.output
    assert "unknown key" not in french.output and "nothing was changed" not in french.output

    english = runner.invoke(args=["lms", "check"], env={"LANG": None})
    assert english.exit_code == 1
    assert "courses/intro-course/01-basics/02-models.md:3: unknown key 'minutez' (did you mean 'minutes'?)" in english.output
    assert "2 errors; nothing was changed." in english.output
    assert "inconnue" not in english.output


def test_flask_lms_check_and_sync_report_success_in_french(content_dir, runner):
    checked = runner.invoke(args=["lms", "check"], env={"LANG": "fr_FR.UTF-8"})
    assert checked.exit_code == 0, checked.output
    assert f"{NBSP}: OK{NBSP}: cours{NBSP}: 1, leçons{NBSP}: 4" in checked.output and "aucune erreur." in checked.output
    synced = runner.invoke(args=["lms", "sync"], env={"LANG": "fr_FR.UTF-8"})
    assert synced.exit_code == 0, synced.output
    assert "synchronisé" in synced.output and f"créés{NBSP}:" in synced.output and "files read" not in synced.output
    write(content_dir, "courses/intro-course/01-basics/02-models.md", BAD_MINUTES)
    refused = runner.invoke(args=["lms", "sync"], env={"LANG": "fr_FR.UTF-8"})
    assert refused.exit_code == 1
    assert "courses/intro-course/01-basics/02-models.md:3: «\u00a0minutes\u00a0» doit être un nombre entier" in refused.output
    assert f"1 erreur{NNBSP}; rien n’a été modifié." in refused.output


def test_the_quiz_preview_reads_in_french(synced, author_fr, auth):
    created = auth.post(WORKSPACE + "quizzes", {"folder": "01-basics"}, token_from=WORKSPACE)
    assert created.status_code == 302
    quiz = "quizzes/intro-course/01-basics.md"
    text = main(submit(auth, quiz, "---\ntitle: Basics check\npass_mark: 66.5\ntime_limit: 1\n---\n\n"
                                   "## What does a good prompt name? {#audience}\n\n- [x] Its audience\n- [ ] Its font\n",
                       "preview"))
    for french in ("Note de passage", "66,5", "Tentatives", "illimitées", "Temps imparti", "1 minute",
                   "Relecture", "1 point", "id <code>audience</code>"):
        assert french in text, french
    assert_no_english(text, ["Pass mark", "Attempts", "unlimited", "Time limit", "Review", "Explanation"])

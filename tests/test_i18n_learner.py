"""The learner's pages in French: the catalog, a programme, a course, a lesson, the dashboard, search and
help, for a visitor whose browser asks for French and for an enrolled learner. Every interface word of
those pages is French; the course's own text (titles, lessons) stays as written, marked with its language."""
from __future__ import annotations

import html
import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.messages.extract import extract_from_file

from lms.accounts.models import User
from lms.extensions import db

from .content_factory import make_tree, write
from .quiz_support import FINAL, answers_form, post_answers, questions, start, write_quiz
from .test_queries import count_queries

FR = {"Accept-Language": "fr-FR,fr;q=0.9"}
COURSE = "/courses/intro-course/"
QUIZ = COURSE + "quiz/basics"
NB = "\u00a0"  # before ":" and inside « »
ROOT = Path(__file__).resolve().parent.parent / "lms"
# Interface words no French page may keep (the common list), matched as whole words ("Continuer" is not "Continue").
COMMON_ENGLISH = ["Log in", "Save", "Submit", "Continue", "Certificate", "Progress", "Dashboard"]
# Small English words no French sentence has: they catch a sentence left out of translation altogether.
ENGLISH_WORDS = ["the", "and", "you", "your", "of", "to", "with", "for", "this", "is", "are", "not", "yet", "in", "or"]
# The test course's own text (content_factory, quiz_support): English as written, never translated, so left out
# before looking for English interface words.
CONTENT = ("Intro Course", "Second Course", "Third Course", "Test Pathway", "Every test course in order.",
           "A short course used by the tests.", "Welcome to", "Start with the first lesson", "Module summary.",
           "Explain the basics", "Explain one thing", "What is AI", "Basics check", "Capstone check", "Basics",
           "Practice", "Models", "Sprints", "Review", "Body of", "the other lesson", "Section one",
           "A practical hint.", "AI literacy")


def main_part(page: str) -> str:
    """The page's own part (its <main> and its <title>): the header and footer are the layout's, not this page's."""
    main = re.search(r"<main\b.*?</main>", page, re.S)
    title = re.search(r"<title>(.*?)</title>", page, re.S)
    assert main and title
    return title.group(1) + main.group(0)


def readable(part: str, content=CONTENT) -> str:
    """What a reader reads or hears (the text, and the labels of aria-label, title, placeholder and alt), the
    course's own words left out."""
    part = re.sub(r'<p class="snippet"[^>]*>.*?</p>', " ", part, flags=re.S)  # search snippets: the course's text
    labels = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', part)
    text = html.unescape(" ".join([re.sub(r"<[^>]+>", "", part), *labels]))
    for words in content:
        text = text.replace(words, " ")
    return text


def english_left(part: str, strings, content=CONTENT) -> list[str]:
    words = readable(part, content)
    return [s for s in strings if re.search(rf"(?<![\w’'-]){re.escape(s)}(?![\w’'-])", words)]


def fragments(templates: tuple[str, ...]) -> set[str]:
    """The English of every message these templates ask to translate, cut at placeholders and markup,
    leaving out the words French writes the same ("Modules", "min")."""
    from lms.i18n import TRANSLATIONS
    from babel.messages.pofile import read_po

    with open(TRANSLATIONS / "fr" / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalogue = read_po(po, locale="fr")
    found = set()
    for template in templates:
        for _line, message, _comments, _context in extract_from_file("jinja2", str(ROOT / template)):
            forms = message if isinstance(message, tuple) else (message,)
            entry = catalogue.get(forms[0])
            french = entry.string if isinstance(entry.string, tuple) else (entry.string,)
            for form in forms:
                for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>|[“”.:,()]", form):
                    piece = piece.strip()
                    if len(piece) >= 3 and re.search(r"[A-Za-z]{3}", piece) and not any(piece in f for f in french):
                        found.add(piece)
    return found


def french(client, path: str, *present: str, absent=(), templates=(), content=CONTENT, status: int = 200) -> str:
    """GET ``path`` asking for French: it must show each of ``present`` and none of the English."""
    response = client.get(path, headers=FR)
    assert response.status_code == status, (path, response.status_code)
    page = response.get_data(as_text=True)
    assert '<html lang="fr">' in page
    missing = [text for text in present if text not in page]
    assert not missing, (path, missing)
    left = english_left(main_part(page), [*absent, *COMMON_ENGLISH, *ENGLISH_WORDS, *fragments(templates)], content)
    assert not left, (path, left)
    return page


def post(auth, path: str, token_from: str, data=None):
    return auth.post(path, data, token_from=token_from, headers=FR)


@pytest.fixture()
def course_with_quizzes(app, content_dir, runner):
    """The test course with a module quiz (three attempts) and a final exam, synced."""
    write_quiz(content_dir, max_attempts=3)
    write(content_dir, "quizzes/intro-course/final.md", FINAL.replace("title: Final exam", "title: Capstone check"))
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    return app


def test_a_visitor_reads_the_catalog_and_a_programme_in_french(synced, client):
    french(client, "/", "Apprenez à piloter des projets d’IA", ">Parcours</h2>", ">Cours</h2>", "<dt>Niveau</dt>",
           "<dd>Débutant</dd>", "<dt>Durée</dt>", "<dd>2 h</dd>", 'aria-label="Compétences"',
           "Test Pathway", "Intro Course",  # the content as written
           absent=["Catalog", "Learn to lead AI projects", "Programmes", "Courses", "Level", "Beginner", "Effort",
                   "Skills"],
           templates=("catalog/templates/catalog/home.html", "catalog/templates/catalog/_course_card.html"))
    french(client, "/programmes/pathway", ">Catalogue</a> / Parcours", "Créer un compte pour s’inscrire",
           "Les cours, dans l’ordre",
           absent=["Catalog", "Programme", "Sign up to enrol", "Courses, in order"],
           templates=("catalog/templates/catalog/programme.html", "catalog/templates/catalog/_course_card.html"))


def test_a_visitor_reads_the_course_page_and_the_preview_in_french(synced, client):
    french(client, COURSE, ">Catalogue</a> / Cours", "<dd>2 heures</dd>", "<dt>Leçons</dt><dd>4</dd>",
           ">Créer un compte pour s’inscrire</a> ou <a", "lire la première leçon en aperçu</a>.",
           "Compétences développées", "Ce que vous saurez faire", "10 min",
           '<span lang="en">Basics</span>',  # the course's own words keep their language
           absent=["hours", "Lessons", "Sign up to enrol", "read the first lesson as a preview"],
           templates=("catalog/templates/catalog/course.html",))
    french(client, COURSE + "what-is-ai", "Vous lisez un aperçu gratuit.", "Créez un compte</a> pour vous inscrire",
           "<summary>Plan du cours</summary>", 'aria-label="Plan du cours"', "Objectifs de la leçon", "10 minutes",
           '<h1 id="lesson-title" lang="en">What is AI</h1>',
           absent=["You are reading a free preview", "Sign up", "Course outline", "Course progress", "Lessons",
                   "In this lesson you will"],
           templates=("progress/templates/progress/lesson.html", "progress/templates/progress/_outline.html"))


def test_a_visitor_sent_away_from_a_lesson_reads_why_in_french(synced, client):
    response = client.get(COURSE + "models", headers=FR)
    assert response.status_code == 302
    page = client.get(response.headers["Location"], headers=FR).get_data(as_text=True)
    assert "Connectez-vous et inscrivez-vous pour lire la suite de ce cours." in page


def test_search_results_in_french(app, content_dir, runner, client):
    make_tree(content_dir, courses=("intro-course", "second-course", "third-course"))
    assert runner.invoke(args=["lms", "sync"]).exit_code == 0
    search = ("search/templates/search/results.html",)
    first = french(client, "/search?q=Body", f"12 résultats pour «{NB}Body{NB}»", "Leçon du cours <span lang=\"en\">Intro Course</span>",
                   "Rechercher dans les leçons et les cours", ">Rechercher</button>", "Page 1 sur 2",
                   ">Page suivante</a>", "<title>Recherche\u00a0: Body",
                   absent=["Search", "results for", "Lesson in", "Next page", "Result pages"], templates=search)
    assert 'aria-label="Pages de résultats"' in first
    french(client, "/search?q=Body&page=2", "Page 2 sur 2", ">Page précédente</a>",
           absent=["Previous page", "Page 2 of 2"], templates=search)
    french(client, "/search?q=Intro", "Cours</p>", absent=["Course"], templates=search)
    french(client, "/search?q=zeppelins", f"0 résultat pour «{NB}zeppelins{NB}»",
           "Aucun résultat. Essayez avec moins de mots ou d’autres mots.",
           absent=["Nothing matches", "results for"], templates=search)
    french(client, "/search?q=" + "x" * 201, "Votre recherche ne peut pas dépasser 200 caractères.",
           absent=["Search for at most"], templates=search)


def test_the_help_page_is_french_throughout(app, client):
    page = french(client, "/help", "Aide pour les apprenants", ">Progression</h2>", ">Tests</h2>", ">Certificats</h2>",
                  ">Vérifier un certificat</h2>", "<title>Aide ·",
                  "Les réponses qui parviennent au serveur une fois le temps écoulé ne rapportent aucun point\u202f;",
                  "<strong>Marquer comme terminé et continuer</strong>", "<strong>S’inscrire à ce cours</strong>",
                  absent=["Help", "Help for learners", "Quizzes", "Certificates", "Checking a certificate",
                          "Time limits", "Review", "Anyone can read"],
                  templates=("help/templates/help/index.html",), content=())
    assert 'href="/certificates"' in page and 'href="/dashboard"' in page


def test_an_enrolled_learner_follows_a_course_in_french(course_with_quizzes, learner, auth, client):
    response = post(auth, COURSE + "enrol", COURSE)
    assert response.status_code == 302
    page = french(client, response.headers["Location"], "Vous êtes inscrit au cours Intro Course.",
                  ">Marquer comme terminé et continuer</button>", ">Votre progression</h2>",
                  'aria-label="Progression dans le cours"', f"<summary>Plan du cours (progression{NB}: 0",
                  f'Test{NB}: <span lang="en">Basics check</span>', f'Examen final{NB}: <span lang="en">Capstone check',
                  absent=["Mark as complete", "Your progress", "Course progress", "Course outline", "Final exam"],
                  templates=("progress/templates/progress/lesson.html", "progress/templates/progress/_outline.html"))
    assert "Vous lisez un aperçu gratuit" not in page
    for lesson in ("what-is-ai", "models"):
        post(auth, f"{COURSE}{lesson}/complete", COURSE + lesson)
    french(client, COURSE + "models", ">Continuer</a>", '<span class="state-label">Terminé</span>',
           f'Vous voici à la fin de «{NB}<span lang="en">Basics</span>{NB}». <a class="button secondary"',
           ">Passer le test du module</a>",
           absent=["Completed", "You have reached the end", "Take the module quiz"],
           templates=("progress/templates/progress/lesson.html", "progress/templates/progress/_outline.html"))
    french(client, COURSE + "review", "C’était la dernière leçon.", ">Passer l’examen final</a>",
           '<span class="state-label">Commencé</span>',
           absent=["This was the last lesson", "Take the final exam", "Started"],
           templates=("progress/templates/progress/lesson.html",))
    attempt = start(auth, QUIZ)
    post_answers(auth, attempt, {})  # nothing right: not passed
    french(client, COURSE, "Progression dans le cours", f'Test du module{NB}: <a href="{QUIZ}">',
           "Pas encore réussi", "1 tentative sur 3, meilleur score 0", ">Examen final</h3>", "pas encore tenté",
           f"Continuer{NB}: ", ">Terminé</span>", ">Commencé</span>",
           absent=["Not passed yet", "attempt of", "not attempted", "Module quiz", "Final exam", "Completed",
                   "Started", "Course progress"],
           templates=("catalog/templates/catalog/course.html",))
    french(client, "/dashboard", "Mon apprentissage", "Reprendre où vous en étiez", ">Continuer</a>",
           "2 sur 4 leçons · 2 tests à réussir", f'aria-label="Progression{NB}: Intro Course"', ">Parcours</h2>",
           absent=["My learning", "Continue where you left off", "of 4 lessons", "quizzes to pass", "Programmes",
                   "Courses", "Progress in"],
           templates=("progress/templates/progress/dashboard.html",))


def test_completing_a_course_in_french(course_with_quizzes, learner, auth, client):
    app = course_with_quizzes
    with app.app_context():
        db.session.get(User, learner).locale = "fr"  # the account's own language, whatever the browser says
        db.session.commit()
    response = post(auth, "/programmes/pathway/enrol", "/programmes/pathway")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Vous êtes inscrit au parcours Test Pathway et à chacun de ses cours." in page
    assert ">S’inscrire au parcours</button>" in page and f'aria-label="Progression{NB}: Intro Course"' in page
    for quiz in (QUIZ, COURSE + "quiz/final"):
        attempt = start(auth, quiz)
        post_answers(auth, attempt, answers_form(questions(app, attempt)), quiz=quiz)
    for lesson in ("what-is-ai", "models", "sprints"):
        post(auth, f"{COURSE}{lesson}/complete", COURSE + lesson)
    response = auth.post(f"{COURSE}review/complete", token_from=COURSE + "review")  # no Accept-Language: the account's
    assert response.headers["Location"] == COURSE
    today = format_date(datetime.now(timezone.utc).date(), "d MMMM y", locale="fr")
    page = client.get(COURSE).get_data(as_text=True)
    assert f"Cours terminé{NB}: Intro Course. Bravo\u202f!" in page
    assert "Vous avez terminé ce cours." in page and f"Terminé le {today}." in page
    assert ">Voir votre certificat</a>" in page and "meilleur score 100" in page
    assert ">Réussi</span>" in page and ">Module terminé</span>" in page
    left = english_left(main_part(page), ["You have completed this course", "Completed on", "View your certificate",
                                          "Passed", "best score", "Module complete", "Course complete",
                                          *COMMON_ENGLISH])
    assert not left, left
    dashboard = client.get("/dashboard").get_data(as_text=True)
    assert f"terminé le {today}" in dashboard and f"Terminé le {today}." in dashboard and ">terminé</span>" in dashboard
    assert not english_left(main_part(dashboard), ["completed on", "Completed on", "completed", *COMMON_ENGLISH])


def test_the_lesson_page_in_french_costs_no_more_queries(synced, learner, auth, client):
    """The language comes from the account already loaded, the cookie or the header: no query of its own."""
    post(auth, COURSE + "enrol", COURSE)
    client.get(COURSE + "models")  # the first visit writes the "started" row
    client.get(COURSE + "models", headers=FR)  # the outline and the lesson's text are cached
    with count_queries(synced) as english:
        assert "Mark as complete" in client.get(COURSE + "models").get_data(as_text=True)
    with count_queries(synced) as in_french:
        assert "Marquer comme terminé" in client.get(COURSE + "models", headers=FR).get_data(as_text=True)
    with synced.app_context():
        db.session.get(User, learner).locale = "fr"
        db.session.commit()
    with count_queries(synced) as by_account:
        assert "Marquer comme terminé" in client.get(COURSE + "models").get_data(as_text=True)
    assert len(in_french) == len(english) == len(by_account) <= 3

"""A learner whose browser asks for French takes a quiz: the quiz page, the attempt (every question type
of the test quiz), the flashes, the result and the review speak French, with French numbers (2,5 points,
70 %), and none of the pages' English interface strings remain. Course content (titles, questions) stays
as the author wrote it."""
from __future__ import annotations

import html
import re

import pytest

from lms.extensions import db
from lms.quizzes.models import Attempt

from .quiz_support import (
    BASICS, COURSE, QUIZ, answers_form, attempt_url, enrol, post_answers, questions, right_answers, start, sync,
    write_quiz,
)

FRENCH = "fr-FR,fr;q=0.9"
NBSP = "\u00a0"
# Words of every page that must never show on a French page (the brief's list).
EVERYWHERE = ["Log in", "Save", "Submit", "Continue", "Certificate", "Progress", "Dashboard"]
QUIZ_PAGE = ["Pass mark", "Time limit", "Answers shown", "Attempts", "Your attempts", "Start attempt",
             "Resume attempt", "no limit", "used", "after you submit", "Best score", "Final exam",
             "Once you start", "Started", "Score", "Result", "Passed", "Not passed", "In progress"]
ATTEMPT_PAGE = ["attempt 1", "Time remaining", "until", "Save answers", "Submit for grading", "Your answer",
                "a number", "Choose every answer", "Choose the match", "Choose…", "Give each item", "Position of",
                "come back later", "1 points", "2.5 points"]
RESULT_PAGE = ["Score:", "pass mark", "Passed", "Not passed", "Your best score", "Your answer", "your answer",
               "Accepted", "Item", "Your match", "Correct match", "Your order", "Correct order", "Explanation",
               "Right:", "Wrong:", "(none)", "Partly correct", "of 2.5", "of 1", "1 points", "Back to the quiz",
               "Back to the course", "attempt 1", "Next module", "Next: the final exam"]
# The test quiz with a question worth 2.5 points, a time limit and three attempts.
QUIZ_TEXT = BASICS.replace("{{#acronym}}", "{{#acronym points=2.5}}").format(
    max_attempts=3, time_limit="time_limit: 20\n", review="after_submit")


@pytest.fixture()
def french(client):
    """Every request of the test client asks for French, as a French browser does."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = FRENCH
    return client


def main_text(response) -> str:
    """The page's own content (flashes included), its tags removed, entities read, spaces collapsed. A
    percent sign loses the space before it: lms_percent is to write "70 %" in French, which is the
    filter's business (lms/i18n.py), not these pages'."""
    page = response.get_data(as_text=True)
    main = page[page.index("<main"): page.index("</main>")]
    main = re.sub(r"<script.*?</script>", " ", main, flags=re.S)
    text = re.sub(r"[ \t\r\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", main))).strip()  # keeps no-break spaces
    text = text.replace(" \u00a0", "\u00a0")  # a tag closed before the no-break space of "Question 1 :"
    return text


def english_left(text: str, words: list[str]) -> list[str]:
    return [word for word in EVERYWHERE + words if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", text)]


def prepare(app, content_dir, auth) -> None:
    write_quiz(content_dir, text=QUIZ_TEXT)
    sync(app)
    enrol(auth)


def test_the_quiz_page_speaks_french(app, content_dir, learner, auth, french):
    prepare(app, content_dir, auth)
    response = french.get(QUIZ)
    assert response.status_code == 200
    text = main_text(response)
    for words in ["Note de passage 70" + NBSP + "%", "Temps imparti 20 minutes", "Questions 6",
                  "Tentatives utilisées" + NBSP + ": 0 sur 3", "Réponses affichées après l’envoi",
                  "Une fois la tentative commencée, vous disposez de 20 minutes.", "Commencer la tentative 1"]:
        assert words in text, (words, text)
    assert 'lang="fr"' in response.get_data(as_text=True)
    assert english_left(text, QUIZ_PAGE) == []
    assert "Basics check" in text  # the quiz's title is the author's


def test_the_attempt_page_of_every_question_type_speaks_french(app, content_dir, learner, auth, french):
    prepare(app, content_dir, auth)
    attempt_id = start(auth)
    found = questions(app, attempt_id)
    assert {question.type for question in found} == {"single", "multiple", "short", "numeric", "matching",
                                                      "ordering"}
    text = main_text(french.get(attempt_url(attempt_id)))
    for words in ["Basics check" + NBSP + ": tentative 1", "Temps restant" + NBSP + ": 20 minutes (jusqu’à",
                  "6 questions. Enregistrez pour conserver vos réponses", "(2,5 points)", "(1 point)",
                  "Choisissez toutes les réponses qui conviennent.", "Votre réponse (un nombre)", "Votre réponse",
                  "Choisissez la correspondance de chaque élément.", "Choisir…",
                  "Donnez à chaque élément sa position" + NBSP + ": 1 pour le premier, 4 pour le dernier.",
                  "Position de «" + NBSP, "Enregistrer les réponses", "Envoyer pour évaluation"]:
        assert words in text, (words, text)
    assert english_left(text, ATTEMPT_PAGE) == []


def test_saving_and_mistakes_speak_french(app, content_dir, learner, auth, french):
    prepare(app, content_dir, auth)
    attempt_id = start(auth)
    saved = post_answers(auth, attempt_id, {}, action="save")
    assert saved.status_code == 302
    assert "Vos réponses sont enregistrées." in main_text(french.get(attempt_url(attempt_id)))
    ordering = next(question for question in questions(app, attempt_id) if question.type == "ordering")
    same_place = {name: "1" for name in right_answers(ordering)}
    mistaken = post_answers(auth, attempt_id, same_place, action="save")
    assert mistaken.status_code == 200
    text = main_text(mistaken)
    for words in ["Vérifiez cette réponse", "Donnez à chaque élément une position différente, de 1 à 4.",
                  "Vos autres réponses sont enregistrées."]:
        assert words in text, (words, text)
    assert english_left(text, ATTEMPT_PAGE + ["Check this answer", "Give each item its own position",
                                              "Your other answers"]) == []


def test_the_result_and_the_review_speak_french(app, content_dir, learner, auth, french):
    prepare(app, content_dir, auth)
    attempt_id = start(auth)
    found = questions(app, attempt_id)
    form = answers_form([question for question in found if question.type != "numeric"])
    for question in found:  # a wrong number, an unanswered matching item, the multiple response half right
        if question.type == "numeric":
            form[f"q{question.id}"] = "12"
        if question.type == "matching":
            form.pop(f"q{question.id}-{question.data['pairs'][0]['id']}")
        if question.type == "multiple":
            form[f"q{question.id}"] = form[f"q{question.id}"][:1]
        if question.type == "single":
            form[f"q{question.id}"] = next(o["id"] for o in question.data["options"] if not o["correct"])
    assert post_answers(auth, attempt_id, form).status_code == 302
    response = french.get(attempt_url(attempt_id))
    text = main_text(response)
    for words in ["Basics check" + NBSP + ": tentative 1", "Note" + NBSP + ":",
                  "(note de passage" + NBSP + ": 70" + NBSP + "%)", "Non réussi.",
                  "Question 1" + NBSP + ":", "Correct" + NBSP + ": 2,5 sur 2,5 points.",
                  "Correct" + NBSP + ": 1 sur 1 point.", "Incorrect" + NBSP + ": 0 sur 1 point.",
                  "Partiellement correct" + NBSP + ":", "Votre réponse" + NBSP + ": machine learning",
                  "Réponses acceptées" + NBSP + ": machine learning", "Votre réponse" + NBSP + ": 12",
                  "Valeurs acceptées" + NBSP + ": 25 ± 0,5", "Élément Votre correspondance Bonne correspondance",
                  "(aucune)", "Votre ordre", "Ordre correct", "votre réponse", "bonne réponse", "Explication",
                  "Retour au test (tentatives et historique)", "Retour au cours"]:
        assert words in text, (words, text)
    assert english_left(text, RESULT_PAGE) == []
    assert "EXPLANATION-ACRONYM" in text  # the author's words stay as written
    history = main_text(french.get(QUIZ))
    for words in ["Vos tentatives", "Tentative Début Note Résultat", "Tentative 1", "Non réussi",
                  "Tentatives utilisées" + NBSP + ": 1 sur 3", "Meilleure note"]:
        assert words in history, (words, history)
    assert re.search(r"Tentative 1 \d{1,2} \w+\.? 20\d\d, \d\d:\d\d UTC", history), history
    assert english_left(history, QUIZ_PAGE) == []
    second = start(auth)  # passed at the second attempt: the way on, and the best score
    assert post_answers(auth, second, answers_form(questions(app, second))).status_code == 302
    passed = main_text(french.get(attempt_url(second)))
    for words in ["Réussi.", "Votre meilleure note" + NBSP + ": 100" + NBSP + "%.", "Module suivant" + NBSP + ": Basics.",
                  "Continuer" + NBSP + ": What is AI"]:
        assert words in passed, (words, passed)
    assert english_left(passed, RESULT_PAGE) == []


def test_a_closed_attempt_answers_autosave_in_french(app, content_dir, learner, auth, french):
    prepare(app, content_dir, auth)
    attempt_id = start(auth)
    assert post_answers(auth, attempt_id, {}).status_code == 302
    late = post_answers(auth, attempt_id, {}, action="save")
    assert late.status_code == 302
    assert "Cette tentative a déjà été envoyée." in main_text(french.get(attempt_url(attempt_id)))
    response = auth.post(attempt_url(attempt_id) + "/autosave", {}, token_from=COURSE)
    assert response.status_code == 409
    assert response.get_json()["message"] == "Cette tentative a déjà été envoyée" + NBSP + ": rechargez la page " \
                                             "pour la voir."


def test_time_up_and_the_last_attempt_speak_french(app, content_dir, learner, auth, french):
    prepare(app, content_dir, auth)
    attempt_id = start(auth)
    with app.app_context():  # the deadline passed while the page was closed
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = attempt.started_at
        db.session.commit()
    text = main_text(french.get(attempt_url(attempt_id)))
    assert "Le temps est écoulé" + NBSP + ": votre tentative a été envoyée" in text, text
    for _ in range(2):
        post_answers(auth, start(auth), {})
    page = main_text(french.get(QUIZ))
    assert "Vous avez utilisé toutes vos tentatives pour ce test." in page, page
    refused = auth.post(QUIZ + "/start", token_from=QUIZ)
    assert refused.status_code == 302
    assert "Vous avez utilisé les 3 tentatives de ce test." in main_text(french.get(QUIZ))


def test_the_english_pages_are_unchanged_without_a_french_browser(app, content_dir, learner, auth, client):
    prepare(app, content_dir, auth)
    attempt_id = start(auth)
    text = main_text(client.get(attempt_url(attempt_id)))
    assert "(2.5 points)" in text and "Save answers" in text and "Time remaining: 20 minutes" in text, text
    assert post_answers(auth, attempt_id, answers_form(questions(app, attempt_id))).status_code == 302
    result = main_text(client.get(attempt_url(attempt_id)))
    assert "Score: 100% (pass mark 70%)" in result and "Correct : 2.5 of 2.5 points." in result, result
    assert "Correct : 1 of 1 point." in result, result
    assert "Accepted: 25 ± 0.5" in result, result
    assert "Pass mark 70%" in main_text(client.get(QUIZ))


BROKEN = """---
title: Broken
draw: 5
---

## {#empty}

= développement

## Pick one {#pick colour=red}

- [ ] Paris
- [ ] Rome
"""


def test_an_authors_messages_about_a_broken_quiz_speak_french_after_their_path_and_line(app):
    from lms.i18n import force_locale
    from lms.quizzes.aiken import aiken_to_quiz
    from lms.quizzes.gift import gift_to_quiz
    from lms.quizzes.parsing import parse_quiz

    with app.app_context(), force_locale("fr"):
        spec, errors = parse_quiz(BROKEN, "quizzes/intro-course/01-basics.md")
        _, gift_errors, gift_warnings = gift_to_quiz("::q1:: Essay {}\n\n::q2:: Weights {~%150%A ~B}\n", "q.gift", "T")
        _, aiken_errors, _ = aiken_to_quiz("Question?\nA) One\nANSWER: C\n", "q.txt", "T")
    assert spec is None
    assert [str(error) for error in errors] == [
        "quizzes/intro-course/01-basics.md:3: draw vaut 5 mais le test n’a que 2 questions",
        "quizzes/intro-course/01-basics.md:6: la question n’a pas de texte après «" + NBSP + "##" + NBSP + "»",
        "quizzes/intro-course/01-basics.md:10: attribut 'colour' inconnu (connus" + NBSP + ": #id, points, skills, "
        "accents, scoring)",
        "quizzes/intro-course/01-basics.md:12: aucune option n’est marquée [x]" + NBSP + ": marquez la bonne réponse",
    ]
    assert [str(error) for error in gift_errors] == [
        "q.gift:3: question 'q2'" + NBSP + ": le poids 150% est hors de -100..100"]
    assert [str(warning) for warning in gift_warnings] == [
        "q.gift:1: question 'q1'" + NBSP + ": question de composition ignorée" + NBSP + ": Conductor n’a pas de type "
        "composition"]
    assert [str(error) for error in aiken_errors] == [
        "q.txt:1: il faut au moins deux options à la question, elle en a 1"]
    # The same file read without a French locale says it in English, as before.
    with app.app_context():
        assert str(parse_quiz(BROKEN, "q.md")[1][1]) == "q.md:6: question has no text after '##'"


def test_a_french_sync_reports_a_broken_quiz_in_french(app, runner, content_dir):
    write_quiz(content_dir, text=BROKEN)
    result = runner.invoke(args=["lms", "sync"], env={"LANG": "fr_FR.UTF-8"})
    assert result.exit_code != 0
    assert "quizzes/intro-course/01-basics.md:12: aucune option n’est marquée [x]" in result.output, result.output

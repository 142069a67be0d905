""""Continue" leads a learner through a whole course in order: each lesson, the module's quiz once its
lessons are done, the next module, the final exam, then the certificate; a finished course says so."""
from __future__ import annotations

import html
import re

from .content_factory import make_tree, write
from .quiz_support import COURSE, FINAL, answers_form, enrol, post_answers, questions, start, sync, write_quiz

CONTINUE = re.compile(r'<a class="button" href="([^"]+)">(?:Continue[^<]*|Start the course)</a>')
PRACTICE_QUIZ = """\
---
title: Practice check
pass_mark: 50
---

## Do sprints end with a review? {#review}

- [x] Yes
- [ ] No
"""


def _continue_link(page: str) -> str:
    match = CONTINUE.search(page)
    assert match, "no Continue link on the page"
    return html.unescape(match[1])


def _walk(app, auth, client) -> list[str]:
    """Follow only "Continue" from the course page: on a lesson its "Mark as complete and continue"
    button, on a quiz the right answers then the result's "Continue", until nothing is left to do;
    returns the steps taken, in order."""
    taken: list[str] = []
    url = _continue_link(client.get(COURSE).get_data(as_text=True))
    for _ in range(20):
        taken.append(url)
        if "/quiz/" in url:
            attempt = start(auth, url)
            response = post_answers(auth, attempt, answers_form(questions(app, attempt)), quiz=url)
            page = client.get(response.headers["Location"]).get_data(as_text=True)
            if CONTINUE.search(page) is None:
                return taken
            url = _continue_link(page)
        else:
            assert "Mark as complete and continue" in client.get(url).get_data(as_text=True)
            url = auth.post(url + "/complete", token_from=url).headers["Location"]
            if url == COURSE:
                return taken
    raise AssertionError(f"Continue never ended: {taken}")


def test_following_only_continue_walks_the_course_in_order_to_the_certificate(app, content_dir, learner, auth, client):
    make_tree(content_dir, courses=("intro-course", "next-course"))  # a programme of two courses
    write_quiz(content_dir)
    write(content_dir, "quizzes/intro-course/02-practice.md", PRACTICE_QUIZ)
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(app)
    enrol(auth)

    taken = _walk(app, auth, client)

    assert [step.removeprefix(COURSE) for step in taken] == [
        "what-is-ai", "models", "quiz/basics", "sprints", "review", "quiz/practice", "quiz/final"]
    course = client.get(COURSE).get_data(as_text=True)
    assert "You have completed this course." in course and CONTINUE.search(course) is None
    assert 'href="/certificates">View your certificate' in course
    assert 'Next in your programme: <a href="/courses/next-course/">Next Course</a>' in course
    assert "Intro Course" in client.get("/certificates").get_data(as_text=True)


def test_passing_the_final_exam_says_so_and_links_the_certificate(app, content_dir, learner, auth, client):
    make_tree(content_dir, courses=("intro-course", "next-course"))
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(app)
    enrol(auth)
    for lesson in ("what-is-ai", "models", "sprints", "review"):
        auth.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)
    final = COURSE + "quiz/final"
    attempt = start(auth, final)
    result = client.get(post_answers(auth, attempt, answers_form(questions(app, attempt)), quiz=final)
                        .headers["Location"]).get_data(as_text=True)
    assert "You passed the final exam." in result and "You have completed this course." in result
    assert 'href="/certificates">View your certificate' in result
    assert 'href="/courses/next-course/">Next Course' in result


def test_a_module_quiz_result_links_the_next_module(app, content_dir, learner, auth, client):
    write_quiz(content_dir)
    sync(app)
    enrol(auth)
    for lesson in ("what-is-ai", "models"):
        auth.post(f"{COURSE}{lesson}/complete", token_from=COURSE + lesson)
    attempt = start(auth)
    result = client.get(post_answers(auth, attempt, answers_form(questions(app, attempt))).headers["Location"])
    page = result.get_data(as_text=True)
    assert "Next module: Practice." in page
    assert f'href="{COURSE}sprints">Continue: Sprints' in page
    # the dashboard's Continue goes on to the next module too, not back to the lesson just completed
    assert f'href="{COURSE}sprints">Continue</a>' in client.get("/dashboard").get_data(as_text=True)


def test_continue_resumes_an_unfinished_lesson_and_is_refused_without_enrolment(synced, learner, auth, client):
    assert client.get(COURSE + "continue").headers["Location"] == COURSE  # not enrolled: the course page
    enrol(auth)
    client.get(COURSE + "sprints")  # opened, not finished: that is where the learner left off
    assert client.get(COURSE + "continue").headers["Location"] == COURSE + "sprints"
    auth.post(COURSE + "sprints/complete", token_from=COURSE + "sprints")
    assert client.get(COURSE + "continue").headers["Location"] == COURSE + "what-is-ai"  # the first one not done

"""Reports and admin pages read as text for people: labels, rounded figures, plurals, answers in words."""
from __future__ import annotations

from lms.quizzes.qtypes import get_type
from lms.reports import charts

from .authoring_support import log_in, make_account
from .certificate_support import finish_course
from .content_factory import write
from .quiz_support import COURSE, FINAL, sync


def test_learner_report_lists_certificates_in_words(synced, make_user, auth, client):
    learner_id = make_user()
    auth.login()
    finish_course(auth)
    auth.client.post("/account/logout", data={"csrf_token": auth.csrf("/")})
    make_account(synced, make_user, "admin")
    log_in(auth, "admin@example.com")
    page = client.get(f"/reports/learners/{learner_id}").get_data(as_text=True)
    table = page[page.index("<caption>Certificates"):]
    table = table[:table.index("</table>")]
    assert '<th scope="col">Certificate</th><th scope="col">For</th>' in table
    assert '<th scope="row">Intro Course</th><td>Course</td><td>Ada Learner</td>' in table and "<td>Valid</td>" in table
    for raw in ("school_id", "status_index", "content_version", "credential_id", "None"):
        assert raw not in table  # no raw column dump


def test_matching_and_ordering_answers_read_as_words():
    matching = {"pairs": [{"id": "a", "left": "Precision", "right": "2"}, {"id": "b", "left": "Recall", "right": "1"}],
                "choices": [{"id": "1", "text": "Share found"}, {"id": "2", "text": "Share right"}]}
    assert get_type("matching").answer_summary(matching, {"a": "2", "b": "1"}) == [
        "Precision → Share right; Recall → Share found"]
    ordering = {"items": [{"id": "a", "text": "Frame"}, {"id": "b", "text": "Collect"}]}
    assert get_type("ordering").answer_summary(ordering, ["b", "a"]) == ["1. Collect; 2. Frame"]


def test_counts_of_one_are_singular():
    funnel = str(charts.horizontal_bars("f", "Funnel", [("Enrolled", 1), ("Completed", 2)], charts.learners))
    assert "Enrolled: 1 learner;" in funnel and "Completed: 2 learners" in funnel and "1 learners" not in funnel


def test_one_minute_lesson_and_final_exam_named_once(app, content_dir, make_user, auth, client):
    write(content_dir, "courses/intro-course/01-basics/01-what-is-ai.md",
          "---\ntitle: What is AI\nminutes: 1\n---\n\nA short one.\n")
    write(content_dir, "quizzes/intro-course/final.md", FINAL)
    sync(app)
    lesson = client.get(COURSE + "what-is-ai").get_data(as_text=True)
    assert "1 minute<" in lesson and "1 minutes" not in lesson
    course = client.get(COURSE).get_data(as_text=True)
    assert "Final exam: <a" not in course and "Final exam: Final exam" not in course

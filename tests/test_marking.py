"""Instructor review (/teach/reviews): the queue, the review page (rubric levels, comments, inline comments, a
decision released once), the decision mail, flagged peer reviews, the review-time report, and who may see what."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest

from lms.accounts.models import User
from lms.assignments import marking
from lms.assignments.models import Review, Submission, SubmissionFile
from lms.cohorts.marking_queue import QUEUE_QUERIES
from lms.db import utcnow
from lms.extensions import db
from lms.notifications.models import Notification
from lms.schools.models import School
from lms.signals import submission_decided

from . import cohort_support as cs
from . import marking_support as ms
from .conftest import PASSWORD, Auth
from .notification_support import outbox
from .test_concurrency import together
from .test_queries import count_queries

ALL_LEVELS = {"level-problem": "2", "level-measure": "1"}  # 10 + 10 points of 20


@pytest.fixture()
def app(make_app):
    return make_app(LMS_BASE_URL="http://localhost")


@pytest.fixture()
def school(app, content_dir, runner):
    """Module 01-basics has an instructor-reviewed assignment ("basics"), 02-practice a peer+instructor one
    ("practice"). Ada and Ben are in the spring cohort taught by Tess; Otto teaches autumn (no learner); a second
    school has its own learner and submission."""
    ms.write_assignment(content_dir, "instructor")
    ms.write_assignment(content_dir, "peer+instructor", module="02-practice")
    result = runner.invoke(args=["lms", "sync"])
    assert result.exit_code == 0, result.output
    now = utcnow()
    with app.app_context():
        spring = cs.make_cohort()
        ada, ben = cs.make_account("learner@example.com", "Ada Learner"), cs.make_account("ben@example.com", "Ben Bright")
        cs.add_learner(spring, ada)
        cs.add_learner(spring, ben)
        cs.add_instructor(spring, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        autumn = cs.make_cohort("Autumn intake", "autumn")
        cs.add_instructor(autumn, cs.make_account("other-teacher@example.com", "Otto Teacher", "instructor"))
        cs.make_account("admin@example.com", "Alma Admin", "admin")
        peer = cs.make_account("peer@example.com", "Pia Peer")
        basics, practice = ms.assignment("basics"), ms.assignment("practice")
        ada_work = ms.submit(ada, basics, now - timedelta(hours=2))
        ben_work = ms.submit(ben, practice, now - timedelta(hours=5))
        ms.peer_review(ben_work, peer, {"problem": 1, "measure": 1})
        draft = ms.submit(ben, basics)
        draft.status, draft.submitted_at = "draft", None
        elsewhere = School(slug="elsewhere", name="Elsewhere School")
        db.session.add(elsewhere)
        db.session.flush()
        stranger = cs.make_account("stranger@example.com", "Sam Stranger")
        stranger.school_id = elsewhere.id
        db.session.flush()
        foreign = ms.submit(stranger, basics, now - timedelta(hours=9))
        db.session.commit()
        return {"ada": ada_work.id, "ben": ben_work.id, "draft": draft.id, "foreign": foreign.id,
                "spring": spring.id, "autumn": autumn.id, "peer": peer.id}


def login(app, email: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(email=email, password=PASSWORD).status_code == 302
    return auth


def post_review(auth: Auth, submission_id: int, action: str = "save", **fields):
    url = f"/teach/reviews/{submission_id}"
    return auth.post(url, {"action": action, **fields}, token_from=url)


def test_the_queue_lists_what_awaits_a_decision_oldest_first_with_the_peer_reviews_in(app, school):
    page = login(app, "teacher@example.com").client.get("/teach/reviews").get_data(as_text=True)
    assert page.index("Ben Bright") < page.index("Ada Learner")  # submitted five hours ago, then two
    assert "1 of 2 peer reviews in" in page and "2 submissions await a decision" in page
    assert f"/teach/reviews/{school['draft']}\"" not in page and "Sam Stranger" not in page
    assert "Nothing awaits a decision." in login(app, "other-teacher@example.com").client.get("/teach/reviews").get_data(as_text=True)
    admin = login(app, "admin@example.com").client.get("/teach/reviews").get_data(as_text=True)
    assert "Ben Bright" in admin and "Ada Learner" in admin and "Sam Stranger" not in admin  # the school's only
    assert login(app, "learner@example.com").client.get("/teach/reviews").status_code == 403
    assert app.test_client().get("/teach/reviews").status_code == 302  # log in first


def test_the_queue_filters_by_course_and_by_cohort(app, school):
    client = login(app, "admin@example.com").client
    assert "Ada Learner" in client.get("/teach/reviews?course=intro-course").get_data(as_text=True)
    assert "Nothing awaits" in client.get(f"/teach/reviews?cohort={school['autumn']}").get_data(as_text=True)
    spring = client.get(f"/teach/reviews?cohort={school['spring']}").get_data(as_text=True)
    assert "Ada Learner" in spring and "Ben Bright" in spring
    assert client.get("/teach/reviews?cohort=99999999999&course=nope").status_code == 200  # unknown filters: none


def test_the_queue_costs_the_same_queries_for_3_and_30_submissions(app, school, monkeypatch):
    client = login(app, "teacher@example.com").client
    client.get("/teach/reviews")
    with count_queries(app) as few:
        assert client.get("/teach/reviews").status_code == 200
    with app.app_context():
        spring = db.session.get(cs.Cohort, school["spring"])
        practice = ms.assignment("practice")
        peer = db.session.get(User, school["peer"])
        for n in range(28):
            learner = cs.make_account(f"more{n}@example.com", f"More {n}")
            cs.add_learner(spring, learner)
            work = ms.submit(learner, practice)
            ms.peer_review(work, peer, {"problem": 0, "measure": 0}, flagged=n % 2 == 0)
        db.session.commit()
    with count_queries(app) as many:
        page = client.get("/teach/reviews").get_data(as_text=True)
    assert "More 27" in page and "30 submissions await a decision" in page
    assert page.count("flagged ") == 14
    assert len(few) == len(many)
    with app.test_request_context("/"):
        from lms.cohorts import marking_queue as queue
        from lms.schools.services import current_school

        teacher = db.session.execute(db.select(User).filter_by(email="teacher@example.com")).scalar_one()
        scope = queue.Scope(teacher, current_school())
        with count_queries(app) as statements:
            assert len(queue.awaiting(scope)[0]) == 30 and len(queue.flagged(scope)) == 14
        assert len(statements) == QUEUE_QUERIES
        oldest, total = queue.awaiting(scope, limit=5)
        assert total == 30 and [item.learner for item in oldest][:2] == ["Ben Bright", "Ada Learner"]
    monkeypatch.setattr(queue, "QUEUE_LIMIT", 5)  # a long backlog: the oldest shown, the whole count said
    page = client.get("/teach/reviews").get_data(as_text=True)
    assert "30 submissions await a decision; the oldest 5 are shown" in page and "More 27" not in page


def test_only_staff_with_a_say_open_a_submission(app, school):
    teacher = login(app, "teacher@example.com").client
    assert teacher.get(f"/teach/reviews/{school['ada']}").status_code == 200
    assert teacher.get(f"/teach/reviews/{school['foreign']}").status_code == 404  # another school's
    assert teacher.get(f"/teach/reviews/{school['draft']}").status_code == 404  # not submitted
    assert teacher.get("/teach/reviews/99999999999").status_code == 404
    other = login(app, "other-teacher@example.com")
    assert other.client.get(f"/teach/reviews/{school['ada']}").status_code == 404  # another cohort's instructor
    assert post_review(other, school["ada"], "decide", decision="pass", **ALL_LEVELS).status_code == 404
    admin = login(app, "admin@example.com").client
    assert admin.get(f"/teach/reviews/{school['ada']}").status_code == 200
    assert admin.get(f"/teach/reviews/{school['foreign']}").status_code == 404
    with app.app_context():
        assert db.session.get(Submission, school["ada"]).status == "submitted"


def test_the_page_shows_the_learner_the_text_and_the_rubric_and_starts_the_review_clock_once(app, school):
    with app.app_context():
        db.session.add(SubmissionFile(submission_id=school["ada"], name="framing.pdf", kind="pdf", size=2048,
                                      sha256="0" * 64, data=b"%PDF-1.4"))
        db.session.commit()
        file_id = db.session.execute(db.select(SubmissionFile.id)).scalar_one()
    client = login(app, "teacher@example.com").client
    page = client.get(f"/teach/reviews/{school['ada']}").get_data(as_text=True)
    assert "Ada Learner" in page and "<p>Our churn model serves the retention team.</p>" in page
    assert page.count('type="radio" name="level-problem"') == 3 and page.count('name="level-measure"') == 2
    assert "<legend>Problem statement</legend>" in page and 'for="level-problem-comment"' in page
    assert f'<a href="/assignments/files/{file_id}">framing.pdf</a>' in page  # served by the submission pages
    with app.app_context():
        opened = db.session.execute(db.select(Review.opened_at).filter_by(submission_id=school["ada"])).scalar_one()
    client.get(f"/teach/reviews/{school['ada']}")
    with app.app_context():
        assert db.session.execute(db.select(Review).filter_by(submission_id=school["ada"])).scalar_one().opened_at == opened


def test_a_draft_keeps_levels_comments_inline_comments_and_feedback(app, school):
    auth = login(app, "teacher@example.com")
    response = post_review(auth, school["ada"], "save", **{"level-problem": "1", "level-problem-comment": "Name the team.",
                                                           "quote": "churn   model serves", "note": "Which model?",
                                                           "feedback": "A good start."})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.execute(db.select(Review).filter_by(submission_id=school["ada"])).scalar_one()
        assert (review.kind, review.levels, review.comments) == ("instructor", {"problem": 1}, {"problem": "Name the team."})
        assert review.annotations == [{"quote": "churn   model serves", "comment": "Which model?"}]
        assert review.comment == "A good start." and review.submitted_at is None
        assert db.session.get(Submission, school["ada"]).status == "submitted"
    page = auth.client.get(f"/teach/reviews/{school['ada']}").get_data(as_text=True)
    assert re.search(r'id="level-problem-1" value="1" required\s+checked', page)
    assert "Which model?" in page and "A good start." in page


def test_an_inline_comment_must_quote_the_text_and_there_are_at_most_fifty(app, school):
    auth = login(app, "teacher@example.com")
    response = post_review(auth, school["ada"], "save", quote="a passage nobody wrote", note="Where?")
    assert response.status_code == 422
    assert "is not in the learner&#39;s text" in response.get_data(as_text=True)
    assert "Where?" in response.get_data(as_text=True)  # the reviewer's work comes back
    with app.test_request_context("/"):
        submission = db.session.get(Submission, school["ada"])
        with pytest.raises(marking.MarkingRefused):
            marking.check_annotations(submission, [{"quote": "churn", "comment": "x"}] * 51)
        with pytest.raises(marking.MarkingRefused):
            marking.check_annotations(submission, [{"quote": "churn", "comment": ""}])
        assert len(marking.check_annotations(submission, [{"quote": "below 5 % by June", "comment": "x"}] * 50)) == 50


def test_deciding_needs_every_level_and_a_decision(app, school):
    auth = login(app, "teacher@example.com")
    response = post_review(auth, school["ada"], "decide", decision="pass", **{"level-problem": "2"})
    assert response.status_code == 422 and "Choose a level for every criterion" in response.get_data(as_text=True)
    response = post_review(auth, school["ada"], "decide", **ALL_LEVELS)
    assert response.status_code == 422 and "Choose a decision" in response.get_data(as_text=True)
    assert post_review(auth, school["ada"], "decide", decision="pass", **{"level-problem": "7", "level-measure": "0"}).status_code == 422
    assert post_review(auth, school["ada"], "decide", decision="pass", **{"level-problem": "x"}).status_code == 400
    with app.app_context():
        assert db.session.get(Submission, school["ada"]).status == "submitted"


def test_a_decision_is_released_once_and_a_second_post_changes_nothing(app, school):
    auth = login(app, "teacher@example.com")
    response = post_review(auth, school["ada"], "decide", decision="revise", feedback="Add a target date.",
                           **ALL_LEVELS)
    assert response.status_code == 302 and response.headers["Location"].endswith("/teach/reviews")
    with app.app_context():
        submission = db.session.get(Submission, school["ada"])
        assert (submission.status, submission.decision, submission.score, submission.percent) == ("decided", "revise", 20, 100)
        assert submission.decided_by.email == "teacher@example.com" and submission.feedback == "Add a target date."
        review = db.session.execute(db.select(Review).filter_by(submission_id=school["ada"])).scalar_one()
        assert review.submitted_at is not None and review.points == 20
        decided_at = submission.decided_at
    again = post_review(auth, school["ada"], "decide", decision="pass", feedback="Changed my mind.", **ALL_LEVELS)
    assert again.status_code == 302
    page = auth.client.get(again.headers["Location"]).get_data(as_text=True)
    assert "already decided; nothing was changed" in page and "Decision: revise" in page
    assert 'name="action"' not in page  # no form on a decided submission
    with app.app_context():
        submission = db.session.get(Submission, school["ada"])
        assert (submission.decision, submission.feedback, submission.decided_at) == ("revise", "Add a target date.", decided_at)


def test_two_instructors_deciding_at_once_release_one_decision(app, school):
    with app.test_request_context("/"):
        submission = db.session.get(Submission, school["ada"])
        teacher, admin = (db.session.execute(db.select(User).filter_by(email=e)).scalar_one()
                          for e in ("teacher@example.com", "admin@example.com"))
        first, second = marking.instructor_review(submission, teacher), marking.instructor_review(submission, admin)
        for review in (first, second):
            marking.save_review(review, {"problem": 2, "measure": 1}, {}, [], "")
        marking.decide(first, "pass", teacher)
        db.session.commit()
        with pytest.raises(marking.MarkingRefused):
            marking.decide(second, "fail", admin)
        db.session.rollback()  # as the view's transaction does
        db.session.refresh(submission)
        assert (submission.decision, submission.decided_by_id) == ("pass", teacher.id)
        assert db.session.get(Review, second.id).submitted_at is None  # the loser's review stays a draft


def test_two_instructors_posting_decisions_at_the_same_moment_release_one(app, school):
    """Through the pages: on PostgreSQL the two transactions overlap; on SQLite they queue on the write lock."""
    url = f"/teach/reviews/{school['ada']}"
    auths = [login(app, "teacher@example.com"), login(app, "admin@example.com")]
    tokens = [auth.csrf(url) for auth in auths]  # each opens the page first
    decisions = ("pass", "fail")

    def decide(index: int):
        return auths[index].client.post(url, data={"csrf_token": tokens[index], "action": "decide",
                                                   "decision": decisions[index], **ALL_LEVELS}).status_code

    assert together(2, decide) == [302, 302]
    with app.app_context():
        submission = db.session.get(Submission, school["ada"])
        winner = decisions.index(submission.decision)
        assert submission.decided_by.email == ("teacher@example.com", "admin@example.com")[winner]
        submitted = db.session.execute(db.select(Review.reviewer_id).where(
            Review.submission_id == submission.id, Review.submitted_at.is_not(None))).scalars().all()
        assert submitted == [submission.decided_by_id]  # the other review stays a draft
        assert db.session.execute(db.select(db.func.count(Notification.id))).scalar_one() == 1


def test_the_learner_is_mailed_the_decision_once_in_their_language(app, school, runner):
    with app.app_context():
        ada = db.session.execute(db.select(User).filter_by(email="learner@example.com")).scalar_one()
        ada.locale = "fr"
        db.session.commit()
    auth = login(app, "teacher@example.com")
    assert post_review(auth, school["ada"], "decide", decision="pass", **ALL_LEVELS).status_code == 302
    with app.app_context():
        row = db.session.execute(db.select(Notification).filter_by(kind="submission_decided")).scalar_one()
        assert (row.subject_id, row.sent_at) == (school["ada"], None)
    assert runner.invoke(args=["lms", "reminders"]).exit_code == 0
    assert runner.invoke(args=["lms", "reminders"]).exit_code == 0
    mails = [m for m in outbox(app) if m["To"] == "learner@example.com"]
    assert len(mails) == 1
    body = mails[0].get_content()
    assert mails[0]["Subject"].startswith("Votre travail est évalué")
    assert "Bonjour Ada Learner" in body and "http://localhost/courses/intro-course/assignments/basics" in body


def test_an_instructor_who_reviewed_as_a_peer_does_not_decide(app, school):
    with app.app_context():
        ben = db.session.get(Submission, school["ben"])
        teacher = db.session.execute(db.select(User).filter_by(email="teacher@example.com")).scalar_one()
        ms.peer_review(ben, teacher, {"problem": 2, "measure": 1})
        db.session.commit()
        teacher_id = teacher.id
    auth = login(app, "teacher@example.com")
    page = auth.client.get(f"/teach/reviews/{school['ben']}").get_data(as_text=True)
    assert "You reviewed this submission as a peer" in page and 'name="action"' not in page
    assert post_review(auth, school["ben"], "decide", decision="pass", **ALL_LEVELS).status_code == 422
    with app.app_context():
        assert db.session.get(Submission, school["ben"]).status == "submitted"
        assert db.session.execute(db.select(Review.kind).filter_by(reviewer_id=teacher_id)).scalars().all() == ["peer"]


def test_the_review_page_shows_the_peers_and_their_combined_points(app, school):
    page = login(app, "teacher@example.com").client.get(f"/teach/reviews/{school['ben']}").get_data(as_text=True)
    assert "Peer review 1" in page and "Pia Peer" not in page  # reviewers stay anonymous
    assert "Combined peer points" in page and "15 of 20, 75%" in page


def peer_decided(app, school, levels: list[dict], decision: str) -> tuple[int, list[int]]:
    """Ben's practice submission, reviewed by two peers (the first flagged) and decided from their reviews."""
    with app.app_context():
        submission = db.session.get(Submission, school["ben"])
        submission.assignment.review_mode = "peer"
        db.session.execute(db.delete(Review).where(Review.submission_id == submission.id))
        reviews = [ms.peer_review(submission, cs.make_account(f"p{n}@example.com", f"Peer {n}"), chosen, flagged=n == 0)
                   for n, chosen in enumerate(levels)]
        submission.status, submission.decision, submission.decided_at = "decided", decision, utcnow()
        db.session.commit()
        return submission.id, [r.id for r in reviews]


def resolve(auth: Auth, submission_id: int, review_id: int, resolution: str):
    url = f"/teach/reviews/{submission_id}"
    response = auth.post(f"{url}/flags/{review_id}", {"resolution": resolution}, token_from=url)
    assert response.status_code == 302
    return auth.client.get(response.headers["Location"]).get_data(as_text=True)


def test_an_upheld_flag_recomputes_a_peer_grade_and_says_when_the_decision_changes(app, school):
    submission_id, (harsh, fair) = peer_decided(app, school, [{"problem": 0, "measure": 0}, {"problem": 2, "measure": 1}],
                                               "revise")  # median 10 of 20: 50 %, under the pass mark
    queue = login(app, "admin@example.com").client.get("/teach/reviews").get_data(as_text=True)
    assert "Flagged peer reviews" in queue and f"#review-{harsh}" in queue and "Too harsh." in queue
    announced = []
    with submission_decided.connected_to(lambda sender, **extra: announced.append((sender.id, extra["passed"]))):
        page = resolve(login(app, "admin@example.com"), submission_id, harsh, "uphold")
    assert announced == [(submission_id, True)]  # progress counts the pass it now is
    assert "the decision changes from “revise” to “pass”" in page and "(100%)" in page
    with app.app_context():
        submission, review = db.session.get(Submission, submission_id), db.session.get(Review, harsh)
        assert (submission.decision, submission.score, submission.percent) == ("pass", 20, 100)
        assert review.excluded and review.flag_resolved_at is not None
        assert review.flag_resolved_by_id == db.session.execute(db.select(User.id).filter_by(email="admin@example.com")).scalar_one()
    assert "No peer review is flagged." in login(app, "admin@example.com").client.get("/teach/reviews").get_data(as_text=True)
    again = resolve(login(app, "admin@example.com"), submission_id, harsh, "dismiss")
    assert "already resolved; nothing was changed" in again
    with app.app_context():
        assert db.session.get(Review, harsh).excluded


def test_an_upheld_flag_that_leaves_the_decision_says_it_stays(app, school):
    submission_id, (harsh, _fair) = peer_decided(app, school, [{"problem": 0, "measure": 0}, {"problem": 1, "measure": 0}],
                                                "revise")
    page = resolve(login(app, "teacher@example.com"), submission_id, harsh, "uphold")
    assert "the decision stays “revise”" in page and "(25%)" in page
    with app.app_context():
        assert db.session.get(Submission, submission_id).percent == 25


def test_a_dismissed_flag_leaves_the_grade(app, school):
    submission_id, (harsh, _fair) = peer_decided(app, school, [{"problem": 0, "measure": 0}, {"problem": 2, "measure": 1}],
                                                "revise")
    page = resolve(login(app, "teacher@example.com"), submission_id, harsh, "dismiss")
    assert "The flag is dismissed" in page
    with app.app_context():
        review = db.session.get(Review, harsh)
        assert not review.excluded and review.flag_resolved_at is not None
        assert db.session.get(Submission, submission_id).decision == "revise"
    assert login(app, "other-teacher@example.com").post(
        f"/teach/reviews/{submission_id}/flags/{harsh}", {"resolution": "uphold"}).status_code == 404


def test_the_report_gives_median_and_90th_percentile_review_times(app, school):
    now = utcnow()
    with app.app_context():
        basics = ms.assignment("basics")
        spring = db.session.get(cs.Cohort, school["spring"])
        teacher = db.session.execute(db.select(User).filter_by(email="teacher@example.com")).scalar_one()
        for n, hours in enumerate([1, 2, 3, 4, 10]):
            learner = cs.make_account(f"r{n}@example.com", f"Rae {n}")
            cs.add_learner(spring, learner)
            work = ms.submit(learner, basics, now - timedelta(hours=hours))
            db.session.add(Review(submission_id=work.id, reviewer_id=teacher.id, kind="instructor",
                                  opened_at=now - timedelta(minutes=30), levels={}, comments={}, annotations=[]))
            work.status, work.decision, work.decided_at, work.decided_by_id = "decided", "pass", now, teacher.id
        db.session.commit()
    client = login(app, "teacher@example.com").client
    page = client.get("/teach/reviews/report").get_data(as_text=True)
    assert "Problem framing sheet" in page and "3 h" in page and "10 h" in page and "0.5 h" in page
    rows = list(csv.reader(io.StringIO(client.get("/teach/reviews/report.csv").get_data(as_text=True))))
    assert rows[0][:3] == ["course", "assignment", "decided submissions"]
    assert rows[1] == ["Intro Course", "Problem framing sheet", "5", "3", "10", "0.5", "0.5"]
    each = list(csv.reader(io.StringIO(client.get("/teach/reviews/report/submissions.csv").get_data(as_text=True))))
    assert each[0][:4] == ["course", "assignment", "learner", "version"] and len(each) == 6
    assert sorted(float(row[8]) for row in each[1:]) == [1, 2, 3, 4, 10] and {row[9] for row in each[1:]} == {"0.5"}
    assert {(row[2], row[4], row[5]) for row in each[1:]} >= {("Rae 4", "pass", "an instructor")}
    other = login(app, "other-teacher@example.com").client.get("/teach/reviews/report/submissions.csv")
    assert len(list(csv.reader(io.StringIO(other.get_data(as_text=True))))) == 1  # their learners only: none
    assert "No submission is decided yet." in login(app, "other-teacher@example.com").client.get(
        "/teach/reviews/report").get_data(as_text=True)
    assert marking.percentile([5, 1, 3, 2, 4, 6, 7, 8, 9, 10], 0.9) == 9 and marking.percentile([], 0.9) is None


def test_the_forms_need_the_csrf_token(app, school):
    client = login(app, "teacher@example.com").client
    assert client.post(f"/teach/reviews/{school['ada']}", data={"action": "decide", "decision": "pass",
                                                                **ALL_LEVELS}).status_code == 400
    with app.app_context():
        assert db.session.get(Submission, school["ada"]).status == "submitted"


def test_the_review_pages_speak_french(app, school):
    client = login(app, "teacher@example.com").client
    client.set_cookie("lms_lang", "fr")
    page = client.get(f"/teach/reviews/{school['ada']}").get_data(as_text=True)
    assert "Enregistrer le brouillon" in page and "Commentaires dans le texte" in page
    assert "Travaux à évaluer" in client.get("/teach/reviews").get_data(as_text=True)
    assert "Durées d’évaluation" in client.get("/teach/reviews/report").get_data(as_text=True)


def test_the_learner_reads_the_released_decision_with_the_instructors_review_but_not_who_wrote_it(app, school):
    teacher = login(app, "teacher@example.com")
    assert post_review(teacher, school["ada"], "decide", decision="revise", feedback="Measure it weekly.",
                       quote="serves the retention team", note="Name the team's lead.",
                       **{**ALL_LEVELS, "level-problem-comment": "Clear and owned."}).status_code == 302
    learner = login(app, "learner@example.com")
    page = learner.client.get("/courses/intro-course/assignments/basics").get_data(as_text=True)
    assert "Revise and resubmit: 20 of 20 points (100%)" in page
    assert "Your instructor’s review" in page and "Clear and owned." in page and "Measure it weekly." in page
    assert "<q>serves the retention team</q> – Name the team&#39;s lead." in page
    assert "Tess Teacher" not in page and "teacher@example.com" not in page


def test_an_upheld_flag_leaves_a_pass_already_given_standing(app, school):
    """A pass may have completed a course and issued a certificate: upholding a flag on one of its reviews leaves it."""
    submission_id, (generous, *_rest) = peer_decided(
        app, school, [{"problem": 2, "measure": 1}, {"problem": 2, "measure": 1}, {"problem": 0, "measure": 0}], "pass")
    announced = []
    with submission_decided.connected_to(lambda sender, **extra: announced.append(extra)):
        page = resolve(login(app, "admin@example.com"), submission_id, generous, "uphold")
    assert "The pass already given stands." in page and announced == []
    with app.app_context():
        assert db.session.get(Submission, submission_id).decision == "pass"
        assert db.session.get(Review, generous).excluded


def test_an_upheld_flag_never_passes_a_version_the_learner_has_replaced(app, school):
    submission_id, (harsh, _fair) = peer_decided(app, school, [{"problem": 0, "measure": 0}, {"problem": 2, "measure": 1}],
                                                "revise")
    with app.app_context():
        first = db.session.get(Submission, submission_id)
        second = ms.submit(first.user, first.assignment, number=2)
        db.session.commit()
        second_id = second.id
    resolve(login(app, "admin@example.com"), submission_id, harsh, "uphold")
    with app.app_context():
        assert db.session.get(Submission, submission_id).decision == "revise"
        assert db.session.get(Submission, second_id).status == "submitted"


def test_nobody_resolves_the_flag_on_a_review_they_wrote(app, school):
    with app.app_context():
        teacher = db.session.execute(db.select(User).filter_by(email="teacher@example.com")).scalar_one()
        own = ms.peer_review(db.session.get(Submission, school["ben"]), teacher, {"problem": 0, "measure": 0}, flagged=True)
        db.session.commit()
        own_id = own.id
    teacher = login(app, "teacher@example.com")
    assert f"#review-{own_id}" not in teacher.client.get("/teach/reviews").get_data(as_text=True)
    page = resolve(teacher, school["ben"], own_id, "dismiss")
    assert "another member of staff resolves the flag" in page
    with app.app_context():
        assert db.session.get(Review, own_id).flag_resolved_at is None
    assert f"#review-{own_id}" in login(app, "admin@example.com").client.get("/teach/reviews").get_data(as_text=True)


def test_a_drafts_files_are_its_owners_alone(app, school):
    with app.app_context():
        draft = db.session.get(Submission, school["draft"])
        draft.files.append(SubmissionFile(name="half-done.pdf", kind="pdf", size=8, sha256="0" * 64, data=b"%PDF-1.4"))
        db.session.commit()
        file_id = draft.files[0].id
    for email in ("teacher@example.com", "admin@example.com"):
        assert login(app, email).client.get(f"/assignments/files/{file_id}").status_code == 404
    assert login(app, "ben@example.com").client.get(f"/assignments/files/{file_id}").status_code == 200

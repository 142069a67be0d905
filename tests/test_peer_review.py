"""Peer review: fair allocation, the anonymous review page, the grade the peers give, flags and the reviewer pool."""
from __future__ import annotations

from datetime import timedelta

import pytest

from lms.accounts.models import User
from lms.assignments import peer
from lms.assignments.models import PeerReviewer, Review, Submission
from lms.db import utcnow
from lms.extensions import db

from .peer_support import (LOW, NEXT, RECEIVED, TOP, allocated_id, ask_next, assignment_of, give, learner, login,
                           reviews_of, submit, sync, write_assignment)

AUTHORS = {"ana@example.com": "Anaïs Quennec", "bao@example.com": "Bao Tranh", "cyd@example.com": "Cydonie Vallat"}


@pytest.fixture()
def peer_app(make_app, content_dir):
    write_assignment(content_dir)
    app = make_app()
    sync(app)
    return app


def three_learners(app) -> dict[str, tuple[int, int]]:
    """Ana, Bao and Cyd each submitted (Ana first); {email: (user id, submission id)}."""
    found = {}
    for minutes, (email, name) in zip((30, 20, 10), AUTHORS.items()):
        user_id = learner(app, email, name)
        found[email] = (user_id, submit(app, user_id, text=f"Plan of learner {minutes}", minutes_ago=minutes))
    return found


def allocate(app, email: str):
    with app.test_request_context("/"):
        reviewer = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
        review = peer.allocate(reviewer, assignment_of())
        db.session.commit()
        return None if review is None else (review.id, review.submission_id)


def test_allocation_is_fair_never_ones_own_never_twice(peer_app):
    people = three_learners(peer_app)
    ana, bao, cyd = (people[e] for e in AUTHORS)
    # Ana is given the oldest submission that is not hers: Bao's; asking again gives the same one.
    first = allocate(peer_app, "ana@example.com")
    assert first[1] == bao[1]
    assert allocate(peer_app, "ana@example.com") == first
    # Bao: Ana's and Cyd's have no allocation yet; Ana's is the older.
    assert allocate(peer_app, "bao@example.com")[1] == ana[1]
    # Dee, who submitted last, is given the submission with the fewest allocations, Cyd's, though it is the newest.
    dee = learner(peer_app, "dee@example.com", "Dee Fourth")
    submit(peer_app, dee)
    assert allocate(peer_app, "dee@example.com")[1] == cyd[1]
    # Cyd: Ana's, Bao's (and her own) have one allocation each; Dee's has none.
    dee_submission = allocate(peer_app, "cyd@example.com")[1]
    assert dee_submission not in (ana[1], bao[1], cyd[1])
    counts = {sid: len(reviews_of(peer_app, sid)) for sid in (ana[1], bao[1], cyd[1], dee_submission)}
    assert list(counts.values()) == [1, 1, 1, 1]
    with peer_app.app_context():
        rows = db.session.execute(db.select(Review.submission_id, Review.reviewer_id)).all()
        assert all(db.session.get(Submission, sid).user_id != rid for sid, rid in rows)


def test_reviews_spread_evenly_over_three_submissions(peer_app):
    """Each of three learners gives two reviews: each submission receives exactly two, none its own."""
    people = three_learners(peer_app)
    for _round in range(2):
        for email in AUTHORS:
            review_id, submission_id = allocate(peer_app, email)
            assert submission_id != people[email][1]
            auth = login(peer_app, email)
            assert give(auth, review_id, TOP).status_code == 302
    for _uid, submission_id in people.values():
        reviews = reviews_of(peer_app, submission_id)
        assert len(reviews) == 2 and all(r.submitted_at for r in reviews)
        assert len({r.reviewer_id for r in reviews}) == 2
    with peer_app.test_request_context("/"):
        with pytest.raises(peer.PeerRefused):  # each gave the two reviews they owe
            peer.allocate(db.session.get(User, people["ana@example.com"][0]), assignment_of())


def test_two_tabs_asking_at_once_get_one_allocation(peer_app):
    three_learners(peer_app)
    auth = login(peer_app, "ana@example.com")
    first, second = ask_next(auth), ask_next(auth)
    assert allocated_id(first) == allocated_id(second)
    with peer_app.test_request_context("/"):
        reviewer = db.session.execute(db.select(User).filter_by(email="ana@example.com")).scalar_one()
        target = peer.open_allocation(reviewer, assignment_of())
        # The same row inserted again (the other tab's race) is ignored by the unique pair.
        from lms.db import insert_ignore
        db.session.execute(insert_ignore(Review, {"submission_id": target.submission_id, "reviewer_id": reviewer.id,
                                                  "kind": "peer", "allocated_at": utcnow(), "levels": {},
                                                  "comments": {}, "annotations": [], "comment": "",
                                                  "flag_reason": "", "excluded": False},
                                         ["submission_id", "reviewer_id"]))
        db.session.commit()
        assert db.session.execute(db.select(db.func.count(Review.id))).scalar_one() == 1


def test_an_allocation_left_48_hours_goes_to_someone_else(peer_app):
    people = three_learners(peer_app)
    with peer_app.app_context():
        assignment = assignment_of()
        assignment.peer_reviews = 1
        db.session.commit()
    review_id, target = allocate(peer_app, "ana@example.com")  # Bao's, now with its one allocation
    assert allocate(peer_app, "cyd@example.com")[1] == people["ana@example.com"][1]
    with peer_app.app_context():
        db.session.get(Review, review_id).allocated_at = utcnow() - timedelta(hours=47)
        db.session.commit()
    # Bao's submission still holds its place (47 h): a fourth learner is offered nothing but Cyd's.
    dee = learner(peer_app, "dee@example.com", "Dee Fourth")
    submit(peer_app, dee)
    assert allocate(peer_app, "dee@example.com")[1] == people["cyd@example.com"][1]
    with peer_app.app_context():
        db.session.get(Review, review_id).allocated_at = utcnow() - timedelta(hours=49)
        db.session.commit()
    eve = learner(peer_app, "eve@example.com", "Eve Fifth")
    submit(peer_app, eve)
    assert allocate(peer_app, "eve@example.com")[1] == target  # withdrawn from Ana, given to Eve
    auth = login(peer_app, "ana@example.com")
    assert auth.client.get(f"/review/{review_id}").status_code == 404


def test_no_submission_to_review_says_so_and_the_learner_sees_they_wait(peer_app):
    ana = learner(peer_app, "ana@example.com", "Anaïs Quennec")
    submit(peer_app, ana)
    auth = login(peer_app, "ana@example.com")
    response = ask_next(auth, token_from=RECEIVED)
    assert response.status_code == 302 and response.headers["Location"].endswith(RECEIVED)
    page = auth.client.get(RECEIVED).get_data(as_text=True)
    assert "No submission is waiting for a review right now" in page
    assert "Waiting for 2 reviews; 0 received." in page
    bao = learner(peer_app, "bao@example.com", "Bao Tranh")
    submit(peer_app, bao)
    review_id, _sid = allocate(peer_app, "bao@example.com")
    give(login(peer_app, "bao@example.com"), review_id, TOP)
    assert "Waiting for 2 reviews; 1 received." in auth.client.get(RECEIVED).get_data(as_text=True)


def test_the_review_page_is_the_reviewers_alone_and_never_names_the_author(peer_app):
    people = three_learners(peer_app)
    with peer_app.app_context():  # Bao's submission carries a file named after him
        from lms.assignments.models import SubmissionFile
        data = b"%PDF-1.4 plan"
        db.session.add(SubmissionFile(submission_id=people["bao@example.com"][1], name="bao-tranh-plan.pdf",
                                      kind="pdf", size=len(data), sha256="0" * 64, data=data))
        db.session.commit()
    ana = login(peer_app, "ana@example.com")
    review_id = allocated_id(ask_next(ana))
    page = ana.client.get(f"/review/{review_id}").get_data(as_text=True)
    assert "Write a two-sprint plan" in page and "Plan of learner 20" in page and 'type="radio"' in page and "<legend>Problem framing</legend>" in page
    for word in ("Bao", "Tranh", "bao@example.com", "bao-tranh"):
        assert word not in page
    link = f"/review/{review_id}/files/"
    assert link in page
    file_id = int(page.split(link, 1)[1].split('"', 1)[0])
    download = ana.client.get(f"{link}{file_id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 plan"
    assert "attachment" in download.headers["Content-Disposition"] and "bao" not in download.headers["Content-Disposition"]
    for email in ("bao@example.com", "cyd@example.com"):
        other = login(peer_app, email)
        assert other.client.get(f"/review/{review_id}").status_code == 404
        assert other.client.get(f"{link}{file_id}").status_code == 404
        assert other.post(f"/review/{review_id}", {"c-framing": "1", "c-delivery": "1"}).status_code == 404
    admin_id = learner(peer_app, "adm@example.com", "Adèle Admin", role="admin")
    assert admin_id and login(peer_app, "adm@example.com").client.get(f"/review/{review_id}").status_code == 404


def test_a_submitted_review_is_stored_once_and_cannot_change(peer_app):
    three_learners(peer_app)
    ana = login(peer_app, "ana@example.com")
    review_id = allocated_id(ask_next(ana))
    response = give(ana, review_id, {"framing": 1, "delivery": 1}, {"framing": "State the churn measure."})
    assert response.status_code == 302
    stored = next(r for r in reviews_of(peer_app, allocated_submission(peer_app, review_id)) if r.id == review_id)
    assert stored.levels == {"framing": 1, "delivery": 1} and stored.points == 15
    assert stored.comments["framing"] == "State the churn measure." and stored.submitted_at is not None
    assert stored.opened_at is not None
    again = give(ana, review_id, LOW)
    assert again.status_code == 302
    assert next(r for r in reviews_of(peer_app, stored.submission_id) if r.id == review_id).points == 15
    page = ana.client.get(f"/review/{review_id}").get_data(as_text=True)
    assert "cannot be changed" in page and 'type="radio"' not in page
    assert "You owe 1 more review on this assignment." in page and "Review the next submission" in page


def allocated_submission(app, review_id: int) -> int:
    with app.app_context():
        return db.session.get(Review, review_id).submission_id


@pytest.mark.parametrize("data", [{"c-framing": "7", "c-delivery": "1"}, {"c-framing": "-1", "c-delivery": "1"},
                                  {"c-framing": "x", "c-delivery": "1"}, {"c-framing": "1", "c-delivery": "1",
                                                                          "comment": "x" * 5001}])
def test_a_level_out_of_range_is_refused(peer_app, data):
    three_learners(peer_app)
    ana = login(peer_app, "ana@example.com")
    review_id = allocated_id(ask_next(ana))
    assert ana.post(f"/review/{review_id}", data, token_from=f"/review/{review_id}").status_code == 400
    assert reviews_of(peer_app, allocated_submission(peer_app, review_id))[0].submitted_at is None


def test_a_missing_level_is_named_and_nothing_is_stored(peer_app):
    three_learners(peer_app)
    ana = login(peer_app, "ana@example.com")
    review_id = allocated_id(ask_next(ana))
    response = ana.post(f"/review/{review_id}", {"c-framing": "2", "c-delivery-comment": "Kept"},
                        token_from=f"/review/{review_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a level for Delivery plan." in page
    assert 'value="2" required\n                   checked' in page or 'checked' in page
    assert ">Kept</textarea>" in page
    assert reviews_of(peer_app, allocated_submission(peer_app, review_id))[0].submitted_at is None


def taught(app, email: str) -> None:
    """The learner joins a cohort of the intro course that an instructor teaches."""
    from . import cohort_support as cs

    with app.app_context():
        cohort = cs.make_cohort()
        cs.add_learner(cohort, db.session.execute(db.select(User).filter_by(email=email)).scalar_one(), enrolled_course=None)
        cs.add_instructor(cohort, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        db.session.commit()


def grade_two(app, people, levels_by_reviewer) -> int:
    """Reviewers give Cyd's work (allocated to them first) the levels given; returns Cyd's submission id."""
    target = people["cyd@example.com"][1]
    for email, levels in levels_by_reviewer.items():
        with app.test_request_context("/"):
            reviewer = db.session.execute(db.select(User).filter_by(email=email)).scalar_one()
            review = Review(submission_id=target, reviewer_id=reviewer.id, kind="peer")
            db.session.add(review)
            db.session.commit()
            review_id = review.id
        assert give(login(app, email), review_id, levels).status_code == 302
    return target


def test_peer_grade_is_released_once_the_reviews_are_in(peer_app):
    people = three_learners(peer_app)
    target = grade_two(peer_app, people, {"ana@example.com": TOP, "bao@example.com": {"framing": 1, "delivery": 1}})
    with peer_app.app_context():
        submission = db.session.get(Submission, target)
        # The median per criterion: framing (10, 5) -> 7.5, delivery (10, 10) -> 10: 17.5 of 20, 87.5 %.
        assert (submission.status, submission.decision, submission.score, submission.percent) == \
            ("decided", "pass", 17.5, 87.5)
        assert submission.decided_by_id is None and submission.released_at is not None
    page = login(peer_app, "cyd@example.com").client.get(RECEIVED).get_data(as_text=True)
    assert "Passed" in page and "Reviewer 1" in page and "Reviewer 2" in page and "17.5 of 20 points" in page
    for word in ("Anaïs", "Quennec", "ana@example.com", "Bao", "Tranh", "bao@example.com"):
        assert word not in page


def test_a_low_peer_grade_asks_for_a_revision(peer_app):
    people = three_learners(peer_app)
    target = grade_two(peer_app, people, {"ana@example.com": LOW, "bao@example.com": {"framing": 1, "delivery": 0}})
    with peer_app.app_context():
        submission = db.session.get(Submission, target)
        assert (submission.decision, submission.score) == ("revise", 2.5)


def test_peer_and_instructor_leaves_the_decision_to_the_learners_instructor(make_app, content_dir):
    write_assignment(content_dir, review="peer+instructor")
    app = make_app()
    sync(app)
    people = three_learners(app)
    taught(app, "cyd@example.com")
    target = grade_two(app, people, {"ana@example.com": TOP, "bao@example.com": TOP})
    with app.app_context():
        submission = db.session.get(Submission, target)
        assert submission.status == "submitted" and submission.decision is None
        summary = peer.peer_summary(submission)
        assert summary.total == 20 and summary.percent == 100 and summary.passes and len(summary.reviews) == 2
    page = login(app, "cyd@example.com").client.get(RECEIVED).get_data(as_text=True)
    assert "an instructor decides" in page


def test_peer_and_instructor_gives_a_learner_without_an_instructor_the_peers_grade(make_app, content_dir):
    write_assignment(content_dir, review="peer+instructor")
    app = make_app()
    sync(app)
    target = grade_two(app, three_learners(app), {"ana@example.com": TOP, "bao@example.com": TOP})
    with app.app_context():
        submission = db.session.get(Submission, target)
        assert (submission.status, submission.decision, submission.decided_by_id) == ("decided", "pass", None)


def test_the_reviewed_learner_flags_a_review_once(peer_app):
    people = three_learners(peer_app)
    target = grade_two(peer_app, people, {"ana@example.com": LOW, "bao@example.com": TOP})
    review_id = reviews_of(peer_app, target)[0].id
    for email in ("ana@example.com", "bao@example.com"):  # the reviewer, another learner: not theirs to flag
        assert login(peer_app, email).post(f"/review/{review_id}/flag", {"reason": "x"}).status_code == 404
    cyd = login(peer_app, "cyd@example.com")
    assert cyd.post(f"/review/{review_id}/flag", {"reason": "It ignores my plan."}, token_from=RECEIVED).status_code == 302
    assert cyd.post(f"/review/{review_id}/flag", {"reason": "Again."}, token_from=RECEIVED).status_code == 302
    flagged = reviews_of(peer_app, target)[0]
    assert flagged.flagged_at is not None and flagged.flag_reason == "It ignores my plan."
    page = cyd.client.get(RECEIVED).get_data(as_text=True)
    assert "You flagged this review as unfair" in page and page.count("Flag the review") == 1


def test_only_a_learner_with_a_submission_sees_the_reviews_page(peer_app):
    three_learners(peer_app)
    learner(peer_app, "zed@example.com", "Zed Nosub")
    zed = login(peer_app, "zed@example.com")
    assert zed.client.get(RECEIVED).status_code == 404
    assert zed.post(NEXT, token_from="/reviewing").status_code == 403


def test_a_designated_reviewer_fills_in_without_submitting(peer_app):
    people = three_learners(peer_app)
    learner(peer_app, "adm@example.com", "Adèle Admin", role="admin")
    pool_id = learner(peer_app, "pia@example.com", "Pia Pool", role="instructor")
    pia = login(peer_app, "pia@example.com")
    assert pia.post(NEXT, token_from="/reviewing").status_code == 403
    admin = login(peer_app, "adm@example.com")
    page = admin.client.get("/admin/assignments/reviewers").get_data(as_text=True)
    assert "Intro Course" in page
    response = admin.post("/admin/assignments/reviewers", {"course": "intro-course", "email": "pia@example.com"},
                          token_from="/admin/assignments/reviewers")
    assert response.status_code == 302
    assert "Pia Pool" in admin.client.get("/admin/assignments/reviewers").get_data(as_text=True)
    # The pool member reviews any number, one at a time, the fairest first.
    given = []
    for _round in range(3):
        review_id = allocated_id(ask_next(pia))
        assert give(pia, review_id, TOP).status_code == 302
        given.append(allocated_submission(peer_app, review_id))
    assert sorted(given) == sorted(sid for _uid, sid in people.values())
    assert "none: you fill in" in pia.client.get("/reviewing").get_data(as_text=True)
    with peer_app.app_context():
        member = db.session.execute(db.select(PeerReviewer).filter_by(user_id=pool_id)).scalar_one()
    assert admin.post("/admin/assignments/reviewers", {"member": str(member.id)},
                      token_from="/admin/assignments/reviewers").status_code == 302
    with peer_app.app_context():
        assert db.session.execute(db.select(PeerReviewer)).first() is None
    assert pia.post(NEXT, token_from="/reviewing").status_code == 403


def test_the_pool_page_refuses_unknown_accounts_and_non_admins(peer_app):
    learner(peer_app, "adm@example.com", "Adèle Admin", role="admin")
    learner(peer_app, "ins@example.com", "Inès Garnier", role="instructor")
    admin = login(peer_app, "adm@example.com")
    response = admin.post("/admin/assignments/reviewers", {"course": "intro-course", "email": "nobody@example.com"},
                          token_from="/admin/assignments/reviewers")
    assert response.status_code == 422 and "No account uses this e-mail address." in response.get_data(as_text=True)
    response = admin.post("/admin/assignments/reviewers", {"course": "other-course", "email": "ins@example.com"},
                          token_from="/admin/assignments/reviewers")
    assert response.status_code == 422
    assert admin.post("/admin/assignments/reviewers", {"member": "99"},
                      token_from="/admin/assignments/reviewers").status_code == 404
    assert login(peer_app, "ins@example.com").client.get("/admin/assignments/reviewers").status_code == 403


def test_many_tabs_asking_at_the_same_moment_get_one_allocation(peer_app):
    from .test_concurrency import together

    three_learners(peer_app)
    clients = [login(peer_app, "ana@example.com") for _tab in range(6)]
    tokens = [client.csrf("/reviewing") for client in clients]
    responses = together(len(clients), lambda i: clients[i].client.post(NEXT, data={"csrf_token": tokens[i]}))
    assert {response.status_code for response in responses} == {302}
    assert len({allocated_id(response) for response in responses}) == 1
    with peer_app.app_context():
        assert db.session.execute(db.select(db.func.count(Review.id))).scalar_one() == 1


def test_the_review_pages_speak_french_around_the_courses_english(peer_app):
    people = three_learners(peer_app)
    grade_two(peer_app, people, {"ana@example.com": TOP, "bao@example.com": TOP})
    ana = login(peer_app, "ana@example.com")
    review_id = allocated_id(ask_next(ana))
    french = {"Accept-Language": "fr-FR,fr;q=0.9"}
    page = ana.client.get(f"/review/{review_id}", headers=french).get_data(as_text=True)
    assert "Envoyer l’évaluation" in page and "Grille d’évaluation" in page
    assert '<legend lang="en">Problem framing</legend>' in page and '<span lang="en">Fully</span>' in page
    received = login(peer_app, "cyd@example.com").client.get(RECEIVED, headers=french).get_data(as_text=True)
    assert "Évaluateur 1" in received and "Signaler cette évaluation comme injuste" in received


def test_another_schools_submissions_are_never_allocated(peer_app):
    from lms.schools.services import create_school

    with peer_app.test_request_context("/"):
        other_school = create_school("ecole-b", "École B", ["b.example.org"]).id
        db.session.commit()
    stranger = learner(peer_app, "sam@example.com", "Sam Stranger")
    stranger_work = submit(peer_app, stranger, minutes_ago=60)  # the oldest of all
    with peer_app.app_context():
        db.session.get(User, stranger).school_id = other_school
        db.session.get(Submission, stranger_work).school_id = other_school
        db.session.commit()
    people = three_learners(peer_app)
    assert allocate(peer_app, "ana@example.com")[1] == people["bao@example.com"][1]
    assert allocate(peer_app, "bao@example.com")[1] == people["ana@example.com"][1]
    assert allocate(peer_app, "cyd@example.com")[1] == people["ana@example.com"][1]
    assert reviews_of(peer_app, stranger_work) == []


def test_a_review_left_out_after_a_flag_frees_its_place_for_another(make_app, content_dir):
    write_assignment(content_dir, review="peer+instructor")
    app = make_app()
    sync(app)
    people = three_learners(app)
    taught(app, "cyd@example.com")  # the instructor decides: the two reviews release nothing
    target = grade_two(app, people, {"ana@example.com": LOW, "bao@example.com": TOP})
    dee = learner(app, "dee@example.com", "Dee Fourth")
    submit(app, dee)
    with app.app_context():
        reviewer, assignment = db.session.get(User, dee), assignment_of()
        assert target not in [s.id for s in db.session.execute(peer.candidates(reviewer, assignment)).scalars()]
        unfair = db.session.execute(db.select(Review).filter_by(submission_id=target).order_by(Review.id)).scalars().first()
        unfair.excluded = True  # staff upheld the flag
        db.session.commit()
        assert target in [s.id for s in db.session.execute(peer.candidates(reviewer, assignment)).scalars()]
        assert len(peer.peer_summary(db.session.get(Submission, target)).reviews) == 1


def test_an_allocation_whose_submission_was_decided_meanwhile_is_withdrawn(make_app, content_dir):
    from lms.assignments import grading

    write_assignment(content_dir, review="peer+instructor")
    app = make_app()
    sync(app)
    people = three_learners(app)
    _review_id, target = allocate(app, "ana@example.com")
    assert target == people["bao@example.com"][1]
    with app.app_context():  # the instructor decides on Bao's work before Ana reviews it
        assert grading.release(db.session.get(Submission, target), "pass", {"framing": 10, "delivery": 10})
        db.session.commit()
    assert allocate(app, "ana@example.com")[1] == people["cyd@example.com"][1]
    assert reviews_of(app, target) == []  # (SQLite may give the new allocation the withdrawn one's id)


def test_the_last_two_reviews_submitted_at_once_release_the_grade(peer_app):
    from .test_concurrency import together

    people = three_learners(peer_app)
    target = people["cyd@example.com"][1]
    reviewers = []
    for email in ("ana@example.com", "bao@example.com"):
        with peer_app.app_context():
            user_id = db.session.execute(db.select(User.id).filter_by(email=email)).scalar_one()
            review = Review(submission_id=target, reviewer_id=user_id, kind="peer")
            db.session.add(review)
            db.session.commit()
            auth = login(peer_app, email)
            reviewers.append((auth, review.id, auth.csrf(f"/review/{review.id}")))
    data = {"c-framing": "2", "c-delivery": "1"}
    statuses = together(2, lambda i: reviewers[i][0].client.post(
        f"/review/{reviewers[i][1]}", data={"csrf_token": reviewers[i][2], **data}).status_code)
    assert statuses == [302, 302]
    with peer_app.app_context():
        submission = db.session.get(Submission, target)
        assert (submission.status, submission.decision, submission.score) == ("decided", "pass", 20)


def test_a_peer_gets_the_files_under_an_anonymous_name_only(peer_app):
    from lms.assignments.models import SubmissionFile

    ana = learner(peer_app, "ana@example.com", "Anaïs Quennec")
    bao = learner(peer_app, "bao@example.com", "Bao Tranh")
    submit(peer_app, ana, minutes_ago=30)
    work = submit(peer_app, bao, minutes_ago=10)
    with peer_app.app_context():
        named = SubmissionFile(submission_id=work, name="Bao_Tranh_sprint_plan.pdf", kind="pdf", size=8, sha256="0" * 64,
                               data=b"%PDF-1.4")
        db.session.add(named)
        db.session.commit()
        file_id = named.id
    auth = login(peer_app, "ana@example.com")
    review_id = allocated_id(ask_next(auth))
    anonymous = auth.client.get(f"/review/{review_id}/files/{file_id}")
    assert anonymous.status_code == 200 and "Bao_Tranh" not in anonymous.headers["Content-Disposition"]
    assert auth.client.get(f"/assignments/files/{file_id}").status_code == 404  # not by its own name


def test_a_tampered_pool_member_id_is_refused_plainly(peer_app):
    learner(peer_app, "adm@example.com", "Adèle Admin", role="admin")
    admin = login(peer_app, "adm@example.com")
    for tampered in ("²", "1" * 30, "-1", ""):
        assert admin.post("/admin/assignments/reviewers", {"member": tampered},
                          token_from="/admin/assignments/reviewers").status_code == 400

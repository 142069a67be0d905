"""A learner's submissions: the assignment page, drafts (text and files), submitting once, versions after a
"revise" decision, and who may download a submitted file."""
from __future__ import annotations

import re
from io import BytesIO

import pytest

from lms.accounts.models import User
from lms.assignments.grading import release
from lms.assignments.models import Review, Submission, SubmissionFile
from lms.db import utcnow
from lms.extensions import db

from .admission_support import docx
from .assignment_support import DEFAULT, PAGE, PDF_BYTES, submitted_submission, write_assignment
from .conftest import PASSWORD, Auth
from .quiz_support import enrol, sync


@pytest.fixture()
def assignment_app(make_app, content_dir):
    write_assignment(content_dir)
    app = make_app()
    sync(app)
    return app


@pytest.fixture()
def learner_auth(assignment_app, make_user):
    make_user()
    auth = Auth(assignment_app.test_client())
    assert auth.login().status_code == 302
    enrol(auth)
    return auth


def versions(app) -> list[Submission]:
    with app.app_context():
        rows = list(db.session.execute(db.select(Submission).order_by(Submission.number)).scalars())
        for row in rows:
            row.files  # noqa: B018  (loaded before the session closes)
        db.session.expunge_all()
        return rows


def save(auth, text, token_from=PAGE):
    return auth.post(PAGE + "/save", {"text": text}, token_from=token_from)


def attach(auth, data: bytes, name: str):
    return auth.post(PAGE + "/files", {"file": (BytesIO(data), name)}, token_from=PAGE,
                     content_type="multipart/form-data")


def page(auth) -> str:
    return auth.client.get(PAGE).get_data(as_text=True)


def test_the_page_shows_the_brief_rubric_and_what_to_submit(learner_auth):
    html = page(learner_auth)
    assert "Data readiness review" in html and "<strong>one</strong>" in html
    assert "Evidence for each criterion" in html and "Proficient" in html and "10 points" in html
    assert "Skill: AI literacy" in html
    assert "At most 2 files of these kinds: PDF, DOCX." in html and "up to 0.1 MB" in html
    assert "Not started" in html and 'accept=".pdf,.docx"' in html


def test_a_learner_not_enrolled_is_sent_to_the_course_page_and_may_not_write(assignment_app, make_user):
    make_user()
    auth = Auth(assignment_app.test_client())
    auth.login()
    assert auth.client.get(PAGE).status_code == 302
    assert save(auth, "Hello", token_from="/").status_code == 403
    assert auth.client.get("/courses/intro-course/assignments/practice").status_code == 404  # no assignment there


def test_a_draft_keeps_sanitised_markdown(assignment_app, learner_auth):
    text = "My **plan**.\n\n<script>alert(1)</script>\n\n[click](javascript:alert(2)) <a href=\"javascript:x()\">a</a>"
    assert save(learner_auth, text).status_code == 302
    [draft] = versions(assignment_app)
    assert draft.status == "draft" and draft.text == text
    assert "<strong>plan</strong>" in draft.text_html
    assert "<script" not in draft.text_html and "&lt;script&gt;" in draft.text_html  # shown as text, never run
    assert not re.search(r"<a [^>]*javascript", draft.text_html)
    html = page(learner_auth)
    assert "Draft" in html and "alert(1)</script>" not in html


def test_a_text_over_the_limit_is_refused(assignment_app, learner_auth):
    save(learner_auth, "x" * 50_001)
    assert versions(assignment_app) == []
    assert "longer than 50,000 characters" in page(learner_auth)


def test_files_are_checked_by_content_kind_name_size_and_count(assignment_app, learner_auth):
    attach(learner_auth, PDF_BYTES, "../../my report?.pdf")
    assert "my report.pdf is attached." in page(learner_auth)
    attach(learner_auth, PDF_BYTES, "renamed.docx")
    assert "This file is a PDF document but its name ends in .docx" in page(learner_auth)
    attach(learner_auth, b"plain words", "notes.txt")
    assert "This file is not one this assignment accepts (PDF, DOCX)." in page(learner_auth)
    attach(learner_auth, b"%PDF-1.4\n" + b"0" * 104_857, "big.pdf")
    assert "larger than 0.1 MB" in page(learner_auth)
    attach(learner_auth, docx(), "plan.docx")
    attach(learner_auth, PDF_BYTES, "third.pdf")
    assert "at most 2 files" in page(learner_auth)
    [draft] = versions(assignment_app)
    assert [(f.name, f.kind, f.size) for f in draft.files] == [("my report.pdf", "pdf", len(PDF_BYTES)),
                                                                ("plan.docx", "docx", len(docx()))]


def test_a_file_is_deleted_from_a_draft_only_by_its_owner(assignment_app, learner_auth, make_user):
    attach(learner_auth, PDF_BYTES, "a.pdf")
    file_id = versions(assignment_app)[0].files[0].id
    make_user(email="other@example.com")
    other = Auth(assignment_app.test_client())
    other.login(email="other@example.com")
    enrol(other)
    assert other.post(f"{PAGE}/files/{file_id}/delete", token_from=PAGE).status_code == 404
    assert learner_auth.post(f"{PAGE}/files/{file_id}/delete", token_from=PAGE).status_code == 302
    assert versions(assignment_app)[0].files == []


def test_submitting_needs_what_the_assignment_asks_for_and_takes_the_rubric(assignment_app, learner_auth):
    learner_auth.post(PAGE + "/submit", token_from=PAGE)
    assert "Write your answer before you submit." in page(learner_auth)
    save(learner_auth, "My answer.")
    learner_auth.post(PAGE + "/submit", token_from=PAGE)
    assert "Attach at least one file before you submit." in page(learner_auth)
    attach(learner_auth, PDF_BYTES, "a.pdf")
    assert learner_auth.post(PAGE + "/submit", token_from=PAGE).status_code == 302
    [version] = versions(assignment_app)
    assert version.status == "submitted" and version.submitted_at is not None
    assert [c["key"] for c in version.rubric] == ["evidence", "recommendation"]
    html = page(learner_auth)
    assert "Submitted – awaiting review" in html and "Save draft" not in html and 'name="file"' not in html
    assert save(learner_auth, "Changed after submitting").status_code == 302
    assert "This work can no longer be changed." in page(learner_auth)
    assert versions(assignment_app)[0].text == "My answer."


def test_two_tabs_submitting_make_one_submission(assignment_app, learner_auth):
    save(learner_auth, "My answer.")
    attach(learner_auth, PDF_BYTES, "a.pdf")
    token = learner_auth.csrf(PAGE)
    first = learner_auth.client.post(PAGE + "/submit", data={"csrf_token": token})
    second = learner_auth.client.post(PAGE + "/submit", data={"csrf_token": token})
    assert first.status_code == second.status_code == 302
    assert [(v.number, v.status) for v in versions(assignment_app)] == [(1, "submitted")]
    assert "This version was already submitted." in page(learner_auth)


def test_the_guarded_update_submits_once_even_from_a_stale_draft(assignment_app, learner_auth):
    from lms.assignments import services

    save(learner_auth, "My answer.")
    attach(learner_auth, PDF_BYTES, "a.pdf")
    with assignment_app.app_context():
        stale = db.session.execute(db.select(Submission)).scalar_one()
        db.session.execute(db.update(Submission).values(status="submitted")  # the other tab, first
                           .execution_options(synchronize_session=False))
        assert stale.status == "draft"
        with pytest.raises(services.SubmissionRefused):
            services.submit(stale)
        db.session.rollback()


def decide(app, submission_id: int, decision: str, feedback: str = "") -> None:
    with app.app_context():
        release(db.session.get(Submission, submission_id), decision, None, feedback=feedback)
        db.session.commit()


def test_after_revise_the_next_version_starts_from_the_previous_text(assignment_app, learner_auth):
    save(learner_auth, "First try.")
    attach(learner_auth, PDF_BYTES, "a.pdf")
    learner_auth.post(PAGE + "/submit", token_from=PAGE)
    first = versions(assignment_app)[0]
    assert save(learner_auth, "Too soon").status_code == 302  # waiting for a decision: no new draft
    assert len(versions(assignment_app)) == 1
    decide(assignment_app, first.id, "revise", "Add evidence for row 3.")
    html = page(learner_auth)
    assert "Revise and resubmit" in html and ">First try.</textarea>" in html and "Add evidence for row 3." in html
    save(learner_auth, "Second try.")
    second = versions(assignment_app)[1]
    assert (second.number, second.status, second.text, second.files) == (2, "draft", "Second try.", [])
    html = page(learner_auth)
    assert "Earlier versions" in html and "Version 1" in html and "Submit version 2" in html


@pytest.mark.parametrize("decision,label", [("pass", "Passed"), ("fail", "Not passed")])
def test_after_pass_or_fail_there_is_no_new_draft(assignment_app, learner_auth, decision, label):
    save(learner_auth, "Done.")
    attach(learner_auth, PDF_BYTES, "a.pdf")
    learner_auth.post(PAGE + "/submit", token_from=PAGE)
    decide(assignment_app, versions(assignment_app)[0].id, decision)
    assert label in page(learner_auth)
    save(learner_auth, "Again")
    assert len(versions(assignment_app)) == 1 and "This work can no longer be changed." in page(learner_auth)


def download_url(file_id: int) -> str:
    return f"/assignments/files/{file_id}"


def test_the_owner_downloads_a_file_as_an_attachment(assignment_app, learner_auth):
    attach(learner_auth, PDF_BYTES, "report.pdf")
    file_id = versions(assignment_app)[0].files[0].id
    response = learner_auth.client.get(download_url(file_id))
    assert response.status_code == 200 and response.data == PDF_BYTES
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment") and "report.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert download_url(file_id) in page(learner_auth)
    assert learner_auth.client.get(download_url(file_id + 1000)).status_code == 404


def login_as(app, email, role="learner", make_user=None) -> tuple[Auth, int]:
    user_id = make_user(email=email, name="Zoé Bernard", role=role)
    auth = Auth(app.test_client())
    assert auth.login(email=email).status_code == 302
    return auth, user_id


def test_others_get_a_404_unless_teaching(assignment_app, make_user):
    """The learner's instructor and the school's admins; a peer reviewer downloads through the review page only,
    under an anonymous name (tests/test_peer_review.py)."""
    from .cohort_support import add_instructor, add_learner, make_cohort

    owner_id = make_user()
    submission_id = submitted_submission(assignment_app, owner_id, with_file=True)
    with assignment_app.app_context():
        file_id = db.session.execute(db.select(SubmissionFile.id)).scalar_one()
    url = download_url(file_id)
    peer, peer_id = login_as(assignment_app, "peer@example.com", make_user=make_user)
    teacher, teacher_id = login_as(assignment_app, "teacher@example.com", "instructor", make_user)
    admin, _admin_id = login_as(assignment_app, "admin@example.com", "admin", make_user)
    assert peer.client.get(url).status_code == 404
    assert teacher.client.get(url).status_code == 404  # teaches no cohort of this learner
    assert admin.client.get(url).status_code == 200  # the school's admins have a say on every submission
    assert Auth(assignment_app.test_client()).client.get(url).status_code == 302  # log in first
    with assignment_app.test_request_context("/"):
        db.session.add(Review(submission_id=submission_id, reviewer_id=peer_id, kind="peer"))
        cohort = make_cohort()
        add_learner(cohort, db.session.get(User, owner_id), enrolled_course=None)
        add_instructor(cohort, db.session.get(User, teacher_id))
        db.session.commit()
    assert peer.client.get(url).status_code == 404
    assert teacher.client.get(url).status_code == 200


def test_the_page_lists_the_version_history_with_decisions(assignment_app, make_user):
    owner_id = make_user()
    first = submitted_submission(assignment_app, owner_id, text="One", with_file=True)
    decide(assignment_app, first, "revise", "Needs a conclusion.")
    submitted_submission(assignment_app, owner_id, text="Two", with_file=True)
    auth = Auth(assignment_app.test_client())
    auth.login()
    enrol(auth)
    html = page(auth)
    history = html[html.index("Earlier versions"):]
    assert "Version 1" in history and "Revise and resubmit" in history and "Needs a conclusion." in history
    assert re.search(r"Version 2</h3>", html) and "Submitted – awaiting review" in html


def test_the_course_outline_next_step_and_dashboard_show_the_assignment(assignment_app, learner_auth):
    course = learner_auth.client.get("/courses/intro-course/").get_data(as_text=True)
    module = course[course.index('id="module-basics"'):course.index('id="module-practice"')]
    assert "Assignment: <a href=\"/courses/intro-course/assignments/basics\">Data readiness review</a>" in module
    assert "Not started" in module
    assert "1 assignment to pass" in learner_auth.client.get("/dashboard").get_data(as_text=True)
    for lesson in ("what-is-ai", "models"):
        assert learner_auth.post(f"/courses/intro-course/{lesson}/complete", token_from=f"/courses/intro-course/{lesson}"
                                 ).status_code == 302
    assert learner_auth.client.get("/courses/intro-course/continue").headers["Location"].endswith(PAGE)
    save(learner_auth, "Done.")
    course = learner_auth.client.get("/courses/intro-course/").get_data(as_text=True)
    assert ">Draft</span>" in course
    attach(learner_auth, PDF_BYTES, "a.pdf")
    learner_auth.post(PAGE + "/submit", token_from=PAGE)
    course = learner_auth.client.get("/courses/intro-course/").get_data(as_text=True)
    assert "Submitted – awaiting review" in course
    # Handed in: nothing left to do there, so the path goes on with the next module.
    assert learner_auth.client.get("/courses/intro-course/continue").headers["Location"].endswith("/courses/intro-course/sprints")
    lesson = learner_auth.client.get("/courses/intro-course/models").get_data(as_text=True)
    assert 'href="/courses/intro-course/assignments/basics">Assignment: ' in lesson


def test_the_export_holds_the_work_and_reviews_without_reviewers_or_bytes(assignment_app, make_user):
    import base64
    import io as _io
    import json
    import zipfile

    ada_id = make_user(email="ada@example.com", name="Ada Lovelace")
    bruno_id = make_user(email="bruno@example.com", name="Bruno Secret")
    mine = submitted_submission(assignment_app, ada_id, text="Ada's own words", with_file=True)
    theirs = submitted_submission(assignment_app, bruno_id, text="Bruno's private work", with_file=True)
    with assignment_app.app_context():
        now = db.func.now()
        db.session.add(Review(submission_id=mine, reviewer_id=bruno_id, kind="peer", levels={"evidence": 1},
                              comment="Needs sources", submitted_at=now))
        db.session.add(Review(submission_id=theirs, reviewer_id=ada_id, kind="peer", levels={"evidence": 2},
                              comment="Well argued", submitted_at=now))
        db.session.commit()
    auth = Auth(assignment_app.test_client())
    auth.login(email="ada@example.com")
    response = auth.client.post("/account/data/export", data={"csrf_token": auth.csrf("/account/data/"),
                                                              "export-password": PASSWORD})
    assert response.status_code == 200, response.status_code
    archive = zipfile.ZipFile(_io.BytesIO(response.data))
    data = json.loads(archive.read("data.json"))
    [version] = data["submissions"]
    assert version["text"] == "Ada's own words" and version["files"] == [{"name": "work.pdf", "kind": "pdf",
                                                                          "size": len(PDF_BYTES)}]
    [received] = version["reviews_received"]
    assert received["comment"] == "Needs sources" and "reviewer_id" not in received
    [written] = data["reviews_written"]
    assert written["comment"] == "Well argued" and written["assignment"] == "basics"
    assert {"submissions.csv", "reviews_written.csv", "peer_reviewer_roles.csv"} <= set(archive.namelist())
    everything = b"".join(archive.read(name) for name in archive.namelist())
    for foreign in (b"Bruno", b"bruno", PDF_BYTES, base64.b64encode(PDF_BYTES)):
        assert foreign not in everything


def test_erasing_an_account_empties_its_work_and_keeps_the_reviews_on_both_sides(assignment_app, make_user):
    """The erased person's text and files go, with the comments others wrote on them; the rows stay (pointing at the
    pseudonymous account), so their reviewers' reviews still count as given; reviews they wrote stay as written."""
    from lms.assignments import peer
    from lms.privacy.erasure import erase_account

    ada_id = make_user(email="ada@example.com", name="Ada Lovelace")
    bruno_id = make_user(email="bruno@example.com", name="Bruno Secret")
    admin_id = make_user(email="admin@example.com", name="Carla Admin", role="admin")
    mine = submitted_submission(assignment_app, ada_id, text="Ada's private plan", with_file=True)
    theirs = submitted_submission(assignment_app, bruno_id, with_file=True)
    with assignment_app.test_request_context("/"):
        db.session.add(Review(submission_id=mine, reviewer_id=bruno_id, kind="peer", submitted_at=utcnow(),
                              levels={}, comment="Ada's plan quotes her manager", comments={"x": "Ada wrote"}))
        db.session.add(Review(submission_id=theirs, reviewer_id=ada_id, kind="peer", comment="Well argued"))
        db.session.commit()
        assignment = db.session.get(Submission, mine).assignment
        given = peer.given(db.session.get(User, bruno_id), assignment)
        erase_account(db.session.get(User, ada_id), db.session.get(User, admin_id))
        db.session.commit()
        assert peer.given(db.session.get(User, bruno_id), assignment) == given == 1  # Bruno owes nothing again
    with assignment_app.app_context():
        emptied = db.session.get(Submission, mine)
        assert (emptied.text, emptied.text_html, emptied.files) == ("", "", [])
        assert emptied.user.name == "Deleted account" and emptied.user.email.endswith("@invalid")
        assert db.session.execute(db.select(SubmissionFile.submission_id)).scalars().all() == [theirs]
        on_mine = db.session.execute(db.select(Review).filter_by(submission_id=mine)).scalar_one()
        assert (on_mine.comment, on_mine.comments, on_mine.reviewer_id) == ("", {}, bruno_id)
        by_ada = db.session.execute(db.select(Review).filter_by(submission_id=theirs)).scalar_one()
        assert (by_ada.reviewer_id, by_ada.comment) == (ada_id, "Well argued")
        assert by_ada.reviewer.name == "Deleted account"


TEXT_ONLY = DEFAULT.replace("submit: [text, files]\nfile_types: [pdf, docx]\nmax_file_mb: 0.1\nmax_files: 2\n", "submit: [text]\n")


def test_a_text_only_assignment_takes_no_file_and_submits_with_text(make_app, content_dir, make_user):
    write_assignment(content_dir, text=TEXT_ONLY)
    app = make_app()
    sync(app)
    make_user()
    auth = Auth(app.test_client())
    auth.login()
    enrol(auth)
    html = page(auth)
    assert 'name="file"' not in html and "files of these kinds" not in html
    attach(auth, PDF_BYTES, "a.pdf")
    assert "This assignment takes text, not files." in page(auth)
    save(auth, "Only words.")
    auth.post(PAGE + "/submit", token_from=PAGE)
    [version] = versions(app)
    assert version.status == "submitted" and version.files == []


def test_an_upload_past_the_pages_body_limit_is_not_read(make_app, content_dir, make_user):
    write_assignment(content_dir)
    app = make_app(LMS_SUBMISSION_FILE_MAX_BYTES=1000)
    sync(app)
    make_user()
    auth = Auth(app.test_client())
    auth.login()
    enrol(auth)
    assert attach(auth, PDF_BYTES + b"x" * 200_000, "big.pdf").status_code == 413
    assert versions(app) == []


def test_the_draft_page_speaks_french(assignment_app, learner_auth):
    from .test_french_pages import FRENCH, english_left

    save(learner_auth, "Mon texte.")
    attach(learner_auth, PDF_BYTES, "rapport.pdf")
    html = learner_auth.client.get(PAGE, headers=FRENCH).get_data(as_text=True)
    assert '<html lang="fr"' in html and "Envoyer la version 1" in html and "Grille d’évaluation" in html
    assert english_left(html) == []


def test_tabs_saving_and_submitting_at_the_same_moment_make_one_version(assignment_app, learner_auth):
    """Each thread has its own client and connection: on PostgreSQL the requests really overlap."""
    from .test_concurrency import together

    clients = []
    for _index in range(4):
        auth = Auth(assignment_app.test_client())
        auth.login()
        clients.append((auth.client, auth.csrf(PAGE)))
    saved = together(4, lambda i: clients[i][0].post(PAGE + "/save", data={"csrf_token": clients[i][1],
                                                                          "text": f"Tab {i}"}).status_code)
    assert saved == [302] * 4
    assert [(v.number, v.status) for v in versions(assignment_app)] == [(1, "draft")]
    attach(learner_auth, PDF_BYTES, "a.pdf")
    submitted = together(4, lambda i: clients[i][0].post(PAGE + "/submit", data={"csrf_token": clients[i][1]}).status_code)
    assert submitted == [302] * 4
    [version] = versions(assignment_app)
    assert version.status == "submitted" and version.submitted_at is not None

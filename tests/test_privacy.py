"""Personal data: a learner downloads everything held about them, asks to delete their account, and a
school admin confirms (the person is erased, their certificates revoked without their name, the audit
log keeps the fact) or refuses."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from pypdf import PdfReader

from lms.accounts.models import LoginSession, User
from lms.admin.models import AuditEntry
from lms.certificates.models import Certificate
from lms.certificates.services import revoked_indexes
from lms.extensions import db
from lms.privacy.erasure import ERASURE
from lms.privacy.export import EXPORTED
from lms.privacy.models import DeletionRequest
from lms.progress.models import Enrolment, LessonProgress
from lms.quizzes.models import Attempt, AttemptAnswer
from lms.schools.models import School

from .certificate_support import finish_course
from .conftest import PASSWORD, Auth
from .quiz_support import answers_form, post_answers, questions, start, sync, write_quiz

FRENCH = {"Accept-Language": "fr-FR,fr;q=0.9"}
KINDS = ("account", "login_sessions", "enrolments", "lesson_progress", "quiz_attempts", "certificates",
         "reissue_requests", "deletion_requests", "audit_entries")


def learn(auth: Auth, app) -> None:
    """Enrol, pass the quiz (answers saved) and finish the course, which issues a certificate."""
    assert auth.post("/courses/intro-course/enrol", token_from="/courses/intro-course/").status_code == 302
    attempt = start(auth)
    assert post_answers(auth, attempt, answers_form(questions(app, attempt))).status_code == 302
    finish_course(auth, enrol=False)


def logged_in(app, make_user, email: str, name: str, role: str = "learner") -> Auth:
    make_user(email=email, name=name, role=role)
    auth = Auth(app.test_client())
    assert auth.login(email=email).status_code == 302
    return auth


@pytest.fixture()
def world(app, content_dir, make_user):
    """Ada (a learner with a certificate, a quiz attempt, a rename and a reissue request), Bruno (another
    learner who did the same), and Carla, an admin."""
    write_quiz(content_dir)
    sync(app)
    ada = logged_in(app, make_user, "ada@example.com", "Ada Lovelace")
    bruno = logged_in(app, make_user, "bruno@example.com", "Bruno Secret")
    carla = logged_in(app, make_user, "carla@example.com", "Carla Admin", role="admin")
    for learner in (ada, bruno):
        learn(learner, app)
    with app.app_context():
        users = {u.email.split("@")[0] + "_id": u.id for u in db.session.execute(db.select(User)).scalars()}
        ada_cert = db.session.execute(db.select(Certificate).filter_by(user_id=users["ada_id"])).scalar_one()
        bruno_cert = db.session.execute(db.select(Certificate).filter_by(user_id=users["bruno_id"])).scalar_one()
        ids = {"ada_cert": ada_cert.credential_id, "bruno_cert": bruno_cert.credential_id,
               "ada_index": ada_cert.status_index}
    # An admin correction (audited, with the old and new names), then Ada asks for her certificate with it.
    assert carla.post(f"/admin/learners/{users['ada_id']}/name", {"rename-name": "Ada King", "rename-reason":
                      "Ada Lovelace asked for her married name"}, token_from=f"/admin/learners/{users['ada_id']}").status_code == 302
    assert ada.post(f"/certificates/{ids['ada_cert']}/reissue-request", token_from="/certificates").status_code == 302
    return {"app": app, "ada": ada, "bruno": bruno, "carla": carla, **users, **ids}


def export(auth: Auth, password: str = PASSWORD, headers=None):
    return auth.client.post("/account/data/export", data={"csrf_token": auth.csrf("/account/data/"), "export-password": password},
                            headers=headers or {})


def ask_deletion(auth: Auth, reason: str = "I am leaving the school"):
    return auth.post("/account/data/delete", {"delete-password": PASSWORD, "delete-reason": reason}, token_from="/account/data/")


def request_id(app, user_id: int) -> int:
    with app.app_context():
        return db.session.execute(db.select(DeletionRequest.id).filter_by(user_id=user_id)).scalar_one()


def state(app, user_id: int) -> str:
    with app.app_context():
        return db.session.execute(db.select(DeletionRequest.state).filter_by(user_id=user_id)).scalar_one()


# --- Export -------------------------------------------------------------------------------------------------


def test_every_reference_to_an_account_is_exported_and_has_an_erasure_rule(app):
    """A new table or column pointing at users fails here until the export and the erasure handle it."""
    references = {(table.name, column.name) for table in db.metadata.tables.values() for column in table.columns
                  for key in column.foreign_keys if key.column.table.name == "users"}
    assert references, "no foreign key to users found: the guard would check nothing"
    assert references == set(EXPORTED) - {("users", None)}
    assert references == set(ERASURE)


def test_the_export_holds_every_kind_and_nothing_of_another_learner(world):
    ask_deletion(world["ada"])  # a request (and its audit entries) to find in the export
    assert world["ada"].post("/account/data/delete/cancel", token_from="/account/data/").status_code == 302
    response = export(world["ada"])
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = set(archive.namelist())
    assert {"README.txt", "data.json", "quiz_answers.csv"} | {f"{kind}.csv" for kind in KINDS} <= names
    data = json.loads(archive.read("data.json"))
    assert {kind for kind in KINDS if not data[kind]} == set()
    assert data["account"] == [data["account"][0]] and data["account"][0]["email"] == "ada@example.com"
    assert data["account"][0]["name"] == "Ada King"
    [attempt] = data["quiz_attempts"]
    assert attempt["answers"] and all(answer["response"] not in (None, "") for answer in attempt["answers"])
    [certificate] = data["certificates"]
    assert certificate["verification_url"] == f"http://localhost/verify/{world['ada_cert']}"
    assert data["reissue_requests"][0]["name_asked_for"] == "Ada King"
    assert data["deletion_requests"][0]["reason"] == "I am leaving the school"
    assert {entry["action"] for entry in data["audit_entries"]} >= {"rename", "deletion_requested", "deletion_cancelled"}
    assert "Ada Lovelace" in archive.read("audit_entries.csv").decode()  # the rename's details are hers
    with world["app"].app_context():
        keys = list(db.session.execute(db.select(LoginSession.key)).scalars())
    everything = b"".join(archive.read(name) for name in names).decode()
    for foreign in ("bruno", "Bruno Secret", world["bruno_cert"], *keys):
        assert foreign not in everything
    csv_attempts = archive.read("quiz_answers.csv").decode().splitlines()
    assert len(csv_attempts) == 1 + len(attempt["answers"])
    assert "README" not in archive.read("README.txt").decode() and "quiz_answers.csv" in archive.read("README.txt").decode()


def test_the_export_readme_speaks_the_learners_language(world):
    response = export(world["ada"], headers=FRENCH)
    readme = zipfile.ZipFile(io.BytesIO(response.data)).read("README.txt").decode()
    assert readme.startswith("Vos données") and "vos certificats" in readme


def test_an_admin_export_keeps_the_people_they_acted_on_out(world):
    """Carla renamed Ada: Carla's export says she did, not to whom, nor the names."""
    archive = zipfile.ZipFile(io.BytesIO(export(world["carla"]).data))
    everything = b"".join(archive.read(name) for name in archive.namelist()).decode()
    data = json.loads(archive.read("data.json"))
    assert [entry["action"] for entry in data["audit_entries"]] == ["rename"]
    for foreign in ("ada@example.com", "Ada King", "Ada Lovelace", "married name"):
        assert foreign not in everything


def test_the_export_needs_the_password_and_a_token(world):
    ada = world["ada"]
    wrong = export(ada, password="not-my-password")
    assert wrong.status_code == 400 and wrong.mimetype == "text/html"
    assert "The password is not correct." in wrong.get_data(as_text=True)
    assert ada.client.post("/account/data/export", data={"export-password": PASSWORD}).status_code == 400  # no CSRF token
    assert ada.client.get("/account/data/export").status_code == 405


def test_exports_are_rate_limited_per_account(make_app, make_user):
    app = make_app(RATELIMIT_ENABLED=True, LMS_EXPORT_RATE_LIMIT="2 per hour")
    auth = logged_in(app, make_user, "ada@example.com", "Ada Lovelace")
    assert [export(auth).status_code for _attempt in range(3)] == [200, 200, 429]


# --- Request, confirm, refuse ---------------------------------------------------------------------------------


def test_a_confirmed_deletion_erases_the_person_and_keeps_the_facts(world):
    app, ada, carla = world["app"], world["ada"], world["carla"]
    outbox = app.extensions["lms"]["outbox"]
    # An entry about someone else that names Ada, and another person whose name starts like hers.
    assert carla.post(f"/admin/learners/{world['bruno_id']}/deactivate", {"reason": "Ada King reported, not Ada Kingsley"},
                      token_from="/admin/learners").status_code == 302
    assert ask_deletion(ada).status_code == 302
    assert "You asked to delete your account" in ada.client.get("/account/data/").get_data(as_text=True)
    assert outbox[-1]["To"] == "ada@example.com" and "received your request" in outbox[-1].get_content()
    queue = carla.client.get("/admin/deletion-requests/").get_data(as_text=True)
    assert "ada@example.com" in queue and "I am leaving the school" in queue
    before = len(outbox)
    assert carla.post(f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/confirm",
                      token_from="/admin/deletion-requests/").status_code == 302
    assert state(app, world["ada_id"]) == "confirmed"
    [mail] = outbox[before:]
    assert mail["To"] == "ada@example.com" and "has been deleted" in mail["Subject"]

    # Logged out everywhere, and the password no longer opens anything.
    assert ada.client.get("/account/data/").status_code == 302
    assert Auth(app.test_client()).login(email="ada@example.com").status_code == 200
    with app.app_context():
        user = db.session.get(User, world["ada_id"])
        assert (user.name, user.active, user.locale, user.role) == ("Deleted account", False, None, "learner")
        assert user.email.startswith("deleted-") and user.email.endswith("@invalid")
        assert db.session.execute(db.select(LoginSession).filter_by(user_id=user.id)).first() is None
        # Learning records stay as pseudonymous statistics.
        assert db.session.execute(db.select(Enrolment).filter_by(user_id=user.id)).first() is not None
        assert db.session.execute(db.select(LessonProgress).filter_by(user_id=user.id)).first() is not None
        attempt = db.session.execute(db.select(Attempt).filter_by(user_id=user.id)).scalar_one()
        assert db.session.execute(db.select(AttemptAnswer).filter_by(attempt_id=attempt.id)).first() is not None
        certificate = db.session.execute(db.select(Certificate).filter_by(user_id=user.id)).scalar_one()
        assert certificate.holder_name == "" and certificate.revocation_reason == "The holder deleted their account."
        school = db.session.get(School, certificate.school_id)
        assert world["ada_index"] in revoked_indexes(school)
        # The audit log keeps what happened to account #id, never who it was.
        entries = db.session.execute(db.select(AuditEntry)).scalars().all()
        [about_bruno] = [e for e in entries if e.action == "deactivate"]
        assert about_bruno.reason == f"{user.email} reported, not Ada Kingsley"
        assert about_bruno.target_label == "bruno@example.com"
        text = json.dumps([[e.target_label, e.reason, e.details] for e in entries if e is not about_bruno])
        for personal in ("ada@example.com", "Ada Lovelace", "Ada King"):
            assert personal not in text
        erased = [e for e in entries if e.action == "erase_account"]
        assert [(e.target_id, e.target_label, e.actor_id) for e in erased] == [(user.id, user.email, world["carla_id"])]
        assert {e.action for e in entries if e.target_id == user.id} >= {"rename", "deletion_requested"}
        pseudonym = user.email
    audit = carla.client.get("/admin/audit").get_data(as_text=True)
    assert "Ada Lovelace" not in audit and "ada@example.com" not in audit and "Ada King reported" not in audit
    assert pseudonym in audit

    # The verification page and its JSON: revoked, with the reason, and no name.
    page = Auth(app.test_client()).client.get(f"/verify/{world['ada_cert']}").get_data(as_text=True)
    assert "Revoked" in page and "The holder deleted their account." in page and "Ada" not in page
    assert "Name removed: the holder deleted their account." in page
    french = app.test_client().get(f"/verify/{world['ada_cert']}", headers=FRENCH).get_data(as_text=True)
    assert "Révoqué" in french and "Le titulaire a supprimé son compte." in french and "Ada" not in french
    body = app.test_client().get(f"/verify/{world['ada_cert']}.json").get_json()
    assert body["status"] == "revoked" and body["holder"] is None
    assert body["revocationReason"] == "The holder deleted their account."
    assert "Ada" not in json.dumps(body)
    # The PDF and the signed badge are made from the row: neither names her any more.
    badge = carla.client.get(f"/certificates/{world['ada_cert']}.json")
    pdf = carla.client.get(f"/certificates/{world['ada_cert']}.pdf")
    assert badge.status_code == 200 and pdf.status_code == 200
    assert "Ada" not in badge.get_data(as_text=True)
    assert "Ada" not in "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    # Bruno's certificate is untouched.
    other = app.test_client().get(f"/verify/{world['bruno_cert']}.json").get_json()
    assert other["status"] == "valid" and other["holder"] == "Bruno Secret"


def test_the_address_may_register_again_as_a_new_account(world):
    app = world["app"]
    ask_deletion(world["ada"])
    world["carla"].post(f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/confirm",
                        token_from="/admin/deletion-requests/")
    again = Auth(app.test_client())
    assert again.sign_up(app, name="Ada Again", email="ada@example.com").status_code == 302
    with app.app_context():
        fresh = db.session.execute(db.select(User).filter_by(email="ada@example.com")).scalar_one()
        assert fresh.id != world["ada_id"] and fresh.name == "Ada Again"
        assert db.session.execute(db.select(Certificate).filter_by(user_id=fresh.id)).first() is None


def test_a_refusal_keeps_the_account_and_tells_the_holder_why(world):
    app, ada, carla = world["app"], world["ada"], world["carla"]
    ask_deletion(ada)
    url = f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/refuse"
    assert carla.post(url, {"note": ""}, token_from="/admin/deletion-requests/").status_code == 302
    assert state(app, world["ada_id"]) == "pending"  # a refusal says why
    assert carla.post(url, {"note": "A grade appeal is open"}, token_from="/admin/deletion-requests/").status_code == 302
    assert state(app, world["ada_id"]) == "refused"
    mail = app.extensions["lms"]["outbox"][-1]
    assert mail["To"] == "ada@example.com" and "A grade appeal is open" in mail.get_content()
    page = ada.client.get("/account/data/").get_data(as_text=True)
    assert "A grade appeal is open" in page and "You may ask again." in page
    assert Auth(app.test_client()).login(email="ada@example.com").status_code == 302
    with app.app_context():
        assert db.session.execute(db.select(AuditEntry).filter_by(action="deletion_refused")).scalar_one().reason == \
            "A grade appeal is open"
    assert ask_deletion(ada).status_code == 302 and state(app, world["ada_id"]) == "pending"  # asked again


def test_a_learner_cancels_and_a_second_request_while_pending_is_refused(world):
    app, ada = world["app"], world["ada"]
    assert ask_deletion(ada).status_code == 302
    again = ask_deletion(ada)
    assert again.status_code == 400 and "already asked" in again.get_data(as_text=True)
    assert ada.post("/account/data/delete/cancel", token_from="/account/data/").status_code == 302
    assert state(app, world["ada_id"]) == "cancelled"
    assert "Ask to delete my account" in ada.client.get("/account/data/").get_data(as_text=True)


def test_a_request_needs_the_password(world):
    response = world["ada"].post("/account/data/delete", {"delete-password": "wrong-password"}, token_from="/account/data/")
    assert response.status_code == 400 and "The password is not correct." in response.get_data(as_text=True)
    with world["app"].app_context():
        assert db.session.execute(db.select(DeletionRequest)).first() is None


def test_an_admin_cannot_confirm_their_own_deletion(world, make_user):
    app, carla = world["app"], world["carla"]
    assert ask_deletion(carla).status_code == 302
    own = request_id(app, world["carla_id"])
    assert "another administrator must decide" in carla.client.get("/admin/deletion-requests/").get_data(as_text=True)
    for action in ("confirm", "refuse"):
        carla.post(f"/admin/deletion-requests/{own}/{action}", {"note": "No"}, token_from="/admin/deletion-requests/")
        assert state(app, world["carla_id"]) == "pending"
    dora = logged_in(app, make_user, "dora@example.com", "Dora Admin", role="admin")
    assert dora.post(f"/admin/deletion-requests/{own}/confirm", token_from="/admin/deletion-requests/").status_code == 302
    assert state(app, world["carla_id"]) == "confirmed"
    with app.app_context():
        assert db.session.get(User, world["carla_id"]).role == "learner"


def test_only_admins_decide_and_every_step_needs_a_token(world):
    app, ada, bruno, carla = world["app"], world["ada"], world["bruno"], world["carla"]
    ask_deletion(ada)
    url = f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/confirm"
    assert bruno.post(url, token_from="/").status_code == 403
    assert ada.post(url, token_from="/").status_code == 403
    assert carla.client.post(url).status_code == 400  # no CSRF token
    assert ada.client.post("/account/data/delete", data={"delete-password": PASSWORD}).status_code == 400
    assert ada.client.post("/account/data/delete/cancel").status_code == 400
    assert state(app, world["ada_id"]) == "pending"


def test_a_request_from_another_school_is_not_found(world):
    app = world["app"]
    ask_deletion(world["ada"])
    with app.app_context():
        other = School(slug="elsewhere", name="Elsewhere")
        db.session.add(other)
        db.session.flush()
        db.session.execute(db.update(DeletionRequest).values(school_id=other.id))
        db.session.commit()
    url = f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/confirm"
    assert world["carla"].post(url, token_from="/").status_code == 404
    assert "ada@example.com" not in world["carla"].client.get("/admin/deletion-requests/").get_data(as_text=True)


def test_mails_speak_the_holders_language(world):
    app, ada = world["app"], world["ada"]
    assert ada.post("/account/profile/language", {"language": "fr"}, token_from="/account/profile").status_code == 302
    ask_deletion(ada)
    assert app.extensions["lms"]["outbox"][-1]["Subject"] == "Votre demande de suppression de votre compte Conductor"


def test_a_request_decided_meanwhile_is_not_decided_again(world):
    """Two admins at once, or the holder cancelling as an admin confirms: the second step is refused and
    nothing is erased."""
    from lms.privacy import services

    app = world["app"]
    ask_deletion(world["ada"])
    with app.app_context():
        row = db.session.get(DeletionRequest, request_id(app, world["ada_id"]))
        admin = db.session.get(User, world["carla_id"])
        db.session.execute(db.update(DeletionRequest).values(state="cancelled").execution_options(synchronize_session=False))
        assert row.state == "pending"  # what the admin's page loaded
        with pytest.raises(services.PrivacyError):
            services.confirm_request(row, admin)
        with pytest.raises(services.PrivacyError):
            services.refuse_request(row, admin, "No")
        db.session.rollback()
        assert db.session.get(User, world["ada_id"]).email == "ada@example.com"


def test_the_persons_applications_are_exported_and_erased_with_the_account(world):
    """An application is the person's data too: in the export while the account lives, gone with it."""
    from lms.admissions.models import Application

    from .admission_support import apply, make_round

    app, ada, carla = world["app"], world["ada"], world["carla"]
    round_id = make_round(app)
    visitor = Auth(app.test_client())
    assert apply(visitor, round_id, name="Ada King", email="ada@example.com").status_code == 302
    assert apply(visitor, round_id, name="Bruno Secret", email="bruno@example.com").status_code == 302
    with zipfile.ZipFile(io.BytesIO(export(ada).data)) as archive:
        data = json.loads(archive.read("data.json"))
        assert "applications.csv" in archive.namelist()
    [mine] = data["applications"]
    assert mine["email"] == "ada@example.com" and mine["file_name"] == "mon cv.pdf"
    assert "bruno" not in json.dumps(data["applications"])
    ask_deletion(ada)
    carla.post(f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/confirm", token_from="/admin/deletion-requests/")
    with app.app_context():
        assert [row.email for row in db.session.execute(db.select(Application)).scalars()] == ["bruno@example.com"]


def test_what_lms_platforms_know_of_the_person_is_exported_and_erased(world):
    """The platform's identifier for Ada, the links she launched and the scores sent for her: exported, then deleted."""
    from lms.catalog.models import Course
    from lms.lti.models import LtiAccount, LtiLaunch, LtiPlatform, LtiResourceLink, LtiScore
    from lms.schools.services import default_school

    app, ada, carla = world["app"], world["ada"], world["carla"]
    with app.app_context():
        platform = LtiPlatform(school_id=default_school().id, name="Moodle of the school", issuer="https://moodle.example.org",
                               client_id="conductor", auth_login_url="https://moodle.example.org/auth",
                               auth_token_url="https://moodle.example.org/token", key_set_url="https://moodle.example.org/jwks")
        db.session.add(platform)
        db.session.flush()
        course = db.session.execute(db.select(Course).filter_by(slug="intro-course")).scalar_one()
        link = LtiResourceLink(platform_id=platform.id, resource_link_id="link-7", target="course", target_id=course.id,
                               course_id=course.id, lineitem_url="https://moodle.example.org/lineitems/3")
        db.session.add(link)
        db.session.flush()
        for user_id, sub in ((world["ada_id"], "moodle-ada"), (world["bruno_id"], "moodle-bruno")):
            db.session.add_all([LtiAccount(platform_id=platform.id, sub=sub, user_id=user_id, claimed_email=f"{sub}@example.org"),
                                LtiLaunch(resource_link_id=link.id, user_id=user_id, sub=sub),
                                LtiScore(resource_link_id=link.id, user_id=user_id, source=f"completion:{user_id}",
                                         score_given=100, score_maximum=100)])
        db.session.commit()
    with zipfile.ZipFile(io.BytesIO(export(ada).data)) as archive:
        data = json.loads(archive.read("data.json"))
        assert {"lti_accounts.csv", "lti_launches.csv", "lti_scores.csv"} <= set(archive.namelist())
    [account] = data["lti_accounts"]
    assert (account["platform"], account["subject"], account["email_claimed"]) == (
        "Moodle of the school", "moodle-ada", "moodle-ada@example.org")
    assert [row["resource_link"] for row in data["lti_launches"]] == ["link-7"]
    assert [(row["score"], row["out_of"]) for row in data["lti_scores"]] == [(100, 100)]
    assert "moodle-bruno" not in json.dumps(data)
    ask_deletion(ada)
    carla.post(f"/admin/deletion-requests/{request_id(app, world['ada_id'])}/confirm", token_from="/admin/deletion-requests/")
    with app.app_context():
        for model in (LtiAccount, LtiLaunch, LtiScore):
            assert [row.user_id for row in db.session.execute(db.select(model)).scalars()] == [world["bruno_id"]]

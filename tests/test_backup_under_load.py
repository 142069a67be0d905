"""A backup taken while 50 learners work (each enrols, completes every lesson and passes the quiz,
earning a certificate) holds every attempt and certificate committed before it began; restored into an
empty database with the exported keys, a credential issued before the backup verifies against the
JWKS the restored site serves. SQLite's online backup and pg_dump each read one consistent moment
while the writes go on."""
from __future__ import annotations

import re
import stat
import threading
import time

from lms.accounts.models import User
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.progress.models import Enrolment
from lms.quizzes.models import Attempt

from .backup_support import scratch_database  # noqa: F401  (a fixture)
from .certificate_support import LESSONS
from .conftest import PASSWORD, Auth
from .quiz_support import COURSE, QUIZ, answers_form, attempt_url, questions, sync, write_quiz
from .test_open_badges import verify

LEARNERS = 50
BACKUP_AFTER = 20  # certificates committed when the backup starts
HELD_BACK = 10  # learners who submit their quiz only once the backup is done: it is taken mid-run


def walk(app, email: str, before_submit: threading.Event | None) -> None:
    """One learner's path through the course, as a browser takes it (one CSRF token per session)."""
    client = app.test_client()
    auth = Auth(client)
    assert auth.login(email=email).status_code == 302
    token = auth.csrf(COURSE)

    def post(path: str, **data) -> str:
        response = client.post(path, data={"csrf_token": token, **data})
        assert response.status_code == 302, (email, path, response.status_code)
        return response.headers["Location"]

    post(COURSE + "enrol")
    for lesson in LESSONS:
        post(f"{COURSE}{lesson}/complete")
    attempt_id = int(re.search(r"/attempts/(\d+)$", post(QUIZ + "/start"))[1])
    form = answers_form(questions(app, attempt_id))
    if before_submit is not None:
        assert before_submit.wait(timeout=60)
    post(attempt_url(attempt_id), action="submit", **form)


def committed(app) -> dict[str, dict]:
    """The submitted attempts and the certificates a new reader sees: what is committed now."""
    with app.app_context():
        attempts = {a.id: (a.user_id, a.quiz_id, a.score, a.passed) for a in
                    db.session.execute(db.select(Attempt).where(Attempt.submitted_at.is_not(None))).scalars()}
        certificates = {c.credential_id: (c.user_id, c.course_id, c.holder_name) for c in
                        db.session.execute(db.select(Certificate)).scalars()}
        completed = set(db.session.execute(db.select(Enrolment.user_id)
                                           .where(Enrolment.completed_at.is_not(None))).scalars())
        db.session.remove()
    return {"attempts": attempts, "certificates": certificates, "completed": completed}


def certificate_count(app) -> int:
    with app.app_context():
        count = db.session.execute(db.select(db.func.count(Certificate.id))).scalar_one()
        db.session.remove()
        return count


def test_a_backup_taken_while_50_learners_work_restores_all_they_had_committed(
        scratch_database, app, make_app, content_dir, tmp_path):
    started = time.perf_counter()
    write_quiz(content_dir)
    sync(app)
    with app.app_context():
        from lms.accounts.services import create_user

        emails = [f"learner{n}@example.com" for n in range(LEARNERS)]
        for n, email in enumerate(emails):
            create_user(email, f"Learner {n}", PASSWORD)
        db.session.commit()

    backup_done = threading.Event()
    failures: list[str] = []

    def learner(n: int) -> None:
        try:
            walk(app, emails[n], backup_done if n >= LEARNERS - HELD_BACK else None)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(f"{emails[n]}: {exc!r}")

    threads = [threading.Thread(target=learner, args=(n,)) for n in range(LEARNERS)]
    for thread in threads:
        thread.start()
    backup = tmp_path / "live.backup"
    try:
        deadline = time.monotonic() + 45
        while certificate_count(app) < BACKUP_AFTER and time.monotonic() < deadline and not failures:
            time.sleep(0.02)
        before = committed(app)  # everything here was committed before the backup started
        active = sum(thread.is_alive() for thread in threads)
        result = app.test_cli_runner().invoke(args=["lms", "backup", str(backup)])
    finally:
        backup_done.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not failures, failures[:3]
    assert result.exit_code == 0, result.output
    assert BACKUP_AFTER <= len(before["certificates"]) <= LEARNERS - HELD_BACK and active >= HELD_BACK
    after_run = committed(app)
    assert len(after_run["certificates"]) == LEARNERS and len(after_run["attempts"]) == LEARNERS

    # A credential from the live site, signed with its first key; then the key rotates.
    credential_id = next(iter(before["certificates"]))
    with app.app_context():
        holder = db.session.get(User, before["certificates"][credential_id][0]).email
    live = app.test_client()
    assert Auth(live).login(email=holder).status_code == 302
    first_token = live.get(f"/certificates/{credential_id}.jwt").get_data(as_text=True)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lms", "keys", "rotate"]).exit_code == 0
    keys_archive = tmp_path / "keys.tar"
    assert runner.invoke(args=["lms", "keys", "export", str(keys_archive)]).exit_code == 0

    restored_keys = tmp_path / "restored-keys"
    restored = make_app(SQLALCHEMY_DATABASE_URI=scratch_database("restore"), LMS_KEYS_DIR=str(restored_keys))
    restoring = restored.test_cli_runner()
    result = restoring.invoke(args=["lms", "restore", str(backup)])
    assert result.exit_code == 0, result.output
    result = restoring.invoke(args=["lms", "keys", "import", str(keys_archive)])
    assert result.exit_code == 0 and "Imported 2 keys" in result.output, result.output
    assert stat.S_IMODE(restored_keys.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in restored_keys.glob("*.pem")} == {0o600}

    found = committed(restored)
    assert before["attempts"].items() <= found["attempts"].items()
    assert before["certificates"].items() <= found["certificates"].items()
    assert before["completed"] <= found["completed"]
    # One consistent moment: each completion restored with its certificate and its passed attempt.
    holders = {user_id for user_id, _, _ in found["certificates"].values()}
    passed = {user_id for user_id, _, _, ok in found["attempts"].values() if ok}
    assert found["completed"] == holders == passed

    client = restored.test_client()
    assert Auth(client).login(email=holder).status_code == 302
    verify(client, first_token)  # the key of a credential issued before the backup, served by the restored site
    restored_token = client.get(f"/certificates/{credential_id}.jwt").get_data(as_text=True)
    header, claims = verify(client, restored_token)
    assert claims["id"].endswith(f"/verify/{credential_id}")
    live_jwks = app.test_client().get("/issuers/default/jwks.json").get_json()
    assert client.get("/issuers/default/jwks.json").get_json() == live_jwks  # no key lost, none made anew
    assert header["kid"] == live_jwks["keys"][-1]["kid"]  # the newest key signs, as on the live site
    assert client.get(f"/verify/{credential_id}.json").get_json()["status"] == "valid"
    print(f"{LEARNERS} learners on {app.config['SQLALCHEMY_DATABASE_URI'].split(':', 1)[0]}: "
          f"{len(before['attempts'])} attempts and {len(before['certificates'])} certificates committed before the "
          f"backup ({active} learners still working), {len(found['attempts'])} and {len(found['certificates'])} "
          f"restored, all {len(before['certificates'])} found; {time.perf_counter() - started:.1f} s")

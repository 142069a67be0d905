"""Importing learners into a cohort from a CSV file: parsing, the dry run, applying all or nothing, the mails,
and the command line."""
from __future__ import annotations

import io
import re

import pytest

from lms.accounts.models import User
from lms.cohorts import imports
from lms.cohorts.models import Cohort, CohortMember
from lms.extensions import db
from lms.progress.models import Enrolment, ProgrammeEnrolment

from .cohort_admin_support import ADMIN, admin_client, make_cohort


def parse(app, text: str | bytes, max_rows: int = 5000):
    with app.test_request_context("/"):
        return imports.parse(text.encode() if isinstance(text, str) else text, max_rows)


# --- Parsing -------------------------------------------------------------------------------------------------

def test_a_bom_and_semicolons_as_french_spreadsheets_write_them(app):
    plan = parse(app, "\ufeffCourriel;Nom\nJEAN.dupont@Example.com ;Dupont, Jean\nlea@example.com;Léa  Morel\n")
    assert plan.ok
    assert [(r.line, r.email, r.name) for r in plan.rows] == [(2, "jean.dupont@example.com", "Dupont, Jean"),
                                                              (3, "lea@example.com", "Léa Morel")]


def test_quoted_names_with_commas_and_columns_in_any_order(app):
    plan = parse(app, 'name,team,email\n"Haddad, Nour",B,nour@example.com\n"Ngô Bảo Châu",A,chau@example.com\n')
    assert plan.ok and [r.name for r in plan.rows] == ["Haddad, Nour", "Ngô Bảo Châu"]


def test_every_bad_row_is_named_by_its_line(app):
    text = ("email,name\nok@example.com,Olive\nbob@,Bob\n,No Address\nmissing@example.com,\n"
            "\n"  # a blank line: skipped, still counted
            "OK@example.com,Twice\n")
    plan = parse(app, text)
    assert not plan.ok
    assert plan.errors == [(3, "“bob@” is not an e-mail address."), (4, "the e-mail address is missing."),
                           (5, "the name is missing."), (7, "OK@example.com is already on line 2.")]


def test_a_quoted_name_over_two_lines_keeps_the_line_numbers_right(app):
    plan = parse(app, 'email,name\na@example.com,"Ana\nLópez"\nbad,Bad\n')
    assert plan.errors == [(4, "“bad” is not an e-mail address.")]
    assert plan.rows[0].name == "Ana López"


@pytest.mark.parametrize(("content", "message"), [
    (b"", "The file is empty."),
    (b"\xef\xbb\xbf  \n", "The file is empty."),
    (b"email,name\n", "The file has no learners"),
    (b"mail address,full\nx@example.com,X\n", "must name the columns"),
    ("email,name\nzoé@example.com,Zoé\n".encode("latin-1"), "not UTF-8"),
])
def test_files_that_say_nothing_are_refused_with_a_reason(app, content, message):
    plan = parse(app, content)
    assert len(plan.errors) == 1 and message in plan.errors[0][1]


def test_more_rows_than_the_limit_are_refused(app):
    text = "email,name\n" + "".join(f"l{n}@example.com,Learner {n}\n" for n in range(4))
    assert parse(app, text, max_rows=4).ok
    plan = parse(app, text + "l9@example.com,Learner 9\n", max_rows=4)
    assert plan.errors == [(6, "The file has more than 4 rows: split it.")]


# --- The pages -----------------------------------------------------------------------------------------------

CSV = "email;name\nnour@example.com;Nour Haddad\nlea@example.com;Léa Morel\n{extra}"


@pytest.fixture()
def admin(synced, make_user):
    return admin_client(synced, make_user)


def upload(admin, cohort_id, text: str):
    url = f"/admin/cohorts/{cohort_id}/import"
    return admin.post(url, {"file": (io.BytesIO(text.encode()), "learners.csv")}, token_from=url,
                      content_type="multipart/form-data")


def sealed_of(page: str) -> str:
    return re.search(r'name="sealed" type="hidden" value="([^"]+)"', page).group(1)


def counts(app):
    with app.app_context():
        return (db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one(),
                db.session.execute(db.select(db.func.count()).select_from(CohortMember)).scalar_one(),
                db.session.execute(db.select(db.func.count()).select_from(Enrolment)).scalar_one())


def test_the_preview_lists_what_would_change_and_stores_nothing(synced, admin, make_user):
    make_user(email="lea@example.com", name="Léa Morel")
    cohort_id = make_cohort(synced)
    before = counts(synced)
    response = upload(admin, cohort_id, CSV.format(extra=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Accounts to create and invite (1)" in page and "nour@example.com" in page
    assert "Existing accounts to add (1)" in page and "Already learners of the cohort (0)" in page
    assert counts(synced) == before and synced.extensions["lms"]["outbox"] == []


def test_a_file_with_errors_lists_them_and_cannot_be_confirmed(synced, admin):
    cohort_id = make_cohort(synced)
    response = upload(admin, cohort_id, CSV.format(extra="bob@;Bob\n"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Line 4: “bob@” is not an e-mail address." in page.replace("&#34;", '"')
    assert 'name="sealed"' not in page


def test_confirming_applies_the_file_invites_new_accounts_and_tells_existing_ones(synced, admin, make_user):
    from lms.schools.models import School

    with synced.app_context():
        school = db.session.execute(db.select(School)).scalar_one()
        school.default_language = "fr"  # new accounts read the school's language
        db.session.execute(db.select(User).filter_by(email=ADMIN)).scalar_one().locale = "en"  # the admin reads English
        db.session.commit()
    lea = make_user(email="lea@example.com", name="Léa Morel")
    cohort_id = make_cohort(synced, programme=True)
    page = upload(admin, cohort_id, CSV.format(extra="")).get_data(as_text=True)
    url = f"/admin/cohorts/{cohort_id}"
    response = admin.post(url + "/import/confirm", {"sealed": sealed_of(page)}, token_from=url)
    assert response.status_code == 302
    outbox = synced.extensions["lms"]["outbox"]
    assert sorted(mail["To"] for mail in outbox) == ["lea@example.com", "nour@example.com"]
    invitation = next(mail for mail in outbox if mail["To"] == "nour@example.com")
    assert invitation["Subject"].startswith("Votre compte chez") and "/account/welcome/" in invitation.get_content()
    added = next(mail for mail in outbox if mail["To"] == "lea@example.com")
    assert "May intake" in added["Subject"]
    with synced.app_context():
        nour = db.session.execute(db.select(User).filter_by(email="nour@example.com")).scalar_one()
        assert (nour.name, nour.locale, nour.password_hash) == ("Nour Haddad", "fr", "!invited")
        members = db.session.execute(db.select(CohortMember.user_id, CohortMember.source)).all()
        assert sorted(members) == sorted([(nour.id, "import"), (lea, "import")])
        assert db.session.execute(db.select(db.func.count()).select_from(ProgrammeEnrolment)).scalar_one() == 2
        assert db.session.execute(db.select(db.func.count()).select_from(Enrolment)).scalar_one() == 2
        assert db.session.execute(db.select(db.func.count()).select_from(User)
                                  .filter_by(email="lea@example.com")).scalar_one() == 1
    # The same file again: nobody new, no second membership, no mail.
    page = upload(admin, cohort_id, CSV.format(extra="")).get_data(as_text=True)
    assert "Already learners of the cohort (2)" in page
    admin.post(url + "/import/confirm", {"sealed": sealed_of(page)}, token_from=url)
    assert len(outbox) == 2


def test_a_changed_or_foreign_confirmation_is_refused(synced, admin):
    cohort_id = make_cohort(synced)
    other_id = make_cohort(synced, slug="june", name="June")
    page = upload(admin, cohort_id, CSV.format(extra="")).get_data(as_text=True)
    sealed = sealed_of(page)
    for target, value in ((cohort_id, sealed[:-4] + "AAAA"), (other_id, sealed)):
        url = f"/admin/cohorts/{target}"
        response = admin.post(url + "/import/confirm", {"sealed": value}, token_from=url)
        assert response.status_code == 302 and response.headers["Location"].endswith(f"/{target}/import")
    assert counts(synced)[1] == 0


def test_applying_is_all_or_nothing(synced, admin, monkeypatch):
    """A failure in the middle of the file (here the second batch) leaves no account and no member."""
    from lms.cohorts import services

    cohort_id = make_cohort(synced)
    monkeypatch.setattr(imports, "BATCH", 2)
    page = upload(admin, cohort_id, CSV.format(extra="zoe@example.com;Zoé\n")).get_data(as_text=True)
    real, calls = services.enrol_many, []

    def failing(cohort, user_ids, source):
        calls.append(user_ids)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        real(cohort, user_ids, source)

    monkeypatch.setattr(services, "enrol_many", failing)
    before = counts(synced)
    url = f"/admin/cohorts/{cohort_id}"
    with pytest.raises(RuntimeError):
        admin.post(url + "/import/confirm", {"sealed": sealed_of(page)}, token_from=url)
    assert len(calls) == 2 and counts(synced) == before and synced.extensions["lms"]["outbox"] == []


def test_a_file_over_the_size_limit_is_refused(make_app, synced, make_user):
    app = make_app(LMS_COHORT_IMPORT_MAX_BYTES=200)
    admin = admin_client(app, make_user)
    cohort_id = make_cohort(app)
    big = "email,name\n" + "".join(f"learner{n}@example.com,Learner {n}\n" for n in range(400))
    response = upload(admin, cohort_id, big)  # within the multipart envelope: the view measures the file
    assert response.status_code == 400 and "The file is too large." in response.get_data(as_text=True)
    huge = big * 8  # past the envelope too: refused before it is read
    assert upload(admin, cohort_id, huge).status_code == 413
    assert counts(app)[1] == 0


# --- The command line ----------------------------------------------------------------------------------------

def test_the_command_line_imports_with_the_same_rules(synced, make_user, tmp_path):
    make_user(email=ADMIN, name="Adèle Roux", role="admin")
    make_cohort(synced)
    runner = synced.test_cli_runner()
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(CSV.format(extra=""), encoding="utf-8")
    bad.write_text(CSV.format(extra="bob@;Bob\n"), encoding="utf-8")
    synced.config["LMS_BASE_URL"] = "https://school.example"
    refused = runner.invoke(args=["lms", "cohorts", "import", "may-intake", str(bad)])
    assert refused.exit_code == 1 and "Line 4:" in refused.output and counts(synced)[1] == 0
    dry = runner.invoke(args=["lms", "cohorts", "import", "may-intake", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "2 accounts to create" in dry.output and counts(synced)[1] == 0
    done = runner.invoke(args=["lms", "cohorts", "import", "may-intake", str(good)])
    assert done.exit_code == 0, done.output
    assert "2 created" in done.output and counts(synced)[1] == 2 and len(synced.extensions["lms"]["outbox"]) == 2
    assert runner.invoke(args=["lms", "cohorts", "import", "nope", str(good)]).exit_code == 1
    with synced.app_context():
        from lms.admin.models import AuditEntry

        entry = db.session.execute(db.select(AuditEntry).filter_by(action="cohort_import")).scalar_one()
        assert entry.actor_id is None and entry.details["created"] == 2
        assert db.session.execute(db.select(Cohort)).scalar_one().slug == "may-intake"


def test_names_and_addresses_from_the_file_are_escaped_on_the_preview(synced, admin):
    cohort_id = make_cohort(synced)
    page = upload(admin, cohort_id, 'email,name\nx@example.com,"<script>alert(1)</script>"\n').get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_an_existing_account_is_told_in_its_own_language(synced, admin, make_user):
    from lms.accounts.models import User as Account

    lea = make_user(email="lea@example.com", name="Léa Morel")
    with synced.app_context():
        db.session.get(Account, lea).locale = "fr"
        db.session.commit()
    cohort_id = make_cohort(synced)
    page = upload(admin, cohort_id, "email,name\nlea@example.com,Léa Morel\n").get_data(as_text=True)
    url = f"/admin/cohorts/{cohort_id}"
    admin.post(url + "/import/confirm", {"sealed": sealed_of(page)}, token_from=url)
    [mail] = synced.extensions["lms"]["outbox"]
    assert mail["Subject"] == "Vous avez été ajouté à la cohorte May intake"
    assert "tableau de bord\u00a0: http" in mail.get_content()

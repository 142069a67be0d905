"""The instructor's pages (/teach): who may open them, the cohort's progress table with behind learners first
and named as such, its CSV, and the learner's deadlines on the dashboard."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from lms.cohorts.models import Cohort
from lms.db import utcnow
from lms.extensions import db
from lms.schools.models import School

from . import cohort_support as cs
from .conftest import PASSWORD, Auth
from .test_queries import count_queries


@pytest.fixture()
def school(synced):
    """A cohort with a missed and an upcoming deadline, two learners (one behind), an instructor; a second cohort
    with its own instructor; a cohort of another school."""
    now = utcnow()
    with synced.app_context():
        spring = cs.make_cohort()
        cs.add_deadline(spring, now - timedelta(days=1))
        done = cs.make_account("done@example.com", "Dana Done")
        cs.add_learner(spring, done, completed_at=now - timedelta(days=2))
        behind = cs.make_account("learner@example.com", "Ada Learner")
        cs.add_learner(spring, behind)
        cs.add_instructor(spring, cs.make_account("teacher@example.com", "Tess Teacher", "instructor"))
        autumn = cs.make_cohort("Autumn intake", "autumn")
        cs.add_instructor(autumn, cs.make_account("other-teacher@example.com", "Otto Teacher", "instructor"))
        cs.make_account("admin@example.com", "Alma Admin", "admin")
        cs.make_account("author@example.com", "Aude Author", "author")
        elsewhere = School(slug="elsewhere", name="Elsewhere School")
        db.session.add(elsewhere)
        db.session.flush()
        foreign = cs.make_cohort("Foreign intake", "foreign", school=elsewhere)
        db.session.commit()
        return {"spring": spring.id, "autumn": autumn.id, "foreign": foreign.id}


def login(app, email: str) -> Auth:
    auth = Auth(app.test_client())
    assert auth.login(email=email, password=PASSWORD).status_code == 302
    return auth


def test_only_instructors_and_admins_open_the_teaching_pages(synced, school):
    assert login(synced, "learner@example.com").client.get("/teach/").status_code == 403
    assert login(synced, "author@example.com").client.get("/teach/").status_code == 403
    assert synced.test_client().get("/teach/").headers["Location"].startswith("/account/login")
    teacher = login(synced, "teacher@example.com").client.get("/teach/").get_data(as_text=True)
    assert "Spring intake" in teacher and "Autumn intake" not in teacher  # only the cohorts they teach
    with synced.app_context():
        cs.make_account("new-teacher@example.com", "Nina Teacher", "instructor")
        db.session.commit()
    assert "You teach no cohort yet" in login(synced, "new-teacher@example.com").client.get("/teach/").get_data(as_text=True)
    admin = login(synced, "admin@example.com").client.get("/teach/").get_data(as_text=True)
    assert "Spring intake" in admin and "Autumn intake" in admin and "Foreign intake" not in admin


def test_an_author_who_teaches_a_cohort_may_follow_it(synced, school):
    with synced.app_context():
        from lms.accounts.services import find_user

        author = find_user("author@example.com")
        cs.add_instructor(db.session.get(Cohort, school["autumn"]), author)
        db.session.commit()
    client = login(synced, "author@example.com").client
    assert "Autumn intake" in client.get("/teach/").get_data(as_text=True)
    assert client.get(f"/teach/cohorts/{school['autumn']}").status_code == 200
    assert client.get(f"/teach/cohorts/{school['spring']}").status_code == 403


def test_an_instructor_of_one_cohort_gets_403_on_another_and_404_on_another_schools(synced, school):
    client = login(synced, "teacher@example.com").client
    assert client.get(f"/teach/cohorts/{school['spring']}").status_code == 200
    assert client.get(f"/teach/cohorts/{school['autumn']}").status_code == 403
    assert client.get(f"/teach/cohorts/{school['autumn']}/progress.csv").status_code == 403
    assert client.get(f"/teach/cohorts/{school['foreign']}").status_code == 404
    assert client.get(f"/teach/cohorts/{school['foreign']}/progress.csv").status_code == 404
    admin = login(synced, "admin@example.com").client
    assert admin.get(f"/teach/cohorts/{school['autumn']}").status_code == 200
    assert admin.get(f"/teach/cohorts/{school['foreign']}").status_code == 404
    assert admin.get("/teach/cohorts/99999999999").status_code == 404  # beyond an integer column: no row, no 500


def test_the_progress_page_puts_behind_learners_first_and_says_so_in_words(synced, school):
    page = login(synced, "teacher@example.com").client.get(f"/teach/cohorts/{school['spring']}").get_data(as_text=True)
    assert page.index("Ada Learner") < page.index("Dana Done")
    row = page[page.index('<tr class="behind">'):]
    row = row[:row.index("</tr>")]
    assert "Behind" in row and "Ada Learner" in row and "missed" in row  # text, not colour alone
    assert "1 behind" in page
    dana = page[page.index("Dana Done"):]
    assert "done" in dana[:dana.index("</tr>")]


def test_the_progress_csv_has_the_same_rows_and_disarms_formulas(synced, school):
    with synced.app_context():
        from lms.accounts.services import find_user

        find_user("done@example.com").name = "=HYPERLINK(\"http://evil\")"
        db.session.commit()
    response = login(synced, "teacher@example.com").client.get(f"/teach/cohorts/{school['spring']}/progress.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:5] == ["learner", "email", "behind", "progress in percent", "last activity"]
    assert rows[0][5] == "Intro Course"
    assert rows[1][:3] == ["Ada Learner", "learner@example.com", "yes"] and rows[1][5] == "missed"
    assert rows[2][0] == "'=HYPERLINK(\"http://evil\")" and rows[2][5] == "done"


def test_the_progress_page_costs_the_same_queries_for_3_and_30_learners(synced, school):
    client = login(synced, "teacher@example.com").client
    url = f"/teach/cohorts/{school['spring']}"
    client.get(url)
    with count_queries(synced) as few:
        assert client.get(url).status_code == 200
    with synced.app_context():
        spring = db.session.get(Cohort, school["spring"])
        for n in range(28):
            cs.add_learner(spring, cs.make_account(f"more{n}@example.com", f"More {n}"), completed_at=None)
        db.session.commit()
    with count_queries(synced) as many:
        page = client.get(url).get_data(as_text=True)
    assert "More 27" in page
    assert len(few) == len(many)
    print("cohort progress page queries:", len(many))


def test_the_dashboard_lists_missed_deadlines(synced, school):
    client = login(synced, "learner@example.com").client
    page = client.get("/dashboard").get_data(as_text=True)
    section = page[page.index('id="deadlines-heading"'):page.index('id="courses-heading"')]
    assert "Missed" in section and "Course: Intro Course" in section and "missed" in section
    assert "No deadline ahead." in section
    assert "/account/calendar" in section


def test_the_dashboard_orders_upcoming_deadlines_next_first(synced, school):
    now = utcnow()
    with synced.app_context():
        autumn = db.session.get(Cohort, school["autumn"])
        late, soon = cs.make_cohort("Late intake", "late"), autumn
        from lms.accounts.services import find_user

        learner = find_user("learner@example.com")
        cs.add_learner(late, learner, enrolled_course=None)
        cs.add_learner(soon, learner, enrolled_course=None)
        cs.add_deadline(late, now + timedelta(days=20))
        cs.add_deadline(soon, now + timedelta(days=2))
        db.session.commit()
    page = login(synced, "learner@example.com").client.get("/dashboard").get_data(as_text=True)
    upcoming = page[page.index(">Upcoming<"):]
    assert upcoming.index("Autumn intake") < upcoming.index("Late intake")
    assert "due" in upcoming[:upcoming.index("Late intake")]


def test_a_learner_in_no_cohort_sees_no_deadlines_section(synced, school):
    with synced.app_context():
        cs.make_account("loner@example.com", "Lou Loner")
        db.session.commit()
    page = login(synced, "loner@example.com").client.get("/dashboard").get_data(as_text=True)
    assert "Deadlines" not in page


def test_the_dashboard_query_count_does_not_grow_with_deadlines(synced, school):
    client = login(synced, "learner@example.com").client
    client.get("/dashboard")
    with count_queries(synced) as one:
        assert client.get("/dashboard").status_code == 200
    now = utcnow()
    with synced.app_context():
        from lms.accounts.services import find_user

        learner = find_user("learner@example.com")
        for n in range(6):
            cohort = cs.make_cohort(f"Extra {n}", f"extra-{n}")
            cs.add_learner(cohort, learner, enrolled_course=None)
            cs.add_deadline(cohort, now + timedelta(days=n + 1))
        db.session.commit()
    with count_queries(synced) as seven:
        page = client.get("/dashboard").get_data(as_text=True)
    assert "Extra 5" in page
    assert len(one) == len(seven)


def test_the_deadlines_speak_french(synced, school):
    from .test_french_pages import FRENCH, english_left

    client = login(synced, "learner@example.com").client
    page = client.get("/dashboard", headers=FRENCH).get_data(as_text=True)
    section = page[page.index('id="deadlines-heading"'):page.index('id="courses-heading"')]
    assert "Échéances" in section and "Manquées" in section and "manqué" in section
    assert english_left(page) == []
    teacher = login(synced, "teacher@example.com").client
    progress = teacher.get(f"/teach/cohorts/{school['spring']}", headers=FRENCH).get_data(as_text=True)
    assert "En retard" in progress and english_left(progress) == []
    header = teacher.get(f"/teach/cohorts/{school['spring']}/progress.csv", headers=FRENCH).get_data(as_text=True)
    assert header.splitlines()[0].startswith("apprenant,e-mail,en retard,progression en pourcentage")


def test_the_table_may_be_ordered_by_name_progress_or_activity(synced, school):
    now = utcnow()
    with synced.app_context():
        from lms.accounts.services import find_user

        spring = db.session.get(Cohort, school["spring"])
        cs.complete_lessons(find_user("learner@example.com"), 3)  # Ada: behind, 75 %; Dana: done, 0 %
        idle = cs.make_account("idle@example.com", "Zed Idle")
        cs.add_learner(spring, idle, completed_at=now - timedelta(days=2), last_activity_at=now - timedelta(days=40))
        db.session.commit()
    client = login(synced, "teacher@example.com").client
    url = f"/teach/cohorts/{school['spring']}"

    def order(query: str) -> list[str]:
        page = client.get(url + query).get_data(as_text=True)
        return sorted(["Ada Learner", "Dana Done", "Zed Idle"], key=page.index)

    assert order("") == ["Ada Learner", "Dana Done", "Zed Idle"]  # behind first, then by name
    assert order("?sort=name") == ["Ada Learner", "Dana Done", "Zed Idle"]
    assert order("?sort=progress") == ["Dana Done", "Zed Idle", "Ada Learner"]
    assert order("?sort=activity") == ["Zed Idle", "Dana Done", "Ada Learner"]  # longest idle first (Dana joined first)
    assert client.get(url + "?sort=<script>").status_code == 200  # an unknown order: the default one

"""The issue's intake, end to end through the pages and the command a school uses: an admin makes a cohort with a
deadline and imports a CSV of 30 students; one of them chooses a password, subscribes to the calendar feed and
misses the deadline; the reminders command mails them once; the instructor sees them behind."""
from __future__ import annotations

import io
import re
from datetime import timedelta

from icalendar import Calendar

from lms.accounts.models import User
from lms.cohorts.models import CohortDeadline
from lms.db import utcnow
from lms.extensions import db

from .cohort_admin_support import admin_client, make_cohort
from .conftest import PASSWORD, Auth, last_link


def test_a_school_runs_an_intake_and_a_learner_who_misses_a_deadline_is_reminded_and_seen_behind(synced, make_user):
    today = utcnow().date()
    admin = admin_client(synced, make_user)
    make_user(email="teacher@example.com", name="Théo Martin", role="instructor")
    cohort_id = make_cohort(synced, starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60))
    url = f"/admin/cohorts/{cohort_id}"
    with synced.app_context():
        teacher_id = db.session.execute(db.select(User.id).filter_by(email="teacher@example.com")).scalar_one()
    assert admin.post(url + "/instructors", {"user": str(teacher_id)}, token_from=url).status_code == 302
    due = today + timedelta(days=3)
    assert admin.post(url + "/deadlines", {"course-1-date": str(due), "course-1-time": "18:00"},
                      token_from=url).status_code == 302

    rows = "\n".join(f"student{n:02d}@example.com,Étudiant {n:02d}" for n in range(1, 31))
    page = admin.post(url + "/import", {"file": (io.BytesIO(f"email,name\n{rows}\n".encode()), "promo.csv")},
                      token_from=url + "/import", content_type="multipart/form-data").get_data(as_text=True)
    assert "30" in page
    sealed = re.search(r'name="sealed" type="hidden" value="([^"]+)"', page).group(1)
    assert admin.post(url + "/import/confirm", {"sealed": sealed}, token_from=url).status_code == 302
    outbox = synced.extensions["lms"]["outbox"]
    invited = [mail for mail in outbox if mail["To"].startswith("student")]
    assert len(invited) == 30

    # Student 7 chooses a password from the invitation and subscribes to the calendar.
    outbox.append(next(mail for mail in invited if mail["To"] == "student07@example.com"))
    link = last_link(synced, "/account/welcome/")
    student = Auth(synced.test_client())
    assert student.post(link, {"password": PASSWORD, "confirm": PASSWORD}, token_from=link).status_code == 302
    assert student.post("/account/calendar", token_from="/account/calendar").status_code == 302
    feed_path = re.search(r'(/calendar/[^"]+\.ics)', student.client.get("/account/calendar").get_data(as_text=True)).group(1)
    events = Calendar.from_ical(synced.test_client().get(feed_path).data).walk("VEVENT")
    assert [event["DTSTART"].dt.date() for event in events] == [due]

    # The deadline goes by; the nightly reminders run mails the learners who missed it, once.
    with synced.app_context():
        deadline = db.session.execute(db.select(CohortDeadline)).scalar_one()
        deadline.due_at = utcnow() - timedelta(hours=2)
        db.session.commit()
    runner = synced.test_cli_runner()
    synced.config["LMS_BASE_URL"] = "http://localhost"  # set outside development: reminders carry links
    before = len(outbox)
    assert runner.invoke(args=["lms", "reminders"]).exit_code == 0
    missed = [mail for mail in outbox[before:] if mail["To"] == "student07@example.com"]
    assert len(missed) == 1 and "missed" in missed[0]["Subject"].lower()
    before = len(outbox)
    assert runner.invoke(args=["lms", "reminders"]).exit_code == 0
    assert outbox[before:] == []

    # The instructor sees them behind, with the 29 others.
    teacher = Auth(synced.test_client())
    assert teacher.login(email="teacher@example.com").status_code == 302
    progress = teacher.client.get(f"/teach/cohorts/{cohort_id}").get_data(as_text=True)
    assert progress.count('<tr class="behind">') == 30 and "Étudiant 07" in progress

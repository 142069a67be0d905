"""A roster import (Names and Role Provisioning) skips, and reports, the members it cannot give an account here."""
from __future__ import annotations

from lms.accounts.models import User
from lms.extensions import db
from lms.lti import roster
from lms.lti.models import LtiAccount, LtiContext
from lms.progress.models import Enrolment

from .conftest import Auth
from .lti_support import LEARNER, register_platform
from .quiz_support import sync, write_quiz


def test_a_member_linked_to_another_schools_account_is_skipped_and_reported(app, content_dir, auth, make_user,
                                                                             monkeypatch):
    from lms.accounts.services import create_invited_user
    from lms.catalog.models import Course
    from lms.schools.services import create_school, current_school

    write_quiz(content_dir)
    sync(app)
    make_user(email="teacher@example.com", name="Grace Teacher", role="instructor")
    platform = register_platform(app, "https://platform.example.org/jwks")
    with app.test_request_context():
        current_school()
        other = create_school("other", "Other School", ["other.example.org"])
        db.session.flush()
        stranger = create_invited_user("stray@example.org", "Stray Stranger", school=other)
        db.session.add(LtiAccount(platform_id=platform, sub="stray", user_id=stranger.id))  # an old, wrong link
        course_id = db.session.scalar(db.select(Course.id).filter_by(slug="intro-course"))
        context = LtiContext(platform_id=platform, context_id="context-1", title="Biology 101", course_id=course_id,
                             memberships_url="https://platform.example.org/memberships")
        db.session.add(context)
        db.session.commit()
        context_id, stranger_id, other_id = context.id, stranger.id, other.id
    members = [{"user_id": "stray", "name": "Stray Member", "roles": [LEARNER]},
               {"user_id": "new-1", "name": "New Member", "roles": [LEARNER]}]
    monkeypatch.setattr(roster, "fetch_members", lambda *args: members)
    auth.login(email="teacher@example.com")
    response = auth.post(f"/lti/contexts/{context_id}/roster", token_from="/lti/contexts")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[:500]
    assert "New accounts: 1. Accounts already linked: 0. New enrolments: 1." in page
    assert "Members skipped: 1" in page and "Stray Member" in page
    with app.app_context():
        enrolled = db.session.scalars(db.select(User.name).join(Enrolment, Enrolment.user_id == User.id)).all()
        assert enrolled == ["New Member"]  # the other school's account is neither enrolled nor changed
        assert db.session.get(User, stranger_id).school_id == other_id
    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    admin = Auth(app.test_client())
    assert admin.login(email="admin@example.com").status_code == 302
    page = admin.client.get(f"/admin/lti/{platform}").get_data(as_text=True)  # the platform's users, this school's
    assert "New Member" in page and "stray@example.org" not in page and "Stray Stranger" not in page

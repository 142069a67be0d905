"""Conductor against an independent LTI 1.3 platform (lti1p3platform, run as a separate server on loopback):
registration, deep linking, launches, refusals of tampered and replayed launches."""
from __future__ import annotations

import re

import pytest

from lms.accounts.models import User
from lms.extensions import db

from .lti_live import (  # noqa: F401
    CONTEXT,
    LEARNER,
    conductor,
    deep_link_quiz,
    learner_launch,
    loopback_browser,
    pass_quiz,
    quiz_text,
    register_both,
    wait_for,
)
from .lti_platform.fixtures import lti_platform, lti_platform_server  # noqa: F401
from .lti_platform.tamper import ALL_KINDS


def test_a_teacher_deep_links_a_quiz_and_a_learner_launches_it(app, conductor, lti_platform):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    assert link["title"] == "Basics check" and link["line_item"]
    column = lti_platform.gradebook()[link["line_item"]]
    assert column["scoreMaximum"] == 100 and column["label"] == "Basics check"
    with loopback_browser() as browser:
        page = lti_platform.follow_launch(browser, learner_launch(lti_platform, link))
        assert page.status_code == 200 and page.url == f"{conductor}/courses/intro-course/quiz/basics"
        assert "Basics check" in page.text
    with app.app_context():
        assert db.session.scalar(db.select(User.name).filter_by(role="learner")) == "Ada Learner"


@pytest.mark.parametrize("kind", sorted(ALL_KINDS))
def test_a_tampered_launch_is_refused(app, conductor, lti_platform, kind):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    with loopback_browser() as browser:
        page = lti_platform.follow_launch(browser, learner_launch(lti_platform, link, tamper=kind))
        assert page.status_code == 400 and "Launch refused" in page.text
        assert browser.get(f"{conductor}/account/profile", timeout=10).url.startswith(f"{conductor}/account/login")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id)).filter_by(role="learner")) == 0


def test_a_replayed_launch_is_refused(app, conductor, lti_platform):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    launch = learner_launch(lti_platform, link)
    with loopback_browser() as browser:
        assert lti_platform.follow_launch(browser, launch).status_code == 200
        [captured] = lti_platform.captured(launch["hint"])
        # The same browser (its state cookie still set) posts the same id_token again.
        again = browser.post(captured["launch_url"], data={"id_token": captured["id_token"],
                                                           "state": captured["state"]}, timeout=10)
        assert again.status_code == 400 and "Launch refused" in again.text


def scores(platform, line_item: str) -> dict:
    return platform.gradebook()[line_item]["scores"]


def test_the_best_score_reaches_the_gradebook_once_per_attempt(app, conductor, lti_platform):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    with loopback_browser() as browser:
        lti_platform.follow_launch(browser, learner_launch(lti_platform, link))
        pass_quiz(app, browser, conductor)
        latest = wait_for(lambda: scores(lti_platform, link["line_item"]).get("learner-1"))
        assert latest["latest"]["scoreGiven"] == 100 and latest["latest"]["scoreMaximum"] == 100
        assert latest["latest"]["activityProgress"] == "Completed"
        assert latest["latest"]["gradingProgress"] == "FullyGraded"
        pass_quiz(app, browser, conductor, right=0)  # a worse attempt: the best score stays
        history = wait_for(lambda: len(scores(lti_platform, link["line_item"])["learner-1"]["history"]) == 2 and
                           scores(lti_platform, link["line_item"])["learner-1"]["history"])
        assert [post["scoreGiven"] for post in history] == [100, 100]
    runner = app.test_cli_runner()
    assert runner.invoke(args=["lms", "outbox", "deliver"]).exit_code == 0
    assert lti_platform.gradebook()[link["line_item"]]["posts"] == 2  # never twice for one attempt


def test_a_score_the_platform_could_not_take_is_sent_again(app, conductor, lti_platform):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    lti_platform.down(True)
    with loopback_browser() as browser:
        lti_platform.follow_launch(browser, learner_launch(lti_platform, link))
        pass_quiz(app, browser, conductor)
    from lms.outbox.models import OutboxMessage

    tried = wait_for(lambda: _outbox(app, OutboxMessage))
    assert tried and tried[0][0] == "pending" and tried[0][1] == 1
    assert scores(lti_platform, link["line_item"]) == {}
    lti_platform.down(False)
    result = app.test_cli_runner().invoke(args=["lms", "outbox", "deliver", "--all"])
    assert result.exit_code == 0, result.output
    assert scores(lti_platform, link["line_item"])["learner-1"]["latest"]["scoreGiven"] == 100


def _outbox(app, model):
    with app.app_context():
        rows = db.session.execute(db.select(model.state, model.attempts)).all()
        return [tuple(row) for row in rows if row.attempts] or None


def test_a_teacher_imports_the_roster_once(app, conductor, lti_platform):
    from lms.progress.models import Enrolment

    from .lti_live import TEACHER, csrf_of

    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    members = [{"user_id": "learner-1", "roles": LEARNER["roles"], "name": "Ada Learner", "email": "ada@example.com"},
               {"user_id": "learner-2", "roles": LEARNER["roles"], "name": "Alan Second", "status": "Active"},
               {"user_id": "learner-3", "roles": LEARNER["roles"], "name": "Gone Member", "status": "Inactive"},
               {"user_id": TEACHER["sub"], "roles": TEACHER["roles"], "name": TEACHER["name"]}]
    lti_platform.set_members(CONTEXT["id"], members, title=CONTEXT["title"])
    with loopback_browser() as teacher:
        lti_platform.follow_launch(teacher, learner_launch(lti_platform, link, user=TEACHER))
        page = teacher.get(f"{conductor}/lti/contexts", timeout=10)
        assert page.status_code == 200 and "Biology 101" in page.text
        action = re.search(r'<form method="post" action="(/lti/contexts/\d+/roster)"', page.text)[1]
        first = teacher.post(conductor + action, data={"csrf_token": csrf_of(page.text)}, timeout=10)
        assert first.status_code == 200
        assert "New accounts: 2. Accounts already linked: 1. New enrolments: 2." in first.text
        again = teacher.post(conductor + action, data={"csrf_token": csrf_of(page.text)}, timeout=10)
        assert "New accounts: 0. Accounts already linked: 3. New enrolments: 0." in again.text
    with app.app_context():
        names = db.session.scalars(db.select(User.name).join(Enrolment, Enrolment.user_id == User.id)
                                   .order_by(User.name)).all()
        assert names == ["Ada Learner", "Alan Second"]
    with loopback_browser() as learner:  # the imported learner's first launch finds the account made for them
        lti_platform.follow_launch(learner, learner_launch(lti_platform, link))
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(User.id))) == 3


def test_a_learner_cannot_import_a_roster(app, conductor, lti_platform):
    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor)
    with loopback_browser() as learner:
        lti_platform.follow_launch(learner, learner_launch(lti_platform, link))
        assert learner.get(f"{conductor}/lti/contexts", timeout=10).status_code == 403


def test_an_admin_registers_conductor_by_dynamic_registration_then_launches_work(app, conductor, lti_platform,
                                                                                   make_user):
    from lms.lti.models import LtiPlatform

    from .conftest import PASSWORD
    from .lti_live import confirm_registration, open_registration

    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    started = lti_platform.start_dynamic_registration(f"{conductor}/lti/register")
    with loopback_browser() as admin:
        page = open_registration(admin, started["url"], "admin@example.com", PASSWORD)
        assert lti_platform.issuer in page.text and "conductor-test-platform" in page.text
        again = admin.get(started["url"], timeout=10)  # a logged-in admin's GET (any page can send one)
        assert again.status_code == 200 and "Register this platform" in again.text
        assert lti_platform.dynamic_registration(started["registration_token"])["used"] is False
        with app.app_context():
            assert db.session.scalar(db.select(db.func.count(LtiPlatform.id))) == 0
        done = confirm_registration(admin, conductor, page)
        assert done.status_code == 200 and "Registration complete" in done.text, done.text[:300]
        assert "lti-close.js" in done.text
    answer = lti_platform.dynamic_registration(started["registration_token"])
    assert answer["used"] is True
    with app.app_context():
        platform = db.session.scalar(db.select(LtiPlatform))
        assert platform.client_id == answer["client_id"] and platform.issuer == lti_platform.issuer
        assert [row.deployment_id for row in platform.deployments]
    link = deep_link_quiz(lti_platform, conductor)  # the registration works: a deep link and a launch
    with loopback_browser() as learner:
        page = lti_platform.follow_launch(learner, learner_launch(lti_platform, link))
        assert page.url == f"{conductor}/courses/intro-course/quiz/basics"


def test_dynamic_registration_is_an_admins(app, conductor, lti_platform, make_user):
    from lms.lti.models import LtiPlatform

    from .conftest import PASSWORD
    from .lti_live import csrf_of, open_registration

    make_user(email="learner@example.com", name="Ada Learner")
    started = lti_platform.start_dynamic_registration(f"{conductor}/lti/register")
    with loopback_browser() as learner:
        refused = open_registration(learner, started["url"], "learner@example.com", PASSWORD)
        assert refused.status_code == 403
        home = learner.get(conductor + "/", timeout=10)
        posted = learner.post(f"{conductor}/lti/register", timeout=10, data={
            "csrf_token": csrf_of(home.text), "openid_configuration": started["openid_configuration"],
            "registration_token": started["registration_token"]})
        assert posted.status_code == 403
    assert lti_platform.dynamic_registration(started["registration_token"])["used"] is False
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(LtiPlatform.id))) == 0


def test_the_registration_pages_may_be_framed_by_the_registering_platform_only(app, conductor, lti_platform,
                                                                                 make_user):
    from .conftest import PASSWORD
    from .lti_live import confirm_registration, open_registration

    make_user(email="admin@example.com", name="Adèle Admin", role="admin")
    started = lti_platform.start_dynamic_registration(f"{conductor}/lti/register")
    with loopback_browser() as admin:
        page = open_registration(admin, started["url"], "admin@example.com", PASSWORD)
        framed = page.framed  # the page sending to a new tab shows in the platform's frame
        assert f"frame-ancestors {lti_platform.issuer}" in framed.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in framed.headers
        # The confirmation, with its button, is never framed (no clickjacking of "Register this platform").
        assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
        assert page.headers["X-Frame-Options"] == "DENY"
        done = confirm_registration(admin, conductor, page)
        assert f"frame-ancestors {lti_platform.issuer}" in done.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in done.headers
        home = admin.get(conductor + "/", timeout=10)  # the admin's other pages: an ordinary session
        assert home.headers["X-Frame-Options"] == "DENY"


def test_a_completed_course_sends_its_completion_to_the_courses_column(app, conductor, lti_platform):
    from lms.progress.models import Enrolment
    from lms.signals import course_completed

    register_both(app, lti_platform, conductor)
    link = deep_link_quiz(lti_platform, conductor, kind="course")
    assert lti_platform.gradebook()[link["line_item"]]["label"] == "Intro Course"
    with loopback_browser() as learner:
        page = lti_platform.follow_launch(learner, learner_launch(lti_platform, link))
        assert page.url == f"{conductor}/courses/intro-course/"
    with app.test_request_context():
        enrolment = db.session.scalar(db.select(Enrolment))
        course_completed.send(enrolment)  # what lms.progress sends when the last step is done
        course_completed.send(enrolment)  # a second signal for the same enrolment queues nothing more
        db.session.commit()
    assert app.test_cli_runner().invoke(args=["lms", "outbox", "deliver", "--all"]).exit_code == 0
    column = lti_platform.gradebook()[link["line_item"]]
    assert column["posts"] == 1 and column["scores"]["learner-1"]["latest"]["scoreGiven"] == 100

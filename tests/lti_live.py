"""Conductor served on loopback for the independent LTI platform (tests/lti_platform) to talk to."""
from __future__ import annotations

import html
import re
import time
from http.cookiejar import DefaultCookiePolicy

import pytest
import requests

from lms.extensions import db
from lms.lti.models import LtiDeployment, LtiPlatform
from lms.schools.services import current_school

from .browser.conftest import serving
from .quiz_support import answers_form, questions, sync, write_quiz

LEARNER = {"sub": "learner-1", "name": "Ada Learner", "email": "ada@example.com",
           "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"]}
TEACHER = {"sub": "teacher-1", "name": "Grace Teacher", "email": "grace@example.com",
           "roles": ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"]}
CONTEXT = {"id": "course-1", "title": "Biology 101"}


@pytest.fixture()
def quiz_text() -> str | None:
    """The basics quiz's file (None: tests/quiz_support.py's six questions)."""
    return None


@pytest.fixture()
def conductor(app, content_dir, monkeypatch, quiz_text):
    """Conductor with the basics quiz, on 127.0.0.1 at a free port: its base URL. Requests sessions send
    Secure cookies to 127.0.0.1 meanwhile, as Chromium does."""
    monkeypatch.setattr(DefaultCookiePolicy, "return_ok_secure", _secure_on_loopback)
    write_quiz(content_dir, text=quiz_text)
    sync(app)
    with serving(app) as base:
        yield base


def register_both(app, platform, base: str) -> dict:
    """The platform registers Conductor, and Conductor's admin registers the platform (as the admin form does)."""
    reg = platform.register_tool(f"{base}/lti/login", f"{base}/lti/launch", jwks_url=f"{base}/lti/jwks.json",
                                 deep_link_url=f"{base}/lti/launch")
    with app.test_request_context(base_url=base):
        row = LtiPlatform(school_id=current_school().id, name="Independent platform", issuer=reg["issuer"],
                          client_id=reg["client_id"], auth_login_url=reg["auth_login_url"],
                          auth_token_url=reg["auth_token_url"], key_set_url=reg["key_set_url"],
                          token_audience=reg.get("auth_audience") or "")
        db.session.add(row)
        db.session.flush()
        db.session.add(LtiDeployment(platform_id=row.id, deployment_id=reg["deployment_id"]))
        db.session.commit()
    return reg


def loopback_browser() -> requests.Session:
    """A requests session (a browser: see ``conductor``, which lets it send Secure cookies to loopback)."""
    return requests.Session()


def _secure_on_loopback(policy, cookie, request) -> bool:
    """As Chromium: http://127.0.0.1 is a trustworthy origin, so Secure cookies go there."""
    return not cookie.secure or request.type == "https" or request.host.split(":")[0] == "127.0.0.1"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def open_registration(browser: requests.Session, url: str, email: str, password: str) -> requests.Response:
    """Dynamic registration as the admin's browser goes through it: the platform's frame shows a page sending
    to a new tab (``framed``, kept on the answer), where the admin logs in and lands on the confirmation page
    (returned; a 403 for someone who is not an admin)."""
    framed = browser.get(url, headers={"Sec-Fetch-Dest": "iframe"}, timeout=10)
    assert framed.status_code == 200, framed.text[:500]
    tab = html.unescape(re.search(r'href="([^"]+)" target="_blank" rel="noopener"', framed.text)[1])
    login = browser.get(tab, headers={"Sec-Fetch-Dest": "document"}, timeout=10)
    assert "/account/login" in login.url, login.url
    page = browser.post(login.url, data={"email": email, "password": password, "csrf_token": csrf_of(login.text)},
                        timeout=10)  # redirected back to the registration
    page.framed = framed
    return page


def confirm_registration(browser: requests.Session, base: str, page: requests.Response) -> requests.Response:
    """The admin's click on "Register this platform" on the confirmation ``page``."""
    assert page.status_code == 200 and "Register this platform" in page.text, page.text[:500]
    fields = dict(re.findall(r'<input id="[^"]*" name="([^"]+)" type="hidden" value="([^"]*)"', page.text))
    return browser.post(f"{base}/lti/register", data={name: html.unescape(value) for name, value in fields.items()},
                        timeout=10)


def deep_link_quiz(platform, base: str, kind: str = "quiz") -> dict:
    """A teacher deep-links the basics quiz (or the course: ``kind``) into the platform's course; returns the
    link the platform created."""
    with loopback_browser() as browser:
        picker = platform.follow_launch(browser, platform.deep_link_launch(TEACHER, CONTEXT))
        assert picker.status_code == 200 and picker.url == f"{base}/lti/deep-link", picker.text[:500]
        value = re.search(rf'value="({kind}:\d+)"', picker.text)[1]
        answer = browser.post(f"{base}/lti/deep-link", data={"csrf_token": csrf_of(picker.text), "target": value},
                              timeout=10)
        assert answer.status_code == 200, answer.text[:500]
        action = html.unescape(re.search(r'<form method="post" action="([^"]+)" data-autopost>', answer.text)[1])
        token = re.search(r'name="JWT" value="([^"]+)"', answer.text)[1]
        back = browser.post(action, data={"JWT": token}, timeout=10)
        assert back.status_code == 200, back.text[:500]
    [returned] = platform.deep_link_returns()
    [link] = returned["created"]
    return link


def learner_launch(platform, link: dict, user: dict = LEARNER, **options) -> dict:
    return platform.launch(user, CONTEXT, {"id": link["id"], "title": link["title"]}, line_item=link["line_item"],
                           custom=link["custom"], **options)


def pass_quiz(app, browser: requests.Session, base: str, right: int | None = None) -> int:
    """The learner (logged in ``browser``) starts the basics quiz and submits it, ``right`` answers right (all
    when None); returns the attempt's id."""
    quiz = f"{base}/courses/intro-course/quiz/basics"
    page = browser.get(quiz, timeout=10)
    started = browser.post(quiz + "/start", data={"csrf_token": csrf_of(page.text)}, timeout=10)
    attempt_id = int(re.search(r"/attempts/(\d+)$", started.url)[1])
    form = {**answers_form(questions(app, attempt_id), right=right), "action": "submit",
            "csrf_token": csrf_of(started.text)}
    done = browser.post(started.url, data=form, timeout=10)
    assert done.status_code == 200, done.text[:300]
    return attempt_id


def wait_for(check, seconds: float = 10):
    """``check()``'s first truthy answer within ``seconds`` (the score goes out after the response)."""
    deadline = time.monotonic() + seconds
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.1)

"""The Locust file of bench/cohort.py: one simulated user is one learner, with its own account and
cookie jar, who walks the course once as a browser would and stops.

The walk: log-in page, log in, dashboard, course page, enrol, then for each module its lessons in
order (open, mark complete) and its quiz (quiz page, start, attempt page, save half the answers,
attempt page, submit every answer, result page), then the final exam. Each redirect is checked
against the page a learner expects next and then followed, and each form posts the CSRF token of
the page it came from. Any surprise ends the walk as a failure. The plan (course, answer key,
accounts) comes from the JSON file named by COHORT_PLAN; each learner writes a line of timings to
the records folder, and the master stops the run once every learner has walked.
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import gevent
from common import CSRF_FIELD, USER_AGENT
from locust import FastHttpUser, constant, events, task
from locust.exception import StopUser
from locust.runners import WorkerRunner

PLAN = json.loads(Path(os.environ["COHORT_PLAN"]).read_text())
QUESTION_FIELD = re.compile(r'name="q(\d+)(?:-[^"]*)?"')
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class WalkFailed(Exception):
    """The app answered something a learner walking the course would not expect."""


def claim_learner() -> int:
    """The next unused learner number, shared by every Locust process through a locked file."""
    with open(PLAN["claims"], "a+") as claims:
        fcntl.flock(claims, fcntl.LOCK_EX)
        claims.seek(0)
        number = len(claims.read().split())
        claims.write(f"{number}\n")
    return number


class Learner(FastHttpUser):
    wait_time = constant(0)  # no reading time: the figures are the server's capacity, not a reading speed
    default_headers = {"User-Agent": USER_AGENT}

    def on_start(self) -> None:
        self.number = claim_learner()
        self.stamps: list[float] = []
        self.last_lesson: str | None = None

    def call(self, kind: str, method: str, path: str, form: dict | None = None, expect: int = 200,
             goes_to: str | None = None):
        """One request named by its kind; a wrong status or redirect fails it and ends the walk."""
        body = urlencode(form, doseq=True) if form is not None else None
        with self.client.request(method, path, name=kind, data=body, headers=FORM if form is not None else None,
                                 allow_redirects=False, catch_response=True) as response:
            problem = None
            if response.status_code != expect:
                problem = f"{kind} {path}: status {response.status_code}, expected {expect}"
            elif goes_to is not None and not self.location(response).startswith(goes_to):
                problem = f"{kind} {path}: sent to {self.location(response)}, expected {goes_to}"
            if problem:
                response.failure(problem)
            else:
                response.success()
        self.stamps.append(time.time())
        if problem:
            raise WalkFailed(problem)
        return response

    @staticmethod
    def location(response) -> str:
        return urlsplit(response.headers.get("Location") or "").path

    @staticmethod
    def token(response) -> str:
        found = CSRF_FIELD.search(response.text or "")
        if found is None:
            raise WalkFailed(f"no CSRF token in {response.url}")
        return found.group(1)

    @task
    def walk(self) -> None:
        started, error = time.time(), None
        try:
            self.walk_course()
        except Exception as exc:  # noqa: BLE001 - recorded as a broken walk and counted as an error
            error = f"{type(exc).__name__}: {exc}"
        record = {"learner": self.number, "start": started, "end": time.time(), "stamps": self.stamps,
                  "last_lesson": self.last_lesson, "error": error}
        with open(Path(PLAN["records"]) / f"walks-{os.getpid()}.jsonl", "a") as records:
            records.write(json.dumps(record) + "\n")
        self.environment.runner.send_message("walked", self.number)
        raise StopUser()

    def walk_course(self) -> None:
        course = f"/courses/{PLAN['course']}/"
        page = self.call("login page", "GET", "/account/login")
        form = {"email": PLAN["email"].format(self.number), "password": PLAN["password"], "csrf_token": self.token(page)}
        self.call("log-in", "POST", "/account/login", form, 302, goes_to="/dashboard")
        self.call("dashboard", "GET", "/dashboard")
        page = self.call("course page", "GET", course)
        first = course + PLAN["modules"][0]["lessons"][0]
        self.call("enrol", "POST", course + "enrol", {"csrf_token": self.token(page)}, 302, goes_to=first)
        page = None  # the page in the browser, when the last redirect led to the next step
        for module in PLAN["modules"]:
            for n, lesson in enumerate(module["lessons"]):
                path = course + lesson
                page = page or self.call("lesson page", "GET", path)
                self.last_lesson = lesson
                last = n == len(module["lessons"]) - 1
                following = (course + "quiz/" + module["quiz"] if last and module["quiz"]
                             else course + module["lessons"][n + 1] if not last else None)
                self.call("complete", "POST", path + "/complete", {"csrf_token": self.token(page)}, 302,
                          goes_to=following)
                kind = "quiz page" if last and module["quiz"] else "lesson page"
                page = self.call(kind, "GET", following) if following else None
            if module["quiz"]:
                self.take_quiz(course + "quiz/" + module["quiz"], page)
                page = None
        if PLAN["final"]:
            quiz = course + "quiz/" + PLAN["final"]
            self.take_quiz(quiz, self.call("quiz page", "GET", quiz))

    def take_quiz(self, quiz: str, page) -> None:
        """Start, save the first half of the answers, submit them all, and read the result."""
        started = self.call("quiz start", "POST", quiz + "/start", {"csrf_token": self.token(page)}, 302,
                            goes_to=quiz + "/attempts/")
        attempt = self.location(started)
        page = self.call("attempt page", "GET", attempt)
        shown = list(dict.fromkeys(QUESTION_FIELD.findall(page.text)))
        missing = [qid for qid in shown if qid not in PLAN["answers"]]
        if not shown or missing:
            raise WalkFailed(f"{attempt}: questions {missing or 'none'} not in the answer key")
        answers = [PLAN["answers"][qid] for qid in shown]
        half = {field: value for answer in answers[: len(answers) // 2] for field, value in answer.items()}
        self.call("save", "POST", attempt, {"csrf_token": self.token(page), "action": "save", **half}, 302,
                  goes_to=attempt)
        page = self.call("attempt page", "GET", attempt)
        every = {field: value for answer in answers for field, value in answer.items()}
        self.call("submit", "POST", attempt, {"csrf_token": self.token(page), "action": "submit", **every}, 302,
                  goes_to=attempt)
        result = self.call("result page", "GET", attempt)
        if "result-passed" not in (result.text or ""):
            raise WalkFailed(f"{attempt}: right answers did not pass")


@events.init.add_listener
def stop_when_walked(environment, **_kwargs) -> None:
    """On the master (or a lone local runner): quit once every learner has reported its walk; the
    run's -t is only a bound."""
    runner = environment.runner
    if isinstance(runner, WorkerRunner):
        return
    walked: set[int] = set()

    def on_walked(environment, msg, **_kwargs) -> None:
        walked.add(msg.data)
        if len(walked) == PLAN["learners"]:
            # quit() tells the workers to send their last stats and quit; runner.stop() first would
            # forget them (a stopped worker is dropped) and leave them to time out on their own
            gevent.spawn(runner.quit)  # not from this handler's greenlet, which quitting kills

    runner.register_message("walked", on_walked)


@events.quitting.add_listener
def report_cpu(environment, **_kwargs) -> None:
    """Each Locust process writes its own CPU seconds as it quits: its parent does not reap its workers."""
    times = os.times()
    (Path(PLAN["records"]) / f"cpu-{os.getpid()}.json").write_text(json.dumps(times.user + times.system))

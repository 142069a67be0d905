"""The mails, each in the learner's language (their saved one, else the school's), naming what is due, when
(in the language's format, in UTC) and where, with a link on the school's own host.

A run mails thousands of learners about a few deadlines, so the text is built once per deadline, kind and
language (``Letter``), and only the greeting is per learner."""
from __future__ import annotations

from dataclasses import dataclass

from ..accounts.models import User
from ..assignments.models import Submission
from ..certificates.models import Certificate
from ..cohorts.models import CohortDeadline
from ..i18n import _, date_time, force_locale
from ..schools.settings import site_branding
from ..web import public_url


@dataclass(frozen=True)
class Letter:
    """A mail's subject and text; ``greeting`` holds ``%(name)s``, filled in per learner."""
    subject: str
    greeting: str
    text: str

    def body(self, user: User) -> str:
        return self.greeting % {"name": user.name} + "\n\n" + self.text


def _what(deadline: CohortDeadline) -> tuple[str, str]:
    """What the deadline asks, in words, and the link to it."""
    course = deadline.course
    if deadline.quiz is not None:
        return (_("the test “%(quiz)s” of the course “%(course)s”", quiz=deadline.quiz.title, course=course.title),
                public_url("quizzes.quiz", course_slug=course.slug, quiz_slug=deadline.quiz.slug))
    return _("the course “%(course)s”", course=course.title), public_url("catalog.course", slug=course.slug)


def _opt_out() -> str:
    return _("You receive these reminders as a member of a cohort. To stop them, untick “E-mail me reminders "
             "about deadlines” on your profile: %(url)s", url=public_url("accounts.profile"))


def deadline_letter(kind: str, deadline: CohortDeadline, language: str) -> Letter:
    """A deadline reminder; call inside ``acting_for`` the deadline's school. The opt-out line comes last."""
    with force_locale(language):
        what, link = _what(deadline)
        due, cohort = date_time(deadline.due_at), deadline.cohort.name
        if kind == "deadline_missed":
            subject = _("Deadline missed: %(course)s", course=deadline.course.title)
            lead = _("The deadline for %(what)s in your cohort “%(cohort)s” passed on %(due)s, and it is not done "
                     "yet. You can still catch up:", what=what, cohort=cohort, due=due)
        else:
            subject = (_("Due in 7 days: %(course)s", course=deadline.course.title) if kind == "deadline_7d"
                       else _("Due tomorrow: %(course)s", course=deadline.course.title))
            lead = _("In your cohort “%(cohort)s”, %(what)s is due by %(due)s.", what=what, cohort=cohort, due=due)
        return Letter(subject, _("Hello %(name)s,"),
                      lead + f"\n{link}\n\n" + site_branding().name + "\n\n-- \n" + _opt_out() + "\n")


def certificate_letter(certificate: Certificate, language: str) -> Letter:
    """The mail telling a learner their certificate is issued."""
    with force_locale(language):
        return Letter(_("Your certificate: %(title)s", title=certificate.title), _("Hello %(name)s,"),
                      _("Congratulations: your certificate for “%(title)s” is issued. Download it or share it from "
                        "your certificates page:", title=certificate.title)
                      + "\n" + public_url("certificates.mine") + "\n\n" + site_branding().name + "\n")


def decision_letter(submission: Submission, language: str) -> Letter:
    """The mail telling a learner their submission is decided, with a link to the assignment's page."""
    assignment = submission.assignment
    link = public_url("catalog.course", slug=assignment.course.slug) + f"assignments/{assignment.slug}"
    with force_locale(language):
        outcome = {"pass": _("It passed."),
                   "revise": _("The reviewer asks you to revise it and submit it again."),
                   "fail": _("It did not pass.")}[submission.decision or "fail"]
        return Letter(_("Your submission is reviewed: %(title)s", title=assignment.title), _("Hello %(name)s,"),
                      _("Your submission to “%(title)s” has a decision.", title=assignment.title) + " " + outcome
                      + " " + _("Read the feedback on the assignment's page:") + "\n" + link + "\n\n"
                      + site_branding().name + "\n")

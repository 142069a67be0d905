"""The mails, each in the learner's language (their saved one, else the school's), naming what is due, when
(in the language's format, in UTC) and where, with a link on the school's own host."""
from __future__ import annotations

from ..accounts.models import User
from ..certificates.models import Certificate
from ..cohorts.models import CohortDeadline
from ..i18n import _, date_time, force_locale, school_language, user_language
from ..schools.settings import site_branding
from ..web import public_url


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


def deadline_mail(user: User, kind: str, deadline: CohortDeadline) -> tuple[str, str]:
    """Subject and body of a deadline reminder; call inside ``acting_for`` the school."""
    with force_locale(user_language(user) or school_language()):
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
        body = (_("Hello %(name)s,", name=user.name) + "\n\n" + lead + f"\n{link}\n\n"
                + site_branding().name + "\n\n-- \n" + _opt_out() + "\n")
    return subject, body


def certificate_mail(user: User, certificate: Certificate) -> tuple[str, str]:
    """Subject and body of the mail telling a learner their certificate is issued."""
    with force_locale(user_language(user) or school_language()):
        subject = _("Your certificate: %(title)s", title=certificate.title)
        body = (_("Hello %(name)s,", name=user.name) + "\n\n"
                + _("Congratulations: your certificate for “%(title)s” is issued. Download it or share it from "
                    "your certificates page:", title=certificate.title)
                + "\n" + public_url("certificates.mine") + "\n\n" + site_branding().name + "\n")
    return subject, body

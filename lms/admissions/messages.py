"""The mails of admissions, each in the language of the page the applicant applied from (stored on the
application). Anyone may type any address into the form, so the first mail repeats nothing they typed but
the cohort's name, and nothing reaches staff until the address's owner confirms through its link."""
from __future__ import annotations

from ..accounts import messages as account_messages
from ..accounts.models import User
from ..i18n import _, force_locale
from ..mail import send_mail
from ..schools.settings import site_branding
from ..web import public_url
from .models import Application


def _status_link(token: str) -> str:
    return public_url("admissions.status", token=token)


def received(application: Application, token: str) -> None:
    """To the address given: the private link that confirms the application, and later shows its status."""
    cohort = application.round.cohort.name
    with force_locale(application.language):
        school = site_branding().name
        send_mail(application.email, _("Confirm your application to %(cohort)s", cohort=cohort),
                  _("Hello,") + "\n\n"
                  + _("An application to %(cohort)s at %(school)s was made with this e-mail address.",
                      cohort=cohort, school=school) + "\n\n"
                  + _("Open this private link to read it and confirm it; the school sees it only once it is "
                      "confirmed. The same link shows its status later, and lets you withdraw it:") + "\n"
                  + _status_link(token) + "\n\n"
                  + _("If you did not apply, ignore this e-mail: the application will never be reviewed.") + "\n")


def accepted(application: Application, user: User, created: bool) -> None:
    """To the applicant: accepted; a new account gets the invitation to choose a password."""
    cohort = application.round.cohort.name
    with force_locale(application.language):
        reason = _("Your application to %(cohort)s was accepted, and this account was made for you.", cohort=cohort)
        if created:
            account_messages.invitation(user, reason)
            return
        school = site_branding().name
        send_mail(application.email, _("Your application to %(cohort)s was accepted", cohort=cohort),
                  _("Hello %(name)s,", name=application.name) + "\n\n"
                  + _("Your application to %(cohort)s at %(school)s was accepted. Its courses are on your "
                      "learning page; log in with your account:", cohort=cohort, school=school) + "\n"
                  + public_url("progress.dashboard") + "\n")


def declined(application: Application) -> None:
    cohort = application.round.cohort.name
    with force_locale(application.language):
        send_mail(application.email, _("Your application to %(cohort)s", cohort=cohort),
                  _("Hello %(name)s,", name=application.name) + "\n\n"
                  + _("Your application to %(cohort)s was not accepted. The school's message:", cohort=cohort)
                  + "\n\n" + application.decision_message + "\n")

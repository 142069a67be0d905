"""The mails the account pages send. Built during a request, since their links name this site; sent
after it (``lms.mail``).

Each goes out in its recipient's language: the account's saved preference, else the language of the page
that sent it (an address with no account, or an account with no preference, reads what its sender read,
who is most often the owner asking for a reset or registering again), except when another account's
request wrote to the owner (an address asked for by another account): the school's language then."""
from __future__ import annotations

from flask import current_app

from ..i18n import _, force_locale, interface_language, ngettext, school_language, user_language
from ..mail import send_mail
from ..schools.settings import site_branding
from ..web import public_url
from . import services
from .models import User


def language_for(user: User | None = None) -> str:
    """The language of a mail to ``user`` (None: an address with no account)."""
    return (user_language(user) if user is not None else None) or interface_language()


def reset_link(user: User) -> None:
    link = public_url("accounts.reset", token=services.make_reset_token(user))
    minutes = current_app.config["LMS_RESET_TOKEN_MAX_AGE"] // 60
    with force_locale(language_for(user)):
        send_mail(user.email, _("Reset your Conductor password"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + ngettext("Use this link within %(num)d minute to choose a new password:",
                             "Use this link within %(num)d minutes to choose a new password:", minutes)
                  + f"\n{link}\n\n"
                  + _("If you did not ask for it, ignore this e-mail; your password stays the same.") + "\n")


def invitation(user: User, reason: str) -> None:
    """To an account the school made (``services.create_invited_user``): why, and the link to choose a password.
    ``reason`` is one sentence in the recipient's language, such as the cohort they were added to: build it
    inside ``with force_locale(language_for(user))``."""
    link = public_url("accounts.welcome", token=services.make_invitation_token(user))
    days = current_app.config["LMS_INVITATION_MAX_AGE"] // 86400
    with force_locale(language_for(user)):
        school = site_branding().name
        send_mail(user.email, _("Your account at %(school)s", school=school),
                  _("Hello %(name)s,", name=user.name) + "\n\n" + reason + "\n\n"
                  + ngettext("Use this link within %(num)d day to choose your password:",
                             "Use this link within %(num)d days to choose your password:", days)
                  + f"\n{link}\n\n"
                  + _("Your log-in is this e-mail address. If the link has expired, ask for a password reset at %(url)s",
                      url=public_url("accounts.reset_request")) + "\n")


def registration_link(email: str, name: str) -> None:
    """To a new address: the link that finishes the registration, proving the address is the learner's."""
    link = public_url("accounts.finish_registration", token=services.make_registration_token(email, name))
    hours = current_app.config["LMS_REGISTER_TOKEN_MAX_AGE"] // 3600
    # Anyone may type any address, so the mail repeats nothing they typed (a name could carry spam).
    with force_locale(language_for()):
        send_mail(services.normalise_email(email), _("Finish creating your Conductor account"),
                  _("Hello,") + "\n\n"
                  + ngettext("Use this link within %(num)d hour to choose your password and finish creating your "
                             "Conductor account:",
                             "Use this link within %(num)d hours to choose your password and finish creating your "
                             "Conductor account:", hours)
                  + f"\n{link}\n\n" + _("If you did not ask for an account, ignore this e-mail.") + "\n")


def already_registered(user: User) -> None:
    """To the owner of an address someone tried to register again: the page answered as for a new one."""
    login, reset = public_url("accounts.login"), public_url("accounts.reset_request")
    with force_locale(language_for(user)):
        send_mail(user.email, _("You already have a Conductor account"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + _("Someone, perhaps you, asked to create a Conductor account with this address. "
                      "You already have one.") + "\n\n"
                  + _("Log in: %(url)s", url=login) + "\n"
                  + _("Forgot your password? Reset it: %(url)s", url=reset) + "\n\n"
                  + _("If it was not you, ignore this e-mail: nothing has changed.") + "\n")


def no_account(email: str) -> None:
    """To an address with no active account that someone asked a reset for: the page answered the same,
    and a mail goes out either way, so neither the answer nor its timing says which it was."""
    register = public_url("accounts.register")
    with force_locale(language_for()):
        send_mail(services.normalise_email(email), _("Your Conductor password reset"),
                  _("Hello,") + "\n\n"
                  + _("Someone, perhaps you, asked to reset a Conductor password for this address, but no "
                      "active account uses it. Your account may use another address, or an administrator may have "
                      "closed it.") + "\n\n"
                  + _("To create an account: %(url)s", url=register) + "\n\n"
                  + _("If it was not you, ignore this e-mail.") + "\n")


def password_changed(user: User) -> None:
    """Tell the owner, so a change they did not make (a stolen session, a read mailbox) does not go unseen."""
    reset = public_url("accounts.reset_request")
    with force_locale(language_for(user)):
        send_mail(user.email, _("Your Conductor password was changed"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + _("The password of your Conductor account was just changed, and every other device was "
                      "logged out.") + "\n\n"
                  + _("If it was not you, choose a new one now: %(url)s\nand tell your school's administrator.",
                      url=reset) + "\n")


def welcome(user: User) -> None:
    """To a learner who has just finished registering: where to start, and where to find help."""
    catalog, learning = public_url("catalog.home"), public_url("progress.dashboard")
    help_page, school = public_url("help.index"), site_branding().name
    with force_locale(language_for(user)):
        send_mail(user.email, _("Welcome to %(school)s", school=school),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + _("Your account is ready. Here is how to start:") + "\n\n"
                  + _("1. Pick a course in the catalog and enrol: %(url)s", url=catalog) + "\n"
                  + _("2. Follow your progress and continue where you left off: %(url)s", url=learning) + "\n"
                  + _("3. Learn how quizzes, progress and certificates work: %(url)s", url=help_page) + "\n\n"
                  + _("The name on your account is the one printed on your certificates.") + "\n")


def email_change_link(user: User, new_email: str) -> None:
    """To the new address: the link that proves it is the learner's; nothing changes until it is opened."""
    link = public_url("accounts.confirm_email", token=services.make_email_change_token(user, new_email))
    hours = current_app.config["LMS_EMAIL_CHANGE_TOKEN_MAX_AGE"] // 3600
    with force_locale(language_for(user)):
        send_mail(services.normalise_email(new_email), _("Confirm your new Conductor e-mail address"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + ngettext("Use this link within %(num)d hour to make this the e-mail address of your "
                             "Conductor account:",
                             "Use this link within %(num)d hours to make this the e-mail address of your "
                             "Conductor account:", hours)
                  + f"\n{link}\n\n"
                  + _("Until you open it, your account keeps its current address. "
                      "If you did not ask for this, ignore this e-mail.") + "\n")


def email_in_use(owner: User) -> None:
    """To the owner of an address another account asked to move to: the page answered as for a free one."""
    reset = public_url("accounts.reset_request")
    # Another account's request: its page's language says nothing of the owner's, so the school's stands in.
    with force_locale(user_language(owner) or school_language()):
        send_mail(owner.email, _("Your e-mail address and Conductor"),
                  _("Hello %(name)s,", name=owner.name) + "\n\n"
                  + _("Someone, perhaps you from another account, asked to use this address for a Conductor "
                      "account. It already belongs to your account, so nothing has changed.") + "\n\n"
                  + _("If you have forgotten your password: %(url)s", url=reset) + "\n")


def email_changed(user: User, previous: str) -> None:
    """To the old address, once the change is made: a change the owner did not make does not go unseen."""
    reset = public_url("accounts.reset_request")
    with force_locale(language_for(user)):
        send_mail(previous, _("Your Conductor e-mail address was changed"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + _("The e-mail address of your Conductor account was changed from this address to %(email)s.",
                      email=user.email) + "\n\n"
                  + _("If it was not you, reset your password now: %(url)s\nand tell your school's administrator.",
                      url=reset) + "\n")

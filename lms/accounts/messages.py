"""The mails the account pages send. Built during a request, since their links name this site; sent
after it (``lms.mail``)."""
from __future__ import annotations

from flask import current_app

from ..mail import send_mail
from ..schools.settings import site_branding
from ..web import public_url
from . import services
from .models import User


def reset_link(user: User) -> None:
    link = public_url("accounts.reset", token=services.make_reset_token(user))
    minutes = current_app.config["LMS_RESET_TOKEN_MAX_AGE"] // 60
    send_mail(user.email, "Reset your Conductor password",
              f"Hello {user.name},\n\nUse this link within {minutes} minutes to choose a new password:\n"
              f"{link}\n\nIf you did not ask for it, ignore this e-mail; your password stays the same.\n")


def registration_link(email: str, name: str) -> None:
    """To a new address: the link that finishes the registration, proving the address is the learner's."""
    link = public_url("accounts.finish_registration", token=services.make_registration_token(email, name))
    hours = current_app.config["LMS_REGISTER_TOKEN_MAX_AGE"] // 3600
    # Anyone may type any address, so the mail repeats nothing they typed (a name could carry spam).
    send_mail(services.normalise_email(email), "Finish creating your Conductor account",
              f"Hello,\n\nUse this link within {hours} hours to choose your password and finish creating your "
              f"Conductor account:\n{link}\n\nIf you did not ask for an account, ignore this e-mail.\n")


def already_registered(user: User) -> None:
    """To the owner of an address someone tried to register again: the page answered as for a new one."""
    login, reset = public_url("accounts.login"), public_url("accounts.reset_request")
    send_mail(user.email, "You already have a Conductor account",
              f"Hello {user.name},\n\nSomeone, perhaps you, asked to create a Conductor account with this address. "
              f"You already have one.\n\nLog in: {login}\nForgot your password? Reset it: {reset}\n\n"
              "If it was not you, ignore this e-mail: nothing has changed.\n")


def no_account(email: str) -> None:
    """To an address with no active account that someone asked a reset for: the page answered the same,
    and a mail goes out either way, so neither the answer nor its timing says which it was."""
    register = public_url("accounts.register")
    send_mail(services.normalise_email(email), "Your Conductor password reset",
              "Hello,\n\nSomeone, perhaps you, asked to reset a Conductor password for this address, but no "
              "active account uses it. Your account may use another address, or an administrator may have "
              f"closed it.\n\nTo create an account: {register}\n\nIf it was not you, ignore this e-mail.\n")


def password_changed(user: User) -> None:
    """Tell the owner, so a change they did not make (a stolen session, a read mailbox) does not go unseen."""
    reset = public_url("accounts.reset_request")
    send_mail(user.email, "Your Conductor password was changed",
              f"Hello {user.name},\n\nThe password of your Conductor account was just changed, and every other "
              f"device was logged out.\n\nIf it was not you, choose a new one now: {reset}\n"
              "and tell your school's administrator.\n")


def welcome(user: User) -> None:
    """To a learner who has just finished registering: where to start, and where to find help."""
    catalog, learning = public_url("catalog.home"), public_url("progress.dashboard")
    help_page, school = public_url("help.index"), site_branding().name
    send_mail(user.email, f"Welcome to {school}",
              f"Hello {user.name},\n\nYour account is ready. Here is how to start:\n\n"
              f"1. Pick a course in the catalog and enrol: {catalog}\n"
              f"2. Follow your progress and continue where you left off: {learning}\n"
              f"3. Learn how quizzes, progress and certificates work: {help_page}\n\n"
              "The name on your account is the one printed on your certificates.\n")
def email_change_link(user: User, new_email: str) -> None:
    """To the new address: the link that proves it is the learner's; nothing changes until it is opened."""
    link = public_url("accounts.confirm_email", token=services.make_email_change_token(user, new_email))
    hours = current_app.config["LMS_EMAIL_CHANGE_TOKEN_MAX_AGE"] // 3600
    send_mail(services.normalise_email(new_email), "Confirm your new Conductor e-mail address",
              f"Hello {user.name},\n\nUse this link within {hours} hours to make this the e-mail address of your "
              f"Conductor account:\n{link}\n\nUntil you open it, your account keeps its current address. "
              "If you did not ask for this, ignore this e-mail.\n")


def email_in_use(owner: User) -> None:
    """To the owner of an address another account asked to move to: the page answered as for a free one."""
    reset = public_url("accounts.reset_request")
    send_mail(owner.email, "Your e-mail address and Conductor",
              f"Hello {owner.name},\n\nSomeone, perhaps you from another account, asked to use this address for "
              "a Conductor account. It already belongs to your account, so nothing has changed.\n\n"
              f"If you have forgotten your password: {reset}\n")


def email_changed(user: User, previous: str) -> None:
    """To the old address, once the change is made: a change the owner did not make does not go unseen."""
    reset = public_url("accounts.reset_request")
    send_mail(previous, "Your Conductor e-mail address was changed",
              f"Hello {user.name},\n\nThe e-mail address of your Conductor account was changed from this address "
              f"to {user.email}.\n\nIf it was not you, reset your password now: {reset}\n"
              "and tell your school's administrator.\n")

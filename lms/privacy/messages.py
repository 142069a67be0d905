"""The mails about a deletion request, each in the holder's language (their preference, else the page's)."""
from __future__ import annotations

from ..accounts.messages import language_for
from ..accounts.models import User
from ..i18n import _, force_locale
from ..mail import send_mail
from ..web import public_url


def deletion_requested(user: User) -> None:
    page = public_url("privacy.index")
    with force_locale(language_for(user)):
        send_mail(user.email, _("Your request to delete your Conductor account"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + _("We have received your request to delete your account. An administrator of your school will "
                      "review it; we will write to you when it is decided.") + "\n\n"
                  + _("Until then you can cancel it, or download your data: %(url)s", url=page) + "\n\n"
                  + _("If it was not you, cancel the request and change your password.") + "\n")


def deletion_refused(user: User, note: str) -> None:
    page = public_url("privacy.index")
    with force_locale(language_for(user)):
        send_mail(user.email, _("Your request to delete your Conductor account was refused"),
                  _("Hello %(name)s,", name=user.name) + "\n\n"
                  + _("An administrator of your school refused to delete your account, for this reason:") + "\n\n"
                  + note + "\n\n"
                  + _("Your account stays as it was. You may ask again later: %(url)s", url=page) + "\n")


def account_deleted(email: str, name: str, language: str) -> None:
    """To the address the account had, told before erasure (the account no longer holds it)."""
    with force_locale(language):
        send_mail(email, _("Your Conductor account has been deleted"),
                  _("Hello %(name)s,", name=name) + "\n\n"
                  + _("As you asked, your account has been deleted: your name and e-mail address are erased, you "
                      "are logged out everywhere, and your certificates are revoked, their verification pages no "
                      "longer showing your name.") + "\n\n"
                  + _("This is the last e-mail we send you. You may create a new account with this address at any "
                      "time.") + "\n")

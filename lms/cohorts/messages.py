"""The mails an import sends, once its transaction is committed: an invitation to each new account, a note to
each existing account added. Each in its recipient's language (``lms.accounts.messages.language_for``)."""
from __future__ import annotations

from ..accounts import messages as account_messages
from ..accounts.models import User
from ..extensions import db
from ..i18n import _, force_locale
from ..mail import send_mail
from ..schools.settings import site_branding
from ..web import public_url
from .imports import BATCH
from .models import Cohort


def _users(user_ids: list[int]):
    """The accounts, a batch at a time, so thousands of mails never hold thousands of rows."""
    for start in range(0, len(user_ids), BATCH):
        batch = user_ids[start:start + BATCH]
        present = {key[1][0] for key in db.session.identity_map.keys() if key[0] is User}  # e.g. the admin's own
        users = list(db.session.execute(db.select(User).where(User.id.in_(batch)).order_by(User.id)).scalars())
        yield from users
        for user in users:
            if user.id not in present:
                db.session.expunge(user)


def import_mails(cohort: Cohort, created: list[int], added: list[int]) -> int:
    """Queue the mails of an applied import; returns how many."""
    name, sent = cohort.name, 0
    for user in _users(created):
        with force_locale(account_messages.language_for(user)):
            reason = _("%(school)s made you an account: you are a learner of the cohort %(cohort)s.",
                       school=site_branding().name, cohort=name)
        account_messages.invitation(user, reason)
        sent += 1
    dashboard = public_url("progress.dashboard")
    for user in _users(added):
        with force_locale(account_messages.language_for(user)):
            send_mail(user.email, _("You were added to the cohort %(cohort)s", cohort=name),
                      _("Hello %(name)s,", name=user.name) + "\n\n"
                      + _("%(school)s added you to the cohort %(cohort)s. Its courses are on your dashboard: %(url)s",
                          school=site_branding().name, cohort=name, url=dashboard) + "\n")
        sent += 1
    return sent

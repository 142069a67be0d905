"""What the attempt page's scripts (quiz-timer.js, quiz-autosave.js) say, in the page's language.

The words go into the page as JSON data; the scripts fill in ``%(time)s`` and ``%(num)d`` themselves and
pick a plural's form with the browser's ``Intl.PluralRules`` for the page's ``<html lang>``."""
from __future__ import annotations

from ..i18n import _, plural_forms


def script_words() -> dict[str, object]:
    return {
        "minute": plural_forms("%(num)d minute", "%(num)d minutes"),
        "second": plural_forms("%(num)d second", "%(num)d seconds"),
        "left": _("%(time)s left. Your attempt is submitted automatically when time is up."),
        "time_up": _("Time is up. Submitting your attempt."),
        "offline_time_up": _("Time is up, but this browser is offline. Answers that reached the server before the "
                             "deadline will be graded; changes made while offline could not be saved. The attempt "
                             "is submitted when the connection returns."),
        "saving": _("Saving…"),
        "saved": _("Answers saved at %(time)s."),
        "others_saved": _("Other answers saved at %(time)s."),
        "check": _("One or more answers need checking: use Save answers to see which."),
        "closed": _("This attempt is closed."),
        "not_saved": _("Your latest answers could not be saved. Reload the page, or use Save answers."),
        "offline": _("Your latest answers could not reach the server: this browser seems to be offline. Keep this "
                     "page open; they are saved when the connection returns."),
        "ready": _("Your answers are saved as you change them."),
    }

"""How hours and dates read on a certificate, the same on the PDF, the pages and the badge: in the
language asked for (the certificate's on the PDF and the badge; the page's on the pages), in UTC."""
from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_decimal
from flask_babel import get_locale

from ..i18n import _l, ngettext, plural_count

# The display labels of the values stored in ``Certificate.kind`` and ``Certificate.status``.
KIND_LABELS = {"course": _l("course"), "programme": _l("programme")}
STATUS_LABELS = {"all": _l("All"), "valid": _l("Valid"), "revoked": _l("Revoked")}


def _locale(locale: str | Locale | None) -> Locale:
    """The locale asked for, else the page's (or the one ``force_locale`` set), else English."""
    if locale:
        return Locale.parse(locale) if isinstance(locale, str) else locale
    return get_locale() or Locale.parse("en")


def hours_label(hours: Decimal | float | int, locale: str | Locale | None = None) -> str:
    """2.0 reads "2", 2.5 reads "2.5" (in French "2,5")."""
    value = Decimal(str(hours)).quantize(Decimal("0.1"))
    return format_decimal(value, "0.#", locale=_locale(locale))


def hours_count(hours: Decimal | float | int) -> int:
    """The count that picks the plural form in the current language: 1 hour, 1.5 hours, 2 hours in English;
    1 heure, 1,5 heure, 2 heures in French."""
    return plural_count(Decimal(str(hours)).quantize(Decimal("0.1")))


def hours_of_study(hours: Decimal | float | int, locale: str | Locale | None = None) -> str:
    """"12.5 hours of study", in the current language (the caller forces the certificate's)."""
    return ngettext("%(hours)s hour of study", "%(hours)s hours of study", hours_count(hours),
                    hours=hours_label(hours, locale))


def hours_text(hours: Decimal | float | int, locale: str | Locale | None = None) -> str:
    """"12.5 hours", in the current language."""
    return ngettext("%(hours)s hour", "%(hours)s hours", hours_count(hours), hours=hours_label(hours, locale))


def long_date(moment: datetime, locale: str | Locale | None = None) -> str:
    """21 November 2026 (21 novembre 2026), in UTC, so a certificate reads the same wherever it is printed."""
    return format_date(moment.astimezone(UTC).date(), "d MMMM y", locale=_locale(locale))


def kind_label(kind: str) -> str:
    return str(KIND_LABELS.get(kind, kind))


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


# The reasons Conductor itself writes when it revokes a certificate, stored in English like an admin's own
# words; shown in the reader's language. An admin's note after them stays as the admin wrote it.
SYSTEM_REASONS = {
    "Reissued as a new certificate.": _l("Reissued as a new certificate."),
    "The holder's name was corrected.": _l("The holder's name was corrected."),
    "The holder's name changed.": _l("The holder's name changed."),
    "The holder deleted their account.": _l("The holder deleted their account."),
}
HOLDER_DELETED = "The holder deleted their account."


def revocation_reason(text: str) -> str:
    """A stored revocation reason in the reader's language, as far as Conductor wrote it."""
    words, rest = [], (text or "").strip()
    found = True
    while found:
        found = False
        for phrase, label in SYSTEM_REASONS.items():
            if rest.startswith(phrase):
                words.append(str(label))
                rest, found = rest[len(phrase):].strip(), True
    return " ".join(words + ([rest] if rest else []))

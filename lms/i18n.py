"""The interface's languages (Flask-Babel): which one a request reads, and the words of each.

A third language is one more catalogue: ``pybabel init -i lms/translations/messages.pot -d lms/translations
-l de``, translate it, ``make translations``, and add it to ``LANGUAGES``.

Which language a page speaks, first that applies:
1. the logged-in reader's saved preference (profile, or the footer's switch while logged in);
2. the visitor's choice in the footer (a cookie);
3. the browser's ``Accept-Language``;
4. the school's default language (school settings), else ``LMS_DEFAULT_LANGUAGE``.

Outside a request (the ``flask lms`` commands, mail sent for a learner) the language is the one
``force_locale`` sets, else the environment's ``LANG`` when it names one of ``LANGUAGES``, else English.
"""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app, has_request_context, request
from babel import Locale, UnknownLocaleError
from flask_babel import (Babel, force_locale, format_date, format_decimal, format_percent, format_time, get_locale,
                         get_translations, gettext, lazy_gettext, lazy_pgettext, ngettext, pgettext)

__all__ = ["DEFAULT_LANGUAGE", "FILTERS", "LANGUAGES", "LANGUAGE_COOKIE", "TRANSLATIONS", "_", "_l", "force_locale",
           "gettext", "init_babel", "interface_language", "language_name", "language_without_preference", "lazy_gettext", "lazy_pgettext", "ngettext",
           "number", "percent", "pgettext", "plural_count", "plural_forms", "school_language", "school_language_from",
           "select_locale", "supported", "user_language"]

# Every language the interface is translated into, by its tag, named in its own language (the switch's labels).
LANGUAGES = {"en": "English", "fr": "Français"}
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lms_lang"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"

_ = gettext
_l = lazy_gettext

babel = Babel()


def language_name(tag: str) -> str:
    """A language named in itself, for a link to something written in it: "Français", "Deutsch"."""
    ours = supported(tag)
    if ours:
        return LANGUAGES[ours]
    try:
        name = Locale.parse(tag.replace("-", "_")).get_display_name()
    except (ValueError, UnknownLocaleError):
        return tag
    return name[:1].upper() + name[1:] if name else tag


def supported(tag: str | None) -> str | None:
    """``fr-CA`` → ``fr``: the interface language a tag asks for, or None when it is not one of ours."""
    if not tag:
        return None
    base = tag.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def user_language(user) -> str | None:
    """The account's saved preference, if it has one we speak."""
    return supported(getattr(user, "locale", None))


# Where the school's default language comes from: the schools package says, when it loads (it sits above).
_school_language: list = []


def school_language_from(source) -> None:
    """``source()`` gives the school's default interface language ("" for none)."""
    _school_language[:] = [source]


def school_language() -> str:
    chosen = supported(_school_language[0]()) if _school_language else None
    return chosen or supported(current_app.config.get("LMS_DEFAULT_LANGUAGE")) or DEFAULT_LANGUAGE


def select_locale() -> str:
    """Flask-Babel's locale selector (see the module's docstring for the order)."""
    if not has_request_context():
        return supported(os.environ.get("LANG")) or supported(current_app.config.get("LMS_DEFAULT_LANGUAGE")) \
            or DEFAULT_LANGUAGE
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        chosen = user_language(current_user)
        if chosen:
            return chosen
    return language_without_preference()


def language_without_preference(cookie: bool = True) -> str:
    """The request's language when the account names none: the footer's cookie (unless ``cookie`` is False:
    the response is deleting it), else the browser's ``Accept-Language``, else the school's default."""
    chosen = supported(request.cookies.get(LANGUAGE_COOKIE)) if cookie else None
    return chosen or request.accept_languages.best_match(list(LANGUAGES)) or school_language()


def plural_forms(singular: str, plural: str) -> list[str]:
    """A plural's translated forms for one and for many, unformatted (``%(num)d`` kept), for a script that
    picks one itself (``Intl.PluralRules``). ``make translations`` extracts its arguments as a plural."""
    translations = get_translations()
    return [translations.ungettext(singular, plural, 1), translations.ungettext(singular, plural, 2)]


def plural_count(value) -> int:
    """The count that picks the plural form of a number that may have a fraction: gettext's plural rules take
    whole numbers, but 2.5 is plural in English and 1.5 singular in French (CLDR's rules, from Babel's
    locale, tell decimals apart). 1 stands for the singular form, 2 for the other."""
    if float(value).is_integer():
        return int(value)
    locale = get_locale() or Locale.parse(DEFAULT_LANGUAGE)
    return 1 if locale.plural_form(float(value)) == "one" else 2


def interface_language() -> str:
    """The language of the page being built: its ``<html lang>``."""
    locale = get_locale()
    return locale.language if locale is not None else DEFAULT_LANGUAGE


def init_babel(app: Flask) -> None:
    """Flask-Babel for the LMS's pages. A host that set up Flask-Babel before mounting the LMS keeps its
    own instance and locale selector; the LMS's catalogue is added under the host's, so the host's own
    translations win where both translate the same words."""
    if "babel" not in app.extensions:
        babel.init_app(app, locale_selector=select_locale)
    config = app.extensions["babel"]
    if config.locale_selector is None:
        config.locale_selector = select_locale
    ours = str(TRANSLATIONS)
    if ours not in config.translation_directories:
        config.translation_directories.insert(0, ours)


# How the interface writes dates, times and numbers: Babel's patterns for the page's language, in UTC
# (Flask-Babel's default time zone), so "6 December 2026" reads "6 décembre 2026" in French.
def long_date(value) -> str:
    """6 December 2026."""
    return format_date(value, "d MMMM y") if value else ""


def short_date(value) -> str:
    """6 Dec 2026."""
    return format_date(value, "d MMM y") if value else ""


def date_time(value) -> str:
    """6 Dec 2026, 14:05 UTC."""
    return _("%(date)s, %(time)s UTC", date=format_date(value, "d MMM y"), time=format_time(value, "HH:mm")) \
        if value else ""


def clock_time(value) -> str:
    """14:05 UTC."""
    return _("%(time)s UTC", time=format_time(value, "HH:mm")) if value else ""


def number(value) -> str:
    """2.5 reads "2,5" in French; whole numbers without a fraction; at most two decimals."""
    return format_decimal(value, "#,##0.##")


def percent(value) -> str:
    """A mark out of 100 in the language's own pattern, to one decimal at most: "85%" and "66.5%" in English,
    "85 %" and "66,5 %" (a non-breaking space) in French."""
    locale = get_locale() or Locale.parse(DEFAULT_LANGUAGE)
    pattern = locale.percent_formats[None].pattern.replace("#,##0", "#,##0.#", 1)
    return format_percent(value / 100, pattern)


def file_size(value: int) -> str:
    """A file's size as people read it: "12 KB", "3.4 MB" ("12 Ko", "3,4 Mo" in French)."""
    if value < 1024 * 1024:
        return _("%(size)s KB", size=number(max(1, -(-value // 1024))))
    return _("%(size)s MB", size=number(round(value / 1024 / 1024, 1)))


FILTERS = {"language_name": language_name, "lms_file_size": file_size, "lms_date": long_date, "lms_short_date": short_date, "lms_datetime": date_time, "lms_time": clock_time,
           "lms_number": number, "lms_percent": percent}

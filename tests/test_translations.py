"""Every interface string is translated: the French catalogue covers exactly what the code says, its
placeholders match, its typography is French, and the compiled file is the catalogue's."""
from __future__ import annotations

import re
from gettext import GNUTranslations
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from lms.i18n import LANGUAGES, TRANSLATIONS

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "lazy_pgettext": ((1, "c"), 2),
            "plural_forms": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifg]|%[sdifg]")
TRANSLATED = [tag for tag in LANGUAGES if tag != "en"]


def extracted() -> set[tuple[str | tuple[str, str], str | None]]:
    """What the code asks to translate now, as ``pybabel extract`` (make translations) finds it: each
    message (a string, or singular and plural) with its context."""
    with open(ROOT / "babel.cfg") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping)
    found = set()
    for _filename, _lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        found.add((message if isinstance(message, str) else tuple(message), context))
    return found


def catalogue(language: str):
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def missing(catalog, messages) -> list[str]:
    """The messages of ``messages`` that have no full translation (or only a fuzzy one) in ``catalog``."""
    gaps = []
    for message, context in sorted(messages, key=str):
        singular = message if isinstance(message, str) else message[0]
        entry = catalog.get(singular, context=context)
        strings = entry.string if entry is not None else None
        if entry is None or entry.fuzzy or not strings or (isinstance(strings, tuple) and not all(strings)):
            gaps.append(singular)
    return gaps


@pytest.fixture(scope="module")
def code_messages():
    messages = extracted()
    assert len(messages) > 3  # the extraction found the interface's words
    return messages


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_of_the_code_is_translated(language, code_messages):
    gaps = missing(catalogue(language), code_messages)
    assert not gaps, f"{len(gaps)} messages lack a {language} translation (make translations, then translate): {gaps[:20]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_catalogue_holds_nothing_the_code_no_longer_says(language, code_messages):
    ids = {(message if isinstance(message, str) else message[0], context) for message, context in code_messages}
    stale = [entry.id for entry in catalogue(language) if entry.id and
             (entry.id if isinstance(entry.id, str) else entry.id[0], entry.context) not in ids]
    assert not stale, f"stale entries (run make translations): {stale[:20]}"


def test_a_new_english_string_without_its_translation_is_caught(code_messages):
    """The check above would fail on a string added to a template and not to the catalogue."""
    assert missing(catalogue("fr"), code_messages | {("A sentence added to a template today", None)}) == \
        ["A sentence added to a template today"]


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_and_plurals_match(language):
    catalog = catalogue(language)
    wrong = []
    for entry in catalog:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0]))
        for string in strings:
            if string and not set(PLACEHOLDER.findall(string)) <= expected:
                wrong.append((ids[0], string))
        if isinstance(entry.id, tuple) and len(strings) != catalog.num_plurals:
            wrong.append((ids[0], f"{len(strings)} plural forms, not {catalog.num_plurals}"))
    assert not wrong, wrong[:10]


# French typography: a non-breaking space (U+00A0, or the narrow U+202F) before ; : ! ? and inside « ».
NBSP = "\u00a0\u202f"
BAD_FRENCH_SPACING = [
    (re.compile(r"[^\s" + NBSP + r"][;!?](?=\s|$|\")"), "no non-breaking space before ; ! ?"),
    (re.compile(r"[\w)»][:](?=\s|$)"), "no non-breaking space before :"),
    (re.compile(r" [;:!?»]"), "an ordinary space before ; : ! ? »"),
    (re.compile(r"«(?![" + NBSP + r"])"), "no non-breaking space after «"),
    (re.compile(r"(?<![" + NBSP + r"])»"), "no non-breaking space before »"),
]


def test_french_typography():
    faults = []
    for entry in catalogue("fr"):
        if not entry.id:
            continue  # the header
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for string in strings:
            text = re.sub(r"https?://\S+|%\(\w+\)[sdifg]|\{\{.*?\}\}|<[^>]+>", "x", string or "")
            for pattern, fault in BAD_FRENCH_SPACING:
                if pattern.search(text):
                    faults.append((string, fault))
    assert not faults, faults[:10]


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_is_the_catalogue(language):
    """The .mo the site reads says what the .po says (make translations compiles it)."""
    with open(TRANSLATIONS / language / "LC_MESSAGES" / "messages.mo", "rb") as mo:
        compiled = GNUTranslations(mo)
    for entry in catalogue(language):
        if not entry.id or entry.fuzzy:
            continue
        if isinstance(entry.id, tuple):
            for n, string in zip((1, 2), entry.string):
                found = compiled.npgettext(entry.context, entry.id[0], entry.id[1], n) if entry.context else \
                    compiled.ngettext(entry.id[0], entry.id[1], n)
                assert found == string, entry.id
        else:
            found = compiled.pgettext(entry.context, entry.id) if entry.context else compiled.gettext(entry.id)
            assert found == entry.string, entry.id

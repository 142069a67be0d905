"""The school's settings as the site shows them, and the rules for changing them (services flush, never commit)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app, g
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..i18n import LANGUAGES, _, number, school_language_from
from .logos import store_logo
from .models import School, SchoolLogo
from .services import find_school, request_host

HEX = re.compile(r"#[0-9a-fA-F]{6}")
PAGE_BACKGROUND, WHITE = "#f6f8fb", "#ffffff"  # lms.css --bg, and the text on accent-coloured buttons
DARK_CARD, DARK_INK = "#19212c", "#0f141b"  # dark mode: lms.css --card, and the text on accent-coloured buttons
# Every dark-mode surface a link can sit on (lms.css): --bg, --card, the tints and the example callout.
DARK_SURFACES = (DARK_CARD, "#0f141b", "#1d2940", "#163222", "#36290f", "#3d1d20", "#222a36", "#271d36")
AA = 4.5
MAX_FOOTER_LINKS = 5
THEME_REVISION = 2  # 2: a dark-mode shade of the accent. Raise it whenever theme.css changes shape.


class SettingsRefused(ValueError):
    """A setting the school cannot take; the message says why, for the admin."""


@dataclass(frozen=True)
class Branding:
    """What pages and certificates show of the school: its settings, or the LMS_* seed values."""
    name: str
    short_name: str
    accent: str
    signatory: str
    signatory_title: str
    contact_email: str
    footer_links: tuple[tuple[str, str], ...]
    logo_id: int | None
    version: int
    language: str = ""  # the school's default interface language ("" = LMS_DEFAULT_LANGUAGE)

    @property
    def theme_version(self) -> str:
        """The theme stylesheet's address key: the settings' version and the stylesheet code's own revision, so
        a browser that kept an older stylesheet for a year (it is immutable) fetches the new one."""
        return f"{self.version}.{THEME_REVISION}"


def branding(school: School | None) -> Branding:
    config = current_app.config
    if school is None:  # a fresh install (browsing never creates the school)
        return Branding(config["LMS_SCHOOL_NAME"], "", "", config["LMS_CERTIFICATE_SIGNATORY"], "", "", (), None, 0)
    return Branding(school.name, school.short_name, school.accent,
                    school.signatory or config["LMS_CERTIFICATE_SIGNATORY"], school.signatory_title,
                    school.contact_email, tuple(tuple(link) for link in json.loads(school.footer_links or "[]")),
                    school.logo_id, school.settings_version, school.default_language)


def site_branding() -> Branding:
    """The branding of the school this request acts for, read once per request."""
    host = request_host()
    cached = g.get("lms_branding")
    if cached is None or cached[0] != host:
        try:
            cached = g.lms_branding = (host, branding(find_school()))
        except SQLAlchemyError:  # an error page for a failed database still renders, with the seed values
            cached = g.lms_branding = (host, branding(None))
    return cached[1]


def _luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two #rrggbb colours, 1 to 21."""
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def check_accent(value: str) -> str:
    """``#rrggbb`` in lower case that reads at AA as links on the page and under white button text; "" for the default."""
    value = value.strip()
    if not value:
        return ""
    if not HEX.fullmatch(value):
        raise SettingsRefused(_("The accent colour must be a hex colour such as #1f4fb8."))
    value = value.lower()
    on_page, under_white = contrast(value, PAGE_BACKGROUND), contrast(value, WHITE)
    if min(on_page, under_white) < AA:
        raise SettingsRefused(_("The accent colour %(colour)s is too light: its contrast is %(page)s:1 with the page "
                                "background and %(white)s:1 with white text; WCAG AA needs at least %(needed)s:1. "
                                "Choose a darker colour.", colour=value, page=number(round(on_page, 1)),
                                white=number(round(under_white, 1)), needed=number(AA)))
    return value


def darker(colour: str, factor: float = 0.75) -> str:
    """The hover shade of the accent: darker still, so it keeps the contrast."""
    return "#" + "".join(f"{int(int(colour[i:i + 2], 16) * factor):02x}" for i in (1, 3, 5))


def lighter(colour: str, share: float) -> str:
    """The colour mixed with white: ``share`` 0 keeps it, 1 is white."""
    return "#" + "".join(f"{round(int(colour[i:i + 2], 16) + (255 - int(colour[i:i + 2], 16)) * share):02x}"
                         for i in (1, 3, 5))


def dark_mode_accent(colour: str) -> tuple[str, str]:
    """The accent for dark mode, and its hover shade: the same hue lightened until it reads at AA as links on the
    dark page, card and tinted panels, and under the dark text of buttons (an accent checked for light mode is
    too dark there)."""
    for step in range(21):
        shade = lighter(colour, step / 20)
        if min(contrast(shade, surface) for surface in (*DARK_SURFACES, DARK_INK)) >= AA:
            return shade, lighter(shade, 0.35)
    return WHITE, WHITE  # unreachable: white reads on both


def parse_footer_links(text: str) -> list[list[str]]:
    """Lines of ``Label | https://address``: at most five, each label short and each address https."""
    links = []
    for line_number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        label, bar, url = line.partition("|")
        label, url = label.strip(), url.strip()
        parts = urlsplit(url)
        if not bar or not label or not url:
            raise SettingsRefused(_("Footer link line %(line)d: write it as 'Label | https://address'.", line=line_number))
        if len(label) > 60 or len(url) > 500:
            raise SettingsRefused(_("Footer link line %(line)d: the label may have 60 characters and the address 500.",
                                    line=line_number))
        if parts.scheme != "https" or not parts.hostname or any(c.isspace() or ord(c) < 32 for c in url):
            raise SettingsRefused(_("Footer link line %(line)d: the address must start with https:// and name a site.",
                                    line=line_number))
        links.append([label, url])
    if len(links) > MAX_FOOTER_LINKS:
        raise SettingsRefused(_("At most %(most)d footer links are allowed; %(given)d were given.",
                                most=MAX_FOOTER_LINKS, given=len(links)))
    return links


def footer_text(school: School) -> str:
    return "\n".join(f"{label} | {url}" for label, url in json.loads(school.footer_links or "[]"))


def parse_catalog(text: str, known: set[str]) -> list[str]:
    """Course identifiers, one a line (spaces and commas also separate them), each a shared course of the site."""
    slugs: list[str] = []
    for item in (text or "").replace(",", " ").split():
        if item not in known:
            raise SettingsRefused(_("Courses offered: no shared course has the identifier %(slug)s.", slug=item[:100]))
        if item not in slugs:
            slugs.append(item)
    return slugs


def update_settings(school: School, *, name: str, short_name: str, accent: str, signatory: str, signatory_title: str,
                    contact_email: str, footer_links: str, logo: bytes | None = None, remove_logo: bool = False,
                    default_language: str | None = None, catalog: list[str] | None = None) -> School:
    """Check every value first, then change them together, so a refusal leaves the school as it was.
    ``default_language`` (an interface language's tag) is the interface's language for a visitor whose browser
    names none the LMS speaks; None keeps the school's."""
    name, short_name = name.strip(), short_name.strip()
    if not name:
        raise SettingsRefused(_("The school needs a name."))
    if not signatory.strip():
        raise SettingsRefused(_("Certificates need a signatory."))
    checked = {"name": name, "short_name": short_name, "accent": check_accent(accent),
               "signatory": signatory.strip(), "signatory_title": signatory_title.strip(),
               "contact_email": contact_email.strip(), "footer_links": json.dumps(parse_footer_links(footer_links))}
    if default_language is not None:
        if default_language not in LANGUAGES:
            raise SettingsRefused(_("Choose the default language among the interface's languages."))
        checked["default_language"] = default_language
    if catalog is not None:
        checked["catalog"] = json.dumps(catalog)
    new_logo: SchoolLogo | None = store_logo(logo, current_app.config["LMS_LOGO_MAX_BYTES"]) if logo else None
    for key, value in checked.items():
        setattr(school, key, value)
    if new_logo is not None:
        school.logo_id = new_logo.id
    elif remove_logo:
        school.logo_id = None
    school.settings_version = (school.settings_version or 0) + 1
    db.session.flush()
    return school


def logo_of(logo_id: int | None) -> SchoolLogo | None:
    return db.session.get(SchoolLogo, logo_id) if logo_id else None


school_language_from(lambda: site_branding().language)

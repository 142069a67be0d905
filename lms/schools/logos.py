"""Logos uploaded by admins: the type comes from the bytes, the size is capped, and an SVG is refused
if it could run script or fetch anything (served later under a CSP that forbids both anyway)."""
from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ElementTree

from ..extensions import db
from ..i18n import _, number
from ..images import sniff
from .models import SchoolLogo

MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "svg": "image/svg+xml"}
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Elements that run script, embed other documents or animate attributes (which can set an href later).
FORBIDDEN = {"script", "foreignObject", "iframe", "embed", "object", "animate", "set", "animateMotion",
             "animateTransform", "handler", "listener"}
URL_IN_CSS = re.compile(r"url\s*\(|@import|expression\s*\(", re.IGNORECASE)


class LogoRefused(ValueError):
    """The upload is not a logo the school can show; the message says why, for the admin."""


def _check_svg(data: bytes) -> None:
    head = data[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in data.lower():
        raise LogoRefused(_("The SVG declares a DOCTYPE or entities; save it as plain SVG and try again."))
    if b"<svg" not in head:
        raise LogoRefused(_("Only PNG, JPEG and SVG images can be used as the logo."))
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError:
        raise LogoRefused(_("The SVG file is not well-formed XML.")) from None
    if root.tag != SVG + "svg":
        raise LogoRefused(_("Only PNG, JPEG and SVG images can be used as the logo."))
    for element in root.iter():
        name = element.tag.rpartition("}")[2] if isinstance(element.tag, str) else ""
        if name in FORBIDDEN:
            raise LogoRefused(_("The SVG contains a <%(element)s> element; logos may not carry scripts or embedded content.",
                                 element=name))
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2].lower()
            if local.startswith("on"):
                raise LogoRefused(_("The SVG has an event handler (%(handler)s); logos may not carry scripts.", handler=local))
            if (attribute == XLINK_HREF or local == "href") and not value.strip().startswith("#"):
                raise LogoRefused(_("The SVG links to another file or address; logos must be self-contained."))
            if URL_IN_CSS.search(value) and not re.fullmatch(r"\s*url\(\s*#[\w-]+\s*\)\s*", value):
                raise LogoRefused(_("The SVG refers to an outside address in its styles; logos must be self-contained."))
        if name == "style" and URL_IN_CSS.search(element.text or ""):
            raise LogoRefused(_("The SVG refers to an outside address in its styles; logos must be self-contained."))


def check_logo(data: bytes, max_bytes: int) -> str:
    """The logo's media type, or LogoRefused saying what is wrong (whatever the file is called)."""
    if not data:
        raise LogoRefused(_("The logo file is empty."))
    if len(data) > max_bytes:
        raise LogoRefused(_("The logo is %(size)s KB; at most %(most)s KB are allowed.", size=number(len(data) // 1024),
                            most=number(max_bytes // 1024)))
    kind = sniff(data)
    if kind in ("png", "jpeg"):
        return MEDIA_TYPES[kind]
    if kind is not None:
        raise LogoRefused(_("Only PNG, JPEG and SVG images can be used as the logo."))
    _check_svg(data)
    return MEDIA_TYPES["svg"]


def store_logo(data: bytes, max_bytes: int) -> SchoolLogo:
    """A checked logo, kept unchanged (certificates issued with it keep pointing at it)."""
    media_type = check_logo(data, max_bytes)
    logo = SchoolLogo(media_type=media_type, data=data, digest=hashlib.sha256(data).hexdigest())
    db.session.add(logo)
    db.session.flush()
    return logo

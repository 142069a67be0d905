"""Images uploaded to a course's assets/: the type comes from the bytes and must match the file's
extension, the size is capped, and SVG (which can carry script) is refused."""
from __future__ import annotations

import re
from pathlib import PurePosixPath

from ..accounts.models import User
from ..catalog.models import Course
from ..i18n import _
from ..images import sniff
from .models import SourceFile
from .services import AuthoringError
from .store import add_revision, course_folder, file_for_update

EXTENSIONS = {"png": ("png",), "jpeg": ("jpg", "jpeg"), "gif": ("gif",), "webp": ("webp",)}
MIME_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp"}


def clean_name(filename: str) -> tuple[str, str]:
    """A safe lowercase file name (a-z, 0-9, '-') and its extension."""
    name = PurePosixPath(filename.replace("\\", "/")).name.lower()
    stem, dot, extension = name.rpartition(".")
    stem = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:80]
    if not dot or not stem:
        raise AuthoringError(_("Give the image a name with an extension, such as chart.png."))
    return f"{stem}.{extension}", extension


def check_image(filename: str, data: bytes, max_bytes: int) -> tuple[str, str]:
    """(stored name, image type), or AuthoringError saying what is wrong."""
    if len(data) > max_bytes:
        raise AuthoringError(_("The image is %(size)s KB; at most %(limit)s KB are allowed.", size=len(data) // 1024,
                                limit=max_bytes // 1024))
    if not data:
        raise AuthoringError(_("The file is empty."))
    name, extension = clean_name(filename)
    kind = sniff(data)
    if kind is None:
        raise AuthoringError(_("Only PNG, JPEG, GIF and WebP images can be uploaded (SVG is not accepted)."))
    if extension not in EXTENSIONS[kind]:
        raise AuthoringError(_("The file is a %(kind)s image but its name ends in .%(extension)s: use .%(expected)s.",
                               kind=kind.upper(), extension=extension, expected=EXTENSIONS[kind][0]))
    return name, kind


def store_image(course: Course, filename: str, data: bytes, author: User, max_bytes: int) -> SourceFile:
    """Checked, then stored and published at once: an asset is only seen once a page links to it."""
    name, _kind = check_image(filename, data, max_bytes)
    file = file_for_update(f"courses/{course_folder(course)}/assets/{name}")
    add_revision(file, data, "upload", author, f"uploaded {filename[:200]}", publish=True)
    return file

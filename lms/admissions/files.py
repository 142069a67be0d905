"""The file an applicant sends, checked by what it contains (never by its name or the browser's word):
a PDF, or a word-processing document (DOCX, ODT)."""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass

from ..assignments.filetypes import clean_name
from ..i18n import _, number

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt"}
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
ENTRY_LIMIT = 64 * 1024  # the most read of a ZIP entry that names the type (a ZIP bomb inflates no further)


class FileRefused(ValueError):
    """The file is not one the form takes; the message says why."""


@dataclass(frozen=True)
class CheckedFile:
    data: bytes
    media_type: str
    name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def _zip_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with archive.open(name) as entry:
            return entry.read(ENTRY_LIMIT)
    except (KeyError, zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError):
        return None  # absent, encrypted, or compressed in a way it cannot be read
    except Exception:  # zlib.error and the like: a damaged archive is not a document
        return None


def media_type_of(data: bytes) -> str | None:
    """PDF, DOCX or ODT by content; None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        if (_zip_entry(archive, "mimetype") or b"").strip() == ODT.encode():
            return ODT
        types = _zip_entry(archive, "[Content_Types].xml")
        if types and DOCX_MAIN in types and _zip_entry(archive, "word/document.xml") is not None:
            return DOCX
    return None


def check(data: bytes, name: str | None, limit: int) -> CheckedFile:
    """The file as it will be stored, or FileRefused: empty, larger than ``limit``, or not a PDF/DOCX/ODT."""
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > limit:
        raise FileRefused(_("The file is larger than %(size)s MB.", size=number(round(limit / 1024 / 1024, 1))))
    media_type = media_type_of(data)
    if media_type is None:
        raise FileRefused(_("Send a PDF, DOCX or ODT document: this file is none of them."))
    return CheckedFile(data, media_type, clean_name(name, EXTENSIONS[media_type]), hashlib.sha256(data).hexdigest())

"""The kinds of file a submission may hold, each recognised by what the file contains, never by its name
or the browser's word: an assignment lists the kinds it accepts (``file_types: [pdf, xlsx]``)."""
from __future__ import annotations

import io
import re
import unicodedata
import zipfile

PDF = "application/pdf"
# name -> media type stored and sent
FILE_TYPES: dict[str, str] = {
    "pdf": PDF,
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
    "odp": "application/vnd.oasis.opendocument.presentation",
    "png": "image/png",
    "jpg": "image/jpeg",
    "csv": "text/csv",
    "txt": "text/plain",
    "md": "text/markdown",
}
# The part an Office Open XML package must hold, by kind.
_OOXML = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "pptx": "ppt/presentation.xml"}
_ODF = {"odt", "ods", "odp"}
_TEXT = {"csv", "txt", "md"}
ENTRY_LIMIT = 64 * 1024  # the most read of a ZIP entry that names the type (a ZIP bomb inflates no further)


def _zip_entry(archive: zipfile.ZipFile, name: str) -> bytes | None:
    try:
        with archive.open(name) as entry:
            return entry.read(ENTRY_LIMIT)
    except Exception:  # absent, encrypted, damaged (zlib.error and the like): not a document
        return None


def _archive_kind(data: bytes) -> str | None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    with archive:
        mimetype = (_zip_entry(archive, "mimetype") or b"").strip().decode("ascii", "replace")
        for kind in _ODF:
            if mimetype == FILE_TYPES[kind]:
                return kind
        types = _zip_entry(archive, "[Content_Types].xml") or b""
        for kind, part in _OOXML.items():
            if types and f"/{part}".encode() in types and _zip_entry(archive, part) is not None:
                return kind
    return None


def _is_text(data: bytes) -> bool:
    if b"\0" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def kind_of(data: bytes, extension: str) -> str | None:
    """The kind the content shows, given the extension the sender named (plain text is csv, txt or md by its
    name: the bytes alone cannot tell them apart). None when it is no kind we know."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        return _archive_kind(data)
    if _is_text(data):
        extension = extension.lower()
        return extension if extension in _TEXT else "txt"
    return None


def clean_name(name: str | None, ending: str) -> str:
    """The sender's file name without folders, control or odd characters, short, ending with ``ending`` (".pdf")."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] not in "CZ" or ch == " ").strip(" .")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = re.sub(r"[\"';<>`|*?:]", "", stem)[:100].strip() or "file"
    return stem + ending

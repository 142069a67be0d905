"""CSV responses streamed as they are written: rows come from a generator (itself reading the
database in batches), so a 100,000-row export holds a few kilobytes at a time, never the file."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

from flask import Response, stream_with_context

from ..i18n import _

CHUNK = 16 * 1024
# A cell starting with one of these is read as a formula by spreadsheets (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".") if value == value else ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_chunks(columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Iterator[str]:
    """The CSV text in chunks of about 16 KB, pulling rows one by one. The headers (lazy strings) are in the
    page's language, in the same order whatever the language, and so are yes and no; stored values (roles,
    actions) stay as stored, dates ISO 8601 and numbers with a decimal point, so a script reads them the same
    from every language."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([str(column) for column in columns])
    for row in rows:
        writer.writerow([cell(value) for value in row])
        if buffer.tell() >= CHUNK:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(filename: str, columns: Iterable[str], rows: Iterable[Iterable[Any]]) -> Response:
    """Stream the CSV; the request (and its database session) stays open until the last row."""
    response = Response(stream_with_context(csv_chunks(columns, rows)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response

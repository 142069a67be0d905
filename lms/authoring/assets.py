"""Course assets served from the database, where uploads and synced files alike are kept."""
from __future__ import annotations

import mimetypes
from io import BytesIO
from pathlib import PurePosixPath

from flask import Response, send_file

from ..catalog.models import Course
from .store import course_folder, live_data

# Shown in the page; anything else is downloaded, so no stored file is ever run as a page of the site.
INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv"}


def asset_response(course: Course, filename: str) -> Response | None:
    """The published asset, or None when the database holds no such file."""
    parts = PurePosixPath(filename).parts
    if not parts or ".." in parts or filename.startswith("/") or "\\" in filename:
        return None
    data = live_data(f"courses/{course_folder(course)}/assets/{filename}")
    if data is None:
        return None
    mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    inline = mimetype in INLINE_TYPES
    return send_file(BytesIO(data), mimetype=mimetype, as_attachment=not inline, download_name=parts[-1],
                     max_age=3600, etag=True)

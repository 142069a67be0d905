"""Helpers shared by the authoring, reports and admin tests: accounts with roles, the editor's form."""
from __future__ import annotations

import re
import struct
import zlib

from lms.authoring import store
from lms.catalog.models import Course, CourseAuthor
from lms.extensions import db

from .conftest import PASSWORD, Auth

COURSE = "intro-course"
WORKSPACE = f"/author/courses/{COURSE}/"
LESSON_PATH = "courses/intro-course/01-basics/02-models.md"


def editor_url(path: str, course: str = COURSE) -> str:
    return f"/author/courses/{course}/files/{path}"


def make_account(app, make_user, role: str, email: str | None = None, course: str | None = COURSE) -> int:
    """An account with a role; an author is made an author of ``course`` (None: of nothing)."""
    user_id = make_user(email=email or f"{role}@example.com", name=f"{role.title()} Person", role=role)
    if role == "author" and course:
        with app.app_context():
            course_id = db.session.execute(db.select(Course.id).filter_by(slug=course)).scalar_one()
            db.session.add(CourseAuthor(course_id=course_id, user_id=user_id))
            db.session.commit()
    return user_id


def log_in(auth: Auth, email: str) -> None:
    response = auth.login(email=email, password=PASSWORD)
    assert response.status_code == 302, response.status_code


def editor_form(auth: Auth, path: str) -> dict[str, str]:
    """The editor's hidden fields (CSRF token and the revision it was opened on)."""
    page = auth.client.get(editor_url(path)).get_data(as_text=True)
    token = re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
    base = re.search(r'id="base" name="base" type="hidden" value="(\d+)"', page)
    assert token and base, page[:2000]
    return {"csrf_token": token[1], "base": base[1]}


def submit(auth: Auth, path: str, text: str, action: str = "save", note: str = "", base: str | None = None):
    """Press Preview, Save draft or Save and publish in the editor."""
    form = editor_form(auth, path)
    if base is not None:
        form["base"] = base
    labels = {"preview": "Preview", "save": "Save draft", "publish": "Save and publish"}
    return auth.client.post(editor_url(path), data={**form, "text": text, "note": note, action: labels[action]})


def head_text(app, path: str) -> str:
    with app.app_context():
        return store.head_revision(store.file_at(path)).text


def png(width: int = 2, height: int = 2) -> bytes:
    """A small valid PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x1f\x4f\xb8" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))

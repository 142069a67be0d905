"""Helpers shared by the views: safe redirects, public links, numbers from URLs, lookups, body limits,
and the one transaction helper."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar
from urllib.parse import urlsplit

from flask import abort, current_app, flash, g, has_request_context, request, url_for
from markupsafe import Markup
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException
from werkzeug.routing import BaseConverter

from .extensions import db
from .i18n import _l, interface_language

# Every id, number and position column is an INTEGER: 32 bits on PostgreSQL. A larger number in a URL
# names no row, and PostgreSQL would refuse to compare with it (SQLite overflows past 64 bits).
INT_MAX = 2**31 - 1
View = TypeVar("View", bound=Callable)
# Every LMS response's policy (lms/extension.py sets it unless the view set its own). No frame-src:
# a page embeds nothing unless it names what (``content_security_policy``).
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# What SQLite and PostgreSQL say when they cannot write for want of space (PostgreSQL's SQLSTATE 53100).
STORAGE_FULL = ("database or disk is full", "no space left on device", "could not extend file", "disk full")


def content_lang(language: str | None) -> Markup:
    """`` lang="fr"`` for content written in another language than the interface around it, so a screen
    reader switches voice and a browser hyphenates and translates it as that language; nothing otherwise."""
    if not language or language.split("-")[0].lower() == interface_language():
        return Markup("")
    return Markup(' lang="%s"') % language


def in_content_lang(text: str, language: str | None) -> Markup:
    """A piece of the course's text inside the interface's words: in a ``<span lang>`` when the two differ."""
    attribute = content_lang(language)
    return Markup("<span%s>%s</span>") % (attribute, text) if attribute else Markup.escape(text)


def course_text(html: str) -> Markup:
    """A piece of course text (safe HTML from the renderer, never anything else: ``course_words`` escapes
    plain text) in the page's course's language
    (``speaking``): in a ``<span lang>`` when it differs from the interface's, as is otherwise."""
    attribute = content_lang(g.get("lms_course_language"))
    return Markup("<span%s>%s</span>") % (attribute, Markup(html)) if attribute else Markup(html)


def course_words(text: str) -> Markup:
    """Plain course text (never HTML: it is escaped) in the page's course's language, as ``course_text``."""
    return in_content_lang(text, g.get("lms_course_language"))


def course_lang(_=None) -> Markup:
    """`` lang="…"`` for an element that holds only course text (an <option>), as ``content_lang``."""
    return content_lang(g.get("lms_course_language"))


def speaking(language: str | None) -> None:
    """The course text this request shows is in ``language`` (for templates that do not know the course,
    such as the question types')."""
    g.lms_course_language = language


def content_security_policy(frame_origins: Iterable[str] = ()) -> str:
    """The policy of a page that embeds players from exactly ``frame_origins`` (none: the default policy)."""
    origins = list(dict.fromkeys(frame_origins))
    return CONTENT_SECURITY_POLICY + (f"; frame-src {' '.join(origins)}" if origins else "")


def safe_next(target: str | None, fallback_endpoint: str = "catalog.home") -> str:
    """Only a local path may be a redirect target, never another site (open redirect)."""
    if target:
        parts = urlsplit(target)
        if (target.startswith("/") and not target.startswith(("//", "/\\")) and not parts.scheme
                and not parts.netloc and "\\" not in target and not any(ord(c) < 32 for c in target)):
            return target
    return url_for(fallback_endpoint)


_site_host: list[Callable[[], str | None]] = []


def site_host_from(finder: Callable[[], str | None]) -> None:
    """Register how to find the address of the school a request acts for (``lms.schools`` does), which links that
    leave the site name instead of ``LMS_BASE_URL``'s host."""
    _site_host[:] = [finder]


def public_url(endpoint: str, **values) -> str:
    """An absolute link, for whatever leaves the site (e-mails, credentials, QR codes, badges).

    It is built from ``LMS_BASE_URL`` (with the host of the school the request acts for, when that school lists
    its own), never from the request's Host header, which a client chooses.
    Only development may run without it; there the request's address stands in."""
    base = current_app.config.get("LMS_BASE_URL")
    host = _site_host[0]() if _site_host else None
    if base:
        parts = urlsplit(base.rstrip("/"))
        netloc = host + (f":{parts.port}" if parts.port else "") if host else parts.netloc
        adapter = current_app.url_map.bind(netloc, script_name=parts.path or "/", url_scheme=parts.scheme)
        return adapter.build(endpoint, values, force_external=True)
    if has_request_context():
        if host:  # development: the school's own host, on the port this request came to
            port = urlsplit(request.host_url).port
            adapter = current_app.url_map.bind(host + (f":{port}" if port else ""), script_name=request.script_root or "/",
                                               url_scheme=request.scheme)
            return adapter.build(endpoint, values, force_external=True)
        return url_for(endpoint, _external=True, **values)
    raise RuntimeError("Set LMS_BASE_URL to build links outside a request")


def database_int(text: str | None, minimum: int = 0) -> int | None:
    """``text`` as a whole number a database column can hold, or None: a huge number is bad input."""
    if not text or len(text) > len(str(INT_MAX)) or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if minimum <= value <= INT_MAX else None


def int_arg(name: str, default: int | None = None, minimum: int = 0) -> int | None:
    """A whole-number query argument (``?page=``); a missing, malformed or out-of-range one is ``default``."""
    value = database_int(request.args.get(name), minimum)
    return default if value is None else value


def _whole_numbers_up_to(limit: int) -> str:
    """A regular expression for the whole numbers 0 to ``limit``, leading zeros allowed."""
    digits = str(limit)
    branches = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for position, digit in enumerate(digits):
        if digit != "0":
            branches.append(f"{digits[:position]}[0-{int(digit) - 1}][0-9]{{{len(digits) - position - 1}}}")
    return "|".join([*branches, digits])


class IdConverter(BaseConverter):
    """``<id:name>``: a database id or number in a URL path; anything a column cannot hold is a 404.

    The range is in the pattern, so the router never matches a larger number: a POST to a huge
    attempt number is a 404, not a 405 from the GET rule of the same path."""

    regex = _whole_numbers_up_to(INT_MAX)
    weight = 50  # as Werkzeug's ``int``

    def to_python(self, value: str) -> int:
        return int(value)  # within range: the pattern saw to it

    def to_url(self, value) -> str:
        return str(int(value))


def carries_nul() -> bool:
    """Whether the path, a query argument or a form field (name or value) holds a NUL character,
    which no text column stores (PostgreSQL refuses it) and no page of the LMS means."""
    parts = [request.path, *request.args.keys(), *request.args.values()]
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        files = request.files.items(multi=True)
        parts += [*request.form.keys(), *request.form.values(), *(name for name, _ in files)]
        parts += [upload.filename or "" for upload in request.files.values()]
    return any("\x00" in part for part in parts if part)  # a part the parser could not name has None


def body_limit(setting: str, envelope: int = 64 * 1024) -> Callable[[View], View]:
    """Let a view take a body of up to ``config[setting]`` plus ``envelope`` bytes (a multipart
    envelope around a file) instead of ``LMS_MAX_FORM_BYTES``."""

    def mark(view: View) -> View:
        view.lms_body_limit = (setting, envelope)
        return view

    return mark


def token_is_proof(view: View) -> View:
    """A POST another site sends with its own proof (a signed LTI id_token): no CSRF token is asked for."""
    view.lms_csrf_exempt = True
    return view


def body_limit_of(view: Callable | None, config) -> tuple[int, int]:
    """What ``view`` accepts, in bytes: (its content, the envelope allowed around it)."""
    setting, envelope = getattr(view, "lms_body_limit", ("LMS_MAX_FORM_BYTES", 0))
    return config[setting], envelope


def attachment(data: bytes, media_type: str, name: str):
    """A stored file sent as a download only: never shown in the page (no sniffing, a sandbox if opened), never
    cached, under ``name`` (any characters: the header encodes them)."""
    from io import BytesIO

    from flask import send_file

    response = send_file(BytesIO(data), mimetype=media_type, as_attachment=True, download_name=name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def get_or_404(model, **filters):
    row = db.session.execute(db.select(model).filter_by(**filters)).scalar_one_or_none()
    if row is None:
        abort(404)
    return row


class Outcome:
    """What a :func:`transaction` block came to: ``error`` is the refusal that undid it, or None."""

    def __init__(self) -> None:
        self.error: Exception | None = None
        self.success: str | None = None  # the block may set the message to flash once committed

    @property
    def ok(self) -> bool:
        return self.error is None


@contextmanager
def transaction(*refusals: type[Exception], success: str | None = None,
                failure: Callable[[Exception], str | None] = str) -> Iterator[Outcome]:
    """The one place a view's change is committed or undone.

    The block calls services. When it finishes, the session is committed and ``success`` (or the
    block's ``outcome.success``) is flashed. When a service raises one of ``refusals`` (rules the
    user can act on), the session is rolled back, ``failure(error)`` is flashed as an error (nothing
    when it returns None) and the block's outcome carries the error; any other exception rolls back
    and propagates.
    """
    outcome = Outcome()
    outcome.success = success
    try:
        yield outcome
    except refusals as error:
        db.session.rollback()
        outcome.error = error
        message = failure(error)
        if message:
            flash(message, "error")
        return
    except OperationalError as error:
        db.session.rollback()
        if storage_full(error):
            raise StorageFull() from error  # the whole change was undone: a page that says so, never a 500
        raise
    except BaseException:
        db.session.rollback()
        raise
    try:
        db.session.commit()
    except OperationalError as error:
        db.session.rollback()
        if storage_full(error):
            raise StorageFull() from error
        raise
    if outcome.success:
        flash(outcome.success, "success")


class StorageFull(HTTPException):
    code = 507
    description = _l("The server has no room to store this, so nothing was saved. Try again later.")


def storage_full(error: OperationalError) -> bool:
    """Whether the database refused a write for want of space."""
    code = getattr(error.orig, "sqlstate", None)
    return code == "53100" or any(words in str(error.orig).lower() for words in STORAGE_FULL)


def silently(error: Exception) -> None:
    """A ``failure`` for refusals the page shows itself (next to a field, or as a list)."""
    return None

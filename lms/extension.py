"""The ``LMS`` Flask extension: everything Conductor adds to an app, standalone or mounted."""
from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, render_template, request, send_from_directory
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from .caching import init_cache
from .config import check_settings, env_settings, is_development, trusted_hosts
from .extensions import csrf, db, limiter, login_manager, migrate
from .i18n import FILTERS, LANGUAGES, _, _l, init_babel, interface_language, number
from .mail import BACKENDS
from .web import CONTENT_SECURITY_POLICY, IdConverter, course_lang, course_text, course_words, body_limit_of, carries_nul, content_lang, in_content_lang

log = logging.getLogger("lms")


def migrations_dir(package: Path = Path(__file__).resolve().parent) -> str:
    """Alembic's folder: ``lms/migrations`` in an installed wheel, ``migrations/`` beside ``lms/`` in a checkout."""
    for candidate in (package / "migrations", package.parent / "migrations"):
        if (candidate / "env.py").is_file():
            return str(candidate)
    return str(package / "migrations")  # where the wheel puts it; Alembic names it if it is missing


MIGRATIONS_DIR = migrations_dir()

# Shared templates (base layout, errors) and the stylesheet, found by a host app too.
static_bp = Blueprint("lms_static", __name__, static_folder="static", static_url_path="/lms/static",
                      template_folder="templates")
static_bp.add_app_template_filter(content_lang, "content_lang")  # <h1{{ course.language|content_lang }}>
static_bp.add_app_template_filter(in_content_lang, "in_content_lang")  # Quiz: {{ title|in_content_lang(course.language) }}
static_bp.add_app_template_filter(course_text, "course_text")  # {{ option.text|course_text }} (see web.speaking)
static_bp.add_app_template_filter(course_words, "course_words")  # plain text: escaped
static_bp.add_app_template_filter(course_lang, "course_lang")
for _name, _filter in FILTERS.items():  # {{ moment|lms_date }}, {{ mark|lms_percent }}: in the page's language
    static_bp.add_app_template_filter(_filter, _name)
# Every page's <html lang> and footer language switch.
static_bp.app_context_processor(lambda: {"lms_language": interface_language, "lms_languages": LANGUAGES})
# Flask-WTF's reasons for refusing a form, as the error page says them (Flask-WTF gives them in English).
CSRF_REASONS = {
    "The CSRF token is missing.": _l("The CSRF token is missing."),
    "The CSRF session token is missing.": _l("The CSRF session token is missing."),
    "The CSRF token has expired.": _l("The CSRF token has expired."),
    "The CSRF token is invalid.": _l("The CSRF token is invalid."),
    "The CSRF tokens do not match.": _l("The CSRF tokens do not match."),
    "The referrer header is missing.": _l("The referrer header is missing."),
    "The referrer does not match the host.": _l("The referrer does not match the host."),
}
FAVICON_MAX_AGE = 7 * 24 * 3600  # a week: browsers ask for /favicon.ico on every site, often


_default_max_age = static_bp.get_send_file_max_age


def _static_max_age(filename: str | None) -> int | None:
    """The icons never change at their address, so browsers keep them; the rest revalidates."""
    return FAVICON_MAX_AGE if filename in ("favicon.svg", "favicon.ico") else _default_max_age(filename)


static_bp.get_send_file_max_age = _static_max_age  # type: ignore[method-assign]


@static_bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page names; the pages name the SVG icon."""
    response = send_from_directory(static_bp.static_folder, "favicon.ico", max_age=FAVICON_MAX_AGE,
                                   mimetype="image/vnd.microsoft.icon")
    response.cache_control.public = True
    return response


# Set on every LMS response unless the view set its own.
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
)
# HTTPS only, for a year, once cookies are secure (outside development). A mounted LMS leaves out
# includeSubDomains: on a host's site it would bind every other site of the host's domain.
HSTS = {True: "max-age=31536000; includeSubDomains", False: "max-age=31536000"}
# A page for a logged-in reader is theirs alone: no browser or proxy cache may keep it.
PRIVATE = "private, no-store"


class LMS:
    """Mount with ``LMS(app, url_prefix="/learn")`` or ``lms.init_app(app, url_prefix=...)``."""

    def __init__(self, app: Flask | None = None, **options):
        if app is not None:
            self.init_app(app, **options)

    def init_app(self, app: Flask, url_prefix: str = "", standalone: bool = False) -> None:
        """``standalone``: the app is the LMS's own site, so its host check, body limit and headers
        apply to every response (a 404 too), and Flask's ``TRUSTED_HOSTS`` guards the whole app."""
        for key, value in env_settings().items():
            app.config.setdefault(key, value)
        self._configure(app)
        if standalone and app.config.get("TRUSTED_HOSTS") is None:
            app.config["TRUSTED_HOSTS"] = trusted_hosts(app.config)
        if app.url_map.converters.setdefault("id", IdConverter) is not IdConverter:
            raise RuntimeError("The LMS's routes use the URL converter 'id'; this app already has another by that name")
        init_cache(app)
        init_babel(app)
        db.init_app(app)
        migrate.init_app(app, db, directory=MIGRATIONS_DIR)
        login_manager.init_app(app)
        login_manager.login_view = "accounts.login"
        login_manager.login_message = _l("Log in to continue.")
        login_manager.login_message_category = "info"
        csrf.init_app(app)
        limiter.init_app(app)

        from . import models  # noqa: F401  (registers every table with the metadata)
        # First: a quiz passed is stated before the completion and the certificate it brings.
        from .xapi import receivers as _xapi  # noqa: F401  (statements for the schools' learning record stores)
        from .certificates import receivers as _certificates  # noqa: F401  (connects to completion signals)
        from .notifications import receivers as _notifications  # noqa: F401  (connects to certificate and decision signals)
        from .outbox import dispatch as _outbox  # noqa: F401  (sends what a transaction put in the outbox once it commits)
        from .progress import receivers as _progress  # noqa: F401  (connects to quiz signals)
        from .search import receivers as _search  # noqa: F401  (connects to content syncs)
        from .lti import receivers as _lti  # noqa: F401  (connects to quiz and completion signals: AGS)
        from .accounts.routes import bp as accounts_bp
        from .admin.routes import bp as admin_bp
        from .admissions.admin import bp as admissions_admin_bp
        from .admissions.routes import bp as admissions_bp
        from .assignments.routes import bp as assignments_bp
        from .authoring.routes import bp as authoring_bp
        from .catalog.routes import bp as catalog_bp
        from .certificates.admin import bp as certificates_admin_bp
        from .certificates.public import bp as verification_bp
        from .certificates.routes import bp as certificates_bp
        from .cli import lms_cli
        from .cohorts.calendar import bp as calendar_bp
        from .cohorts.teaching import bp as teaching_bp
        from .cohorts.marking_routes import bp as marking_bp
        from .cohorts.admin import bp as cohorts_admin_bp
        from .cohorts.invitations import bp as cohort_join_bp
        from .lti import frames as lti_frames
        from .lti.admin import bp as lti_admin_bp
        from .lti.routes import bp as lti_bp
        from .portfolio.routes import bp as portfolio_bp
        from .progress.routes import bp as progress_bp
        from .assignments.peer_routes import bp as peer_review_bp
        from .privacy.admin import bp as privacy_admin_bp
        from .privacy.routes import bp as privacy_bp
        from .quizzes.routes import bp as quizzes_bp
        from .help.routes import bp as help_bp
        from .reports.routes import bp as reports_bp
        from .schools.platform import bp as platform_bp
        from .schools.routes import bp as school_bp
        from .search.routes import bp as search_bp
        from .skills.routes import bp as skills_bp
        from .sso.admin import bp as sso_admin_bp
        from .sso.routes import bp as sso_bp
        from .xapi.routes import bp as xapi_bp

        prefix = url_prefix.rstrip("/")
        blueprints = (catalog_bp, progress_bp, quizzes_bp, assignments_bp, accounts_bp, certificates_bp, verification_bp,
                      certificates_admin_bp, authoring_bp, reports_bp, admin_bp, admissions_bp, admissions_admin_bp,
                      help_bp, school_bp, platform_bp, search_bp, privacy_bp, privacy_admin_bp, teaching_bp, marking_bp, calendar_bp,
                      cohorts_admin_bp, cohort_join_bp, portfolio_bp, skills_bp, peer_review_bp, sso_bp, sso_admin_bp,
                      lti_bp, lti_admin_bp, xapi_bp, static_bp)
        for blueprint in blueprints:
            app.register_blueprint(blueprint, url_prefix=prefix + (blueprint.url_prefix or ""))
        lti_frames.install(app)
        app.after_request(lti_frames.frame_headers)  # before the security headers' hook, so it runs after it
        security_hooks(app, {blueprint.name for blueprint in blueprints}, standalone)
        if not is_development(app.config):
            proxy_check(app)
        app.cli.add_command(lms_cli)
        app.extensions["lms"] = {"url_prefix": prefix, "outbox": []}

        from .accounts.sessions import load_user

        login_manager.user_loader(load_user)

    @staticmethod
    def _configure(app: Flask) -> None:
        config = app.config
        check_settings(config)
        development = is_development(config)
        if config.get("LMS_SECRET_KEY") and not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = config["LMS_SECRET_KEY"]
        if not config.get("SECRET_KEY"):
            if not development:
                raise RuntimeError("LMS_SECRET_KEY must be set outside development (LMS_ENV=development)")
            config["SECRET_KEY"] = "development-only-secret-key"
        if config.get("LMS_DATABASE_URL"):
            config.setdefault("SQLALCHEMY_DATABASE_URI", config["LMS_DATABASE_URL"])
        else:
            Path(app.instance_path).mkdir(parents=True, exist_ok=True)
            config.setdefault("SQLALCHEMY_DATABASE_URI", f"sqlite:///{Path(app.instance_path) / 'conductor.sqlite3'}")
        base = config.get("LMS_BASE_URL")
        if base:
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
                raise RuntimeError(f"LMS_BASE_URL must be the site's address, such as https://learn.example.org, not {base!r}")
        elif not development:
            raise RuntimeError("LMS_BASE_URL must be set outside development (LMS_ENV=development): the site's public "
                               "address, such as https://learn.example.org, which every link in e-mails and "
                               "certificates names")
        if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
        secure = config.get("LMS_SECURE_COOKIES")
        secure = (not development) if secure is None else secure
        # Flask ships these keys with weak defaults (False, None), so setdefault would never apply.
        if not config.get("SESSION_COOKIE_SECURE"):
            config["SESSION_COOKIE_SECURE"] = secure
        if not config.get("SESSION_COOKIE_SAMESITE"):
            config["SESSION_COOKIE_SAMESITE"] = "Lax"
        config.setdefault("REMEMBER_COOKIE_SECURE", secure)
        # The cookie lives as long as the login session it names (lms/accounts/sessions.py).
        config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=config["LMS_REMEMBER_DAYS"]))
        config["SESSION_COOKIE_HTTPONLY"] = True
        config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
        config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
        # The LMS checks CSRF on its own blueprints; a host app keeps its own choice for its views.
        config.setdefault("WTF_CSRF_CHECK_DEFAULT", False)
        config.setdefault("RATELIMIT_STORAGE_URI", config.get("LMS_REDIS_URL") or "memory://")
        config.setdefault("RATELIMIT_HEADERS_ENABLED", True)
        if config["LMS_MAIL_BACKEND"] not in BACKENDS:
            raise RuntimeError(f"LMS_MAIL_BACKEND is {config['LMS_MAIL_BACKEND']!r}: use one of {', '.join(BACKENDS)}")
        if not development:
            for warning in production_warnings(config):
                log.warning(warning)


def production_warnings(config) -> list[str]:
    """What a production site is missing, said once at start (development needs none of it)."""
    warnings = []
    backend = config["LMS_MAIL_BACKEND"]
    if backend != "smtp":
        warnings.append(f"LMS_MAIL_BACKEND={backend} sends no mail: new learners cannot finish registering and nobody "
                        "can reset a password (the log names each mail due, never its body). Set "
                        "LMS_MAIL_BACKEND=smtp and the LMS_SMTP_* settings.")
    if config.get("RATELIMIT_ENABLED", True) and config["RATELIMIT_STORAGE_URI"].startswith("memory://"):
        warnings.append("Rate limits are kept in memory, per worker process: with 4 workers a client gets 4 times "
                        "the log-in attempts, and a restart forgets them. Set LMS_REDIS_URL to share them.")
    return warnings


def security_hooks(app: Flask, blueprint_names: set[str], standalone: bool = False) -> None:
    """On the LMS's own requests (its blueprints', or every one on its own site): the host and the
    body's size are checked first, CSRF on every unsafe request, and security headers on every response."""
    config = app.config

    def owned() -> bool:
        return standalone or request.blueprint in blueprint_names

    def _trusted_host():
        """A request naming a host the site does not serve is refused before anything else reads it."""
        hosts = trusted_hosts(config) if owned() else None
        if hosts is not None:
            try:
                get_host(request.environ, hosts)
            except SecurityError:
                # Plain text: with Flask's TRUSTED_HOSTS refusing the host, no URL can be built for a page.
                return Response("Bad request: this site does not answer to that host name.\n", 400, mimetype="text/plain")
        return None

    def _bounded_body():
        """A body is read up to the view's limit (``LMS_MAX_FORM_BYTES`` unless it declares its own), never further."""
        if not owned():
            return None
        allowed, envelope = body_limit_of(app.view_functions.get(request.endpoint or ""), config)
        limit = allowed + envelope
        if config.get("MAX_CONTENT_LENGTH") is not None:
            limit = min(limit, config["MAX_CONTENT_LENGTH"])  # a host's stricter limit stands
        request.max_content_length = limit  # Werkzeug reads no further, whatever the body declares
        if request.content_length is None and request.environ.get("wsgi.input_terminated"):
            # A chunked body declares no length, and Werkzeug would cut it at the limit without a word:
            # read it here (never past the limit), and refuse it whole when it reaches the limit.
            too_large = len(request.get_data(cache=True)) >= limit
        else:
            too_large = request.content_length is not None and request.content_length > limit
        if too_large:
            return render_template("lms/error.html", code=413, title=_("Too large"),
                                   message=_("This page accepts at most %(size)s KB, so nothing was saved. "
                                             "Go back and send less.", size=number(allowed // 1024))), 413
        return None

    def _no_nul():
        """A NUL character anywhere in the input is refused before a view passes it to the database."""
        if owned() and carries_nul():
            return render_template("lms/error.html", code=400, title=_("Bad request"),
                                   message=_("The address or the form holds a character no page accepts, so nothing "
                                             "was saved.")), 400
        return None

    # First of all hooks, before any other reads the request (Flask-Limiter's included).
    app.before_request_funcs.setdefault(None, [])[:0] = [_trusted_host, _bounded_body, _no_nul]

    @app.before_request
    def _protect():
        if (request.blueprint in blueprint_names and request.method not in ("GET", "HEAD", "OPTIONS")
                and app.config.get("WTF_CSRF_ENABLED", True)
                and not getattr(app.view_functions.get(request.endpoint or ""), "lms_csrf_exempt", False)):
            try:
                csrf.protect()
            except CSRFError as error:
                return render_template("lms/error.html", code=400, title=_("Form expired or tampered"),
                                       message=_("%(reason)s Go back, reload the page and try again.",
                                                 reason=CSRF_REASONS.get(error.description, error.description))), 400
        return None

    @app.after_request
    def _headers(response):
        if owned():
            headers = response.headers
            present = {name.lower() for name in headers.keys()}
            wanted = list(SECURITY_HEADERS)
            if config.get("SESSION_COOKIE_SECURE"):
                wanted.append(("Strict-Transport-Security", HSTS[standalone]))
            # A view that chose its own caching (static files, public verification data) keeps it.
            if "cache-control" not in present and current_user.is_authenticated:
                wanted.append(("Cache-Control", PRIVATE))
            headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
            if response.mimetype == "text/html":  # a page's words follow the browser's language and the cookies
                response.vary.update(("Accept-Language", "Cookie"))
        return response


def proxy_check(app: Flask) -> None:
    """Say once if requests come through a proxy whose forwarded address nobody applies: every client
    would then share the proxy's address, and one client's failed log-ins would lock out the others."""
    said = []

    @app.before_request
    def _proxy_check():
        if not said and "X-Forwarded-For" in request.headers and "werkzeug.proxy_fix.orig" not in request.environ:
            said.append(True)
            log.warning("Requests carry X-Forwarded-For but no ProxyFix applies it: rate limits see every client "
                        "as the proxy. Set LMS_PROXY_COUNT to the number of proxies in front of the site (a host "
                        "app that mounts the LMS wraps its wsgi_app in werkzeug's ProxyFix).")

"""Configuration: defaults, then ``LMS_*`` environment variables, then the caller's overrides."""
from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from limits import parse_many

PROJECT_DIR = Path(__file__).resolve().parent.parent

# name -> (default, converter). Every key is documented in the README's configuration table.
SETTINGS: dict[str, tuple[Any, Any]] = {
    "LMS_ENV": ("production", str),
    "LMS_SECRET_KEY": (None, str),
    "LMS_DATABASE_URL": (None, str),
    "LMS_CONTENT_DIR": (str(PROJECT_DIR), str),
    "LMS_REDIS_URL": (None, str),
    "LMS_RQ_QUEUE": ("conductor", str),  # the RQ queue notification mails and outbox messages wait on (with LMS_REDIS_URL)
    "LMS_SCHOOL": ("default", str),
    "LMS_SCHOOL_NAME": ("Conductor Academy", str),
    "LMS_DEFAULT_LANGUAGE": ("en", str),  # the interface's language when neither the reader nor the browser names one
    "LMS_PROXY_COUNT": (0, int),
    "LMS_LOGIN_RATE_LIMIT": ("30 per minute;300 per hour", str),
    "LMS_LOGIN_ACCOUNT_RATE_LIMIT": ("10 per minute;50 per hour", str),
    "LMS_REGISTER_RATE_LIMIT": ("30 per minute;300 per hour", str),
    "LMS_RESET_RATE_LIMIT": ("10 per minute;50 per hour", str),
    "LMS_ACCOUNT_MAIL_RATE_LIMIT": ("5 per hour", str),
    "LMS_EXPORT_RATE_LIMIT": ("5 per hour", str),  # data exports per account (each reads everything about it)
    "LMS_APPLY_RATE_LIMIT": ("10 per hour;30 per day", str),  # applications per client address (lms/admissions)
    "LMS_APPLY_EMAIL_RATE_LIMIT": ("3 per hour;10 per day", str),  # applications naming one e-mail address
    "LMS_MAIL_BACKEND": ("log", str),
    "LMS_MAIL_SENDER": ("conductor@localhost", str),
    "LMS_SMTP_HOST": ("localhost", str),
    "LMS_SMTP_PORT": (25, int),
    "LMS_SMTP_USER": (None, str),
    "LMS_SMTP_PASSWORD": (None, str),
    "LMS_SMTP_TLS": (False, lambda v: str(v).lower() in {"1", "true", "yes", "on"}),
    "LMS_RESET_TOKEN_MAX_AGE": (3600, int),
    "LMS_REGISTER_TOKEN_MAX_AGE": (86400, int),
    "LMS_INVITATION_MAX_AGE": (14 * 86400, int),
    "LMS_EMAIL_CHANGE_TOKEN_MAX_AGE": (86400, int),
    "LMS_AUTO_REISSUE_ON_RENAME": (False, lambda v: str(v).lower() in {"1", "true", "yes", "on"}),
    "LMS_SESSION_HOURS": (12, int),
    "LMS_REMEMBER_DAYS": (30, int),
    "LMS_PASSWORD_HASH": ("scrypt", str),
    "LMS_SECURE_COOKIES": (None, lambda v: str(v).lower() in {"1", "true", "yes", "on"}),
    "LMS_BASE_URL": (None, str),
    "LMS_TRUSTED_HOSTS": (None, str),
    "LMS_KEYS_DIR": (None, str),
    "LMS_SCHOOL_LOGO": (None, str),
    "LMS_CERTIFICATE_SIGNATORY": ("Programme Director", str),
    "LMS_UPLOAD_MAX_BYTES": (2 * 1024 * 1024, int),
    "LMS_COHORT_IMPORT_MAX_BYTES": (1024 * 1024, int),  # a CSV of learners: 5,000 rows take about 300 KB
    "LMS_COHORT_IMPORT_MAX_ROWS": (5000, int),
    "LMS_LOGO_MAX_BYTES": (256 * 1024, int),
    "LMS_APPLICATION_FILE_MAX_BYTES": (5 * 1024 * 1024, int),
    "LMS_SUBMISSION_FILE_MAX_BYTES": (50 * 1024 * 1024, int),  # the most an assignment may allow (max_file_mb)
    "LMS_MAX_FORM_BYTES": (1024 * 1024, int),
    "LMS_PAGE_CACHE_SIZE": (512, int),
    "LMS_CACHE_TYPE": ("SimpleCache", str),
    "LMS_PEERTUBE_HOSTS": (None, str),
    "LMS_SSO_METADATA_TTL": (3600, int),  # seconds a provider's discovery document and keys stay cached (lms/sso)
    "LMS_SSO_HTTP_TIMEOUT": (10, int),  # seconds Conductor waits for an identity provider's answer
    "LMS_XAPI_TIMEOUT": (5.0, float),  # seconds a learning record store has to answer one statement (lms/xapi)
    "LMS_OUTBOUND_ALLOW": (None, str),  # public | loopback | any: the addresses Conductor calls (lms/outbound.py)
}


RATE_LIMITS = ("LMS_LOGIN_RATE_LIMIT", "LMS_LOGIN_ACCOUNT_RATE_LIMIT", "LMS_REGISTER_RATE_LIMIT", "LMS_RESET_RATE_LIMIT",
               "LMS_ACCOUNT_MAIL_RATE_LIMIT", "LMS_EXPORT_RATE_LIMIT", "LMS_APPLY_RATE_LIMIT",
               "LMS_APPLY_EMAIL_RATE_LIMIT")
AT_LEAST = {"LMS_SESSION_HOURS": 1, "LMS_REMEMBER_DAYS": 0, "LMS_PROXY_COUNT": 0, "LMS_SSO_METADATA_TTL": 1,
            "LMS_SSO_HTTP_TIMEOUT": 1}


def env_settings(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """Read every known ``LMS_*`` variable, converted, falling back to its default."""
    environ = os.environ if environ is None else environ
    values = {}
    for key, (default, convert) in SETTINGS.items():
        raw = environ.get(key)
        try:
            values[key] = convert(raw) if raw not in (None, "") else default
        except ValueError:
            raise RuntimeError(f"{key}={raw!r} is not a valid value (the default is {default!r})") from None
    return values


def check_settings(config) -> None:
    """Refuse to start on a setting the site cannot work with, naming it (not a 500 at the first request)."""
    for key in RATE_LIMITS:
        try:
            parse_many(config[key])
        except ValueError:
            raise RuntimeError(f"{key} is {config[key]!r}: write limits like '10 per minute;50 per hour'") from None
    for key, least in AT_LEAST.items():
        if not isinstance(config[key], int) or config[key] < least:
            raise RuntimeError(f"{key} is {config[key]!r}: it must be a whole number, at least {least}")
    peertube_hosts(config.get("LMS_PEERTUBE_HOSTS"))
    outbound_allow(config)


OUTBOUND_CHOICES = ("public", "loopback", "any")


def outbound_allow(config) -> str:
    """``LMS_OUTBOUND_ALLOW`` (see lms/outbound.py), or its default: ``loopback`` in development and the tests,
    ``public`` otherwise."""
    value = (config.get("LMS_OUTBOUND_ALLOW") or ("loopback" if is_development(config) else "public")).lower()
    if value not in OUTBOUND_CHOICES:
        raise RuntimeError(f"LMS_OUTBOUND_ALLOW is {value!r}: use one of {', '.join(OUTBOUND_CHOICES)}")
    return value


HOST_NAME = re.compile(r"^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$")


def peertube_hosts(value: str | Iterable[str] | None) -> frozenset[str]:
    """``LMS_PEERTUBE_HOSTS`` as a set of host names: a list, or one string separated by commas or spaces."""
    if not value:
        return frozenset()
    items = value.replace(",", " ").split() if isinstance(value, str) else list(value)
    hosts = frozenset(str(item).strip().lower() for item in items if str(item).strip())
    for host in sorted(hosts):
        if not HOST_NAME.match(host):
            raise RuntimeError(f"LMS_PEERTUBE_HOSTS names {host!r}: write host names such as video.example.org "
                               "(no https://, path or port)")
    return hosts


def is_development(config) -> bool:
    return config.get("LMS_ENV") == "development" or bool(config.get("DEBUG")) or bool(config.get("TESTING"))


def trusted_hosts(config) -> list[str] | None:
    """The host names the LMS answers to: ``LMS_BASE_URL``'s and ``LMS_TRUSTED_HOSTS``'s (Werkzeug's
    syntax: ``.example.org`` takes every subdomain). None, any host, only in development without a base URL."""
    base = config.get("LMS_BASE_URL")
    if not base:
        return None
    more = config.get("LMS_TRUSTED_HOSTS") or []
    if isinstance(more, str):
        more = more.replace(",", " ").split()
    return [urlsplit(base).hostname, *more]

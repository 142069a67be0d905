"""Fragments that are the same for every reader, cached by what they depend on.

Only content goes here: a lesson's rendered article, a course outline's structure. Each key names
the content hashes the value was built from, so a sync or a published edit is a new key and a stale
value is never read; nothing of one reader (a name, a token, a lesson state) is ever cached. The
backend is Flask-Caching's, configured by ``LMS_CACHE_TYPE``: a per-process ``SimpleCache`` by
default, bounded by ``LMS_PAGE_CACHE_SIZE`` entries.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask

from .extensions import cache

T = TypeVar("T")
BACKENDS = {"SimpleCache", "RedisCache", "NullCache"}


def init_cache(app: Flask) -> None:
    """Configure the fragment cache from the LMS's own keys, apart from any cache the host uses."""
    config = app.config
    backend = config["LMS_CACHE_TYPE"]
    if backend not in BACKENDS:
        raise RuntimeError(f"LMS_CACHE_TYPE must be one of {', '.join(sorted(BACKENDS))}, not {backend!r}")
    if backend == "RedisCache" and not config.get("LMS_REDIS_URL"):
        raise RuntimeError("LMS_CACHE_TYPE=RedisCache needs LMS_REDIS_URL")
    # Ids differ between databases, so two sites sharing one Redis must not share keys.
    site = hashlib.sha256(str(config["SQLALCHEMY_DATABASE_URI"]).encode()).hexdigest()[:12]
    cache.init_app(app, config={
        "CACHE_TYPE": backend,
        "CACHE_DEFAULT_TIMEOUT": 0,  # keys change with the content, so entries never go stale
        "CACHE_THRESHOLD": config["LMS_PAGE_CACHE_SIZE"],
        "CACHE_KEY_PREFIX": f"lms:{site}:",
        "CACHE_REDIS_URL": config.get("LMS_REDIS_URL"),
    })


def fragment(kind: str, key: tuple[Any, ...], build: Callable[[], T]) -> T:
    """The cached value of ``kind`` for ``key``, built (and stored) on a miss."""
    name = kind + "/" + "/".join(map(str, key))
    value = cache.get(name)
    if value is None:
        value = build()
        cache.set(name, value)
    return value


def clear() -> None:
    """Forget every fragment of this app (tests; a process can also simply restart)."""
    cache.clear()

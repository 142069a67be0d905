"""Pages rendered once and filled in on each request.

A lesson page is the same for every learner but for a few values: the learner's name, the CSRF
token, the state of each lesson in the outline. So its template is rendered once per version of
the content and shape of the page, with stand-ins where those values go; each request then joins
the cached text with the live values, which costs a fraction of a template render. The template
stays the one source of the page: the same file renders it directly when no shell applies.
"""
from __future__ import annotations

import re
import threading
from operator import attrgetter, methodcaller
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from flask import current_app, render_template, session
from markupsafe import escape

_HOLE = re.compile("\x00(\\d+)\x00")


class LRU:
    """A bounded least-recently-used map, safe to share between a worker's threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


def app_cache(name: str) -> LRU:
    """One cache per app and name: a host site may run two LMS apps, and tests make many."""
    caches = current_app.extensions["lms"]["caches"]
    cache = caches.get(name)
    if cache is None:
        cache = caches.setdefault(name, LRU(current_app.config["LMS_PAGE_CACHE_SIZE"]))
    return cache


class _Recorder:
    def __init__(self) -> None:
        self.holes: list[tuple[str, tuple]] = []

    def hole(self, root: str, steps: tuple) -> str:
        self.holes.append((root, steps))
        return f"\x00{len(self.holes) - 1}\x00"


class Deferred:
    """Stands in for a live object while a shell renders. Reading an attribute or calling gives
    another stand-in; printing one leaves a hole, filled from the live object on each request.
    ``fixed`` attributes are real values (the shape of the page depends on them, so they belong to
    the shell's key). Using a live value to decide anything is refused: it would be cached."""

    __slots__ = ("_recorder", "_root", "_steps", "_fixed")

    def __init__(self, recorder: _Recorder, root: str, steps: tuple = (), fixed: Mapping[str, Any] | None = None):
        self._recorder, self._root, self._steps, self._fixed = recorder, root, steps, fixed or {}

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name.startswith("jinja_"):
            raise AttributeError(name)
        if name in self._fixed:
            return self._fixed[name]
        return Deferred(self._recorder, self._root, (*self._steps, ("attr", name)))

    def __call__(self, *args: Any, **kwargs: Any) -> Deferred:
        return Deferred(self._recorder, self._root, (*self._steps, ("call", args, kwargs)))

    def __html__(self) -> str:
        return self._recorder.hole(self._root, self._steps)

    __str__ = __html__

    def _refuse(self, *_: Any) -> bool:
        raise TypeError(f"the live value {self._root!r} cannot shape a cached page; add what it decides to the key")

    __bool__ = __eq__ = __ne__ = __lt__ = __gt__ = __le__ = __ge__ = __iter__ = __len__ = __contains__ = _refuse
    __hash__ = None  # type: ignore[assignment]


def _resolver(root: str, steps: tuple) -> tuple[str, tuple[Callable[[Any], Any], ...]]:
    """The hole's path as C-level callables: an attribute read followed by a call is one method call."""
    chain: list[Callable[[Any], Any]] = []
    index = 0
    while index < len(steps):
        step = steps[index]
        following = steps[index + 1] if index + 1 < len(steps) else None
        if step[0] == "attr" and following is not None and following[0] == "call":
            chain.append(methodcaller(step[1], *following[1], **following[2]))
            index += 2
            continue
        if step[0] == "attr":
            chain.append(attrgetter(step[1]))
        else:
            chain.append(lambda value, args=step[1], kwargs=step[2]: value(*args, **kwargs))
        index += 1
    return root, tuple(chain)


class Shell:
    """A rendered page cut at its holes."""

    __slots__ = ("parts", "holes")

    def __init__(self, parts: list[str], holes: list[tuple[str, tuple[Callable[[Any], Any], ...]]]):
        self.parts, self.holes = parts, holes

    @classmethod
    def cut(cls, html: str, recorder: _Recorder) -> Shell | None:
        """None when the page cannot be cut safely (its text holds the hole mark itself)."""
        pieces = _HOLE.split(html)
        parts, numbers = pieces[0::2], [int(n) for n in pieces[1::2]]
        if numbers != list(range(len(recorder.holes))) or any("\x00" in part for part in parts):
            return None
        return cls(parts, [_resolver(root, steps) for root, steps in recorder.holes])

    def fill(self, live: Mapping[str, Any]) -> str:
        parts = self.parts
        out = [parts[0]]
        append = out.append
        for index, (root, chain) in enumerate(self.holes, 1):
            value = live[root]
            for step in chain:
                value = step(value)
            append(escape(value))  # what autoescaping would have printed
            append(parts[index])
        return "".join(out)


def render_page(template: str, key: Hashable, context: Callable[[], dict[str, Any]], live: Mapping[str, Any],
                fixed: Mapping[str, Mapping[str, Any]] | None = None) -> str:
    """Render ``template`` from its shell for ``key``, making the shell on first use.

    ``context`` builds what is the same for everyone who shares the key (called on a miss only);
    ``live`` holds what is read on every request; ``fixed`` names, per live object, the attributes
    that shape the page, which join the key. A page with flash messages is rendered directly,
    since they show once.
    """
    if "_flashes" in session:
        return render_template(template, **context(), **live)
    fixed = fixed or {}
    key = (template, key, tuple((name, tuple(sorted(values.items()))) for name, values in sorted(fixed.items())))
    cache = app_cache("shells")
    shell = cache.get(key)
    if shell is None:
        recorder = _Recorder()
        stand_ins = {name: Deferred(recorder, name, fixed=fixed.get(name)) for name in live}
        shell = Shell.cut(render_template(template, **context(), **stand_ins), recorder)
        if shell is None:
            return render_template(template, **context(), **live)
        cache.put(key, shell)
    return shell.fill(live)


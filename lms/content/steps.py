"""Features whose files live in the content tree beside courses/ plug into the loader here.

The loader reads and stores courses, modules, lessons, skills and programmes itself. A feature with
files of its own (quizzes, whose package registers its step when imported) adds a ``ContentStep``:
the loader calls ``read`` after the courses are read, ``known`` to skip its unchanged files, and
``store`` inside the sync's transaction. The loader never imports the features that build on it.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .specs import ContentTree
    from .sync import SyncReport
    from .tree import Reader


@dataclass(frozen=True)
class ContentStep:
    name: str
    #: Validate the feature's files against the courses read so far, adding to ``reader.tree``.
    read: Callable[[Reader], None]
    #: ``(source path, content hash)`` of every stored live file, so an unchanged file is not rendered again.
    known: Callable[[], Iterable[tuple[str, str]]]
    #: Store the tree's files: ``store(tree, courses by slug, modules by (course id, slug), report)``.
    #: Returns ``(course id, line)`` pairs describing what each course's outline shows of the feature.
    store: Callable[[ContentTree, dict[str, Any], dict[tuple[int, str], Any], SyncReport], Iterable[tuple[int, str]]]


_STEPS: dict[str, ContentStep] = {}


def register_step(step: ContentStep) -> ContentStep:
    """Add a feature's step; registering the same name again replaces it (a module reloaded in tests)."""
    _STEPS[step.name] = step
    return step


def content_steps() -> tuple[ContentStep, ...]:
    return tuple(_STEPS.values())

"""The search index follows the content: every sync (``flask lms sync``, a publish) refreshes it."""
from __future__ import annotations

from ..signals import content_synced
from . import services


@content_synced.connect
def _refresh_index(report) -> None:
    if report.created or report.updated or report.retired or services.index_is_empty():
        services.rebuild_index()

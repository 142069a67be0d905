"""Bar charts drawn on the server as SVG: no script, no CDN, no inline style (the Content-Security-
Policy forbids both), colours from the stylesheet's classes. Each chart is an image with a title and a
description for screen readers, and the page shows the same numbers as a table."""
from __future__ import annotations

from collections.abc import Callable

from markupsafe import Markup, escape

from ..i18n import _, ngettext, number, plural_count

# How a bar's value reads: a callable (``learners``: "1 learner", "4 learners"), or a unit written right after
# the number ("%"), or nothing.
ValueText = Callable[[float], str] | str

WIDTH = 640
ROW = 30
LABEL_WIDTH = 330


def _frame(chart_id: str, title: str, description: str, width: int, height: int, body: list[str]) -> Markup:
    head = (f'<svg class="chart" id="{escape(chart_id)}" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg" '
            f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">'
            f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
            f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>')
    return Markup(head + "".join(body) + "</svg>")


def _shorten(label: str, limit: int = 42) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def horizontal_bars(chart_id: str, title: str, bars: list[tuple[str, float]], unit: ValueText = "",
                    maximum: float | None = None) -> Markup:
    """One bar per row, label on the left and the value at the bar's end (a funnel, a ranking)."""
    top = max([maximum or 0] + [value for _, value in bars]) or 1
    height = ROW * len(bars) + 10
    span = WIDTH - LABEL_WIDTH - 100
    body = []
    for index, (label, value) in enumerate(bars):
        y = 5 + index * ROW
        length = max(0.0, span * value / top)
        body.append(f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + 19}" text-anchor="end">'
                    f'{escape(_shorten(label))}</text>'
                    f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y + 4}" width="{length:.1f}" height="{ROW - 10}"/>'
                    f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" y="{y + 19}">'
                    f'{escape(_text(value, unit))}</text>')
    return _frame(chart_id, title, _description(bars, unit), WIDTH, height, body)


def columns(chart_id: str, title: str, bars: list[tuple[str, float]], unit: ValueText = "") -> Markup:
    """Vertical columns with labels underneath (a distribution over ordered bins)."""
    height, base, left = 240, 200, 40
    top = max([value for _, value in bars] + [1])
    slot = (WIDTH - left) / max(len(bars), 1)
    body = [f'<line class="chart-axis" x1="{left}" y1="{base}" x2="{WIDTH}" y2="{base}"/>',
            f'<text class="chart-value" x="{left - 6}" y="{base - 160 + 4}" text-anchor="end">{escape(_number(top))}</text>',
            f'<text class="chart-value" x="{left - 6}" y="{base + 4}" text-anchor="end">0</text>']
    for index, (label, value) in enumerate(bars):
        x = left + index * slot
        size = 160 * value / top
        body.append(f'<rect class="chart-bar" x="{x + slot * 0.15:.1f}" y="{base - size:.1f}" '
                    f'width="{slot * 0.7:.1f}" height="{size:.1f}"/>'
                    f'<text class="chart-value" x="{x + slot / 2:.1f}" y="{base - size - 5:.1f}" text-anchor="middle">'
                    f'{escape(_number(value))}</text>'
                    f'<text class="chart-label small" x="{x + slot / 2:.1f}" y="{base + 18}" text-anchor="middle">'
                    f'{escape(label)}</text>')
    return _frame(chart_id, title, _description(bars, unit), WIDTH, height, body)


_plural_count = plural_count  # 1.5 learners in English, 1,5 apprenant in French (CLDR)


def learners(value: float) -> str:
    """"1 learner", "4 learners" (the bars of a funnel)."""
    return ngettext("%(count)s learner", "%(count)s learners", _plural_count(value), count=_number(value))


def attempts(value: float) -> str:
    """"1 attempt", "7 attempts" (the columns of a score distribution)."""
    return ngettext("%(count)s attempt", "%(count)s attempts", _plural_count(value), count=_number(value))


def _text(value: float, unit: ValueText) -> str:
    return unit(value) if callable(unit) else _number(value) + unit


def _description(bars: list[tuple[str, float]], unit: ValueText) -> str:
    """The chart's text alternative: "Enrolled: 4 learners; Completed module 1: 3 learners"."""
    return _("; ").join(_("%(label)s: %(value)s", label=label, value=_text(value, unit)) for label, value in bars)


def _number(value: float) -> str:
    """In the page's language, to one decimal at most (2.5 reads "2,5" in French)."""
    return number(round(float(value), 1))

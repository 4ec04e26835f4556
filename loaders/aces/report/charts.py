"""Bar charts as inline SVG, drawn in Python: the report needs no script library, no CDN, no network.

One chart is a horizontal bar per label, stacked by series (the corpus splits), with the total at the bar's end.
Every ``<rect>`` carries ``data-label``, ``data-series`` and ``data-value`` so tests (and readers of the source)
can check the numbers the picture shows.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

SERIES_COLOURS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948"]

_ROW = 22
_LABEL_W = 170
_BAR_W = 300
_COUNT_W = 56
_TOP = 8


def stacked_bars(chart_id: str, title: str, rows: Mapping[str, Mapping[str, int]], series: list[str]) -> str:
    """A titled SVG chart: ``rows`` is label → series → count (a label with no count is drawn with 0)."""
    colours = {s: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, s in enumerate(series)}
    totals = {label: sum(counts.get(s, 0) for s in series) for label, counts in rows.items()}
    top = max(totals.values(), default=0) or 1
    width = _LABEL_W + _BAR_W + _COUNT_W
    height = _TOP * 2 + _ROW * max(len(rows), 1)
    parts = [
        f'<svg id="{html.escape(chart_id, quote=True)}" class="chart" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{html.escape(title)}</title>",
    ]
    for i, (label, counts) in enumerate(rows.items()):
        y = _TOP + i * _ROW
        name = html.escape(label)
        parts.append(f'<text x="{_LABEL_W - 8}" y="{y + 15}" text-anchor="end" class="lbl">{name}</text>')
        x = float(_LABEL_W)
        for s in series:
            value = counts.get(s, 0)
            w = _BAR_W * value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{_ROW - 6}" fill="{colours[s]}" '
                f'data-label="{html.escape(label, quote=True)}" data-series="{html.escape(s, quote=True)}" '
                f'data-value="{value}"><title>{name} · {html.escape(s)}: {value}</title></rect>'
            )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" class="num">{totals[label]}</text>')
    parts.append("</svg>")
    return "".join(parts)


def legend(series: list[str]) -> str:
    """The series colours, once per page (every chart stacks the same series)."""
    items = "".join(
        f'<span class="key"><span class="swatch" style="background:{SERIES_COLOURS[i % len(SERIES_COLOURS)]}">'
        f"</span>{html.escape(s)}</span>"
        for i, s in enumerate(series)
    )
    return f'<p class="legend">{items}</p>'

"""Grouped bar charts as accessible inline SVG (the events report: sign-ups beside attendance).

Like forum.charts.svg: an image (role="img") named by its <title> and explained by its <desc>,
every label escaped here, colours as presentation attributes. A second series is hatched as
well as coloured, so the two tell apart in print and for people who do not see the colours;
each bar's <title> gives its figure to a mouse, and the page puts the same data in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from forum.charts.svg import _tick_text, grid, nice_ticks, safe_id

VALUE_LABELS_UP_TO = 16  # groups; beyond this the figures crowd, and the table has them


@dataclass(frozen=True, slots=True)
class Series:
    """One set of bars: `name` is its CSS suffix, `label` what the key and tooltips call it."""

    name: str
    label: str
    values: Sequence[float]
    fill: str = "#005eb8"
    stroke: str = "#003087"
    hatched: bool = False


def _hatch(cid: str, s: Series) -> str:
    return (f'<pattern id="{cid}-hatch-{escape(s.name)}" width="6" height="6" '
            f'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="6" height="6" fill="{escape(s.fill)}"/>'
            f'<line x1="0" y1="0" x2="0" y2="6" stroke="#fff" stroke-width="2"/></pattern>')


def bar_swatch(s: Series) -> Markup:
    """A key symbol matching the series' bars, hidden from screen readers (text beside it)."""
    lines = ('<path d="M0 12L12 0M-3 9L9 -3M3 15L15 3" stroke="#fff" stroke-width="2"/>'
             if s.hatched else "")
    return Markup(  # noqa: S704  (colours escaped)
        f'<svg class="chart-swatch chart-bar--{escape(s.name)}" viewBox="0 0 12 12" width="16" '
        f'height="16" aria-hidden="true" focusable="false"><rect width="12" height="12" '
        f'fill="{escape(s.fill)}" stroke="{escape(s.stroke)}"/>{lines}</svg>')


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    series: Sequence[Series],
    y_label: str = "",
    width: int = 720,
    height: int = 340,
) -> Markup:
    """Groups of bars, one group per label and one bar per series, as inline SVG markup."""
    cid = safe_id(chart_id)
    n = len(x_labels)
    left, right, top, bottom = 64, 16, 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for s in series for v in s.values]
    ticks = nice_ticks(0, max(values)) if values and max(values) > 0 else [0.0, 1.0]
    y_hi = ticks[-1]
    step = plot_w / max(n, 1)
    bar_w = step * 0.8 / max(len(series), 1)

    def py(v: float) -> float:
        return top + plot_h - v / y_hi * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart--bars" id="{cid}" '
           f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{cid}-title {cid}-desc">',
           f'<title id="{cid}-title">{escape(title)}</title>', f'<desc id="{cid}-desc">{escape(desc)}</desc>',
           f'<defs>{"".join(_hatch(cid, s) for s in series if s.hatched)}</defs>',
           '<g class="chart-grid" aria-hidden="true">']
    out.extend(grid(ticks, py, lambda i: left + (i + 0.5) * step, x_labels, y_label,
                    box=(left, top, plot_w, plot_h), label_limit=12))
    out.append("</g>")
    for k, s in enumerate(series):
        paint = f"url(#{cid}-hatch-{escape(s.name)})" if s.hatched else escape(s.fill)
        out.append(f'<g class="chart-bars chart-bar--{escape(s.name)}">')
        for i, v in enumerate(s.values):
            x = left + i * step + step * 0.1 + k * bar_w
            y = py(v)
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{top + plot_h - y:.1f}" '
                       f'fill="{paint}" stroke="{escape(s.stroke)}"><title>{escape(x_labels[i])}: '
                       f'{escape(_tick_text(v))} {escape(s.label.lower())}</title></rect>')
            if n <= VALUE_LABELS_UP_TO:
                out.append(f'<text class="chart-bar-value" x="{x + bar_w / 2:.1f}" y="{y - 4:.1f}" '
                           f'text-anchor="middle" fill="#212b32" aria-hidden="true">'
                           f'{escape(_tick_text(v))}</text>')
        out.append("</g>")
    out.append(f'<path class="chart-axis" d="M{left} {top}V{top + plot_h}H{left + plot_w}" fill="none" '
               'stroke="#4c6272" aria-hidden="true"/></svg>')
    return Markup("".join(out))  # noqa: S704  (every text and attribute above is escaped or ours)

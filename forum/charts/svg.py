"""A small line-chart drawer producing accessible inline SVG markup.

The chart is an image (role="img") named by its <title> and explained by its <desc>; points
that carry a tooltip are focusable: the mouse gets the <title> as the browser's tooltip, and the
keyboard a short label drawn beside the point that the stylesheet shows on focus. Every piece of text
is escaped here, because labels and tooltips come from members. Colours are presentation
attributes (so a chart looks right even without our stylesheet) that static/css/charts.css
overrides in Windows high-contrast (forced-colors) mode; shapes carry the meaning in print.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

Shape = Literal["circle", "square", "diamond", "triangle"]

MAX_DOTS = 400  # beyond this, plain points are left to the line (a 10,000-point chart stays small)


@dataclass(frozen=True, slots=True)
class Dot:
    """A point drawn on the line; one with a tooltip is focusable and gets a <title>, and `label`
    (one short line) is shown beside it while it has keyboard focus."""

    index: int
    shape: Shape = "circle"
    css: str = "common"
    fill: str = "#768692"
    stroke: str = "#425563"
    tooltip: str | None = None
    label: str | None = None


@dataclass(frozen=True, slots=True)
class RefLine:
    """A horizontal reference (mean, limit, median, target), one value per point; each stretch of
    equal values is drawn as its own segment, so a recalculated limit shows as a step."""

    name: str
    label: str
    values: Sequence[float | None]
    colour: str = "#212b32"
    dash: str = ""


@dataclass(frozen=True, slots=True)
class Marker:
    """A vertical line before a point with a label above the plot, e.g. a PDSA cycle."""

    index: int
    label: str


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values covering [lo, hi] at a 1, 2, 2.5 or 5 x 10^k step."""
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / count
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start, end = math.floor(lo / step) * step, math.ceil(hi / step) * step
    return [round(start + k * step, 10) for k in range(round((end - start) / step) + 1)]


def _tick_text(x: float) -> str:
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.2f}".rstrip("0").rstrip(".") or "0"


def _stretches(values: Sequence[float | None]) -> list[tuple[int, int, float]]:
    """Maximal runs [a, b] of equal, present values."""
    out: list[tuple[int, int, float]] = []
    for i, v in enumerate(values):
        if v is None:
            continue
        if out and out[-1][1] == i - 1 and out[-1][2] == v:
            out[-1] = (out[-1][0], i, v)
        else:
            out.append((i, i, v))
    return out


def _shape(shape: Shape, x: float, y: float, r: float, fill: str, stroke: str) -> str:
    paint = f'fill="{escape(fill)}" stroke="{escape(stroke)}" stroke-width="1.5"'
    if shape == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" {paint}/>'
    if shape == "diamond":
        d = r * 1.35
        return (f'<path d="M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}'
                f'L{x - d:.1f} {y:.1f}Z" {paint}/>')
    if shape == "triangle":
        d = r * 1.3
        return (f'<path d="M{x:.1f} {y - d:.1f}L{x + d:.1f} {y + d * 0.8:.1f}'
                f'L{x - d:.1f} {y + d * 0.8:.1f}Z" {paint}/>')
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" {paint}/>'


def swatch(shape: Shape, fill: str, stroke: str, css: str = "") -> Markup:
    """A 16-pixel key symbol matching a chart's points, hidden from screen readers (text beside it)."""
    cls = f"chart-swatch chart-dot--{escape(css)}" if css else "chart-swatch"
    return Markup(  # noqa: S704  (attributes escaped in _shape)
        f'<svg class="{cls}" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" '
        f'focusable="false">{_shape(shape, 8, 8, 4.5, fill, stroke)}</svg>'
    )


def safe_id(text: str) -> str:
    """An id usable in markup and aria references."""
    cleaned = re.sub(r"[^A-Za-z0-9_-]+", "-", text).strip("-")
    return cleaned if cleaned[:1].isalpha() else f"chart-{cleaned}"


def line_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    x_labels: Sequence[str],
    values: Sequence[float],
    dots: Sequence[Dot] = (),
    lines: Sequence[RefLine] = (),
    markers: Sequence[Marker] = (),
    y_label: str = "",
    width: int = 720,
    height: int = 340,
) -> Markup:
    """The chart as inline SVG markup."""
    cid = safe_id(chart_id)
    n = len(values)
    left, right, top, bottom = 64, 120, 44 if markers else 16, 48
    plot_w, plot_h = width - left - right, height - top - bottom
    present = [*values, *(v for line in lines for v in line.values if v is not None)]
    ticks = nice_ticks(min(present), max(present)) if present else [0.0, 1.0]
    y_lo, y_hi = ticks[0], ticks[-1]
    step = plot_w / max(n, 1)

    def px(i: float) -> float:
        return left + (i + 0.5) * step

    def py(v: float) -> float:
        return top + plot_h - (v - y_lo) / (y_hi - y_lo) * plot_h

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{cid}" viewBox="0 0 {width} {height}" '
           f'role="img" aria-labelledby="{cid}-title {cid}-desc">',
           f'<title id="{cid}-title">{escape(title)}</title>', f'<desc id="{cid}-desc">{escape(desc)}</desc>',
           '<g class="chart-grid" aria-hidden="true">']
    out.extend(grid(ticks, py, px, x_labels, y_label, box=(left, top, plot_w, plot_h)))
    out.append(f'<path class="chart-axis" d="M{left} {top}V{top + plot_h}H{left + plot_w}" fill="none" '
               'stroke="#4c6272"/>')
    out.append("</g>")
    out.extend(_ref_lines(lines, px, py, step, left + plot_w))
    for k, m in enumerate(markers):
        x = px(m.index) - step / 2
        # a label that would run off the right edge ends at its line instead
        anchor = ' text-anchor="end"' if x + 6.4 * len(_short(m.label)) > width else ""
        tx, ty = (x - 3 if anchor else x + 3), top - 18 + 14 * (k % 2)
        out.append(f'<g class="chart-marker"><line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" '
                   f'y2="{top + plot_h}" stroke="#330072" stroke-dasharray="2 3"/>'
                   f'<text x="{tx:.1f}" y="{ty}" fill="#330072"{anchor}>'
                   f'{escape(_short(m.label))}</text><title>{escape(m.label)}</title></g>')
    if n:
        pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values))
        out.append(f'<polyline class="chart-data" points="{pts}" fill="none" stroke="#425563" '
                   'stroke-width="2"/>')
    for d in dots:
        if d.tooltip is None and n > MAX_DOTS:
            continue
        shape = _shape(d.shape, px(d.index), py(values[d.index]), 5 if d.tooltip else 3.5, d.fill, d.stroke)
        focus = f' tabindex="0" data-index="{d.index}"' if d.tooltip else ""
        tip = f"<title>{escape(d.tooltip)}</title>" if d.tooltip else ""
        label = ""
        if d.tooltip:
            label = _focus_label(d.label or d.tooltip, px(d.index), py(values[d.index]), width)
        out.append(f'<g class="chart-dot chart-dot--{escape(d.css)}"{focus}>{tip}{shape}{label}</g>')
    out.append("</svg>")
    return Markup("".join(out))  # noqa: S704  (every text and attribute above is escaped or ours)


def grid(ticks: Sequence[float], py: Callable[[float], float], px: Callable[[float], float],
         x_labels: Sequence[str], y_label: str, *, box: tuple[float, float, float, float],
         label_limit: int = 0) -> list[str]:
    """Horizontal grid lines with their values, the x labels (as many as fit) and the y axis's
    name; `box` is the plot's left, top, width and height. Shared by the line and bar charts."""
    left, top, plot_w, plot_h = box
    out = []
    for t in ticks:
        y = py(t)
        out.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#d8dde0"/>'
                   f'<text class="chart-tick" x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" '
                   f'fill="#4c6272">{escape(_tick_text(t))}</text>')
    n = len(x_labels)
    every = max(1, math.ceil(n / max(1, plot_w // 64)))
    for i in range(0, n, every):
        label = _short(x_labels[i], label_limit) if label_limit else x_labels[i]
        out.append(f'<text class="chart-tick" x="{px(i):.1f}" y="{top + plot_h + 18}" text-anchor="middle" '
                   f'fill="#4c6272">{escape(label)}</text>')
    if y_label:
        out.append(f'<text class="chart-axis-label" transform="translate(14 {top + plot_h / 2:.1f}) '
                   f'rotate(-90)" text-anchor="middle" fill="#212b32">{escape(y_label)}</text>')
    return out


def _ref_lines(
    lines: Sequence[RefLine], px: Callable[[float], float], py: Callable[[float], float], step: float,
    right_edge: float,
) -> list[str]:
    out, used_y = [], []
    for line in lines:
        pieces = _stretches(line.values)
        dash = f' stroke-dasharray="{escape(line.dash)}"' if line.dash else ""
        for a, b, v in pieces:
            y = py(v)
            out.append(f'<path class="chart-ref chart-ref--{escape(line.name)}" data-from="{a}" '
                       f'data-to="{b}" d="M{px(a) - step / 2:.1f} {y:.1f}H{px(b) + step / 2:.1f}" '
                       f'fill="none" stroke="{escape(line.colour)}" stroke-width="1.5"{dash}/>')
        if pieces:
            base = py(pieces[-1][2]) + 4
            # the nearest free place to its line, trying below and above in turn
            y = next(base + d for k in range(len(lines) + 1) for d in ((k * 12, -k * 12) if k else (0,))
                     if all(abs(base + d - u) >= 12 for u in used_y))
            used_y.append(y)
            out.append(f'<text class="chart-ref-label" x="{right_edge + 6:.1f}" y="{y:.1f}" '
                       f'fill="{escape(line.colour)}">{escape(line.label)}</text>')
    return out


def _focus_label(text: str, x: float, y: float, width: int) -> str:
    """A one-line label above the point (below it near the top), kept inside the chart; hidden
    until the stylesheet shows it on focus."""
    text = _short(text, 90)
    w = 12 + 6.4 * len(text)
    left = min(max(2.0, x - w / 2), max(2.0, width - w - 2))
    top = y - 34 if y > 40 else y + 12
    return (f'<g class="chart-focus-label" visibility="hidden"><rect x="{left:.1f}" y="{top:.1f}" '
            f'width="{w:.1f}" height="22" rx="3" fill="#212b32"/><text x="{left + 6:.1f}" y="{top + 15:.1f}" '
            f'fill="#fff">{escape(text)}</text></g>')


def _short(label: str, limit: int = 22) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"

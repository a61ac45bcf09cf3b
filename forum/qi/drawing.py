"""QI charts for the page: an SpcResult or RunChartResult, with period labels and PDSA markers,
becomes inline SVG (through forum.charts.svg), the rows of the data table beside it, a legend
and the findings in words. Page authors build a ChartView and call the `qi_chart` macro in
templates/_macros/charts.html."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup

from forum.charts.svg import Dot, Marker, RefLine, Shape, line_chart, safe_id, swatch
from forum.qi.charts import (
    FEW_POINTS,
    OUTSIDE,
    RUN,
    TREND,
    TWO_OF_THREE,
    Better,
    Kind,
    RunChartResult,
    SpcResult,
    run_chart,
    spc,
)
from forum.qi.findings import (
    Finding,
    assurance_text,
    describe_run_chart,
    describe_spc,
    explain_run_chart,
    explain_spc,
    limits_text,
    number,
    unit_text,
    variation_text,
)

__all__ = ["ChartView", "LegendItem", "Marker", "TableRow", "chart_view", "run_chart_kinds", "run_chart_rows",
           "run_chart_svg", "spc_rows", "spc_svg"]

SHAPES: dict[Kind, Shape] = {"common": "circle", "improvement": "square", "concern": "diamond",
                             "neutral": "triangle"}
FILL: dict[Kind, str] = {"common": "#768692", "improvement": "#005eb8", "concern": "#ed8b00",
                         "neutral": "#330072"}
STROKE: dict[Kind, str] = {"common": "#425563", "improvement": "#003087", "concern": "#212b32",
                           "neutral": "#212b32"}
KIND_LABEL: dict[Kind, str] = {"common": "Common cause", "improvement": "Improvement",
                               "concern": "Concern", "neutral": "Special cause (no better direction)"}
RULE_LABEL = {OUTSIDE: "outside the limits", TWO_OF_THREE: "2 of 3 near a limit", RUN: "run on one side",
              TREND: "trend"}


@dataclass(frozen=True, slots=True)
class TableRow:
    period: str
    value: str
    note: str
    signal: str  # "" for a point with no signal


@dataclass(frozen=True, slots=True)
class LegendItem:
    kind: Kind
    shape: Shape
    label: str
    swatch: Markup


@dataclass(frozen=True)
class ChartView:
    """Everything the `qi_chart` macro shows for one measure."""

    chart_id: str
    title: str
    chart_type: str  # "spc" or "run"
    svg: Markup
    rows: list[TableRow]
    legend: list[LegendItem]
    findings: list[Finding]
    summary: str
    warnings: list[str]
    variation: str | None = None  # in words
    assurance: str | None = None  # in words
    unit: str = ""
    centre: list[str] = field(default_factory=list)  # mean and limits, or the median, in words
    has_target: bool = False
    has_markers: bool = False


def _tooltips(findings: Sequence[Finding], labels: Sequence[str], values: Sequence[float],
              unit: str) -> dict[int, str]:
    tips: dict[int, list[str]] = {}
    for f in findings:
        for i in f.indices:
            tips.setdefault(i, [f"{labels[i]}: {number(values[i])}{unit_text(unit)}."]).append(f.text)
    return {i: " ".join(t) for i, t in tips.items()}


def _dots(kinds: Sequence[Kind], tips: dict[int, str], rows: Sequence[TableRow]) -> list[Dot]:
    return [Dot(i, SHAPES[k], k, FILL[k], STROKE[k], tips.get(i) if k != "common" else None,
                f"{rows[i].period}: {rows[i].value} — {rows[i].signal}")
            for i, k in enumerate(kinds)]


def _target(target: float | None, n: int) -> list[RefLine]:
    if target is None:
        return []
    return [RefLine("target", f"Target {number(target)}", [target] * n, "#d5281b", "2 3")]


def spc_svg(result: SpcResult, labels: Sequence[str], *, title: str, unit: str = "",
            markers: Sequence[Marker] = (), chart_id: str = "spc") -> Markup:
    """The XmR chart: mean, process limits (a segment per rebase), target, PDSA markers, points."""
    findings = explain_spc(result, labels)
    tips = _tooltips(findings, labels, result.values, unit)
    last = result.segments[-1] if result.segments else None
    mean, upper, lower = (last.mean, last.upper, last.lower) if last else (None, None, None)
    lines = [RefLine("mean", f"Mean {number(mean)}", result.mean, "#212b32"),
             RefLine("upper", f"Upper {number(upper)}", result.upper, "#4c6272", "6 4"),
             RefLine("lower", f"Lower {number(lower)}", result.lower, "#4c6272", "6 4"),
             *_target(result.target, len(result.values))]
    return line_chart(chart_id=chart_id, title=title, desc=describe_spc(result, labels, unit),
                      x_labels=list(labels), values=result.values,
                      dots=_dots([p.kind for p in result.points], tips, spc_rows(result, labels, unit=unit)),
                      lines=lines, markers=markers,
                      y_label=unit)


def run_chart_kinds(result: RunChartResult, better: Better | None) -> list[Kind]:
    """Each point's kind from the shift or trend it belongs to (the later one wins)."""
    kinds: list[Kind] = ["common"] * len(result.values)
    for f in explain_run_chart(result, None, better):
        for i in f.indices:
            kinds[i] = f.kind
    return kinds


def run_chart_svg(result: RunChartResult, labels: Sequence[str], *, title: str, unit: str = "",
                  better: Better | None = None, target: float | None = None,
                  markers: Sequence[Marker] = (), chart_id: str = "run") -> Markup:
    """The run chart: median, optional target, PDSA markers, points of shifts and trends marked."""
    findings = explain_run_chart(result, labels, better)
    tips = _tooltips(findings, labels, result.values, unit)
    n = len(result.values)
    lines = [RefLine("median", f"Median {number(result.median)}", [result.median] * n, "#212b32"),
             *_target(target, n)]
    return line_chart(chart_id=chart_id, title=title,
                      desc=describe_run_chart(result, labels, unit, better), x_labels=list(labels),
                      values=result.values,
                      dots=_dots(run_chart_kinds(result, better), tips,
                                 run_chart_rows(result, labels, unit=unit, better=better)),
                      lines=lines, markers=markers, y_label=unit)


def _value(v: float, unit: str) -> str:
    """A table cell: the percent sign stays on the number, other units head the column."""
    return f"{number(v)}%" if unit == "%" else number(v)


def _row_notes(notes: Sequence[str] | None, n: int) -> list[str]:
    return list(notes) if notes is not None else [""] * n


def spc_rows(result: SpcResult, labels: Sequence[str], notes: Sequence[str] | None = None,
             unit: str = "") -> list[TableRow]:
    """One row per point for the table beside the SPC chart."""
    out = []
    for p, label, note in zip(result.points, labels, _row_notes(notes, len(result.points)), strict=True):
        signal = (f"{KIND_LABEL[p.kind]}: " + ", ".join(RULE_LABEL[r] for r in p.rules)) if p.special else ""
        out.append(TableRow(label, _value(p.value, unit), note, signal))
    return out


def run_chart_rows(result: RunChartResult, labels: Sequence[str], notes: Sequence[str] | None = None,
                   unit: str = "", better: Better | None = None) -> list[TableRow]:
    """One row per point for the table beside the run chart."""
    kinds = run_chart_kinds(result, better)
    in_shift = {i for s in result.shifts for i in s}
    in_trend = {i for t in result.trends for i in t}
    out = []
    for i, (v, label, note) in enumerate(zip(result.values, labels, _row_notes(notes, len(result.values)),
                                             strict=True)):
        rules = [name for name, members in (("shift", in_shift), ("trend", in_trend)) if i in members]
        signal = f"{KIND_LABEL[kinds[i]]}: {', '.join(rules)}" if rules else ""
        out.append(TableRow(label, _value(v, unit), note, signal))
    return out


def _legend(kinds: Sequence[Kind]) -> list[LegendItem]:
    order: list[Kind] = ["common", "improvement", "concern", "neutral"]
    return [LegendItem(k, SHAPES[k], KIND_LABEL[k], swatch(SHAPES[k], FILL[k], STROKE[k], k))
            for k in order if k in kinds or k == "common"]


def chart_view(
    values: Sequence[float],
    labels: Sequence[str],
    *,
    title: str,
    chart_id: str,
    unit: str = "",
    notes: Sequence[str] | None = None,
    better: Better | None = None,
    target: float | None = None,
    rebase_at: Sequence[int] = (),
    markers: Sequence[Marker] = (),
    chart_type: str = "auto",
) -> ChartView:
    """Statistics, SVG, table, legend and findings for one measure. "auto" draws a run chart under
    12 points and an SPC chart from 12 on; "spc" or "run" forces one."""
    if chart_type not in ("auto", "spc", "run"):
        raise ValueError("chart_type must be 'auto', 'spc' or 'run'")
    chart_id = safe_id(chart_id)
    if chart_type == "auto":
        chart_type = "spc" if len(values) >= FEW_POINTS else "run"
    if chart_type == "spc":
        s = spc(list(values), better=better, target=target, rebase_at=rebase_at)
        return ChartView(
            chart_id, title, "spc",
            spc_svg(s, labels, title=title, unit=unit, markers=markers, chart_id=chart_id),
            spc_rows(s, labels, notes, unit), _legend([p.kind for p in s.points]),
            explain_spc(s, labels), describe_spc(s, labels, unit), s.warnings,
            variation_text(s.variation) if s.variation else None,
            assurance_text(s.assurance) if s.assurance else None, unit, limits_text(s, labels, unit),
            target is not None, bool(markers))
    r = run_chart(list(values))
    kinds = run_chart_kinds(r, better)
    return ChartView(
        chart_id, title, "run",
        run_chart_svg(r, labels, title=title, unit=unit, better=better, target=target, markers=markers,
                      chart_id=chart_id),
        run_chart_rows(r, labels, notes, unit, better), _legend(kinds),
        explain_run_chart(r, labels, better), describe_run_chart(r, labels, unit, better), r.warnings,
        unit=unit, centre=[f"Median {number(r.median)}{unit_text(unit)}."] if r.values else [],
        has_target=target is not None, has_markers=bool(markers))


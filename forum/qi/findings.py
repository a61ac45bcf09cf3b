"""What a chart shows, in plain English: one sentence per signal for the tooltip and the text
beside the chart, and a summary for the chart's description. Labels (e.g. "March 2024") come
from the caller; nothing here is HTML, so escaping is the drawer's and the template's job."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from forum.qi.charts import (
    OUTSIDE,
    RUN,
    TREND,
    TWO_OF_THREE,
    Assurance,
    Better,
    Kind,
    RunChartResult,
    SpcResult,
    Variation,
    kind_of,
)

VARIATION_TEXT: dict[str, str] = {
    "common_cause": "common cause variation: no sign of a change",
    "improvement_high": "special cause improvement: the latest data is higher, which is better",
    "improvement_low": "special cause improvement: the latest data is lower, which is better",
    "concern_high": "special cause concern: the latest data is higher, which is worse",
    "concern_low": "special cause concern: the latest data is lower, which is worse",
    "neutral_high": "special cause variation, higher than before",
    "neutral_low": "special cause variation, lower than before",
}
ASSURANCE_TEXT: dict[str, str] = {
    "pass": "the process will consistently pass the target",
    "fail": "the process will consistently fail the target unless something changes",
    "hit_and_miss": "the process will sometimes meet the target and sometimes miss it (hit and miss)",
}
KIND_TEXT: dict[str, str] = {
    "improvement": "special cause improvement",
    "concern": "special cause concern",
    "neutral": "special cause variation, evidence of a change",
    "common": "common cause",
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One signal in words: the points it covers, its kind (for colour and shape) and the sentence."""

    indices: tuple[int, ...]
    kind: Kind
    text: str


def number(x: float | None) -> str:
    """A value as people write it: 12.5, 1,204, -3.17."""
    if x is None:
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _labels(labels: Sequence[str] | None, n: int) -> list[str]:
    if labels is None:
        return [f"point {i + 1}" for i in range(n)]
    if len(labels) != n:
        raise ValueError(f"{len(labels)} labels for {n} points")
    return [str(label) for label in labels]


def _span(names: list[str], indices: Sequence[int]) -> str:
    first, last = names[indices[0]], names[indices[-1]]
    return f"from {first} to {last}" if first != last else f"at {first}"


def explain_spc(result: SpcResult, labels: Sequence[str] | None = None) -> list[Finding]:
    """Each SPC signal as a sentence, in the order the signals start."""
    names = _labels(labels, len(result.values))
    out = []
    for s in result.signals:
        kind = kind_of(s.direction, result.better)
        tail = KIND_TEXT[kind]
        n = len(s.indices)
        side = "above" if s.direction == "high" else "below"
        if s.rule == OUTSIDE:
            i = s.indices[0]
            limit = result.upper[i] if s.direction == "high" else result.lower[i]
            which = "upper" if s.direction == "high" else "lower"
            text = (f"{names[i]} ({number(result.values[i])}) is {side} the {which} process limit "
                    f"({number(limit)}): {tail}.")
        elif s.rule == RUN:
            text = f"{n} points in a row {side} the mean {_span(names, s.indices)}: a run — {tail}."
        elif s.rule == TREND:
            way = "rising" if s.direction == "high" else "falling"
            text = f"{n} points in a row {way} {_span(names, s.indices)}: a trend — {tail}."
        else:
            assert s.rule == TWO_OF_THREE
            which = "upper" if s.direction == "high" else "lower"
            points = ", ".join(names[i] for i in s.indices)
            text = (f"{points}: two of three points in a row close to the {which} process limit "
                    f"(beyond two-thirds of the way to it) — {tail}.")
        out.append(Finding(s.indices, kind, text))
    return out


def explain_run_chart(
    result: RunChartResult, labels: Sequence[str] | None = None, better: Better | None = None
) -> list[Finding]:
    """Each run-chart signal as a sentence: shifts, trends, then too few or too many runs."""
    names = _labels(labels, len(result.values))
    v = result.values
    out = []
    for idx in result.shifts:
        high = v[idx[0]] > (result.median or 0.0)
        side = "above" if high else "below"
        kind = kind_of("high" if high else "low", better)
        text = (f"{len(idx)} points in a row {side} the median from {names[idx[0]]}: a shift — "
                f"evidence of a change{_better(kind)}.")
        out.append(Finding(tuple(idx), kind, text))
    for idx in result.trends:
        rising = v[idx[-1]] > v[idx[0]]
        kind = kind_of("high" if rising else "low", better)
        way = "going up" if rising else "going down"
        text = (f"{len(idx)} points in a row {way} from {names[idx[0]]}: a trend — "
                f"evidence of a change{_better(kind)}.")
        out.append(Finding(tuple(idx), kind, text))
    if result.runs_expected and (result.too_few_runs or result.too_many_runs):
        lo, hi = result.runs_expected
        few = result.too_few_runs
        text = (f"{result.runs} runs where {lo} to {hi} would be expected by chance for {result.useful} "
                f"points off the median: too {'few' if few else 'many'} runs — evidence of "
                + ("a change." if few else "a pattern that is not random, such as data that alternates."))
        out.append(Finding((), "neutral", text))
    return out


def unit_text(unit: str) -> str:
    """'%' sits on the number; words get a space: 42%, 12 days."""
    return unit if unit in ("%", "") else f" {unit}"


def _better(kind: Kind) -> str:
    return {"improvement": ", for the better", "concern": ", for the worse"}.get(kind, "")


def describe_spc(result: SpcResult, labels: Sequence[str] | None = None, unit: str = "") -> str:
    """The finding in a few sentences: limits, signals, the latest point, the target."""
    if not result.values:
        return "There is no data yet."
    names = _labels(labels, len(result.values))
    u = unit_text(unit)
    parts = [f"{len(result.values)} points from {names[0]} to {names[-1]}.",
             *limits_text(result, labels, unit)]
    findings = explain_spc(result, labels)
    if findings:
        parts.append(f"{len(findings)} signal{'s' if len(findings) != 1 else ''}: "
                     + " ".join(f.text for f in findings))
    else:
        parts.append("No signals: only common cause variation.")
    if result.variation:
        parts.append(f"Latest point: {variation_text(result.variation)}.")
    if result.assurance and result.target is not None:
        parts.append(f"Against the target of {number(result.target)}{u}, {assurance_text(result.assurance)}.")
    parts.extend(result.warnings)
    return " ".join(parts)


def limits_text(result: SpcResult, labels: Sequence[str] | None = None, unit: str = "") -> list[str]:
    """Mean and limits of each part of the chart (one part per rebase), a sentence each."""
    names = _labels(labels, len(result.values))
    u = unit_text(unit)
    out = []
    for k, seg in enumerate(result.segments, 1):
        lead = f"Part {k} ({names[seg.start]} to {names[seg.stop - 1]}): " if len(result.segments) > 1 else ""
        limits = (f", process limits {number(seg.lower)} to {number(seg.upper)}{u}"
                  if seg.lower is not None else ", no process limits yet")
        out.append(f"{lead}{'mean' if lead else 'Mean'} {number(seg.mean)}{u}{limits}.")
    if len(result.segments) > 1:
        out.append("The limits were recalculated from " + ", ".join(
            names[seg.start] for seg in result.segments[1:]) + " after a lasting change.")
    return out


def describe_run_chart(
    result: RunChartResult, labels: Sequence[str] | None = None, unit: str = "", better: Better | None = None
) -> str:
    """The run chart's finding in a few sentences."""
    if not result.values:
        return "There is no data yet."
    names = _labels(labels, len(result.values))
    u = unit_text(unit)
    parts = [f"{len(result.values)} points from {names[0]} to {names[-1]}, "
             f"median {number(result.median)}{u}."]
    findings = explain_run_chart(result, labels, better)
    parts.extend(f.text for f in findings)
    if not findings:
        parts.append("No shifts, trends or unusual number of runs: no evidence of a change yet.")
    if result.runs_expected and not findings:
        lo, hi = result.runs_expected
        parts.append(f"{result.runs} runs, within the {lo} to {hi} expected by chance.")
    parts.extend(result.warnings)
    return " ".join(parts)


def variation_text(variation: Variation) -> str:
    return VARIATION_TEXT[variation]


def assurance_text(assurance: Assurance) -> str:
    return ASSURANCE_TEXT[assurance]

"""Statistics behind QI charts: XmR (SPC) charts as NHS England's Making Data Count teaches and
NHSRplotthedots implements, and run charts with the IHI rules. No web code, so it is tested alone.

Where the issue's wording and NHSRplotthedots differ, the issue wins and the difference is noted:
- two-in-three: a point outside a limit also counts as "beyond two-thirds of the way", and the
  third point of the three may lie anywhere (NHSRplotthedots counts only points between the
  two-thirds line and the limit, and wants all three on one side of the mean);
- an all-equal segment (mean moving range 0) gets limits of no width instead of missing ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import pairwise
from statistics import median as _median
from typing import Literal, cast

Better = Literal["up", "down"]
Kind = Literal["common", "improvement", "concern", "neutral"]
Direction = Literal["high", "low"]
Variation = Literal[
    "common_cause", "improvement_high", "improvement_low", "concern_high", "concern_low",
    "neutral_high", "neutral_low",
]
Assurance = Literal["pass", "fail", "hit_and_miss"]

LIMIT = 2.66  # 3 / d2 for moving ranges of two points
MR_SCREEN = 3.267  # D4: a moving range this many times the mean is an outlier
NEAR = 2 / 3  # "two-thirds of the way to a limit"
FEW_POINTS = 12  # Making Data Count: fewer points than this give trial limits

OUTSIDE = "outside_limits"
TWO_OF_THREE = "two_of_three"
RUN = "run"  # run_length points on one side of the mean
TREND = "trend"  # run_length points all rising or all falling
RULES = (OUTSIDE, TWO_OF_THREE, RUN, TREND)

SHIFT_LENGTH = 6  # run chart: a shift is 6 or more points on one side of the median
TREND_LENGTH = 5  # run chart: a trend is 5 or more points all rising or all falling
MIN_USEFUL = 10  # the runs table starts at 10 useful points


@dataclass(frozen=True, slots=True)
class SpcPoint:
    value: float
    special: bool
    kind: Kind
    rules: tuple[str, ...]
    direction: Direction | None  # side of the mean, or the trend's way for a trend-only point


@dataclass(frozen=True, slots=True)
class SpcSignal:
    """One signal: the rule, the points it flags (indices into the series), and its direction."""

    rule: str
    indices: tuple[int, ...]
    direction: Direction


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch between rebases with its own mean, moving ranges and limits (None for 1 point)."""

    start: int
    stop: int  # exclusive
    mean: float
    mean_moving_range: float | None
    lower: float | None
    upper: float | None
    excluded_moving_ranges: tuple[int, ...]  # index of the later point of each screened-out range


@dataclass(frozen=True)
class SpcResult:
    values: list[float]
    mean: list[float]
    lower: list[float | None]
    upper: list[float | None]
    points: list[SpcPoint]
    signals: list[SpcSignal]
    segments: list[Segment]
    variation: Variation | None
    assurance: Assurance | None
    better: Better | None
    target: float | None
    run_length: int
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class RunChartResult:
    values: list[float]
    median: float | None
    shifts: list[list[int]]
    trends: list[list[int]]
    runs: int
    runs_expected: tuple[int, int] | None  # None under 10 useful points: the table starts there
    useful: int  # points not on the median
    warnings: list[str] = field(default_factory=list)

    @property
    def too_few_runs(self) -> bool:
        return self.runs_expected is not None and self.runs < self.runs_expected[0]

    @property
    def too_many_runs(self) -> bool:
        return self.runs_expected is not None and self.runs > self.runs_expected[1]


def _sign(x: float) -> int:
    return (x > 0) - (x < 0)


def _mean(xs: Sequence[float]) -> float:
    return math.fsum(xs) / len(xs)


def _direction(sign: int) -> Direction:
    return "high" if sign > 0 else "low"


def _runs_of(keys: Sequence[int], length: int) -> list[tuple[int, int, int]]:
    """Maximal stretches [i, j) of equal non-zero keys at least `length` long, with their key."""
    found, start = [], 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] != 0 and i - start >= length:
                found.append((start, i, keys[start]))
            start = i
    return found


def _segment(values: Sequence[float], start: int, stop: int) -> Segment:
    seg = values[start:stop]
    mean = _mean(seg)
    if len(seg) < 2:
        return Segment(start, stop, mean, None, None, None, ())
    ranges = [abs(seg[i] - seg[i - 1]) for i in range(1, len(seg))]
    first = _mean(ranges)
    excluded: tuple[int, ...] = ()
    mr = first
    if first > 0:
        cut = MR_SCREEN * first
        excluded = tuple(start + i + 1 for i, r in enumerate(ranges) if r >= cut)
        mr = _mean([r for r in ranges if r < cut])
    return Segment(start, stop, mean, mr, mean - LIMIT * mr, mean + LIMIT * mr, excluded)


def _segment_signals(values: Sequence[float], seg: Segment, run_length: int) -> list[SpcSignal]:
    start, stop = seg.start, seg.stop
    signals: list[SpcSignal] = []
    sides = [_sign(values[i] - seg.mean) for i in range(start, stop)]
    if seg.mean_moving_range is not None:
        assert seg.lower is not None and seg.upper is not None
        near = NEAR * LIMIT * seg.mean_moving_range
        hi, lo = seg.mean + near, seg.mean - near
        beyond = [1 if values[i] > hi else -1 if values[i] < lo else 0 for i in range(start, stop)]
        for i in range(start, stop):
            if values[i] > seg.upper or values[i] < seg.lower:
                signals.append(SpcSignal(OUTSIDE, (i,), _direction(sides[i - start])))
        flagged: dict[int, set[int]] = {1: set(), -1: set()}
        for w in range(len(beyond) - 2):
            for side in (1, -1):
                hits = [w + k for k in range(3) if beyond[w + k] == side]
                if len(hits) >= 2:
                    flagged[side].update(hits)
        for side, idx in flagged.items():
            # consecutive windows overlap: report each connected group of flagged points once
            for group in _groups(sorted(idx), gap=2):
                signals.append(SpcSignal(TWO_OF_THREE, tuple(start + k for k in group), _direction(side)))
    for a, b, side in _runs_of(sides, run_length):
        signals.append(SpcSignal(RUN, tuple(range(start + a, start + b)), _direction(side)))
    steps = [_sign(values[i] - values[i - 1]) for i in range(start + 1, stop)]
    # a stretch of k equal steps spans k + 1 points
    for a, b, way in _runs_of(steps, run_length - 1):
        signals.append(SpcSignal(TREND, tuple(range(start + a, start + b + 1)), _direction(way)))
    return signals


def _groups(sorted_idx: list[int], gap: int) -> list[list[int]]:
    """Split sorted indices where neighbours are more than `gap` apart."""
    out: list[list[int]] = []
    for i in sorted_idx:
        if out and i - out[-1][-1] <= gap:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def kind_of(direction: Direction | None, better: Better | None) -> Kind:
    """Improvement, concern or neutral for a signal going `direction`; common with no signal."""
    if direction is None:
        return "common"
    if better is None:
        return "neutral"
    return "improvement" if (direction == "high") == (better == "up") else "concern"


def _boundaries(n: int, rebase_at: Sequence[int]) -> list[int]:
    cuts = sorted(set(rebase_at))
    for c in cuts:
        if not 0 <= c < max(n, 1):
            raise ValueError(f"rebase point {c} is outside the series of {n} points")
    return [0, *(c for c in cuts if c > 0), n]


def spc(
    values: list[float],
    *,
    better: Better | None = None,
    target: float | None = None,
    run_length: int = 7,
    rebase_at: Sequence[int] = (),
) -> SpcResult:
    """XmR chart of `values`; `rebase_at` holds the indices where new limits start."""
    if better not in (None, "up", "down"):
        raise ValueError("better must be 'up', 'down' or None")
    if run_length < 2:
        raise ValueError("run_length must be at least 2")
    values = [float(v) for v in values]
    if any(not math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")
    n = len(values)
    if n == 0:
        return SpcResult([], [], [], [], [], [], [], None, None, better, target, run_length,
                         ["There is no data to chart yet."])
    cuts = _boundaries(n, rebase_at)
    segments = [_segment(values, a, b) for a, b in pairwise(cuts)]
    signals: list[SpcSignal] = []
    for seg in segments:
        signals.extend(_segment_signals(values, seg, run_length))

    rules: list[set[str]] = [set() for _ in values]
    side_dir: list[Direction | None] = [None] * n
    trend_dir: list[Direction | None] = [None] * n
    for s in signals:
        for i in s.indices:
            rules[i].add(s.rule)
            if s.rule == TREND:
                trend_dir[i] = s.direction  # a point ending one trend and starting the next: the later
            else:
                side_dir[i] = s.direction
    points = []
    for i, v in enumerate(values):
        direction = side_dir[i] or trend_dir[i]
        fired = tuple(r for r in RULES if r in rules[i])
        points.append(SpcPoint(v, bool(fired), kind_of(direction, better), fired, direction))

    mean, lower, upper = [], [], []
    for seg in segments:
        width = seg.stop - seg.start
        mean += [seg.mean] * width
        lower += [seg.lower] * width
        upper += [seg.upper] * width
    last = points[-1]
    variation = cast(Variation, f"{last.kind}_{last.direction}" if last.special else "common_cause")
    return SpcResult(values, mean, lower, upper, points, sorted(signals, key=lambda s: s.indices),
                     segments, variation, _assurance(segments[-1], better, target), better, target,
                     run_length, _spc_warnings(segments))


def _assurance(seg: Segment, better: Better | None, target: float | None) -> Assurance | None:
    """Where the target sits against the latest limits (NHSRplotthedots' assurance rule)."""
    if target is None or better is None or seg.lower is None or seg.upper is None:
        return None
    if target > seg.upper:
        return "fail" if better == "up" else "pass"
    if target < seg.lower:
        return "pass" if better == "up" else "fail"
    return "hit_and_miss"


def _spc_warnings(segments: list[Segment]) -> list[str]:
    out = []
    many = len(segments) > 1
    for k, seg in enumerate(segments, 1):
        where = f" in part {k} of the chart (after the limits were recalculated)" if many and k > 1 else (
            " in part 1 of the chart" if many else "")
        size = seg.stop - seg.start
        if size == 1:
            out.append(f"There is only 1 point{where}, so there are no process limits yet.")
            continue
        if size < FEW_POINTS:
            out.append(f"There are only {size} points{where}. With fewer than {FEW_POINTS} the limits "
                       "are provisional and will change as more data comes in.")
        if seg.mean_moving_range == 0:
            out.append(f"The values{where} do not vary from one point to the next (the moving ranges, "
                       "leaving out unusually large ones, are all zero), so the process limits sit on the "
                       "mean and have no width.")
    return out


# The standard table of too few / too many runs for 10 to 60 useful points (Perla, Provost and
# Murray 2011, Table 1, after Swed and Eisenhart 1943): useful points -> (fewest, most) runs.
_RUNS_TABLE: dict[int, tuple[int, int]] = {
    10: (3, 9), 11: (3, 10), 12: (3, 11), 13: (4, 11), 14: (4, 12), 15: (5, 12), 16: (5, 13),
    17: (5, 13), 18: (6, 14), 19: (6, 15), 20: (6, 16), 21: (7, 16), 22: (7, 17), 23: (7, 17),
    24: (8, 18), 25: (8, 18), 26: (9, 19), 27: (10, 19), 28: (10, 20), 29: (10, 20), 30: (11, 21),
    31: (11, 22), 32: (11, 23), 33: (12, 23), 34: (12, 24), 35: (13, 24), 36: (13, 25), 37: (13, 25),
    38: (14, 26), 39: (14, 26), 40: (15, 27), 41: (16, 27), 42: (16, 28), 43: (17, 28), 44: (17, 29),
    45: (17, 30), 46: (17, 31), 47: (18, 31), 48: (18, 32), 49: (19, 32), 50: (19, 33), 51: (20, 33),
    52: (20, 34), 53: (21, 34), 54: (21, 35), 55: (22, 35), 56: (22, 36), 57: (23, 36), 58: (23, 37),
    59: (24, 38), 60: (24, 38),
}


@cache
def runs_expected(useful: int) -> tuple[int, int] | None:
    """Range of runs expected by chance: the table to 60 points, then Swed-Eisenhart's 5% limits."""
    if useful < MIN_USEFUL:
        return None
    if useful in _RUNS_TABLE:
        return _RUNS_TABLE[useful]
    return _swed_eisenhart(useful // 2, useful - useful // 2)


def _swed_eisenhart(n1: int, n2: int, tail: float = 0.025) -> tuple[int, int]:
    """Fewest and most runs with at most `tail` chance each, from the exact runs distribution.

    Only runs within 7 standard deviations of the expected number are summed: the mass beyond
    is below 1e-11, and the walk stays short for 10,000 points."""
    log_total = _log_comb(n1 + n2, n1)

    def p(r: int) -> float:
        k, odd = divmod(r, 2)
        if odd:
            ways = [_log_comb(n1 - 1, k - 1) + _log_comb(n2 - 1, k),
                    _log_comb(n1 - 1, k) + _log_comb(n2 - 1, k - 1)]
        else:
            ways = [math.log(2) + _log_comb(n1 - 1, k - 1) + _log_comb(n2 - 1, k - 1)]
        return sum(math.exp(w - log_total) for w in ways if w > -math.inf)

    n = n1 + n2
    mu = 1 + 2 * n1 * n2 / n
    sd = math.sqrt(2 * n1 * n2 * (2 * n1 * n2 - n) / (n * n * (n - 1)))
    most = 2 * min(n1, n2) + (n1 != n2)
    lo, cdf = max(2, math.floor(mu - 7 * sd)), 0.0
    while cdf + (q := p(lo)) <= tail:
        cdf += q
        lo += 1
    hi, cdf = min(most, math.ceil(mu + 7 * sd)), 0.0
    while cdf + (q := p(hi)) <= tail:
        cdf += q
        hi -= 1
    return lo, hi


def _log_comb(n: int, k: int) -> float:
    if k < 0 or k > n:
        return -math.inf
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def run_chart(values: list[float]) -> RunChartResult:
    """Run chart of `values`: median, shifts, trends and the runs count against the table."""
    values = [float(v) for v in values]
    if any(not math.isfinite(v) for v in values):
        raise ValueError("values must be finite numbers")
    if not values:
        return RunChartResult([], None, [], [], 0, None, 0, ["There is no data to chart yet."])
    med = _median(values)
    useful = [i for i, v in enumerate(values) if v != med]
    sides = [_sign(values[i] - med) for i in useful]
    shifts = [useful[a:b] for a, b, _ in _runs_of(sides, SHIFT_LENGTH)]
    # equal neighbours neither break nor count: keep the first of each stretch of equal values
    kept = [i for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    steps = [_sign(values[kept[j]] - values[kept[j - 1]]) for j in range(1, len(kept))]
    trends = [kept[a:b + 1] for a, b, _ in _runs_of(steps, TREND_LENGTH - 1)]
    runs = (1 + sum(1 for j in range(1, len(sides)) if sides[j] != sides[j - 1])) if sides else 0
    expected = runs_expected(len(useful))
    warnings = []
    if len(useful) < MIN_USEFUL:
        warnings.append(f"Only {len(useful)} points are off the median; at least {MIN_USEFUL} are needed "
                        "to judge whether there are too few or too many runs.")
    if not useful:
        warnings.append("Every value is the same, so there is no variation to read.")
    return RunChartResult(values, med, shifts, trends, runs, expected, len(useful), warnings)

"""SPC and run-chart benchmark: spc() and run_chart() on 10,000 points, beside a naive baseline.

    .venv/bin/python bench/spc_bench.py [--points 10000] [--repeat 5]

The baseline is the obvious per-point approach NHSRplotthedots takes (for each point, re-scan
every window of run_length points around it for the run and trend rules, and every window of
three for two-in-three): O(n x run_length) instead of one pass per rule. Both are timed in the
same run on the same series; the chart drawing (forum.qi.drawing.spc_svg) is timed too.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from forum.qi.charts import run_chart, runs_expected, spc
from forum.qi.drawing import spc_svg


def naive_rules(values: list[float], run_length: int = 7) -> list[set[str]]:
    """Per-point window re-scans, as a straightforward implementation would do."""
    n = len(values)
    m = sum(values) / n
    ranges = [abs(values[i] - values[i - 1]) for i in range(1, n)]
    avg = sum(ranges) / len(ranges)
    kept = [r for r in ranges if r < 3.267 * avg]
    avg = sum(kept) / len(kept)
    lo, hi, near_lo, near_hi = m - 2.66 * avg, m + 2.66 * avg, m - 1.7733 * avg, m + 1.7733 * avg
    rules: list[set[str]] = [set() for _ in values]
    for i, v in enumerate(values):
        if v > hi or v < lo:
            rules[i].add("outside_limits")
        for start in range(max(0, i - run_length + 1), min(i, n - run_length) + 1):
            sides = {(values[j] > m) - (values[j] < m) for j in range(start, start + run_length)}
            if len(sides) == 1 and 0 not in sides:
                rules[i].add("run")
            steps = {(values[j + 1] > values[j]) - (values[j + 1] < values[j])
                     for j in range(start, start + run_length - 1)}
            if len(steps) == 1 and 0 not in steps:
                rules[i].add("trend")
        for start in range(max(0, i - 2), min(i, n - 3) + 1):
            beyond = [(values[j] > near_hi) - (values[j] < near_lo) for j in range(start, start + 3)]
            mine = (v > near_hi) - (v < near_lo)
            if mine and beyond.count(mine) >= 2:
                rules[i].add("two_of_three")
    return rules


def timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(2024)
    half = args.points // 2
    values = [rng.gauss(50, 5) + (6 if i > half else 0) for i in range(args.points)]
    labels = [f"P{i}" for i in range(args.points)]
    result = spc(values, better="up", target=55)
    rows = [
        ("spc()", timed(lambda: spc(values, better="up", target=55), args.repeat)),
        ("spc(), rebased at the middle", timed(lambda: spc(values, better="up", rebase_at=[half]),
                                               args.repeat)),
        ("run_chart()", timed(lambda: run_chart(values), args.repeat)),
        ("  of which the runs range, uncached", timed(lambda: runs_expected.__wrapped__(args.points),
                                                     args.repeat)),
        ("baseline: per-point window re-scan", timed(lambda: naive_rules(values), args.repeat)),
        ("spc_svg() drawing", timed(lambda: spc_svg(result, labels, title="bench", chart_id="b"),
                                    args.repeat)),
    ]
    print(f"{args.points:,} points, median of {args.repeat} runs, Python {sys.version.split()[0]}")
    for name, seconds in rows:
        print(f"  {name:<38} {seconds * 1000:8.1f} ms")
    signals = sum(p.special for p in result.points)
    print(f"  ({signals:,} special-cause points; variation {result.variation}, assurance {result.assurance})")


if __name__ == "__main__":
    main()

"""An independent, deliberately plain implementation of the chart rules, written straight from the
issue's wording: every point asks "is there a window of k points that contains me and breaks a
rule?". Slow (windows are re-scanned per point) but obvious; forum.qi.charts must agree with it."""

from __future__ import annotations


def sign(x: float) -> int:
    if x > 0:
        return 1
    if x < 0:
        return -1
    return 0


def reference_spc(values, *, better, target, run_length, rebase_at):
    n = len(values)
    if n == 0:
        return {"mean": [], "lower": [], "upper": [], "rules": [], "kinds": [], "variation": None,
                "assurance": None}
    bounds = [0] + [c for c in sorted(set(rebase_at)) if c > 0] + [n]
    mean, lower, upper = [0.0] * n, [None] * n, [None] * n
    rules = [set() for _ in range(n)]
    side_way = [None] * n
    trend_way = [None] * n
    last_limits = (None, None)
    for s in range(len(bounds) - 1):
        a, b = bounds[s], bounds[s + 1]
        seg = values[a:b]
        m = sum(seg) / len(seg)
        lo = hi = near_lo = near_hi = None
        if len(seg) > 1:
            ranges = [abs(seg[i] - seg[i - 1]) for i in range(1, len(seg))]
            avg = sum(ranges) / len(ranges)
            if avg > 0:
                kept = [r for r in ranges if r < 3.267 * avg]
                avg = sum(kept) / len(kept)
            lo, hi = m - 2.66 * avg, m + 2.66 * avg
            near_lo, near_hi = m - 2 / 3 * 2.66 * avg, m + 2 / 3 * 2.66 * avg
        last_limits = (lo, hi)
        for i in range(a, b):
            mean[i], lower[i], upper[i] = m, lo, hi
        for i in range(a, b):
            v = values[i]
            if hi is not None and (v > hi + 1e-12 * abs(hi) or v < lo - 1e-12 * abs(lo)):
                rules[i].add("outside_limits")
                side_way[i] = "high" if v > m else "low"
            # any window of run_length points, inside the segment, that contains i
            for start in range(max(a, i - run_length + 1), min(i, b - run_length) + 1):
                window = range(start, start + run_length)
                sides = {sign(values[j] - m) for j in window}
                if len(sides) == 1 and 0 not in sides:
                    rules[i].add("run")
                    side_way[i] = "high" if sides == {1} else "low"
                steps = {sign(values[j + 1] - values[j]) for j in range(start, start + run_length - 1)}
                if len(steps) == 1 and 0 not in steps:
                    rules[i].add("trend")
                    trend_way[i] = "high" if steps == {1} else "low"  # later windows overwrite
            if hi is not None:
                mine = 1 if v > near_hi else -1 if v < near_lo else 0
                for start in range(max(a, i - 2), min(i, b - 3) + 1):
                    beyond = [1 if values[j] > near_hi else -1 if values[j] < near_lo else 0
                              for j in range(start, start + 3)]
                    if mine != 0 and beyond.count(mine) >= 2:
                        rules[i].add("two_of_three")
                        side_way[i] = "high" if mine == 1 else "low"
    kinds = []
    ways = []
    for i in range(n):
        way = side_way[i] or trend_way[i]
        ways.append(way)
        if not rules[i]:
            kinds.append("common")
        elif better is None:
            kinds.append("neutral")
        elif (way == "high") == (better == "up"):
            kinds.append("improvement")
        else:
            kinds.append("concern")
    variation = None
    if n:
        variation = "common_cause" if not rules[-1] else f"{kinds[-1]}_{ways[-1]}"
    assurance = None
    lo, hi = last_limits
    if n and target is not None and better is not None and hi is not None:
        if target > hi:
            assurance = "fail" if better == "up" else "pass"
        elif target < lo:
            assurance = "pass" if better == "up" else "fail"
        else:
            assurance = "hit_and_miss"
    return {"mean": mean, "lower": lower, "upper": upper, "rules": rules, "kinds": kinds,
            "variation": variation, "assurance": assurance}


def reference_run_chart(values):
    n = len(values)
    if not n:
        return {"median": None, "shifts": [], "trends": [], "runs": 0, "useful": 0}
    ordered = sorted(values)
    med = ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2
    useful = [i for i in range(n) if values[i] != med]
    side = {i: sign(values[i] - med) for i in useful}
    shifts = []
    for k, i in enumerate(useful):
        if k > 0 and side[useful[k - 1]] == side[i]:
            continue  # not the start of a run
        run = [i]
        for j in useful[k + 1:]:
            if side[j] != side[i]:
                break
            run.append(j)
        if len(run) >= 6:
            shifts.append(run)
    runs = sum(1 for k in range(len(useful)) if k == 0 or side[useful[k]] != side[useful[k - 1]])
    kept = [i for i in range(n) if i == 0 or values[i] != values[i - 1]]
    trends = []
    for direction in (1, -1):
        for k in range(len(kept)):
            if k > 0 and sign(values[kept[k]] - values[kept[k - 1]]) == direction:
                continue  # starts inside a longer trend
            run = [kept[k]]
            for j in kept[k + 1:]:
                if sign(values[j] - values[run[-1]]) != direction:
                    break
                run.append(j)
            if len(run) >= 5:
                trends.append(run)
    trends.sort()
    return {"median": med, "shifts": shifts, "trends": trends, "runs": runs, "useful": len(useful)}

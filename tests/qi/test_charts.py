"""forum.qi.charts: SPC (XmR) and run-chart rules, against hand-worked series, NHSRplotthedots'
own test figures, and an independent brute-force implementation on many random series."""

from __future__ import annotations

import math
import random

import pytest

from forum.qi.charts import (
    OUTSIDE,
    RUN,
    TREND,
    TWO_OF_THREE,
    run_chart,
    runs_expected,
    spc,
)
from forum.qi.findings import describe_run_chart, describe_spc, explain_run_chart, explain_spc
from tests.qi.reference import reference_run_chart, reference_spc

# rnorm(20) after set.seed(123) in R: the series NHSRplotthedots' ptd_spc_standard tests use.
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def rules_of(result) -> list[tuple[str, ...]]:
    return [p.rules for p in result.points]


# --- XmR limits -----------------------------------------------------------------------------

def test_limits_match_nhsrplotthedots_snapshot():
    r = spc(RNORM_123)
    assert r.mean[0] == pytest.approx(0.1416238, abs=1e-7)
    assert r.lower[0] == pytest.approx(-3.01138, abs=1e-5)
    assert r.upper[0] == pytest.approx(3.294627, abs=1e-6)
    assert all(not p.special for p in r.points) and r.variation == "common_cause"


def test_moving_ranges_at_or_above_3267_times_the_mean_are_screened_out():
    values = list(RNORM_123)
    values[14] = 10  # the snapshot's outlier
    r = spc(values)
    assert r.mean[0] == pytest.approx(0.6694159, abs=1e-7)
    assert r.lower[0] == pytest.approx(-2.383666, abs=1e-6)
    assert r.upper[0] == pytest.approx(3.722497, abs=1e-6)
    assert r.segments[0].excluded_moving_ranges == (14, 15)
    # unscreened, NHSRplotthedots gets limits -4.596625 to 5.935457: the mean moving range before
    # screening is (5.935457 - 0.6694159) / 2.66
    first = sum(abs(values[i] - values[i - 1]) for i in range(1, 20)) / 19
    assert 0.6694159 + 2.66 * first == pytest.approx(5.935457, abs=1e-6)


def test_moving_range_exactly_at_3267_times_the_mean_is_screened_out():
    # ranges 733, 733, 733, 9801: mean 3000, and 3.267 * 3000 == 9801 exactly
    r = spc([0, 733, 0, 733, 10534])
    assert r.segments[0].excluded_moving_ranges == (4,)
    assert r.segments[0].mean_moving_range == 733


def test_hand_worked_series():
    # mean 138/12 = 11.5; moving ranges 2,1,2,1,1,1,2,1,2,1,1 -> 15/11; limits 11.5 +/- 2.66 * 15/11
    r = spc([10, 12, 11, 13, 12, 11, 10, 12, 11, 13, 12, 11])
    assert r.mean == [11.5] * 12
    assert r.upper[0] == pytest.approx(11.5 + 2.66 * 15 / 11)
    assert r.lower[0] == pytest.approx(11.5 - 2.66 * 15 / 11)
    assert r.warnings == []


def test_hand_worked_outlier_run_and_two_of_three():
    # 5,6 alternating then 30: moving ranges ten 1s and 24; 24 >= 3.267 * 34/11 is screened out,
    # so the mean moving range is 1; mean 90/12 = 7.5; limits 4.84 to 10.16; two-thirds line 5.727
    values = [5, 6] * 5 + [5, 30]
    r = spc(values, better="up")
    assert r.segments[0].mean_moving_range == 1
    assert (r.lower[0], r.upper[0]) == (pytest.approx(4.84), pytest.approx(10.16))
    assert r.points[11].rules == (OUTSIDE,) and r.points[11].kind == "improvement"
    # eleven points below the mean: a run, a concern when higher is better
    assert all(RUN in p.rules and p.kind == "concern" for p in r.points[:11])
    # the 5s are beyond two-thirds of the way to the lower limit; the 6s are not
    assert [TWO_OF_THREE in p.rules for p in r.points[:11]] == [True, False] * 5 + [True]
    assert r.variation == "improvement_high"


def test_point_exactly_on_a_limit_is_not_outside():
    # all equal: both limits sit on every point, and none is strictly beyond
    r = spc([4.0] * 15, better="up")
    assert r.lower == r.upper == r.mean == [4.0] * 15
    assert not any(p.special for p in r.points)


def test_point_just_beyond_zero_width_limit_is_outside():
    r = spc([4.0] * 14 + [4.5], better="down")
    assert r.points[-1].rules == (OUTSIDE,) and r.points[-1].kind == "concern"


# --- runs, trends, two in three -----------------------------------------------------------------

def test_run_of_seven_on_one_side_of_the_mean():
    r = spc([1] * 8 + [-4, -4])  # mean 0
    assert all(RUN in p.rules for p in r.points[:8])
    assert r.points[0].kind == "neutral"


def test_point_exactly_on_the_mean_breaks_the_run():
    r = spc([1, 1, 1, 1, 0, 1, 1, 1, -3, -4])  # mean 0: four above, one on it, three above
    assert not any(RUN in rules for rules in rules_of(r))


def test_run_length_is_configurable():
    values = [1, 1, 1, 1, 1, -1, -1, -1, -1, -1]
    assert not any(RUN in p for p in rules_of(spc(values)))
    assert all(RUN in p for p in rules_of(spc(values, run_length=5)))


def test_trend_of_seven_rising_and_equal_neighbours_break_it():
    assert all(TREND in p for p in rules_of(spc([1, 2, 3, 4, 5, 6, 7])))
    assert not any(TREND in p for p in rules_of(spc([1, 2, 3, 3, 4, 5, 6])))
    # NHSRplotthedots: c(2, 1:7, 3) has a trend from the second point to the eighth
    r = spc([2, 1, 2, 3, 4, 5, 6, 7, 3])
    assert [TREND in p for p in rules_of(r)] == [False] + [True] * 7 + [False]


def test_point_flagged_by_trend_alone_follows_the_trend():
    values = [5, 3] * 4 + [1, 2, 3, 4, 5, 6, 7] + [5, 3] * 3
    r = spc(values, better="up")
    assert r.mean[0] == 4
    below = r.points[8]  # 1: below the mean, yet part of a rising trend
    assert below.rules == (TREND,) and below.kind == "improvement" and below.direction == "high"
    assert spc(values, better="down").points[8].kind == "concern"


def test_side_of_the_mean_wins_over_the_trend():
    # a falling run that is also entirely above the mean: kind follows the side
    values = [20, 19, 18, 17, 16, 15, 14] + [0] * 7
    r = spc(values, better="up")
    assert set(r.points[0].rules) >= {RUN, TREND}
    assert r.points[0].kind == "improvement"


def test_two_of_three_beyond_two_thirds_flags_only_the_points_beyond():
    values = [10, 10, 10, 10, 10, 10, 9, 11, 10, 10, 10, 10, 9, 11, 12.2, 10, 12.2, 10, 10, 10]
    r = spc(values, better="up")
    seg = r.segments[0]
    near = seg.mean + 2 / 3 * 2.66 * seg.mean_moving_range
    assert near < 12.2 < seg.upper
    flagged = [i for i, p in enumerate(r.points) if TWO_OF_THREE in p.rules]
    assert flagged == [14, 16]
    assert r.points[15].special is False
    assert r.points[14].kind == "improvement"


def test_two_beyond_on_opposite_sides_are_not_a_signal():
    values = [10, 10, 10, 10, 10, 10, 9, 11, 10, 10, 10, 10, 9, 11, 12.2, 7.8, 10, 10, 10, 10]
    assert not any(TWO_OF_THREE in p for p in rules_of(spc(values)))


# --- kinds, variation, assurance -----------------------------------------------------------------

@pytest.mark.parametrize(("better", "high", "low"), [
    ("up", "improvement", "concern"), ("down", "concern", "improvement"), (None, "neutral", "neutral"),
])
def test_kind_follows_side_and_better_direction(better, high, low):
    r = spc([10.0] * 14 + [11, 9], better=better)
    assert (r.points[-2].kind, r.points[-1].kind) == (high, low)
    assert r.points[0].kind == "common"


@pytest.mark.parametrize(("better", "last", "variation"), [
    ("up", 30, "improvement_high"), ("up", -10, "concern_low"), ("down", 30, "concern_high"),
    ("down", -10, "improvement_low"), (None, 30, "neutral_high"), (None, -10, "neutral_low"),
    ("up", 10.5, "common_cause"),
])
def test_variation_icon_is_the_latest_points(better, last, variation):
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9, last]
    assert spc(values, better=better).variation == variation


@pytest.mark.parametrize(("better", "target", "assurance"), [
    ("up", 5, "pass"), ("up", 15, "fail"), ("up", 10, "hit_and_miss"),
    ("down", 5, "fail"), ("down", 15, "pass"), ("down", 10, "hit_and_miss"),
    (None, 5, None), ("up", None, None),
])
def test_assurance_from_the_limits_and_the_target(better, target, assurance):
    values = [10, 11, 9, 10, 11, 9, 10, 11, 9, 10, 11, 9]  # limits 10 +/- 4.35
    assert spc(values, better=better, target=target).assurance == assurance


def test_assurance_uses_the_latest_limits_after_a_rebase():
    values = [10, 11, 9] * 4 + [30, 31, 29] * 4
    assert spc(values, better="up", target=20).assurance == "hit_and_miss"  # one mean of 20
    assert spc(values, better="up", target=20, rebase_at=[12]).assurance == "pass"


# --- rebase ---------------------------------------------------------------------------------------

def test_rebase_gives_each_segment_its_own_mean_and_limits():
    values = [10, 11, 9] * 4 + [30, 32, 28] * 4
    r = spc(values, rebase_at=[12])
    assert r.mean[:12] == [10] * 12 and r.mean[12:] == [30] * 12
    # moving ranges 1, 2, 1, 1, 2, ... (15 over 11) and 2, 4, 2, 2, 4, ... (30 over 11)
    assert r.upper[0] == pytest.approx(10 + 2.66 * 15 / 11)
    assert r.upper[12] == pytest.approx(30 + 2.66 * 30 / 11)
    assert not any(p.special for p in r.points)  # the jump is no signal once rebased
    assert any(p.special for p in spc(values).points)


def test_runs_do_not_cross_a_rebase():
    values = [0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]  # rebased at 10
    whole = [s for s in spc(values).signals if s.rule == RUN]
    assert [s.indices for s in whole] == [tuple(range(6, 14))]  # 8 above the one mean of 0.4
    assert not any(s.rule == RUN for s in spc(values, rebase_at=[10]).signals)  # 4 and 4 on each side


def test_rebase_out_of_range_is_refused():
    with pytest.raises(ValueError):
        spc([1, 2, 3], rebase_at=[3])
    with pytest.raises(ValueError):
        spc([1, 2, 3], rebase_at=[-1])


# --- edge cases -------------------------------------------------------------------------------------

def test_no_points():
    r = spc([])
    assert r.points == [] and r.variation is None and r.warnings
    assert run_chart([]).median is None


def test_one_point_has_no_limits_and_says_so():
    r = spc([5.0], better="up", target=3)
    assert r.mean == [5.0] and r.lower == [None] and r.upper == [None]
    assert r.points[0].kind == "common" and r.assurance is None
    assert "only 1 point" in r.warnings[0]
    assert "no process limits yet" in describe_spc(r)


def test_two_points():
    r = spc([5.0, 7.0])
    assert r.mean == [6.0, 6.0] and r.upper[0] == pytest.approx(6 + 2.66 * 2)
    assert "only 2 points" in r.warnings[0]


def test_warning_under_twelve_points_only():
    assert any("fewer than 12" in w for w in spc(list(range(11))).warnings)
    assert spc([1, 3, 2, 4, 3, 2, 4, 3, 2, 3, 4, 2]).warnings == []


def test_all_values_equal_has_zero_width_limits_and_a_warning():
    r = spc([7.0] * 20)
    assert r.segments[0].mean_moving_range == 0
    assert any("no width" in w for w in r.warnings)
    rc = run_chart([7.0] * 20)
    assert rc.runs == 0 and rc.useful == 0 and rc.shifts == [] and rc.trends == []
    assert any("same" in w for w in rc.warnings)


def test_negative_values_mirror_positive_ones():
    rng = random.Random(7)
    values = [rng.gauss(5, 2) for _ in range(40)]
    up, down = spc(values, better="up", target=4), spc([-v for v in values], better="down", target=-4)
    assert [-x for x in up.mean] == pytest.approx(down.mean)
    assert [-x for x in up.upper] == pytest.approx(down.lower)
    assert [p.kind for p in up.points] == [p.kind for p in down.points]
    assert [p.rules for p in up.points] == [p.rules for p in down.points]
    assert up.assurance == down.assurance


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        spc([1, 2], better="sideways")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        spc([1, 2], run_length=1)
    with pytest.raises(ValueError):
        spc([1, math.nan])


def test_ten_thousand_points_rebased_keep_one_limit_per_point():
    """Speed is bench/spc_bench.py's to measure; here, that a long rebased series is whole."""
    rng = random.Random(1)
    values = [rng.gauss(100, 10) for _ in range(10_000)]
    result = spc(values, better="up", target=90, rebase_at=[5000])
    assert len(result.upper) == len(result.lower) == len(result.points) == 10_000
    assert result.upper[4999] != result.upper[5000]
    assert run_chart(values).useful <= 10_000


# --- run charts -------------------------------------------------------------------------------------

def test_shift_of_six_with_a_point_on_the_median_neither_breaking_nor_counting():
    values = [5, 5, 5, 3, 5, 5, 5, 1, 1, 1, 1, 1, 1]  # median 3
    r = run_chart(values)
    assert r.median == 3
    assert r.shifts == [[0, 1, 2, 4, 5, 6], [7, 8, 9, 10, 11, 12]]
    assert r.useful == 12 and r.runs == 2


def test_five_on_one_side_is_no_shift():
    assert run_chart([5, 5, 5, 5, 5, 1, 1, 1, 1, 1]).shifts == []


def test_trend_of_five_with_equal_neighbours_neither_breaking_nor_counting():
    assert run_chart([1, 2, 2, 3, 4, 5]).trends == [[0, 1, 3, 4, 5]]
    assert run_chart([1, 2, 3, 4, 4, 4]).trends == []
    assert run_chart([5, 4, 3, 2, 1]).trends == [[0, 1, 2, 3, 4]]
    assert run_chart([1, 2, 3, 2, 3, 4]).trends == []


def test_runs_counted_over_useful_points():
    r = run_chart([1, 9, 1, 9, 5, 1, 9, 1, 9])  # median 5 is on the median once
    assert r.useful == 8 and r.runs == 8 and r.runs_expected is None
    assert any("at least 10" in w for w in r.warnings)


def test_too_many_and_too_few_runs():
    alternating = run_chart([1, 9] * 10)
    assert alternating.runs == 20 and alternating.runs_expected == (6, 16) and alternating.too_many_runs
    two = run_chart([1, 2, 1, 2, 1, 2, 1, 2, 8, 9, 8, 9, 8, 9, 8, 9])
    assert two.runs == 2 and two.too_few_runs and not two.too_many_runs


def test_quality_digest_example_sixteen_points_four_runs_is_too_few():
    # Balestracci: runs of 7, 7, 1 and 1 around the median of 16 points
    values = [9, 8, 9, 8, 9, 8, 9, 1, 2, 1, 2, 1, 2, 1, 9, 1]
    r = run_chart(values)
    assert r.runs == 4 and r.too_few_runs


def exact_runs_range(n: int) -> tuple[int, int]:
    """Swed-Eisenhart with whole-number arithmetic: the 2.5% tails of the number of runs."""
    n1, n2 = n // 2, n - n // 2
    ways = {}
    for r in range(2, n + 1):
        k = r // 2
        if r % 2 == 0:
            ways[r] = 2 * math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k - 1)
        else:
            ways[r] = (math.comb(n1 - 1, k - 1) * math.comb(n2 - 1, k)
                       + math.comb(n1 - 1, k) * math.comb(n2 - 1, k - 1))
    total = math.comb(n, n1)
    lo = next(r for r in range(2, n + 1) if sum(ways[s] for s in range(2, r + 1)) * 40 > total)
    hi = next(r for r in range(n, 1, -1) if sum(ways[s] for s in range(r, n + 1)) * 40 > total)
    return lo, hi


def test_runs_beyond_the_table_follow_swed_eisenhart_exactly():
    for n in [*range(61, 130), 250, 501]:
        assert runs_expected(n) == exact_runs_range(n), n


def test_runs_table_is_close_to_the_exact_limits():
    # the published table rounds Swed and Eisenhart's tables its own way, never by more than one
    # run; a transcription slip would stand out
    for n in range(10, 61):
        (lo, hi), (exact_lo, exact_hi) = runs_expected(n), exact_runs_range(n)
        assert abs(lo - exact_lo) <= 1 and abs(hi - exact_hi) <= 1, n


def test_runs_table_and_beyond():
    assert runs_expected(9) is None
    assert runs_expected(10) == (3, 9) and runs_expected(60) == (24, 38)
    previous = runs_expected(60)
    for n in range(61, 400):
        lo, hi = runs_expected(n)
        assert lo >= previous[0] and hi >= previous[1] and lo < n / 2 + 1 < hi
        previous = (lo, hi)
    lo, hi = runs_expected(1000)
    assert abs((lo + hi) / 2 - 501) <= 1  # centred on the expected 1 + N/2 runs


# --- plain English ----------------------------------------------------------------------------------

def test_shift_explained_as_the_issue_words_it():
    values = [1, 2, 1, 2, 1, 2, 1, 9, 9, 9, 9, 9, 9, 9]
    labels = [f"{m} 2024" for m in MONTHS] + ["Jan 2025", "Feb 2025"]
    texts = [f.text for f in explain_run_chart(run_chart(values), labels)]
    assert "7 points in a row above the median from Aug 2024: a shift — evidence of a change." in texts


def test_every_spc_signal_is_explained_with_its_labels():
    values = [5, 6] * 5 + [5, 30]
    labels = [f"{m} 2024" for m in MONTHS]
    r = spc(values, better="up")
    findings = explain_spc(r, labels)
    assert len(findings) == len(r.signals)
    assert "Dec 2024 (30) is above the upper process limit (10.16): special cause improvement." in [
        f.text for f in findings]
    assert any(f.text.startswith("11 points in a row below the mean from Jan 2024 to Nov 2024")
               for f in findings)


def test_descriptions_state_the_finding():
    r = spc([10, 11, 9] * 4, better="up", target=5)
    text = describe_spc(r, unit="%")
    assert "Mean 10%" in text and "consistently pass" in text and "No signals" in text
    assert "median" in describe_run_chart(run_chart([1, 2, 3]))


def test_labels_must_match_points():
    with pytest.raises(ValueError):
        explain_spc(spc([1, 2, 3]), ["Jan"])


# --- against an independent implementation --------------------------------------------------------

def random_series(rng: random.Random) -> list[float]:
    n = rng.choice([0, 1, 2, 3, 5, 8, 12, 20, 30, 60])
    style = rng.randrange(4)
    if style == 0:  # small integers: ties, points on the mean and median, equal neighbours
        return [float(rng.randint(-3, 3)) for _ in range(n)]
    if style == 1:  # shifts and outliers
        base = [rng.gauss(0, 1) + (4 if i > n // 2 else 0) for i in range(n)]
        return [v * 10 if rng.random() < 0.05 else v for v in base]
    if style == 2:  # drifts
        return [i * rng.choice([-1, 1]) * 0.3 + rng.gauss(0, 1) for i in range(n)]
    return [float(rng.choice([2, 2, 2, 5])) for _ in range(n)]


@pytest.mark.parametrize("seed", range(8))
def test_spc_agrees_with_reference(seed):
    rng = random.Random(seed)
    for _ in range(150):
        values = random_series(rng)
        better = rng.choice(["up", "down", None])
        target = rng.choice([None, rng.uniform(-3, 6)])
        run_length = rng.randint(3, 8)
        rebase = sorted(rng.sample(range(1, len(values)), k=min(2, len(values) - 1))) if len(values) > 4 and \
            rng.random() < 0.4 else []
        got = spc(values, better=better, target=target, run_length=run_length, rebase_at=rebase)
        want = reference_spc(values, better=better, target=target, run_length=run_length, rebase_at=rebase)
        context = (values, better, target, run_length, rebase)
        assert got.mean == pytest.approx(want["mean"]), context
        assert [x is None for x in got.lower] == [x is None for x in want["lower"]], context
        assert [x for x in got.lower if x is not None] == pytest.approx(
            [x for x in want["lower"] if x is not None]), context
        assert [set(p.rules) for p in got.points] == want["rules"], context
        assert [p.kind for p in got.points] == want["kinds"], context
        assert got.variation == want["variation"], context
        assert got.assurance == want["assurance"], context


@pytest.mark.parametrize("seed", range(4))
def test_run_chart_agrees_with_reference(seed):
    rng = random.Random(100 + seed)
    for _ in range(200):
        values = random_series(rng)
        got = run_chart(values)
        want = reference_run_chart(values)
        assert got.median == want["median"], values
        assert got.shifts == want["shifts"], values
        assert got.trends == want["trends"], values
        assert (got.runs, got.useful) == (want["runs"], want["useful"]), values

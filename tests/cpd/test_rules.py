"""The revalidation arithmetic on its own: cycles, totals, gaps, hours."""

from datetime import date

import pytest

from forum.cpd import rules


def test_the_cycle_is_the_three_years_up_to_the_revalidation_date():
    assert rules.cycle(date(2027, 4, 30), date(2026, 12, 1)) == (date(2024, 5, 1), date(2027, 4, 30))


def test_without_a_revalidation_date_the_cycle_ends_today():
    assert rules.cycle(None, date(2026, 12, 1)) == (date(2023, 12, 2), date(2026, 12, 1))


def test_a_leap_day_cycle_starts_on_the_first_of_march():
    assert rules.cycle(date(2028, 2, 29), date(2027, 1, 1))[0] == date(2025, 3, 1)


def test_progress_counts_only_entries_inside_the_cycle_and_says_what_is_needed():
    start, end = date(2024, 5, 1), date(2027, 4, 30)
    done = rules.progress([(date(2024, 4, 30), 600, 600), (date(2024, 5, 1), 90, 90),
                           (date(2027, 4, 30), 60, 0), (date(2027, 5, 1), 600, 600)], start, end)
    assert (done.minutes, done.participatory_minutes) == (150, 90)
    assert done.hours_needed == pytest.approx(32.5)
    assert done.participatory_needed == pytest.approx(18.5)
    assert not done.met


def test_thirty_five_hours_with_twenty_participatory_meets_the_requirement():
    done = rules.progress([(date(2025, 1, 1), 35 * 60, 20 * 60)], date(2024, 1, 1), date(2026, 1, 1))
    assert done.met and done.percent == 100 and done.hours_needed == 0


def test_thirty_five_hours_with_too_few_participatory_does_not():
    done = rules.progress([(date(2025, 1, 1), 40 * 60, 19 * 60)], date(2024, 1, 1), date(2026, 1, 1))
    assert not done.met and done.participatory_needed == 1


def test_a_gap_of_three_months_is_flagged_and_a_shorter_one_is_not():
    start, end = date(2025, 1, 1), date(2025, 12, 31)
    found = rules.gaps([(date(2025, 1, 10), date(2025, 1, 10)), (date(2025, 4, 9), date(2025, 4, 9)),
                        (date(2025, 7, 9), date(2025, 7, 9)), (date(2025, 12, 1), date(2025, 12, 1))],
                       start, end)
    # 10 Jan to 9 Apr is a day short of three months; 9 Apr to 9 Jul is three months exactly.
    assert [(g.start, g.end) for g in found] == [(date(2025, 4, 9), date(2025, 7, 9)),
                                                 (date(2025, 7, 9), date(2025, 12, 1))]


def test_an_empty_record_is_one_gap_and_the_tail_counts_too():
    assert [(g.start, g.end) for g in rules.gaps([], date(2025, 1, 1), date(2025, 6, 1))] == [
        (date(2025, 1, 1), date(2025, 6, 1))]
    found = rules.gaps([(date(2025, 1, 2), date(2025, 1, 2))], date(2025, 1, 1), date(2025, 6, 1))
    assert [(g.start, g.end) for g in found] == [(date(2025, 1, 2), date(2025, 6, 1))]


def test_a_long_course_covers_the_months_it_runs_over():
    found = rules.gaps([(date(2025, 1, 1), date(2025, 6, 1)), (date(2025, 7, 1), date(2025, 7, 1))],
                       date(2025, 1, 1), date(2025, 8, 1))
    assert found == []


@pytest.mark.parametrize(("text", "minutes"), [("1.5", 90), ("1,5", 90), (" 2 ", 120), ("0.25", 15),
                                               ("-1", -60), ("abc", None), ("", None), ("nan", None),
                                               ("1e400", None), (None, None)])
def test_hours_are_read_as_typed(text, minutes):
    assert rules.parse_hours(text) == minutes


def test_bad_hours_are_named_by_field():
    day = date(2025, 1, 1)
    assert rules.check_hours(-60, 0, day, None) == {"hours": "Hours must be more than 0"}
    assert rules.check_hours(25 * 60, 0, day, None) == {"hours": "Hours cannot be more than 24 for one day"}
    assert rules.check_hours(25 * 60, 0, day, date(2025, 1, 2)) == {}
    assert rules.check_hours(60, 90, day, None) == {
        "participatory_hours": "Participatory hours cannot be more than the hours"}
    assert rules.check_hours(60, -1, day, None)["participatory_hours"].endswith("negative")


def test_hours_are_written_as_people_write_them():
    assert [rules.hours_text(m) for m in (90, 120, 15, 0, 100)] == ["1.5", "2", "0.25", "0", "1.67"]

"""London time: both clock changes, in the form's words."""

from datetime import UTC, date, datetime, time

import pytest

from forum.errors import InvalidInput
from forum.events import london


def test_a_summer_time_is_an_hour_ahead_of_utc_and_a_winter_time_is_not():
    summer = london.to_utc(date(2026, 7, 1), time(12, 30), field="start")
    winter = london.to_utc(date(2026, 12, 1), time(12, 30), field="start")
    assert summer == datetime(2026, 7, 1, 11, 30, tzinfo=UTC)
    assert winter == datetime(2026, 12, 1, 12, 30, tzinfo=UTC)


def test_the_hour_skipped_in_march_is_refused_in_plain_english():
    with pytest.raises(InvalidInput) as error:
        london.to_utc(date(2026, 3, 29), time(1, 30), field="start_date")
    assert error.value.message == ("1:30am on 29 March 2026 does not exist in London: the clocks go "
                                   "forward an hour that night. Enter a time before 1am or from 2am")


def test_the_hour_repeated_in_october_asks_which_one():
    with pytest.raises(london.AmbiguousTime) as error:
        london.to_utc(date(2026, 10, 25), time(1, 30), field="start_date")
    assert "happens twice in London" in error.value.message
    assert [value for value, _ in error.value.options] == ["earlier", "later"]
    first = london.to_utc(date(2026, 10, 25), time(1, 30), field="s", fold="earlier")
    second = london.to_utc(date(2026, 10, 25), time(1, 30), field="s", fold="later")
    assert first == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    assert london.fold_of(first) == "earlier" and london.fold_of(second) == "later"


def test_times_are_shown_with_the_zone_either_side_of_the_october_change():
    before = datetime(2026, 10, 24, 11, 30, tzinfo=UTC)
    after = datetime(2026, 10, 26, 12, 30, tzinfo=UTC)
    assert london.show(before) == "Saturday 24 October 2026, 12:30pm (BST)"
    assert london.show(after) == "Monday 26 October 2026, 12:30pm (GMT)"
    assert london.show_span(after, datetime(2026, 10, 26, 13, 30, tzinfo=UTC)) == \
        "Monday 26 October 2026, 12:30pm (GMT) to 1:30pm (GMT)"

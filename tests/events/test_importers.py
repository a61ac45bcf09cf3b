"""The Teams and Zoom attendance report readers, on the synthetic samples in tests/events/data."""

import pytest

from forum.errors import InvalidInput
from forum.events.importers import decode, parse_duration, parse_time, read_report
from tests.events.conftest import sample


def _people(report) -> dict[str, tuple[str, int, int]]:
    return {p.name: (p.email or p.upn, p.minutes, p.joins) for p in report.participants}


def test_the_current_teams_report_reads_the_participants_section_only():
    report = read_report(sample("teams-attendance-report.csv"))
    assert report.source == "teams" and report.meeting_minutes == 63
    people = _people(report)
    assert len(people) == 7  # the In-Meeting Activities rows are not counted again
    assert people["Priya Shah"] == ("priya.shah@nhs.net", 58, 1)  # email in lower case
    assert people["Grace Okafor"] == ("grace.okafor@nhs.net", 55, 1)  # blank Email: the UPN
    assert people["Dan Hughes"] == ("", 48, 1)
    assert report.participants[3].email == ""


def test_the_older_teams_list_adds_up_rejoins_and_closes_open_joins_at_the_end():
    report = read_report(sample("teams-attendance-list-old.csv"))
    people = _people(report)
    assert people["Priya Shah"] == ("", 58, 2)   # 20m 20s + 37m 35s
    assert people["Tom Reid"][1] == 14
    assert people["Dan Hughes"][1] == 56          # "Joined before", never left: until 1:31pm


def test_zoom_adds_up_rejoins_and_reads_the_meeting_block():
    report = read_report(sample("zoom-participants.csv"))
    assert report.source == "zoom" and report.meeting_minutes == 68
    people = _people(report)
    assert people["Priya Shah"] == ("priya.shah@nhs.net", 59, 2)
    assert people["Grace Okafor"] == ("", 55, 1)
    assert people["+442079460000"] == ("", 36, 1)


def test_zoom_without_the_meeting_block_is_read_too():
    text = sample("zoom-participants.csv").decode("utf-8-sig").split("\r\n\r\n", 1)[1]
    report = read_report(text.encode())
    assert report.meeting_minutes is None and len(report.participants) == 6


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty."),
    (b"Name,Email\nPriya,priya@nhs.net\n", "not a Teams or Zoom attendance report"),
    ("1. Summary\nMeeting title\tX\n\n2. Participants\nWho\tWhen\nPriya\tnow\n".encode("utf-16"),
     "no Name or In-meeting duration column"),
    (b"Meeting ID,Topic,Duration (Minutes)\n1,X,60\n", "no participants"),
    (b"Full Name\tUser Action\tTimestamp\n", "no joins or leaves"),
    (b"\x00\x01\x02" * 100, "not a Teams or Zoom attendance report"),
    (b"x" * (2 * 1024 * 1024 + 1), "larger than 2 MB"),
])
def test_files_that_are_not_reports_are_refused_plainly(data, message):
    with pytest.raises(InvalidInput) as error:
        read_report(data)
    assert message in error.value.message


def test_unreadable_durations_and_times_are_reported_not_fatal():
    teams = ("1. Summary\n\n2. Participants\nName\tIn-Meeting Duration\tEmail\n"
             "Priya\tages\tpriya@nhs.net\nTom\t5m\ttom@nhs.net\n").encode("utf-16")
    report = read_report(teams)
    assert [p.minutes for p in report.participants] == [0, 5]
    assert "the duration 'ages' is not one we can read" in report.problems[0]
    old = b"Full Name\tUser Action\tTimestamp\nPriya\tJoined\tyesterday\nTom\tJoined\t1/2/2024, 10:00:00 AM\n"
    assert "the time 'yesterday'" in read_report(old).problems[0]


def test_windows_1252_and_utf16_without_a_mark_are_decoded():
    assert decode("Siân Jones".encode("cp1252")) == "Siân Jones"
    assert decode("Full Name\tX".encode("utf-16-le")) == "Full Name\tX"


@pytest.mark.parametrize(("text", "seconds"), [
    ("1h 2m 5s", 3725), ("45m 10s", 2710), ("58s", 58), ("2h", 7200), ("", None), ("soon", None)])
def test_teams_durations(text, seconds):
    assert parse_duration(text) == seconds


def test_times_in_us_and_uk_layouts():
    assert parse_time("11/14/2023, 1:30:05 PM").hour == 13
    assert parse_time("14/11/2023, 13:30:05").month == 11

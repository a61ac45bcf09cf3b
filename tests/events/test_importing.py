"""Importing the community's own table of past events (events-2023.tsv and broken copies)."""

from pathlib import Path

import pytest
from sqlalchemy import func, select

from forum.events import london
from forum.events.importing import import_events, parse_events_table, parse_outcomes
from forum.events.models import Event, EventImport, EventOutcome, EventStatus, Kind

TSV = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "events-2023.tsv"
HEADER = "Year 2023\tEvent Type\tTopic\tSigned-up\tAttended\tLearning\n"


@pytest.fixture
def community_table() -> bytes:
    if not TSV.exists():
        pytest.skip("../shared/data/events-2023.tsv is not here")
    return TSV.read_bytes()


def _table(*rows: str, total: str = "") -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows) + (total + "\n" if total else "")).encode()


def test_the_community_table_reads_as_seven_events_with_their_counts(community_table):
    parsed = parse_events_table(community_table)
    assert parsed.ok and parsed.year == 2023 and not parsed.warnings
    assert len(parsed.rows) == 7
    assert sum(r.signups for r in parsed.rows) == 647
    assert sum(r.attended for r in parsed.rows) == 392
    assert [r.kind for r in parsed.rows].count(Kind.WEBINAR) == 4
    assert [r.kind for r in parsed.rows].count(Kind.FACE_TO_FACE) == 3
    first, rehab, last = parsed.rows[0], parsed.rows[4], parsed.rows[6]
    assert (first.day.isoformat(), first.title) == ("2023-02-21", "Launch Cancer Community of Practice")
    assert rehab.outcomes == ["Shadowing opportunities", "Online resource"]
    assert last.outcomes == ["Replicable QI models", "Shared learning / resources"]


def test_the_stated_total_is_checked_and_the_disagreement_said_plainly(community_table):
    parsed = parse_events_table(community_table)
    assert (parsed.stated_signups, parsed.stated_attended) == ("647", "360 +")
    signed, came = parsed.totals
    assert "647 signed up, and the rows add up to 647: they agree" in signed
    assert 'says "360 +" attended' in came and "add up to 392, 32 more than 360" in came


def test_importing_makes_published_imported_events_in_london_dates(db, community_table):
    result = import_events(community_table, source="events-2023.tsv")
    assert (result.saved, result.created, result.updated, result.unchanged) == (True, 7, 0, 0)
    events = db.session.scalars(select(Event).order_by(Event.starts_at)).all()
    assert [london.local(e.starts_at).date().isoformat() for e in events][:2] == ["2023-02-21",
                                                                                  "2023-04-12"]
    assert all(e.status == EventStatus.PUBLISHED and e.imported_from == "events-2023.tsv"
               and e.capacity is None and e.confirmed_count == 0 for e in events)
    assert sum(e.imported_signups for e in events) == 647
    assert db.session.scalar(select(func.count()).select_from(EventOutcome)) == 9
    record = db.session.scalars(select(EventImport)).one()
    assert (record.year, record.rows, record.stated_attended) == (2023, 7, "360 +")


def test_importing_the_same_file_twice_changes_nothing(db, community_table):
    import_events(community_table, source="events-2023.tsv")
    before = [(e.id, e.imported_signups, e.imported_attended, e.kind) for e in
              db.session.scalars(select(Event).order_by(Event.id))]
    outcomes = db.session.scalars(select(EventOutcome.id).order_by(EventOutcome.id)).all()
    again = import_events(community_table, source="events-2023.tsv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    db.session.expire_all()
    assert [(e.id, e.imported_signups, e.imported_attended, e.kind) for e in
            db.session.scalars(select(Event).order_by(Event.id))] == before
    assert db.session.scalars(select(EventOutcome.id).order_by(EventOutcome.id)).all() == outcomes


def test_a_corrected_row_updates_its_event_rather_than_adding_one(db):
    import_events(_table("12 Apr\twebinar\tClinical Leadership\t97\t73\tOnline resource"), source="t.tsv")
    result = import_events(_table("12 Apr\tWebinar\tClinical Leadership\t98\t74\tOnline resource "
                                  "Shadow opportunities"), source="t.tsv")
    assert (result.created, result.updated) == (0, 1)
    event = db.session.scalars(select(Event)).one()
    assert (event.imported_signups, event.imported_attended) == (98, 74)
    assert sorted(db.session.scalars(select(EventOutcome.name))) == ["Online resource",
                                                                     "Shadowing opportunities"]


@pytest.mark.parametrize("cell", ["f2f", "F2F", " F2f ", "face-to-face", "Face to face"])
def test_face_to_face_is_read_however_it_is_written(cell):
    parsed = parse_events_table(_table(f"21 Feb\t{cell}\tLaunch\t37\t17\t"))
    assert parsed.ok and parsed.rows[0].kind == Kind.FACE_TO_FACE


@pytest.mark.parametrize(("row", "message"), [
    ("31 Feb\twebinar\tTopic\t1\t1\t", 'Row 2: the date "31 Feb" is not a day and month in 2023'),
    ("Feb\twebinar\tTopic\t1\t1\t", 'the date "Feb" is not a day and month'),
    ("21 Feb\tseminar\tTopic\t1\t1\t", 'the event type "seminar" is not one we know'),
    ("21 Feb\twebinar\t\t1\t1\t", "the topic is empty"),
    ("21 Feb\twebinar\tTopic\tlots\t1\t", 'the number signed up ("lots") is not a whole number'),
    ("21 Feb\twebinar\tTopic\t5\t-1\t", 'the number attended ("-1") is not a whole number'),
    ("21 Feb\twebinar\tTopic\t5\t", 'the number attended ("") is not a whole number'),
])
def test_a_bad_row_is_named_in_plain_english_and_nothing_is_saved(db, row, message):
    good = "12 Apr\twebinar\tClinical Leadership\t97\t73\tOnline resource"
    result = import_events(_table(row, good), source="bad.tsv")
    assert not result.saved
    assert any(message in p for p in result.parsed.problems), result.parsed.problems
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_every_bad_row_is_listed_at_once():
    parsed = parse_events_table(_table("31 Feb\twebinar\tA\t1\t1\t", "1 Mar\tzoom\tB\t1\t1\t",
                                       "2 Mar\twebinar\tC\t1\t1\t", "2 Mar\twebinar\tC\t1\t1\t"))
    assert [p.split(":")[0] for p in parsed.problems] == ["Row 2", "Row 3", "Row 5"]
    assert "repeats row 4" in parsed.problems[2]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty"),
    (b"Date\tType\tTopic\n21 Feb\tf2f\tLaunch\n", 'the first cell should give the year'),
    (b"Year 2023\tType\tTopic\n21 Feb\tf2f\tLaunch\n", 'The file has no "event type" column'),
    (HEADER.encode(), "a header but no events"),
])
def test_a_file_of_the_wrong_shape_says_what_it_should_look_like(data, message):
    parsed = parse_events_table(data)
    assert not parsed.ok and message in parsed.problems[0]


def test_a_file_saved_as_utf16_or_windows_1252_reads_the_same():
    text = HEADER + "3 May\twebinar\tSoins de support – café\t83\t57\tOnline resource\n"
    for encoded in (text.encode("utf-16"), text.encode("cp1252"), text.encode("utf-8-sig")):
        parsed = parse_events_table(encoded)
        assert parsed.ok and parsed.rows[0].title == "Soins de support – café"


def test_an_unusual_outcome_is_kept_as_written_with_a_note():
    assert parse_outcomes("Online resource Peer mentoring scheme") == (
        ["Online resource", "Peer mentoring scheme"], ["Peer mentoring scheme"])
    parsed = parse_events_table(_table("3 May\twebinar\tESC\t83\t57\tPeer mentoring"))
    assert parsed.ok and "not one of the usual ones; it is imported as written" in parsed.warnings[0]


def test_a_total_that_disagrees_with_the_rows_is_reported_with_both_figures():
    parsed = parse_events_table(_table("3 May\twebinar\tA\t10\t5\t", "4 May\twebinar\tB\t10\t5\t",
                                       total="Total\t\t\t25\t10"))
    assert "says \"25\" signed up, but the rows add up to 20, 5 fewer than 25" in parsed.totals[0]
    assert "they agree" in parsed.totals[1]


def test_the_command_prints_progress_and_the_totals_check(runner, community_table, tmp_path):
    path = tmp_path / "events-2023.tsv"
    path.write_bytes(community_table)
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "[1/7] 21 February 2023: Launch Cancer Community of Practice (added)" in result.output
    assert 'says "360 +" attended' in result.output
    assert "7 events for 2023: 7 added, 0 updated, 0 unchanged." in result.output
    again = runner.invoke(args=["events", "import", str(path)])
    assert "0 added, 0 updated, 7 unchanged" in again.output


def test_the_command_refuses_a_bad_file_and_lists_its_rows(runner, db, tmp_path):
    path = tmp_path / "bad.tsv"
    path.write_bytes(_table("31 Feb\twebinar\tA\t1\t1\t"))
    result = runner.invoke(args=["events", "import", str(path)])
    assert result.exit_code == 1
    assert "Row 2: the date" in result.output and "nothing was imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_dry_run_checks_and_saves_nothing(runner, db, community_table, tmp_path):
    path = tmp_path / "events-2023.tsv"
    path.write_bytes(community_table)
    result = runner.invoke(args=["events", "import", "--dry-run", str(path)])
    assert "7 events for 2023 look right; nothing was saved" in result.output
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0

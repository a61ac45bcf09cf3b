"""The yearly report: its figures (2023 from the community's table, and events run here), the
CSV, the command, the page and who may see it, and its query count."""

import csv
import io
from datetime import UTC, datetime

import pytest

from forum.events import london, reports, services, signups
from forum.events.importing import import_events
from forum.events.models import Attendance, EventOutcome
from forum.extensions import db as _db
from tests import factories
from tests.events.conftest import make_event, move_start
from tests.events.test_importing import TSV


@pytest.fixture
def year_2023(db):
    if not TSV.exists():
        pytest.skip("../shared/data/events-2023.tsv is not here")
    import_events(TSV.read_bytes(), source="events-2023.tsv")


def _held_event(organiser, people, came, *, when, outcomes=(), **kw):
    """An event run here: people signed up, then moved into the past, with attendance recorded."""
    event = make_event(organiser, **kw)
    found = [signups.sign_up(p, event) for p in people]
    move_start(event, when)
    for signup in found[:came]:
        _db.session.add(Attendance(event_id=event.id, signup_id=signup.id, email=signup.email))
    _db.session.add_all(EventOutcome(event_id=event.id, name=n) for n in outcomes)
    _db.session.commit()
    return event


def test_2023_is_the_community_table_647_signed_up_392_attended(year_2023):
    report = reports.year_report(2023)
    assert len(report.lines) == 7
    assert (report.total.events, report.total.signups, report.total.attended) == (7, 647, 392)
    assert reports.percent(report.total.rate) == "61%"
    kinds = {g.name: (g.events, g.signups, g.attended) for g in report.by_kind}
    assert kinds == {"Webinar": (4, 502, 304), "Face-to-face": (3, 145, 88)}
    assert dict(report.outcomes) == {"Online resource": 4, "Shadowing opportunities": 2,
                                     "Start of QI ideas": 1, "Replicable QI models": 1,
                                     "Shared learning / resources": 1}
    dementia = next(line for line in report.lines if line.signups == 230)
    assert (dementia.attended, reports.percent(dementia.rate)) == (105, "46%")


def test_the_stated_total_is_shown_beside_the_counted_one(year_2023):
    stated = {s.what: s for s in reports.year_report(2023).stated}
    assert stated["signed up"].agrees and stated["signed up"].counted == 647
    assert not stated["attended"].agrees
    assert (stated["attended"].stated, stated["attended"].counted) == ("360 +", 392)


def test_recorded_attendance_counts_and_people_are_grouped_by_alliance_and_profession(db):
    organiser = factories.admin()
    nurses = [factories.member() for _ in range(3)]
    physio = factories.member(profession_slug="physiotherapist", alliance_slug="south-east-london")
    when = datetime(2025, 3, 4, 12, 30, tzinfo=UTC)
    _held_event(organiser, [*nurses, physio], 3, when=when, outcomes=["Online resource"])
    report = reports.year_report(2025)
    line = report.lines[0]
    assert (line.signups, line.attended, line.recorded) == (4, 3, True)
    alliances = {p.name: (p.signups, p.attended) for p in report.by_alliance}
    assert alliances == {"North Central London": (3, 3), "South East London": (1, 0)}
    professions = {p.name: (p.signups, p.attended) for p in report.by_profession}
    assert professions == {"General practice nurse": (3, 3), "Physiotherapist": (1, 0)}


def test_an_event_not_yet_held_is_left_out_and_said_to_be(db):
    event = make_event(factories.admin())
    report = reports.year_report(london.local(event.starts_at).year)
    assert report.lines == [] and report.not_yet_held == 1


def test_a_cancelled_event_is_not_counted(db):
    organiser = factories.admin()
    event = _held_event(organiser, [factories.member()], 1, when=datetime(2025, 6, 1, 12, tzinfo=UTC))
    services.cancel_event(organiser, event)
    assert reports.year_report(2025).lines == []


def test_the_report_takes_the_same_number_of_queries_for_1_or_30_events(db, count_queries):
    organiser = factories.admin()
    people = [factories.member() for _ in range(3)]
    _held_event(organiser, people, 2, when=datetime(2025, 1, 10, 12, tzinfo=UTC))
    with count_queries() as one:
        reports.year_report(2025)
    for day in range(29):
        _held_event(organiser, people, 1, when=datetime(2025, 2, 1 + day % 28, 12, tzinfo=UTC),
                    outcomes=["Online resource"])
    with count_queries() as thirty:
        assert len(reports.year_report(2025).lines) == 30
    assert thirty.count == one.count <= 9


@pytest.mark.parametrize("text", ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tTab"])
def test_csv_cells_a_spreadsheet_would_run_are_neutralised(text):
    assert reports.csv_cell(text) == "'" + text
    assert reports.csv_cell(-5) == -5 and reports.csv_cell("Webinar") == "Webinar"


def test_the_csv_has_each_event_then_the_totals(year_2023):
    rows = list(csv.reader(io.StringIO(reports.to_csv(reports.event_rows(reports.year_report(2023))))))
    assert rows[0][:6] == ["Date", "Type", "Topic", "Signed up", "Attended", "Attendance rate"]
    assert rows[1][:5] == ["2023-02-21", "Face-to-face", "Launch Cancer Community of Practice", "37", "17"]
    assert rows[8][:6] == ["Total", "7 events", "", "647", "392", "61%"]
    assert rows[10][4] == "360 +" and rows[10][7] == "the rows add up to 392"


def test_a_hostile_title_is_harmless_in_the_csv(db):
    organiser = factories.admin()
    _held_event(organiser, [factories.member()], 1, title="=cmd|' /C calc'!A0",
                when=datetime(2025, 5, 1, 12, tzinfo=UTC))
    body = reports.to_csv(reports.event_rows(reports.year_report(2025)))
    assert ",'=cmd|" in body


def test_the_command_prints_a_table_or_csv(runner, year_2023):
    table = runner.invoke(args=["events", "report", "--year", "2023"])
    assert table.exit_code == 0, table.output
    assert "Cognitive impairment, Dementia and Delirium" in table.output
    assert "647" in table.output and "392" in table.output
    assert 'its Total row says "360 +" attended; the rows add up to 392' in table.output
    as_csv = runner.invoke(args=["events", "report", "--year", "2023", "--format", "csv"])
    assert as_csv.output.splitlines()[8].startswith("Total,7 events,,647,392,61%")


def test_the_command_says_when_a_year_has_no_events(runner):
    assert "No events were held in 2019." in runner.invoke(args=["events", "report", "--year",
                                                                 "2019"]).output


def test_the_page_shows_the_figures_the_chart_with_its_table_and_the_csv_links(client, year_2023):
    factories.sign_in(client, factories.admin())
    page = client.get("/events/report?year=2023").get_data(as_text=True)
    assert 'id="total-signups">647<' in page and 'id="total-attended">392<' in page
    assert 'role="img"' in page and "<desc" in page and 'id="chart-table"' in page
    assert "states a total of <strong>360 +</strong> attended" in page
    assert 'href="/events/report.csv?year=2023"' in page


def test_the_csv_downloads_are_attachments_excel_reads_as_utf8(client, year_2023):
    factories.sign_in(client, factories.admin())
    response = client.get("/events/report.csv?year=2023")
    assert response.mimetype == "text/csv"
    assert 'filename="events-report-2023.csv"' in response.headers["Content-Disposition"]
    assert response.get_data(as_text=True).startswith("\ufeffDate,Type,Topic")
    summary = client.get("/events/report-summary.csv?year=2023").get_data(as_text=True)
    assert "Type,Webinar,4,502,304,61%" in summary and "Learning outcome,Online resource,4" in summary


@pytest.mark.parametrize("path", ["/events/report?year=2023", "/events/report.csv?year=2023",
                                  "/events/report-summary.csv"])
def test_only_organisers_see_the_report(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and "/login" in response.location
    factories.sign_in(client, factories.member())
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("year", ["1066", "abc", "99999"])
def test_a_year_that_makes_no_sense_is_not_found(client, db, year):
    factories.sign_in(client, factories.admin())
    assert client.get(f"/events/report?year={year}").status_code == 404


def test_the_page_takes_the_same_number_of_queries_for_1_or_20_events(client, db, count_queries):
    organiser = factories.admin()
    factories.sign_in(client, organiser)
    person = factories.member()
    _held_event(organiser, [person], 1, when=datetime(2025, 1, 10, 12, tzinfo=UTC))
    client.get("/events/report?year=2025")
    with count_queries() as one:
        client.get("/events/report?year=2025")
    for day in range(19):
        _held_event(organiser, [person], 1, when=datetime(2025, 3, 1 + day, 12, tzinfo=UTC))
    with count_queries() as twenty:
        assert client.get("/events/report?year=2025").get_data(as_text=True).count(
            'id="report-event-') == 20
    assert twenty.count == one.count


def test_an_imported_event_page_shows_its_counts_not_places(client, year_2023):
    from sqlalchemy import select

    from forum.events.models import Event

    event = _db.session.scalars(select(Event).where(Event.imported_signups == 230)).one()
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "230 signed up, 105 attended (from events-2023.tsv)" in page
    assert "of None" not in page

"""The report's bar chart (forum.charts.bars and forum.events.report_views.report_chart)."""

from datetime import date
from xml.etree import ElementTree

from forum.charts.bars import Series, bar_chart
from forum.events import reports
from forum.events.models import Kind
from forum.events.report_views import report_chart

SVG = "{http://www.w3.org/2000/svg}"


def _report(n: int) -> reports.YearReport:
    lines = [reports.EventLine(event_id=i, day=date(2025, 1 + i % 12, 1 + i % 28), title=f"Event {i}",
                               kind=Kind.WEBINAR, signups=10, attended=None if i == 0 else 6,
                               imported_from="", recorded=True) for i in range(n)]
    total = reports.Group("All events")
    for line in lines:
        total.add(line)
    return reports.YearReport(2025, lines, total, [], [], [], [], [], 0)


def test_a_bar_chart_is_an_image_named_and_described_with_every_text_escaped():
    svg = bar_chart(chart_id="c", title="Sign-ups <b>", desc="Two events & more",
                    x_labels=["<script>", "12 Apr"],
                    series=[Series("s", "Signed up", [3, 5]), Series("a", "Attended", [1, 4], hatched=True)])
    root = ElementTree.fromstring(str(svg))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c-title c-desc"
    assert root.find(f"{SVG}title").text == "Sign-ups <b>"
    assert root.find(f"{SVG}desc").text == "Two events & more"
    bars = root.findall(f".//{SVG}rect[{SVG}title]")
    assert [b.find(f"{SVG}title").text for b in bars][:2] == ["<script>: 3 signed up", "12 Apr: 5 signed up"]
    assert root.find(f".//{SVG}pattern") is not None  # the second series is hatched, not colour alone


def test_a_chart_of_zeros_or_of_nothing_still_draws():
    for values in ([0, 0], []):
        svg = bar_chart(chart_id="z", title="t", desc="d", x_labels=["a", "b"][:len(values)],
                        series=[Series("s", "S", values)])
        assert ElementTree.fromstring(str(svg)).get("role") == "img"


def test_bars_by_event_for_a_normal_year_and_by_month_for_a_busy_one():
    small = report_chart(_report(7))
    assert not small.by_month and len(small.rows) == 7
    assert small.rows[0] == ("1 Jan: Event 0", 10, "Not recorded")
    busy = report_chart(_report(30))
    assert busy.by_month and [r[0] for r in busy.rows][:2] == ["Jan 2025", "Feb 2025"]
    assert sum(r[1] for r in busy.rows) == 300
    assert report_chart(_report(0)) is None

"""The yearly report page and its CSV downloads (organisers only), on the events blueprint."""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask import Response, render_template, request
from flask_login import current_user
from markupsafe import Markup

from forum.charts.bars import Series, bar_chart, bar_swatch
from forum.db import utcnow
from forum.errors import NotFound
from forum.events import london, policy, reports
from forum.events.views import bp
from forum.events.views import signed_in as _signed_in

BY_MONTH_OVER = 24  # events: beyond this one bar per event is too thin to read
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SIGNUPS = Series("signups", "Signed up", (), fill="#005eb8", stroke="#003087")
ATTENDED = Series("attended", "Attended", (), fill="#007f3b", stroke="#00401e", hatched=True)


@dataclass
class ReportChart:
    svg: Markup
    legend: list[tuple[Markup, str]]
    by_month: bool
    rows: list[tuple[str, int, int | str]]  # the table beside it: label, signed up, attended


def _year() -> int:
    this_year = london.local(utcnow()).year
    given = request.args.get("year", str(this_year)).strip()
    year = int(given) if given.isdigit() and len(given) == 4 else 0
    if not 2000 <= year <= this_year + 5:
        raise NotFound("No report for that year.")
    return year


def report_chart(report: reports.YearReport) -> ReportChart | None:
    """Sign-ups against attendance, a pair of bars per event (or per month, for a busy year)."""
    if not report.lines:
        return None
    by_month = len(report.lines) > BY_MONTH_OVER
    if by_month:
        months: dict[int, list[int]] = {}
        for line in report.lines:
            pair = months.setdefault(line.day.month, [0, 0])
            pair[0] += line.signups
            pair[1] += line.attended or 0
        rows: list[tuple[str, int, int | str]] = [
            (f"{MONTHS[m - 1]} {report.year}", s, a) for m, (s, a) in sorted(months.items())]
        labels = [MONTHS[m - 1] for m in sorted(months)]
    else:
        rows = [(f"{line.day.day} {MONTHS[line.day.month - 1]}: {line.title}", line.signups,
                 "Not recorded" if line.attended is None else line.attended) for line in report.lines]
        labels = [f"{line.day.day} {MONTHS[line.day.month - 1]}" for line in report.lines]
    t = report.total
    busiest = max(report.lines, key=lambda line: line.signups)
    desc = (f"Sign-ups and attendance {'by month' if by_month else 'for each event'} in "
            f"{report.year}: {t.events} events, {t.signups:,} signed up and {t.attended:,} attended "
            f"({reports.percent(t.rate)}). Most signed up for {busiest.title} "
            f"({busiest.signups:,}). The table below gives every figure.")
    signups = replace(SIGNUPS, values=[r[1] for r in rows])
    attended = replace(ATTENDED, values=[r[2] if isinstance(r[2], int) else 0 for r in rows])
    svg = bar_chart(chart_id=f"events-report-{report.year}",
                    title=f"Signed up and attended, {report.year}", desc=desc, x_labels=labels,
                    series=[signups, attended], y_label="People")
    return ReportChart(svg, [(bar_swatch(s), s.label) for s in (signups, attended)], by_month, rows)


def _load() -> reports.YearReport:
    _signed_in()
    policy.require_organiser(current_user)
    return reports.year_report(_year())


@bp.get("/events/report")
def report():
    data = _load()
    return render_template("events/report.html", report=data, chart=report_chart(data),
                           years=reports.years_with_events(), percent=reports.percent)


def _csv(body: str, name: str) -> Response:
    return Response("\ufeff" + body, mimetype="text/csv",  # the BOM: Excel then reads UTF-8
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.get("/events/report.csv")
def report_csv():
    data = _load()
    return _csv(reports.to_csv(reports.event_rows(data)), f"events-report-{data.year}.csv")


@bp.get("/events/report-summary.csv")
def report_summary_csv():
    data = _load()
    return _csv(reports.to_csv(reports.summary_rows(data)), f"events-summary-{data.year}.csv")

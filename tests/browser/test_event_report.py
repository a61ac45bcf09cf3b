"""The yearly events report in Chromium, with JavaScript on and off: an organiser goes from
Events to the report, picks 2023, reads the totals (the community's own year: 647 signed up),
the chart's text alternative and its table, the stated Total that disagrees, and downloads the CSV."""

from __future__ import annotations

import csv
import io

from .helpers import make_member, sign_in, submit, unique


def test_an_organiser_reads_the_2023_report_and_downloads_it(page, live_server, js):
    from forum.events.seed import seed_past_events
    from forum.members.models import Role

    with live_server.db():
        seed_past_events()  # idempotent: the sample may have loaded it already
    organiser = make_member(live_server, display_name=f"Organiser {unique('')}", role=Role.ADMIN)
    sign_in(page, live_server, organiser["email"])
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Events").click()
    submit(page, page.get_by_role("link", name="Yearly report"))
    page.get_by_label("Year", exact=True).select_option("2023")
    submit(page, page.get_by_role("button", name="Show the report"))
    assert page.get_by_role("heading", level=1).inner_text() == "Events report 2023"
    assert page.locator("#total-events").inner_text() == "7"
    assert page.locator("#total-signups").inner_text() == "647"
    assert page.locator("#total-attended").inner_text() == "392"
    assert "states a total of 360 + attended" in page.locator("#stated-1").inner_text()

    chart = page.get_by_role("img", name="Signed up and attended, 2023")
    assert chart.count() == 1
    assert "7 events, 647 signed up and 392 attended" in chart.locator("desc").text_content()
    page.get_by_text("Show the chart's data as a table").click()
    table = page.get_by_role("table", name="Signed up and attended, 2023")
    assert table.is_visible()
    assert table.locator("tbody tr").count() == 7
    assert "230" in table.locator("tbody tr").nth(5).inner_text()
    rows = page.locator("#report-table tbody tr")
    assert rows.count() == 7
    assert "Replicable QI models; Shared learning / resources" in rows.nth(6).inner_text()

    link = page.get_by_role("link", name="Download the report, event by event (CSV)")
    response = page.request.get(live_server.url + link.get_attribute("href"))
    assert response.ok and response.headers["content-type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(response.text().lstrip("\ufeff"))))
    assert lines[8][:5] == ["Total", "7 events", "", "647", "392"]

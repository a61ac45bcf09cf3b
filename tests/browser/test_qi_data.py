"""QI measures and files in Chromium, with and without JavaScript: paste a series (a wrong row
is listed, dropped, the rest saved), see the chart with its signals on the write-up page; the
measures, data and file pages pass axe and the Nu HTML Checker; measure names, definitions and
notes go through the XSS sweep's payloads."""

from __future__ import annotations

import re

from .helpers import make_member, new_context, same_on_every_database, sign_in, unique

# 10 weeks low, then 10 high: a shift (and points beyond the limits) that is an improvement.
SERIES = "Week commencing\tScreened\tNote\n" + "\n".join(
    f"{d:02d}/{m:02d}/2024\t{v}\t{'new checklist' if i == 10 else ''}"
    for i, (d, m, v) in enumerate([
        (1, 1, 3), (8, 1, 4), (15, 1, 3), (22, 1, 5), (29, 1, 4), (5, 2, 3), (12, 2, 4),
        (19, 2, 5), (26, 2, 3), (4, 3, 4), (11, 3, 9), (18, 3, 10), (25, 3, 9), (1, 4, 11),
        (8, 4, 10), (15, 4, 9), (22, 4, 10), (29, 4, 11), (6, 5, 9), (13, 5, 10)]))


def _writeup(server, author_id: int, *, published: bool = True, **measure_kw) -> tuple[int, int]:
    def make():
        from forum.extensions import db
        from forum.members.models import User
        from tests.qi.data_factories import measure, writeup

        author = db.session.get(User, author_id)
        item = writeup(author, published=published, title=f"Delirium screening {unique('')}")
        made = measure(author, item, name=measure_kw.pop("name", "Patients screened"),
                       better="up", unit="patients", **measure_kw)
        return item.id, made.id

    return server.run(make)


def test_paste_a_series_then_see_its_chart_and_signals(page, live_server, js):
    author = make_member(live_server)
    writeup_id, measure_id = _writeup(live_server, author["id"])
    sign_in(page, live_server, author["email"])
    page.goto(live_server.url_for("qi.measure_data", measure_id=measure_id))
    form = page.locator("form").filter(has=page.get_by_label("Paste rows from a spreadsheet"))
    form.get_by_label("Paste rows from a spreadsheet").fill(SERIES + "\n20/05/2024\tlots\t")
    with page.expect_navigation():
        form.get_by_role("button", name="Check and save").click()
    errors = page.locator("#series-errors")
    assert "“lots” is not a number" in errors.inner_text()
    assert "Nothing has been saved yet" in errors.inner_text()
    assert "20/05/2024\tlots" in page.get_by_label("Paste rows from a spreadsheet").input_value()
    with page.expect_navigation():
        page.get_by_role("button", name="Drop this row and save the rest").click()
    assert re.search(rf"/qi/{writeup_id}/measures", page.url)
    assert "20 added, 0 updated. 1 wrong row left out." in page.content()

    page.goto(live_server.url_for("qi.show_writeup", writeup_id=writeup_id))
    chart = page.locator(f"#measure-{measure_id} svg[role=img]")
    assert chart.count() == 1 and chart.is_visible()
    assert page.locator(f"#measure-{measure_id} .chart-dot--improvement").count() >= 6
    findings = page.locator(f"#measure-{measure_id} .chart-findings").inner_text()
    assert "improvement" in findings.lower()
    # The data is there as a table too (behind "Show the data"), with the note from the paste.
    assert "new checklist" in page.locator(f"#measure-{measure_id} table").first.text_content()


def test_data_entered_row_by_row_without_a_script(page, live_server, js):
    author = make_member(live_server)
    _, measure_id = _writeup(live_server, author["id"])
    sign_in(page, live_server, author["email"])
    page.goto(live_server.url_for("qi.measure_data", measure_id=measure_id))
    rows = page.locator("table.series-entry tbody tr")
    assert rows.count() == 5
    with page.expect_navigation():
        page.get_by_role("button", name="Add another row").click()
    assert page.locator("table.series-entry tbody tr").count() == 6
    for i, (period, value) in enumerate([("Mar-24", "5"), ("Apr-24", "7"), ("May-24", "-1")], start=1):
        page.get_by_label(f"Date, row {i}").fill(period)
        page.get_by_label(f"Value, row {i}", exact=True).fill(value)
    with page.expect_navigation():
        page.get_by_role("button", name="Save rows").click()
    assert page.locator(f"#measure-{measure_id} svg[role=img]").count() == 1
    assert "May 2024" in page.locator(f"#measure-{measure_id}").inner_text()


@same_on_every_database
def test_measure_and_file_pages_pass_axe_and_the_html_checker(browser, live_server, tmp_path):
    from .helpers import PageChecks

    author = make_member(live_server)
    writeup_id, measure_id = _writeup(live_server, author["id"], points=[3, 4] * 8 + [9, 10] * 4)
    context = new_context(browser, live_server)
    page = context.new_page()
    sign_in(page, live_server, author["email"])
    checks = PageChecks(tmp_path)

    def keep(name: str, response) -> None:
        checks.keep(name, page, response)

    for name, url in [
        ("writeup-with-charts", live_server.url_for("qi.show_writeup", writeup_id=writeup_id)),
        ("measures", live_server.url_for("qi.measures", writeup_id=writeup_id)),
        ("measure-data", live_server.url_for("qi.measure_data", measure_id=measure_id)),
        ("measure-new", live_server.url_for("qi.new_measure", writeup_id=writeup_id)),
        ("measure-delete", live_server.url_for("qi.delete_measure", measure_id=measure_id)),
        ("attachment-new", live_server.url_for("qi.add_attachment", writeup_id=writeup_id)),
    ]:
        keep(name, page.goto(url))
    page.goto(live_server.url_for("qi.new_measure", writeup_id=writeup_id))
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save the measure").click()
    keep("measure-errors", nav.value)
    page.goto(live_server.url_for("qi.measure_data", measure_id=measure_id))
    page.get_by_label("Paste rows from a spreadsheet").fill("2024-01-01\tmany\n2024-01-02\t4")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Check and save").click()
    keep("measure-data-errors", nav.value)
    page.get_by_label("Date, row 1").fill("soon")
    page.get_by_label("Value, row 1", exact=True).fill("1")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save rows").click()
    keep("measure-rows-errors", nav.value)
    page.goto(live_server.url_for("qi.measure_data", measure_id=measure_id))
    page.locator("a", has_text="Edit").first.click()
    page.get_by_label("Value").fill("a lot")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save").click()
    keep("point-errors", nav.value)
    page.goto(live_server.url_for("qi.add_attachment", writeup_id=writeup_id))
    page.get_by_label("File").set_input_files(
        files=[{"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00" * 64}])
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Add the file").click()
    assert "Windows program" in page.locator("#file-error").inner_text()
    keep("attachment-errors", nav.value)
    context.close()
    checks.assert_clean()


@same_on_every_database
def test_no_payload_executes_in_measure_names_definitions_or_notes(browser, live_server):
    from .test_xss import Tally, Watcher, load_payloads, sample_of

    payloads = sample_of(load_payloads(), 40, max_len=190)
    author = make_member(live_server)
    writeup_id, measure_id = _writeup(live_server, author["id"], points=[1, 2, 3])
    tally = Tally()
    watcher = Watcher(browser, live_server, tally)
    page = watcher.page
    try:
        sign_in(page, live_server, author["email"])
        for payload in payloads[:12]:
            watcher.goto(live_server.url_for("qi.new_measure", writeup_id=writeup_id))
            page.get_by_label("Name").fill(payload)
            page.get_by_label("Operational definition").fill("\n\n".join(payloads))
            watcher.submit(page.get_by_role("button", name="Save the measure"))
            watcher.tried("measure name")
            watcher.tried("measure definition", len(payloads))
        notes = "\n".join(f"2023-{1 + i // 28:02d}-{1 + i % 28:02d}\t{i}\t{p.replace(chr(9), ' ')}"
                          for i, p in enumerate(payloads))
        watcher.goto(live_server.url_for("qi.measure_data", measure_id=measure_id))
        page.get_by_label("Paste rows from a spreadsheet").fill(notes)
        watcher.submit(page.get_by_role("button", name="Check and save"))
        if page.locator("#pid-confirm").count():
            page.locator("#pid-confirm").check()
            watcher.submit(page.get_by_role("button", name="Check and save"))
        watcher.tried("data point note", len(payloads))
        for url in (live_server.url_for("qi.show_writeup", writeup_id=writeup_id),
                    live_server.url_for("qi.measures", writeup_id=writeup_id),
                    live_server.url_for("qi.measure_data", measure_id=measure_id)):
            watcher.goto(url)
    finally:
        watcher.close()
    assert tally.executions == [] and tally.csp == [] and tally.markup == []
    assert tally.by_field["data point note"] == len(payloads)

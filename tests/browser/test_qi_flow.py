"""A QI project from start to replica, in a real browser, with and without JavaScript: start a
write-up, build its driver diagram, add a measure and paste a series into it, see the chart
and its signals, publish, find it in search, and replicate it as another member."""

from __future__ import annotations

import re
import time

from .helpers import make_member, sign_in, sign_out, submit, unique

# Fourteen months: steady around 21, then a jump to about 46 (points beyond the limits).
SERIES = "\n".join(f"2024-{m:02d}-01\t{v}" for m, v in enumerate(
    [20, 22, 21, 23, 20, 22, 21, 23], start=1)) + "\n" + "\n".join(
    f"{2024 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}-01\t{v}"
    for m, v in enumerate([45, 47, 46, 48, 47, 46], start=9))


def _search_until_found(page, live_server, word: str, writeup_id: int, seconds: float = 15) -> None:
    """The index is fed by the outbox worker in the background: search again until it has it."""
    deadline = time.monotonic() + seconds
    while True:
        page.goto(live_server.url_for("search.search", q=word))
        if page.locator(f"#result-qi-{writeup_id}").count() or time.monotonic() > deadline:
            break
        time.sleep(0.3)


def test_a_project_from_first_draft_to_a_replica(page, live_server, js):
    word = unique("zq")
    author = make_member(live_server, display_name="Hana Author")
    sign_in(page, live_server, author["email"])

    # Start it.
    page.goto(live_server.url_for("qi.index"))
    submit(page, page.get_by_role("link", name="Start a QI write-up"))
    page.get_by_label("Title").fill(f"Early lymphoedema referral {word}")
    page.get_by_label("Summary").fill("District nurses refer **directly** to the clinic.")
    page.get_by_label("Community and district nursing").check()
    submit(page, page.get_by_role("button", name="Save and continue"))
    writeup_id = int(re.search(r"/qi/(\d+)/", page.url).group(1))

    # Its driver diagram.
    submit(page, page.get_by_role("link", name="Driver diagram"))
    form = page.locator("#form-add-root")
    form.get_by_label("Add a primary driver").fill("Swelling is spotted early")
    submit(page, form.get_by_role("button", name="Add"))
    submit(page, page.get_by_role("link", name="Back to the write-up’s sections"))

    # A measure, and a series pasted from a spreadsheet.
    submit(page, page.get_by_role("link", name="Measures and data"))
    submit(page, page.get_by_role("link", name="Add a measure"))
    page.get_by_label("Name").fill("Referrals within two weeks")
    page.get_by_label("Unit").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("This is the project's primary measure").check()
    submit(page, page.get_by_role("button", name="Save the measure"))
    submit(page, page.get_by_role("link", name="Add or change data: Referrals within two weeks"))
    page.get_by_label("Paste rows from a spreadsheet").fill(SERIES)
    submit(page, page.get_by_role("button", name="Check and save"))

    # The chart and what it shows.
    chart = page.locator(".qi-measure svg[role=img]")
    assert chart.count() == 1
    assert "Referrals within two weeks" in chart.locator("title").inner_text()
    findings = page.locator(".chart-findings__item")
    assert findings.count() >= 1, page.locator(".chart-findings").inner_text()
    assert page.locator("table.table tbody tr").count() >= 14

    # Publish it.
    page.goto(live_server.url_for("qi.edit_writeup", writeup_id=writeup_id))
    submit(page, page.get_by_role("button", name="Publish"))
    assert page.locator("h1").inner_text() == f"Early lymphoedema referral {word}"

    # Another member finds it in search and replicates it.
    sign_out(page)
    replicator = make_member(live_server, display_name="Ravi Replicator",
                             alliance_slug="north-east-london")
    sign_in(page, live_server, replicator["email"])
    _search_until_found(page, live_server, word, writeup_id)
    result = page.locator(f"#result-qi-{writeup_id}")
    assert result.count() == 1, page.locator("main").inner_text()
    assert "Community and district nursing" in result.inner_text()
    submit(page, result.get_by_role("link", name=re.compile("^Early lymphoedema referral")))
    assert page.url.endswith(f"/qi/{writeup_id}")
    submit(page, page.get_by_role("button", name="Replicate this project"))
    replica_id = int(re.search(r"/qi/(\d+)/edit", page.url).group(1))
    assert replica_id != writeup_id

    page.goto(live_server.url_for("qi.show_writeup", writeup_id=replica_id))
    assert "Replicating: Early lymphoedema referral" in page.locator("h1").inner_text()
    assert page.locator("#replicated-from a").get_attribute("href").endswith(f"/qi/{writeup_id}")
    assert "Swelling is spotted early" in page.locator("#driver-diagram").inner_text()
    measure = page.locator(".qi-measure")
    assert measure.count() == 1 and "Referrals within two weeks" in measure.inner_text()
    assert "No data yet." in measure.inner_text()

    # The replica published, the original says so.
    page.goto(live_server.url_for("qi.edit_section", writeup_id=replica_id, section="about"))
    page.get_by_label("Summary").fill("The same, in north east London.")
    submit(page, page.get_by_role("button", name=re.compile("^Save")))
    page.goto(live_server.url_for("qi.edit_writeup", writeup_id=replica_id))
    submit(page, page.get_by_role("button", name="Publish"))
    page.goto(live_server.url_for("qi.show_writeup", writeup_id=writeup_id))
    assert "Replicated by 1 team" in page.locator("#replica-count").inner_text()
    assert "North East London" in page.locator(f"#replica-{replica_id}").inner_text()
    assert page.locator("#compare-list svg[role=img]").count() == 1  # the original's data only

    # "We tried this", from the same page.
    page.get_by_label("Tried it in your service? Say how it went (optional)").fill("It worked for us.")
    submit(page, page.get_by_role("button", name="We tried this"))
    assert "It worked for us." in page.locator("#tried-list").inner_text()

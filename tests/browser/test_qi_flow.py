"""A QI project from start to replica, in a real browser, with and without JavaScript: start a
write-up, build its driver diagram, add a measure and paste a series into it, see the chart
and its signals, publish, find it in search, and replicate it as another member."""

from __future__ import annotations

import re
import time

import pytest

from .helpers import make_member, same_on_every_database, sign_in, sign_out, submit, unique

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
    submit(page, page.get_by_role("button", name="Save the measure"))  # on to its data
    page.get_by_label("Paste rows from a spreadsheet").fill(SERIES)
    submit(page, page.get_by_role("button", name="Check and save"))

    # The chart and what it shows.
    chart = page.locator(".qi-measure svg[role=img]")
    assert chart.count() == 1
    assert "Referrals within two weeks" in page.locator(".qi-measure svg[role=img] > title").text_content()
    assert page.locator(".qi-measure .chart-dot--improvement").count() >= 1  # special cause, good
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


# --- every new page type: axe, the Nu HTML Checker, and the XSS sweep of the new text ---------

def _writeup(author, title: str, *, summary: str, values: list[float], original=None):
    """A published write-up (or a published replica of `original`) with a primary measure."""
    from datetime import date

    from forum.qi import measures, replication, services
    from forum.qi.series import Row

    if original is None:
        w = services.start_writeup(author, title=title, summary=summary)
        measures.add_measure(author, w, name="Offers", unit="%", better="up", is_primary=True)
    else:
        w = replication.replicate_writeup(author, original)
        services.edit_writeup(author, w, {"summary": summary})
    from forum.extensions import db
    from forum.qi.models import Measure

    measure = db.session.scalars(db.select(Measure).where(Measure.writeup_id == w.id)).first()
    measures.save_points(author, measure, [Row(n + 1, date(2024, n + 1, 1), "month", v)
                                           for n, v in enumerate(values)])
    return services.publish_writeup(author, w)


@pytest.fixture(scope="module")
def lineage(live_server) -> dict:
    """An original with a published replica, a 'We tried this' note, a report; a hidden one."""
    import factories

    from forum.qi import moderation, replication

    with live_server.db():
        author = factories.member(email=f"{unique()}@nhs.net", display_name="Orla Original")
        other = factories.member(email=f"{unique()}@nhs.net", display_name="Rex Replica",
                                 alliance_slug="south-east-london")
        reader = factories.member(email=f"{unique()}@nhs.net", display_name="Tia Tried")
        moderator = factories.moderator(email=f"{unique()}@nhs.net", display_name="Mo Derator")
        original = _writeup(author, "Lymphoedema referral lineagecheck", summary="Direct referral.",
                            values=[20, 22, 21, 23, 30, 34, 36, 38])
        replica = _writeup(other, "", summary="The same in SEL.", values=[10, 12, 15, 18],
                           original=original)
        replication.mark_tried(reader, original, note="We tried it: **it worked**.")
        moderation.report_writeup(reader, original, reason="unsafe", detail="Check the dose")
        hidden = _writeup(author, "Hidden project", summary="To be hidden.", values=[1, 2])
        moderation.hide_writeup(moderator, hidden, reason="Names a patient")
        return {"original": original.id, "replica": replica.id, "hidden": hidden.id,
                "author": author.email, "reader": reader.email, "moderator": moderator.email,
                "other": other.email}


@same_on_every_database
def test_the_new_qi_pages_pass_axe_and_the_html_checker(browser, live_server, lineage, tmp_path):
    from .helpers import PageChecks, new_context

    checks = PageChecks(tmp_path)
    original = lineage["original"]

    def keep(page, name: str, response) -> None:
        checks.keep(name, page, response, status=200)

    def as_(email: str):
        context = new_context(browser, live_server, viewport={"width": 1280, "height": 900})
        page = context.new_page()
        sign_in(page, live_server, email)
        return context, page

    live_server.wait_for_outbox(timeout=60)
    context, page = as_(lineage["other"])
    keep(page, "qi-lineage-original", page.goto(live_server.url_for("qi.show_writeup", writeup_id=original)))
    keep(page, "qi-lineage-replica", page.goto(live_server.url_for("qi.show_writeup",
                                                                   writeup_id=lineage["replica"])))
    keep(page, "qi-search", page.goto(live_server.url_for("search.search", q="lineagecheck")))
    assert page.locator(f"#result-qi-{original}").count() == 1
    keep(page, "qi-tried", page.goto(live_server.url_for("qi.tried", writeup_id=original)))
    page.get_by_label("What you did and how it went (optional)").fill("NHS number 943 476 5919")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="We tried this").click()
    assert page.locator("#pid-guard").count() == 1
    keep(page, "qi-tried-patient-data", nav.value)
    keep(page, "qi-report", page.goto(live_server.url_for("qi.report_writeup", writeup_id=original)))
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Send report").click()
    assert page.locator(".error-summary").count() == 1
    keep(page, "qi-report-errors", nav.value)
    context.close()

    context, page = as_(lineage["author"])
    keep(page, "qi-hidden-team", page.goto(live_server.url_for("qi.show_writeup",
                                                               writeup_id=lineage["hidden"])))
    assert page.locator("#hidden-notice").count() == 1
    context.close()

    context, page = as_(lineage["moderator"])
    keep(page, "qi-moderation-queue", page.goto(live_server.url_for("moderation.queue")))
    assert page.locator(f"#reported-writeup-{original}").count() == 1
    keep(page, "qi-hide", page.goto(live_server.url_for("qi.hide_writeup", writeup_id=original)))
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Hide write-up").click()
    keep(page, "qi-hide-errors", nav.value)
    keep(page, "qi-audit", page.goto(live_server.url_for("moderation.audit_log", target_type="qi_writeup")))
    context.close()

    checks.assert_clean()


@same_on_every_database
def test_no_payload_executes_in_tried_notes_report_details_or_writeup_search_results(
        browser, live_server, lineage):
    """The new text fields (a 'We tried this' note, a report's detail shown in the queue) and
    write-ups in the search results, through the XSS sweep's recorder and markup check."""
    import factories

    from forum.qi import moderation, replication

    from .test_xss import Tally, Watcher, load_payloads, sample_of

    payloads = sample_of(load_payloads(), 40, max_len=300)
    with live_server.db() as db:
        from forum.qi.models import WriteUp

        original = db.session.get(WriteUp, lineage["original"])
        for n, payload in enumerate(payloads):
            member = factories.member(email=f"{unique()}@nhs.net")
            replication.mark_tried(member, original, note=payload)
            if n == 0:  # one more report (three would hide it)
                moderation.report_writeup(member, original, reason="other", detail=payload)
        for payload in payloads[:10]:  # payloads as write-up titles and summaries, in search
            author = factories.member(email=f"{unique()}@nhs.net")
            _writeup(author, f"xsscheck {payload}"[:200], summary=f"xsscheck {payload}", values=[1, 2])
    live_server.wait_for_outbox(timeout=60)
    tally = Tally()
    watcher = Watcher(browser, live_server, tally)
    try:
        sign_in(watcher.page, live_server, lineage["moderator"])
        watcher.goto(live_server.url_for("qi.show_writeup", writeup_id=lineage["original"]))
        assert watcher.page.locator(".qi-tried__item").count() >= len(payloads)
        watcher.goto(live_server.url_for("moderation.queue"))
        watcher.goto(live_server.url_for("search.search", q="xsscheck"))
        assert watcher.page.locator(".search-result--qi").count() >= 1
        watcher.goto(live_server.url_for("search.search", q="xsscheck", kind="qi"))
    finally:
        watcher.close()
    assert tally.executions == []
    assert tally.csp == []
    assert tally.markup == []

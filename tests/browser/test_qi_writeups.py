"""QI write-ups in a real browser: start one, build and reorder its driver diagram with the
page's own buttons (with and without JavaScript), publish; every QI page type and its error
states pass axe and the Nu HTML Checker."""

from __future__ import annotations

from typing import Any

import pytest

from .helpers import make_member, new_context, same_on_every_database, sign_in, submit


def _boxes(page) -> list[str]:
    return page.locator("#driver-editor > li > .qi-node input[name=text]").evaluate_all(
        "inputs => inputs.map(i => i.value)")


def test_start_a_write_up_build_a_driver_diagram_reorder_it_and_publish(page, live_server):
    member = make_member(live_server, display_name="Nadia Rahman")
    sign_in(page, live_server, member["email"])
    page.goto(live_server.url_for("qi.index"))
    submit(page, page.get_by_role("link", name="Start a QI write-up"))
    page.get_by_label("Title").fill("Delirium screening at home visits")
    page.get_by_label("Summary").fill("We used the **4AT** at every home visit.")
    page.get_by_label("Community and district nursing").check()
    submit(page, page.get_by_role("button", name="Save and continue"))
    assert "saved as a draft" in page.locator(".flash, [role=status], main").first.inner_text()

    submit(page, page.get_by_role("link", name="Driver diagram"))
    for text in ("Nurses screen routinely", "Families know the signs"):
        form = page.locator("#form-add-root")
        form.get_by_label("Add a primary driver").fill(text)
        submit(page, form.get_by_role("button", name="Add"))
    assert _boxes(page) == ["Nurses screen routinely", "Families know the signs"]
    submit(page, page.get_by_role("button", name="Move up Families know the signs"))
    assert _boxes(page) == ["Families know the signs", "Nurses screen routinely"]
    under = page.get_by_label("Add a secondary driver under “Nurses screen routinely”")
    under.fill("A prompt at each visit")
    submit(page, under.locator("xpath=ancestor::form").get_by_role("button", name="Add"))
    assert page.locator("#driver-diagram .qi-tree__item--depth-1").inner_text().endswith(
        "A prompt at each visit")

    submit(page, page.get_by_role("link", name="Back to the write-up’s sections"))
    submit(page, page.get_by_role("button", name="Publish"))
    assert page.locator("h1").inner_text() == "Delirium screening at home visits"
    assert page.get_by_role("link", name="Discuss this project (0 replies)").count() == 1
    tree = page.locator("#driver-diagram > ul.qi-tree > li")
    assert tree.count() == 2 and "Families know the signs" in tree.first.inner_text()


@pytest.fixture(scope="module")
def writeup_ids(live_server) -> dict[str, Any]:
    """A published write-up with every part filled in, and a draft, by one author."""
    import factories

    from forum.qi import cycles, drivers, services, team

    with live_server.db():
        author = factories.member(email="qi.author@nhs.net", display_name="Quentin Author")
        factories.member(email="qi.partner@example.org", display_name="Pat Partner",
                         profession_slug="patient-partner")
        writeup = services.start_writeup(
            author, title="HNAs at cancer care reviews", summary="We offered **HNAs**.",
            background="Few reviews included one.", alliance=factories.alliance(),
            professions=[factories.profession()])
        services.edit_writeup(author, writeup, {
            "aim": "From 15% to 60% by March 2025", "results": "A shift.", "learning": "Start small.",
            "replicate_needs": "- A template", "replicate_time": "Ten months",
            "replicate_pitfalls": "Count only recorded offers."})
        primary = drivers.add_driver(author, writeup, text="Reviews offer an HNA")
        secondary = drivers.add_driver(author, writeup, text="The template prompts it", parent=primary)
        idea = drivers.add_driver(author, writeup, text="Add the checklist", parent=secondary)
        cycle = cycles.add_cycle(author, writeup, {"change_idea": "", "change_node": idea,
                                                   "plan": "Try it", "act": "adopt"})
        team.add_team_member(author, writeup, name="Pat Partner", role="Patient partner")
        services.publish_writeup(author, writeup)
        services.edit_writeup(author, writeup, {"learning": "Start small, then spread."})
        draft = services.start_writeup(author, title="A draft", summary="Not yet.")
        return {"id": writeup.id, "cycle": cycle.id, "draft": draft.id, "email": author.email}


@same_on_every_database
def test_qi_pages_and_their_error_states_pass_axe_and_the_html_checker(
        browser, live_server, writeup_ids, tmp_path):
    from .helpers import PageChecks

    w = writeup_ids["id"]
    context = new_context(browser, live_server, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server, writeup_ids["email"])
    checks = PageChecks(tmp_path)

    def keep(name: str, response) -> None:
        checks.keep(name, page, response, status=200)

    for name, path in [
        ("qi-list", live_server.url_for("qi.index")),
        ("qi-list-filtered", live_server.url_for("qi.index", setting="general-practice",
                                                 has_data="y", sort="replicated")),
        ("qi-writeup", live_server.url_for("qi.show_writeup", writeup_id=w)),
        ("qi-draft", live_server.url_for("qi.show_writeup", writeup_id=writeup_ids["draft"])),
        ("qi-history", live_server.url_for("qi.writeup_history", writeup_id=w)),
        ("qi-new", live_server.url_for("qi.new_writeup")),
        ("qi-overview", live_server.url_for("qi.edit_writeup", writeup_id=w)),
        ("qi-about", live_server.url_for("qi.edit_section", writeup_id=w, section="about")),
        ("qi-aim", live_server.url_for("qi.edit_section", writeup_id=w, section="aim")),
        ("qi-results", live_server.url_for("qi.edit_section", writeup_id=w, section="results")),
        ("qi-drivers", live_server.url_for("qi.edit_drivers", writeup_id=w)),
        ("qi-cycles", live_server.url_for("qi.edit_cycles", writeup_id=w)),
        ("qi-cycle", live_server.url_for("qi.edit_cycle", writeup_id=w,
                                         cycle_id=writeup_ids["cycle"])),
        ("qi-team", live_server.url_for("qi.edit_team", writeup_id=w)),
        ("qi-alliance", live_server.url_for("community.show_alliance", slug="north-central-london")),
    ]:
        keep(name, page.goto(path))

    page.goto(live_server.url_for("qi.new_writeup"))
    page.get_by_label("Start date (optional)").fill("31/02/2024")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save and continue").click()
    assert page.locator(".error-summary").count() == 1
    keep("qi-new-errors", nav.value)

    page.goto(live_server.url_for("qi.edit_section", writeup_id=w, section="aim"))
    page.get_by_label("Aim").fill("Mrs Smith, NHS number 943 476 5919, screened more")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Save and return").click()
    assert page.locator("#pid-guard").count() == 1
    keep("qi-aim-patient-data", nav.value)

    page.goto(live_server.url_for("qi.edit_drivers", writeup_id=w))
    form = page.locator("#form-add-root")
    with page.expect_navigation() as nav:
        form.get_by_role("button", name="Add").click()
    assert "Enter what the box says" in page.locator("main").inner_text()
    keep("qi-drivers-error", nav.value)

    page.goto(live_server.url_for("qi.edit_team", writeup_id=w))
    page.get_by_label("Name or email address").fill("Nobody Known")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Add to the team").click()
    keep("qi-team-error", nav.value)

    page.goto(live_server.url_for("qi.edit_cycles", writeup_id=w))
    page.get_by_label("Ended on (optional)").fill("not a date")
    with page.expect_navigation() as nav:
        page.get_by_role("button", name="Add cycle").click()
    keep("qi-cycles-error", nav.value)
    context.close()

    checks.assert_clean()

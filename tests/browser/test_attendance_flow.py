"""After an event, in Chromium with JavaScript on and off: the organiser ticks who came on the
checklist, imports a Zoom participants report (checks what matched, adds someone who did not sign
up), and the member who came sees "You attended"."""

from __future__ import annotations

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

from .helpers import AXE_TAGS, new_context, overflow, sign_in, submit, unique, watch

ZOOM = Path(__file__).parents[1] / "events" / "data" / "zoom-participants.csv"


def _past_event(live_server, tag: str) -> tuple[int, dict[str, str]]:
    """A webinar that ended yesterday, with three members signed up (addresses unique per run)."""
    from datetime import timedelta

    import factories

    from forum.db import utcnow
    from forum.events import signups
    from forum.members.models import Role
    from tests.events.conftest import make_event, move_start

    emails = {"organiser": f"{tag}.olu@nhs.net", "priya": f"{tag}.priya@nhs.net",
              "tom": f"{tag}.tom@nhs.net", "sam": f"{tag}.sam@example.org"}
    with live_server.db():
        organiser = factories.member(email=emails["organiser"], display_name="Olu Organiser",
                                     role=Role.ADMIN)
        event = make_event(organiser, title=f"Fatigue webinar {tag}")
        for name, key in (("Priya Shah", "priya"), ("Tom Reid", "tom"), ("Grace Okafor", None)):
            member = factories.member(display_name=name, email=emails.get(key) or f"{tag}.grace@nhs.net")
            signups.sign_up(member, event)
        move_start(event, utcnow() - timedelta(days=1))
        return event.id, emails


def _axe_clean(page) -> None:
    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert result.violations_count == 0, result.generate_report()


def test_tick_import_and_see_you_attended(page, browser, live_server, js, tmp_path):
    tag = unique("att")
    event_id, emails = _past_event(live_server, tag)
    report = tmp_path / "participants.csv"
    report.write_bytes(ZOOM.read_bytes().replace(b"olu@nhs.net", emails["organiser"].encode())
                       .replace(b"priya.shah@nhs.net", emails["priya"].encode())
                       .replace(b"tom.reid@nhs.net", emails["tom"].encode())
                       .replace(b"sam.lee@example.org", emails["sam"].encode()))

    sign_in(page, live_server, emails["organiser"])
    page.goto(live_server.url_for("events.show_event", event_id=event_id))
    submit(page, page.get_by_role("link", name="Record attendance"))
    page.get_by_label("Tom Reid").check()
    submit(page, page.get_by_role("button", name="Save attendance"))
    assert "Attendance saved: 1 added, 0 removed." in page.locator(".flash").inner_text()
    assert page.get_by_label("Tom Reid").is_checked()

    page.get_by_label("Attendance report from Teams or Zoom").set_input_files(str(report))
    submit(page, page.get_by_role("button", name="Upload and check"))
    summary = page.locator("#import-summary").inner_text()
    assert "6 people: 3 matched to sign-ups and 3 not matched" in summary
    assert "Less than 50%" in page.locator("#matched-table").inner_text()  # Tom: 19 of 60 minutes
    if js:
        _axe_clean(page)
        page.set_viewport_size({"width": 320, "height": 640})
        assert overflow(page) == 0  # the preview's tables fit a phone
        page.set_viewport_size({"width": 1280, "height": 900})
    assert page.get_by_label("Record Tom Reid (Tom R)").input_value() == "skip"
    page.get_by_label("Record Sam Lee").select_option("walk-in")
    submit(page, page.get_by_role("button", name="Save attendance"))
    assert "Report imported: 3 added, 0 updated." in page.locator(".flash").inner_text()
    table = page.locator("#attendees-table").inner_text()
    for name in ("Priya Shah", "Tom Reid", "Grace Okafor", "Sam Lee"):
        assert name in table
    assert "Zoom report (did not sign up)" in table  # Sam Lee
    if js:
        _axe_clean(page)

    member = new_context(browser, live_server, js=js)
    member_page = member.new_page()
    problems = watch(member_page)
    sign_in(member_page, live_server, emails["priya"])
    member_page.goto(live_server.url_for("events.show_event", event_id=event_id))
    assert "You attended this event." in member_page.locator("#you-attended").inner_text()
    member_page.get_by_role("link", name="events you attended").click()
    assert f"Fatigue webinar {tag}" in member_page.locator("#attended-table").inner_text()
    member.close()
    assert problems.errors == []

"""My CPD in Chromium, with JavaScript enabled and disabled: the organisers record a member's
attendance (the events domain's row and its `events.attended` message), the member finds the
entry in My CPD, downloads the certificate, a visitor verifies it, the member completes the
entry, writes a draft reflection, adds an entry of their own, and exports the record."""

from __future__ import annotations

from datetime import timedelta

from pypdf import PdfReader

from .helpers import make_member, new_context, sign_in, submit, unique, watch


def _attended(live_server, email: str, title: str) -> None:
    """What the organisers' attendance import does: an Attendance row and its outbox message."""
    from factories import admin

    from forum import outbox
    from forum.db import utcnow
    from forum.events.models import Attendance
    from forum.members.models import User
    from tests.events.conftest import make_event, move_start

    with live_server.db() as db:
        event = make_event(admin(email=f"{unique('o')}@nhs.net"), title=title)
        move_start(event, (utcnow() - timedelta(days=5)).replace(microsecond=0))
        user = db.session.query(User).filter_by(email=email).one()
        db.session.add(Attendance(event_id=event.id, email=email, name=user.display_name,
                                  minutes=60, source="teams"))
        outbox.enqueue("events.attended", {"event_id": event.id, "user_id": user.id})
        db.session.commit()
    live_server.wait_for_outbox()


def test_attend_get_a_certificate_verify_it_complete_reflect_and_export(page, browser, live_server, js):
    nurse = make_member(live_server, display_name=f"Nurse {unique('')}")
    title = f"Webinar: neutropenic sepsis {unique('')}"
    _attended(live_server, nurse["email"], title)
    problems = watch(page)
    sign_in(page, live_server, nurse["email"])
    submit(page, page.get_by_role("navigation", name="Main").get_by_role("link", name="My CPD"))
    assert "CPD hours: 1 of 35" in page.locator("#progress").inner_text()
    row = page.locator("#cpd-log tr", has_text=title)
    assert "Say how it relates to your practice" in row.inner_text()

    with page.expect_download() as download:
        row.get_by_role("button", name="Get a certificate").click()
    certificate = PdfReader(download.value.path()).pages[0].extract_text()
    assert nurse["display_name"] in certificate and title in certificate
    verify_url = certificate[certificate.index(live_server.url):].split()[0].rstrip(".")

    visitor = new_context(browser, live_server, js=js)
    visitor_page = visitor.new_page()
    visitor_page.goto(verify_url)
    assert "This certificate is genuine" in visitor_page.locator("#verify-result").inner_text()
    assert nurse["display_name"] in visitor_page.locator("main").inner_text()
    visitor.close()

    page.reload()
    submit(page, page.locator("#cpd-log").get_by_role("link", name=title))
    page.get_by_label("How it relates to my practice").fill("I ask about fever at every chemo review.")
    page.get_by_label("Participatory hours").fill("2")  # more than the hours: refused beside it
    submit(page, page.get_by_role("button", name="Save"))
    assert "Participatory hours cannot be more than the hours" in page.locator("#error-summary").inner_text()
    assert page.get_by_label("How it relates to my practice").input_value().startswith("I ask about fever")
    page.get_by_label("Participatory hours").fill("1")
    page.get_by_label("Part of the Code").select_option(label="Preserve safety")
    submit(page, page.get_by_role("button", name="Save"))
    assert "saved" in page.locator(".flash").inner_text()
    assert "Say how it relates" not in page.locator("#cpd-log").inner_text()

    submit(page, page.get_by_role("link", name="Write a reflection"))
    page.get_by_label("Which CPD activity is this about?").select_option(label=page.locator(
        "#entry_id option", has_text=title).inner_text())
    page.get_by_label("What was the nature").fill("A CoP webinar on neutropenic sepsis.")
    page.get_by_label("What did you learn").fill("A normal temperature does not rule sepsis out.")
    page.get_by_label("Preserve safety").check()
    submit(page, page.get_by_role("button", name="Save as a draft"))
    assert "Draft" in page.locator("#reflections").inner_text()

    submit(page, page.get_by_role("link", name="Add a CPD activity"))
    page.get_by_label("Date", exact=True).fill("2026-11-02")
    page.get_by_label("Method").select_option(label="Reading")
    page.get_by_label("Topic").fill("NICE NG12: suspected cancer recognition")
    page.get_by_label("Hours", exact=True).fill("1.5")
    submit(page, page.get_by_role("button", name="Save"))
    assert "CPD hours: 2.5 of 35" in page.locator("#progress").inner_text()

    with page.expect_download() as download:
        page.get_by_role("link", name="CPD log and reflective accounts (PDF)").click()
    reader = PdfReader(download.value.path())
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "NICE NG12" in text and "A normal temperature does not rule sepsis out." in text
    with page.expect_download() as download:
        page.get_by_role("link", name="CPD log as a spreadsheet (CSV)").click()
    assert title in download.value.path().read_text(encoding="utf-8")
    assert problems.errors == []

"""XSS sweep of the after-the-event text: walk-ins' name, profession and organisation, names in
an imported Zoom report, typed learning outcomes and feedback answers, on every page showing them."""

from __future__ import annotations

import csv
import io

from .helpers import make_member, report_figure, same_on_every_database, sign_in, unique
from .test_xss import Tally, Watcher, load_payloads, sample_of


def _past_event(live_server, organiser_id: int, member_id: int) -> int:
    from datetime import timedelta

    from sqlalchemy import select

    from forum.db import utcnow
    from forum.events import attendance, feedback, signups
    from forum.events.models import Signup
    from forum.members.models import User
    from tests.events.conftest import make_event, move_start

    with live_server.db() as db:
        organiser = db.session.get(User, organiser_id)
        event = make_event(organiser, title=f"XSS after the event {unique('')}")
        signups.sign_up(db.session.get(User, member_id), event)
        move_start(event, utcnow() - timedelta(days=1))
        attendance.record_checklist(organiser, event, set(db.session.scalars(
            select(Signup.id).where(Signup.event_id == event.id))))
        feedback.set_feedback_open(organiser, event, True)
        return event.id


def _zoom(names: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Name (Original Name)", "User Email", "Join Time", "Leave Time",
                     "Duration (Minutes)", "Guest"])
    for i, name in enumerate(names):
        writer.writerow([name, f"{unique('z')}{i}@example.org", "11/14/2023 12:30:00 PM",
                         "11/14/2023 01:30:00 PM", "60", "Yes"])
    return out.getvalue().encode()


@same_on_every_database
def test_no_payload_executes_in_after_event_pages(browser, live_server, tmp_path):
    from forum.members.models import Role

    payloads = [p for p in sample_of(load_payloads(), 80, max_len=110) if "\n" not in p]
    tally = Tally()
    organiser = make_member(live_server, display_name=f"XSS organiser {unique('')}", role=Role.ADMIN)
    member = make_member(live_server, display_name=f"XSS attendee {unique('')}")
    event_id = _past_event(live_server, organiser["id"], member["id"])
    watcher, attendee = Watcher(browser, live_server, tally), Watcher(browser, live_server, tally)
    url = live_server.url_for
    try:
        sign_in(watcher.page, live_server, organiser["email"])
        for i, text in enumerate(payloads[:8]):
            watcher.goto(url("events.record_attendance", event_id=event_id))
            form = watcher.page.locator("#walk-in-form")
            form.get_by_label("Name").fill(text)
            form.get_by_label("Email address").fill(f"{unique('w')}{i}@example.org")
            form.get_by_label("Profession (optional)").fill(payloads[-1 - i][:120])
            form.get_by_label("Organisation (optional)").fill(payloads[8 + i][:160])
            watcher.submit(form.get_by_role("button", name="Add to the attendance list"))
            watcher.tried("walk-in name, profession and organisation", 3)
        report = tmp_path / "zoom.csv"
        report.write_bytes(_zoom(payloads[16:56]))
        watcher.page.get_by_label("Attendance report from Teams or Zoom").set_input_files(str(report))
        watcher.submit(watcher.page.get_by_role("button", name="Upload and check"))
        watcher.tried("names in an imported report", 40)
        for select in watcher.page.locator("#unmatched-table select").all()[:10]:
            select.select_option("walk-in")
        watcher.submit(watcher.page.get_by_role("button", name="Save attendance"))
        watcher.goto(url("events.edit_outcomes", event_id=event_id))
        watcher.page.get_by_label("Other outcomes (optional)").fill("\n".join(payloads[56:70]))
        watcher.submit(watcher.page.get_by_role("button", name="Save"))
        watcher.tried("learning outcomes", 14)

        sign_in(attendee.page, live_server, member["email"])
        attendee.goto(url("events.give_feedback", event_id=event_id))
        form = attendee.page.locator("#feedback-form")
        form.get_by_label("4", exact=True).check()
        form.get_by_label("What did you learn?").fill(" ".join(payloads[70:73]))
        form.get_by_label("What will you change in your practice?").fill(" ".join(payloads[73:76]))
        form.get_by_label("Anything else, including topics you would like next time? (optional)") \
            .fill(" ".join(payloads[76:80]))
        attendee.submit(form.get_by_role("button", name="Send feedback"))
        attendee.tried("feedback answers", len(payloads[70:80]))
        for path in (url("events.show_event", event_id=event_id), url("events.attended")):
            attendee.goto(path)
        for path in (url("events.record_attendance", event_id=event_id),
                     url("events.feedback_summary", event_id=event_id),
                     url("events.show_event", event_id=event_id)):
            watcher.goto(path)
    finally:
        watcher.close()
        attendee.close()
    report_figure(f"XSS in after-event pages: {tally.payloads} payloads tried, {tally.pages} pages "
                  f"opened, {len(tally.executions)} executions, {len(tally.csp)} CSP violations, "
                  f"{len(tally.markup)} live markup found")
    assert tally.executions == []
    assert tally.csp == []
    assert tally.markup == []

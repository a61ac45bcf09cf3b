"""Recording attendance: the checklist, walk-ins, imported reports matched to sign-ups, and the
`events.attended` / `events.attendance_removed` outbox messages CPD reads."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.db import utcnow
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.events import attendance, importers
from forum.events.models import Attendance, Signup
from forum.notify.models import OutboxMessage
from tests import factories
from tests.events.conftest import make_event, past_event_with_signups, sample


def _outbox(db, topic: str) -> list[dict]:
    return [m.payload for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == topic).order_by(OutboxMessage.id))]


def _signup(db, event, member) -> Signup:
    return db.session.scalars(select(Signup).where(Signup.event_id == event.id,
                                                   Signup.user_id == member.id)).one()


def _attended(db, event) -> dict[str, Attendance]:
    return {a.email: a for a in db.session.scalars(select(Attendance).where(
        Attendance.event_id == event.id))}


def test_ticking_records_members_and_tells_cpd_once(db, organiser, past_webinar):
    event, people = past_webinar
    priya, tom = people["Priya Shah"], people["Tom Reid"]
    ticked = {_signup(db, event, priya).id, _signup(db, event, tom).id}
    assert attendance.record_checklist(organiser, event, ticked) == (2, 0)
    assert attendance.record_checklist(organiser, event, ticked) == (0, 0)  # again: nothing new
    rows = _attended(db, event)
    assert set(rows) == {"priya.shah@nhs.net", "tom.reid@nhs.net"}
    assert rows["priya.shah@nhs.net"].user_id == priya.id
    assert _outbox(db, "events.attended") == [{"event_id": event.id, "user_id": priya.id},
                                              {"event_id": event.id, "user_id": tom.id}]


def test_unticking_removes_and_tells_cpd(db, organiser, past_webinar):
    event, people = past_webinar
    tom = people["Tom Reid"]
    attendance.record_checklist(organiser, event, {_signup(db, event, tom).id})
    assert attendance.record_checklist(organiser, event, set()) == (0, 1)
    assert _attended(db, event) == {}
    assert _outbox(db, "events.attendance_removed") == [{"event_id": event.id, "user_id": tom.id}]


def test_the_checklist_leaves_walk_ins_alone(db, organiser, past_webinar):
    event, _ = past_webinar
    attendance.add_walk_in(organiser, event, name="Sam Lee", email="Sam.Lee@example.org",
                           profession="Dietitian", organisation="Whittington Health")
    attendance.record_checklist(organiser, event, set())
    assert _attended(db, event)["sam.lee@example.org"].profession == "Dietitian"


def test_a_walk_in_with_a_members_address_is_linked_to_their_account(db, organiser, past_webinar):
    event, _ = past_webinar
    member = factories.member(email="Nadia.Khan@nhs.net")
    row = attendance.add_walk_in(organiser, event, name="Nadia", email="nadia.khan@NHS.net")
    assert row.user_id == member.id and row.signup_id is None and row.source == "walk-in"
    assert _outbox(db, "events.attended") == [{"event_id": event.id, "user_id": member.id}]


@pytest.mark.parametrize(("name", "email", "field", "message"), [
    ("", "a@nhs.net", "name", "Enter their name"),
    ("Sam", "not an email", "email", "Enter their email address"),
    ("Sam", "priya.shah@nhs.net", "email", "is already recorded as attending"),
])
def test_walk_in_mistakes_are_refused_beside_the_field(db, organiser, past_webinar, name, email,
                                                       field, message):
    event, people = past_webinar
    attendance.record_checklist(organiser, event, {_signup(db, event, people["Priya Shah"]).id})
    with pytest.raises(InvalidInput) as error:
        attendance.add_walk_in(organiser, event, name=name, email=email)
    assert error.value.field == field and message in error.value.message


def test_attendance_waits_for_the_event_to_start(db, organiser):
    event = make_event(organiser)
    with pytest.raises(InvalidInput, match="once the event has started"):
        attendance.record_checklist(organiser, event, set())


def test_only_the_events_organisers_record_attendance(db, organiser, past_webinar):
    event, people = past_webinar
    with pytest.raises(PermissionDenied):
        attendance.record_checklist(people["Tom Reid"], event, set())
    other = factories.member()
    from forum.events.models import EventOrganiser

    db.session.add(EventOrganiser(user_id=other.id))
    db.session.commit()
    with pytest.raises(PermissionDenied):  # an organiser, but not of this event
        attendance.add_walk_in(other, event, name="X", email="x@nhs.net")


def test_a_members_only_draft_is_not_found_for_others(db, organiser):
    event = make_event(organiser, publish=False)
    with pytest.raises(NotFound):
        attendance.remove_attendance(factories.member(), event, 1)


def test_the_teams_report_matches_by_email_upn_then_name(db, organiser, past_webinar):
    event, _ = past_webinar
    preview = attendance.preview_import(organiser, event,
                                        importers.read_report(sample("teams-attendance-report.csv")))
    how = {line.person.name: (line.signup.name if line.signup else None, line.matched_by, line.short)
           for line in preview.lines}
    assert how["Priya Shah"] == ("Priya Shah", "email", False)  # Priya.Shah@NHS.net signed up
    assert how["Grace Okafor"] == ("Grace Okafor", "UPN", False)
    assert how["Dan Hughes"] == ("Dan Hughes", "name", False)
    assert how["Tom Reid"] == ("Tom Reid", "email", True)       # 22 of 60 minutes
    assert how["Sam Lee"] == (None, "", False)
    assert how["Olu Organiser"] == (None, "", False)            # the organiser did not sign up
    assert _attended(db, event) == {}                           # nothing saved by a preview


def test_a_name_two_sign_ups_share_is_left_to_the_organiser(db, organiser):
    event, _ = past_event_with_signups(organiser, [("Dan Hughes", "dan1@nhs.net"),
                                                   ("dan hughes", "dan2@nhs.net")])
    preview = attendance.preview_import(organiser, event,
                                        importers.read_report(sample("teams-attendance-list-old.csv")))
    assert next(line for line in preview.lines if line.person.name == "Dan Hughes").signup is None


def test_saving_an_import_records_the_defaults_and_the_organisers_choices(db, organiser, past_webinar):
    event, people = past_webinar
    report = importers.read_report(sample("zoom-participants.csv"))
    preview = attendance.preview_import(organiser, event, report)
    index = {line.person.name: line.index for line in preview.lines}
    tom = _signup(db, event, people["Tom Reid"])
    choices = {index["Sam Lee"]: "walk-in", index["Tom Reid (Tom R)"]: f"signup:{tom.id}",
               index["+442079460000"]: "walk-in"}  # no email: cannot be a walk-in, so left out
    assert attendance.apply_import(organiser, event, report, choices) == (4, 0)
    rows = _attended(db, event)
    assert {e: r.minutes for e, r in rows.items()} == {
        "priya.shah@nhs.net": 59, "grace.okafor@nhs.net": 55, "tom.reid@nhs.net": 19,
        "sam.lee@example.org": 41}
    assert rows["sam.lee@example.org"].signup_id is None and rows["grace.okafor@nhs.net"].source == "zoom"


def test_importing_the_same_file_twice_changes_nothing(db, organiser, past_webinar):
    event, _ = past_webinar
    report = importers.read_report(sample("teams-attendance-report.csv"))
    assert attendance.apply_import(organiser, event, report, {}) == (3, 0)
    before = {(a.email, a.minutes, a.signup_id, a.user_id) for a in _attended(db, event).values()}
    messages = len(_outbox(db, "events.attended"))
    again = importers.read_report(sample("teams-attendance-report.csv"))
    assert attendance.apply_import(organiser, event, again, {}) == (0, 0)
    assert {(a.email, a.minutes, a.signup_id, a.user_id) for a in _attended(db, event).values()} == before
    assert len(_outbox(db, "events.attended")) == messages == 3
    preview = attendance.preview_import(organiser, event, again)
    assert {line.person.name for line in preview.lines if line.recorded} == {
        "Priya Shah", "Grace Okafor", "Dan Hughes"}


def test_a_report_for_another_event_or_tampered_with_is_refused(db, organiser, past_webinar):
    event, _ = past_webinar
    other, _ = past_event_with_signups(organiser, [])
    preview = attendance.preview_import(organiser, event,
                                        importers.read_report(sample("zoom-participants.csv")))
    assert len(attendance.read_token(event, preview.token).participants) == 6
    for bad_event, token in ((other, preview.token), (event, preview.token[:-3] + "abc"), (event, "")):
        with pytest.raises(InvalidInput, match="expired"):
            attendance.read_token(bad_event, token)


def test_the_share_counted_as_short_is_configurable(app, db, organiser, past_webinar, monkeypatch):
    event, _ = past_webinar
    monkeypatch.setitem(app.config, "EVENTS_SHORT_ATTENDANCE_SHARE", 0.99)
    preview = attendance.preview_import(organiser, event,
                                        importers.read_report(sample("teams-attendance-report.csv")))
    assert next(line for line in preview.lines if line.person.name == "Priya Shah").short  # 58 of 60


def test_the_attendee_csv_neutralises_formulas(db, organiser, past_webinar):
    event, _ = past_webinar
    attendance.add_walk_in(organiser, event, name="=HYPERLINK(\"http://x.example\")",
                           email="eve@example.org", profession="+44 20", organisation="@org")
    attendance.add_walk_in(organiser, event, name="-1", email="neg@example.org")
    text = attendance.attendee_csv(event)
    assert "'=HYPERLINK" in text and "'+44 20" in text and "'@org" in text and "'-1" in text
    assert text.splitlines()[0].startswith("Name,Email,Profession,Organisation")


def test_members_see_what_they_attended(db, organiser, past_webinar):
    event, people = past_webinar
    attendance.record_checklist(organiser, event, {_signup(db, event, people["Aisha Begum"]).id})
    assert attendance.attended_ids(people["Aisha Begum"], [event.id]) == {event.id}
    assert attendance.attended_ids(people["Tom Reid"], [event.id]) == set()


def test_events_recorded_before_the_start_are_refused_even_for_admins(db, organiser):
    event = make_event(organiser, starts_at=(utcnow() + timedelta(minutes=30)).replace(microsecond=0))
    with pytest.raises(InvalidInput):
        attendance.add_walk_in(organiser, event, name="Early", email="early@nhs.net")

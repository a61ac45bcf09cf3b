"""Entries made from other domains' outbox messages, through the real outbox worker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from forum import outbox
from forum.cpd.models import CpdEntry, EntryStatus, Source
from forum.db import utcnow
from forum.events.models import Kind
from forum.extensions import db
from tests.conftest import send_outbox
from tests.cpd.conftest import attend, unattend
from tests.events.conftest import make_event, move_start


def _entries(user) -> list[CpdEntry]:
    return list(db.session.scalars(select(CpdEntry).where(CpdEntry.user_id == user.id)))


def test_attending_a_webinar_makes_one_participatory_entry_with_the_attendance_as_evidence(
        app, nurse, past_webinar):
    row = attend(app, past_webinar, nurse)
    (entry,) = _entries(nurse)
    assert (entry.source, entry.source_id, entry.status) == (Source.EVENT, past_webinar.id,
                                                             EntryStatus.RECORDED)
    assert entry.topic == "Lymphoedema in primary care"
    assert entry.method == "webinar"
    assert entry.minutes == entry.participatory_minutes == 60  # the event's length, as hours
    assert entry.attendance_id == row.id
    assert entry.needs_practice  # the member completes "how it relates to my practice"


def test_the_same_attendance_applied_again_does_not_duplicate_the_entry(app, nurse, past_webinar):
    attend(app, past_webinar, nurse)
    for _ in range(2):  # a re-imported attendance list enqueues the topic again
        outbox.enqueue("events.attended", {"event_id": past_webinar.id, "user_id": nurse.id})
    db.session.commit()
    send_outbox(app)
    assert len(_entries(nurse)) == 1


def test_a_face_to_face_workshop_is_a_workshop(app, nurse, organiser):
    event = make_event(organiser, title="Dementia and delirium workshop", kind=Kind.FACE_TO_FACE,
                       joining_link="", venue="Guy's Hospital")
    move_start(event, utcnow() - timedelta(days=30))
    attend(app, event, nurse)
    assert _entries(nurse)[0].method == "workshop"


def test_attendance_at_an_event_that_has_not_happened_makes_no_entry(app, nurse, organiser):
    event = make_event(organiser)  # next week
    attend(app, event, nurse)
    assert _entries(nurse) == []


def test_removing_the_attendance_removes_an_entry_the_member_has_not_touched(app, nurse, past_webinar):
    attend(app, past_webinar, nurse)
    unattend(app, past_webinar, nurse)
    assert _entries(nurse) == []


def test_removing_the_attendance_never_removes_an_entry_the_member_edited(app, nurse, past_webinar):
    attend(app, past_webinar, nurse)
    entry = _entries(nurse)[0]
    entry.practice, entry.edited_at = "I now measure limbs at every review.", utcnow()
    db.session.commit()
    unattend(app, past_webinar, nurse)
    (kept,) = _entries(nurse)
    assert kept.practice.startswith("I now measure")
    assert kept.attendance_id is None
    assert "removed the attendance" in kept.evidence_note


def test_a_removal_of_an_attendance_that_was_recorded_again_changes_nothing(app, nurse, past_webinar):
    attend(app, past_webinar, nurse)
    outbox.enqueue("events.attendance_removed", {"event_id": past_webinar.id, "user_id": nurse.id})
    db.session.commit()
    send_outbox(app)  # the Attendance row is still there: the message is out of date
    assert len(_entries(nurse)) == 1


def test_a_bad_payload_is_skipped_and_the_rest_of_the_batch_applies(app, nurse, past_webinar):
    from forum.events.models import Attendance

    db.session.add(Attendance(event_id=past_webinar.id, email=nurse.email, source="teams"))
    outbox.enqueue("events.attended", {"event_id": "x"})
    outbox.enqueue("events.attended", {"event_id": past_webinar.id, "user_id": nurse.id})
    db.session.commit()
    send_outbox(app)
    assert len(_entries(nurse)) == 1
    assert outbox.pending_count("events.attended") == 0


def test_completed_shadowing_is_a_suggestion_from_the_payload_alone(app, nurse):
    payload = {"user_id": nurse.id, "visit_id": 7, "title": "Shadowing the lymphoedema clinic",
               "date": "2026-10-02", "hours": 3.5}
    outbox.enqueue("shadowing.completed", payload)
    outbox.enqueue("shadowing.completed", payload)
    db.session.commit()
    send_outbox(app)
    (entry,) = _entries(nurse)
    assert (entry.status, entry.method, entry.minutes) == (EntryStatus.SUGGESTED, "shadowing", 210)
    assert entry.start_date.isoformat() == "2026-10-02"


def test_suggestions_do_not_count_towards_the_totals(app, client, nurse):
    from forum.cpd import queries

    outbox.enqueue("shadowing.completed", {"user_id": nurse.id, "visit_id": 1, "title": "Visit",
                                           "date": utcnow().date().isoformat(), "hours": 2})
    db.session.commit()
    send_outbox(app)
    assert queries.progress(nurse).minutes == 0
    assert db.session.scalar(select(func.count()).select_from(CpdEntry)) == 1

"""Demo events in the weeks after the demo's "now": public lunchtime webinars, a face-to-face
workshop, and one small webinar that is full with a waiting list. Built through the services;
the emails they queue are marked sent (nobody reads a demo's confirmations at start-up). And the
community's own 2023, imported from its table, for the yearly report."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select, update

from forum.community.models import Alliance, Board, Profession
from forum.events import importing, london, services, signups
from forum.events.models import Kind
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import OutboxMessage


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return london.to_utc(day, time(hour, minute), field="start", fold=london.EARLIER)


def _by_slug(model, slug: str):
    return db.session.scalars(select(model).where(model.slug == slug)).first()


EVENTS = [
    # (days ahead, start, minutes, kind, title, capacity, description, board, professions, sign-ups)
    (6, (12, 30), 60, Kind.WEBINAR, "Lunchtime webinar: cancer-related fatigue in primary care", 100,
     "A practical hour on **assessing and managing fatigue** after cancer treatment, with time "
     "for your questions.\n\n- what to ask at a cancer care review\n- energy conservation\n"
     "- when to refer on", "enhanced-supportive-care", ["general-practice-nurse", "gp"], 6),
    (13, (12, 30), 45, Kind.WEBINAR, "Webinar: lymphoedema, spotting it early", 4,
     "A short session with a lymphoedema specialist: early signs, measuring, and the local "
     "referral routes. **Small group**, so places are limited.", "rehab-and-lymphoedema",
     ["physiotherapist", "occupational-therapist", "district-or-community-nurse"], 6),
    (20, (10, 0), 240, Kind.FACE_TO_FACE, "Workshop: starting a QI project in your practice", 30,
     "A hands-on morning: choose an aim, draw a driver diagram and plan your first PDSA cycle. "
     "Lunch is provided.", "quality-improvement",
     ["general-practice-nurse", "advanced-nurse-practitioner"], 3),
]


PAST_YEAR = Path(__file__).with_name("data") / "events-2023.tsv"  # a copy of shared/data's


def seed_past_events() -> None:
    """The community's own record of 2023 (seven events, 647 sign-ups), so the demo's yearly
    report is the real year."""
    importing.import_events(PAST_YEAR.read_bytes(), source=PAST_YEAR.name)


def seed_events(users: dict[str, User], today: datetime) -> None:
    organiser = users["admin"]
    members = [u for key, u in users.items() if key != "admin"]
    first_message = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    alliance = _by_slug(Alliance, "north-central-london")
    for days, (hour, minute), minutes, kind, title, capacity, description, board, professions, wanted \
            in EVENTS:
        day = london.local(today).date() + timedelta(days=days)
        starts = _at(day, hour, minute)
        event = services.create_event(organiser, services.EventInput(
            title=title, kind=kind, starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
            capacity=capacity, board=_by_slug(Board, board),
            alliance=alliance if kind == Kind.FACE_TO_FACE else None,
            professions=[p for p in (_by_slug(Profession, s) for s in professions) if p],
            description=description, speakers="Dr Funmi Bello, Macmillan GP facilitator",
            joining_link="https://teams.example/l/meetup-join/demo" if kind != Kind.FACE_TO_FACE else "",
            venue="Room 2, The Whittington Education Centre, Magdala Avenue, London N19 5NF"
            if kind == Kind.FACE_TO_FACE else "",
            accessibility="Step-free access from the main entrance; hearing loop in Room 2."
            if kind == Kind.FACE_TO_FACE else "",
            questions="Dietary needs\nAccess needs" if kind == Kind.FACE_TO_FACE else "",
            is_public=True, allow_guests=kind == Kind.WEBINAR))
        services.publish_event(organiser, event)
        for member in members[:wanted]:
            signups.sign_up(member, event)
    db.session.execute(update(OutboxMessage).where(OutboxMessage.id > first_message,
                                                   OutboxMessage.topic == "email")
                       .values(processed_at=today), execution_options={"synchronize_session": False})
    db.session.commit()
    from forum.events.seed_past import seed_past_event

    seed_past_event(users, today)
    seed_past_events()

"""A demo webinar three weeks before the demo's "now" that has been through the whole of "after
the event": attendance (ticked, a walk-in, and minutes as a Teams report would give them),
learning outcomes, the recording and slides, and attendees' feedback."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select, update

from forum.community.models import Board, Profession
from forum.events import attendance, feedback, london, outcomes, services, signups
from forum.events.models import Attendance, Event, Kind, Signup
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import OutboxMessage

TITLE = "Lunchtime webinar: delirium in people living with cancer"
FEEDBACK = [  # rating, what I learnt, what I'll change, comments
    (5, "The 4AT takes two minutes and I can do it on a home visit.",
     "Use the 4AT at every review of a patient on opioids.", "More case-based sessions, please."),
    (4, "Hypoactive delirium is missed far more often than the agitated kind.",
     "Ask families whether the person seems 'not themselves'.", ""),
    (5, "How to tell delirium from dementia when nobody knows the baseline.",
     "Document a baseline cognition note at first contact.", "Could we have one on constipation?"),
    (4, "Medication review is the first thing to do, before any tests.",
     "Review anticholinergic burden with our practice pharmacist.", ""),
]


def seed_past_event(users: dict[str, User], today: datetime) -> Event:
    organiser = users["admin"]
    first_message = db.session.scalar(select(db.func.max(OutboxMessage.id))) or 0
    members = [u for key, u in users.items() if key != "admin"]
    day = london.local(today).date() - timedelta(days=21)
    starts = london.to_utc(day, time(12, 30), field="start", fold=london.EARLIER)
    soon = today + timedelta(days=1)  # made as a future event, then moved back (as it happened)
    board = db.session.scalars(select(Board).where(Board.slug == "dementia-and-delirium")).first()
    event = services.create_event(organiser, services.EventInput(
        title=TITLE, kind=Kind.WEBINAR, starts_at=soon, ends_at=soon + timedelta(hours=1),
        capacity=80, board=board,
        professions=list(db.session.scalars(select(Profession).where(Profession.slug.in_(
            ["district-or-community-nurse", "general-practice-nurse"])))),
        description="Spotting **delirium** early in people with cancer at home: the 4AT, "
                    "hypoactive delirium, and what to do first.",
        speakers="Dr Funmi Bello, Macmillan GP facilitator",
        joining_link="https://teams.example/l/meetup-join/delirium", is_public=True))
    services.publish_event(organiser, event)
    for member in members[:8]:
        signups.sign_up(member, event)
    event.starts_at, event.ends_at = starts, starts + timedelta(hours=1)
    db.session.commit()
    came = list(db.session.scalars(select(Signup).where(Signup.event_id == event.id)
                                   .order_by(Signup.id)))[:6]
    attendance.record_checklist(organiser, event, {s.id for s in came})
    attendance.add_walk_in(organiser, event, name="Bola Adebayo", email="bola.adebayo@nhs.net",
                           profession="Community matron", organisation="Whittington Health")
    for row, minutes in zip(db.session.scalars(select(Attendance).where(
            Attendance.event_id == event.id).order_by(Attendance.id)), (58, 61, 55, 24, 60, 47, 60),
            strict=False):
        row.minutes = minutes
    outcomes.save_outcomes(organiser, event, chosen=["Shadowing opportunities", "Online resource",
                                                     "Start of QI ideas"],
                           others="4AT laminated cards for district nursing teams",
                           recording_url="https://video.example/cancer-cop/delirium-2026",
                           slides_url="https://files.example/cancer-cop/delirium-slides.pdf")
    feedback.set_feedback_open(organiser, event, True)
    for signup, (rating, learnt, change, comments) in zip(came, FEEDBACK, strict=False):
        feedback.give_feedback(signup.user, event, rating=rating, learnt=learnt, change=change,
                               comments=comments)
    # Nobody reads a demo's confirmation emails; CPD may consume events.attended as it likes.
    db.session.execute(update(OutboxMessage).where(OutboxMessage.topic == "email",
                                                   OutboxMessage.id > first_message)
                       .values(processed_at=today), execution_options={"synchronize_session": False})
    db.session.commit()
    return event

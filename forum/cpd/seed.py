"""Demo CPD: two past webinars and a workshop with real attendance (rows the organisers
recorded, applied through the `events.attended` outbox topic as in production), so the
general practice nurse's "My CPD" shows entries from events, one from QI work, one of her own
with a certificate, a shadowing suggestion, a certificate of attendance, and a draft reflection.
The physiotherapist (HCPC-registered) has a personal statement and one of his gaps explained."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

from fpdf import FPDF
from sqlalchemy import func, select, update

from forum import outbox
from forum.cpd import certificates, hcpc, queries, reflections, services
from forum.cpd.models import Method
from forum.events import services as events
from forum.events.models import Attendance, EventOutcome, Kind
from forum.extensions import db
from forum.members.models import User
from forum.notify.models import OutboxMessage

PAST_EVENTS = [
    # (days ago, minutes, kind, title, who attended)
    (200, 60, Kind.WEBINAR, "Webinar: cancer care reviews that make a difference",
     ["gpn", "cns", "diet", "physio"]),
    (95, 90, Kind.WEBINAR, "Webinar: recognising neutropenic sepsis in primary care",
     ["gpn", "cns", "ot"]),
    (40, 180, Kind.FACE_TO_FACE, "Workshop: personalised care and support planning",
     ["gpn", "physio", "salt"]),
]


def _sample_certificate() -> bytes:
    """A small real PDF, like the certificate an e-learning site issues."""
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=16)
    pdf.cell(0, 10, "e-Learning for Healthcare: Cancer in primary care, module 3 - completed")
    return bytes(pdf.output())


def seed_cpd_demo(users: dict[str, User], now: datetime) -> None:
    organiser, nurse = users["admin"], users["gpn"]
    first_message = db.session.scalar(select(func.max(OutboxMessage.id))) or 0
    made = []
    for days, minutes, kind, title, attendees in PAST_EVENTS:
        starts = (now + timedelta(days=7)).replace(hour=12, minute=30, second=0, microsecond=0)
        event = events.create_event(organiser, events.EventInput(
            title=title, kind=kind, starts_at=starts, ends_at=starts + timedelta(minutes=minutes),
            capacity=60, description="A session from the CoP's programme.", is_public=True,
            joining_link="https://teams.example/l/meetup-join/demo" if kind == Kind.WEBINAR else "",
            venue="" if kind == Kind.WEBINAR else "The Whittington Education Centre, London N19 5NF"))
        events.publish_event(organiser, event)
        # Held in the past: moved there directly, as the form only takes future times.
        event.starts_at = starts - timedelta(days=days + 7)
        event.ends_at = event.starts_at + timedelta(minutes=minutes)
        db.session.add(EventOutcome(event_id=event.id, name="Online resource"))
        for key in attendees:
            member = users.get(key)
            if member is None:
                continue
            source = "teams" if kind == Kind.WEBINAR else "checklist"
            db.session.add(Attendance(event_id=event.id, email=member.email, name=member.display_name,
                                      minutes=minutes, source=source))
            outbox.enqueue("events.attended", {"event_id": event.id, "user_id": member.id})
        made.append(event)
    outbox.enqueue("shadowing.completed", {
        "user_id": nurse.id, "visit_id": 1, "title": "Shadowing the lymphoedema clinic, Whittington",
        "date": (now - timedelta(days=20)).date().isoformat(), "hours": 3.5})
    # Nobody is told about events that were over before the demo began.
    db.session.execute(update(OutboxMessage).where(
        OutboxMessage.id > first_message, OutboxMessage.topic.in_(("email", "notify", "notify_email")))
        .values(processed_at=now), execution_options={"synchronize_session": False})
    db.session.commit()
    for topic in ("events.attended", "shadowing.completed"):
        outbox.process_all(topic)

    first = next(e for e in queries.entries(nurse) if e.source_id == made[0].id)
    services.update_entry(nurse, first, services.EntryInput(
        start_date=first.start_date, end_date=None, method=first.method, topic=first.topic,
        practice="I now use the review to ask about fatigue, finances and work, not only symptoms.",
        minutes=first.minutes, participatory_minutes=first.participatory_minutes,
        code_theme="prioritise-people"))
    services.add_entry(nurse, services.EntryInput(
        start_date=(now - timedelta(days=60)).date(), end_date=None, method=Method.ELEARNING,
        topic="Cancer in primary care, module 3: living with and beyond cancer",
        practice="Refreshed the late effects of treatment I should ask about at reviews.",
        minutes=120, participatory_minutes=0, code_theme="practise-effectively"),
        certificate=(io.BytesIO(_sample_certificate()), "elfh-module-3-certificate.pdf"))
    offer = next(iter(queries.qi_suggestions(nurse)), None)
    if offer is not None:
        services.record_qi_work(nurse, offer.writeup_id, services.EntryInput(
            start_date=offer.day, end_date=None, method=Method.QI, topic=offer.title,
            practice="Leading the HNA project taught me to measure a change before judging it.",
            minutes=8 * 60, participatory_minutes=6 * 60, code_theme="practise-effectively",
            evidence_url=f"/qi/{offer.writeup_id}"))
    certificates.issue_certificate(nurse, made[1].id)
    sepsis = next(e for e in queries.entries(nurse) if e.source_id == made[1].id)
    reflections.save_reflection(nurse, reflections.ReflectionInput(
        entry_id=sepsis.id, nature="A CoP webinar on recognising neutropenic sepsis in primary care.",
        learned="That a patient on chemotherapy can be septic with a normal temperature, and the "
                "acute oncology line takes calls from practice nurses too.",
        changed="", code_theme="preserve-safety", code_relevance="", is_draft=True))
    seed_hcpc_demo(users["physio"], now)


def seed_hcpc_demo(physio: User, now: datetime) -> None:
    """An e-learning module before parental leave: the gap after it explained, the older one not."""
    services.add_entry(physio, services.EntryInput(
        start_date=(now - timedelta(days=520)).date(), end_date=None, method=Method.ELEARNING.value,
        topic="e-LfH: lymphoedema awareness for allied health professionals",
        practice="I now measure limb volume at the first visit, not only when swelling is reported.",
        minutes=3 * 60, participatory_minutes=0))
    gap = next((g for g in queries.hcpc_gaps(physio)[3] if g.start == (now - timedelta(days=520)).date()),
               None)
    if gap is not None:
        hcpc.explain_gap(physio, gap, "Parental leave (six months), then a phased return to work.")
    hcpc.save_profile(physio, summary=(
        "I am a Band 7 physiotherapist in a community rehabilitation team in north-east London. "
        "About a third of my caseload is people living with and beyond cancer, many with "
        "lymphoedema or fatigue after treatment. I assess, set goals with patients and run a "
        "weekly exercise group."), statement=(
        "Standard 1: this record lists every activity in date order; the gap after my e-learning "
        "module was parental leave.\n"
        "Standards 3 and 4: after the care reviews webinar I changed how I open a first visit, "
        "asking what matters most to the person before the assessment. Two patients in the "
        "exercise group said it was the first time anyone had asked."))

"""Certificates of attendance: only for an attendance the organisers recorded (a sign-up is
not evidence), drawn as PDF with fpdf2, and checkable by anyone at /certificates/<code>."""

from __future__ import annotations

import secrets

from flask import current_app
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from forum.cpd import rules
from forum.cpd.export import _latin1
from forum.cpd.feed import _attendance
from forum.cpd.models import Certificate
from forum.db import utcnow
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.extensions import db
from forum.members.models import User

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
NOT_ATTENDED = ("There is no attendance record for you at this event, so we cannot issue a "
                "certificate. A sign-up is not evidence of attendance: if you were there, ask the "
                "organisers to record your attendance.")


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def issue_certificate(actor: User, event_id: int) -> Certificate:
    """The member's certificate for an event they attended (the same one if asked again)."""
    from forum.events.london import local
    from forum.events.models import Event

    event = db.session.get(Event, event_id)
    if event is None:
        raise NotFound("No such event")
    existing = db.session.scalar(select(Certificate).where(
        Certificate.user_id == actor.id, Certificate.event_id == event_id))
    if existing is not None and existing.revoked_at is None:
        return existing
    if _attendance(event_id, actor) is None:
        raise PermissionDenied(NOT_ATTENDED)
    if existing is not None:
        raise PermissionDenied("The organisers withdrew the certificate for this event. Ask them if "
                               "you think that was a mistake.")
    minutes = max(1, round((event.ends_at - event.starts_at).total_seconds() / 60))
    certificate = Certificate(code=new_code(), user_id=actor.id, event_id=event_id,
                              member_name=actor.display_name, event_title=event.title,
                              event_date=local(event.starts_at).date(), minutes=minutes)
    db.session.add(certificate)
    try:
        db.session.commit()
    except IntegrityError:  # a second click at the same moment made it: use that one
        db.session.rollback()
        return db.session.scalar(select(Certificate).where(
            Certificate.user_id == actor.id, Certificate.event_id == event_id))
    return certificate


def by_code(code: str) -> Certificate | None:
    code = code.strip().upper()
    if len(code) > 20:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code))


def revoke_certificate(actor: User, certificate: Certificate, *, reason: str) -> Certificate:
    from forum.events.policy import is_event_organiser

    if not is_event_organiser(actor):
        raise PermissionDenied("Only event organisers can withdraw a certificate.")
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("Say why the certificate is withdrawn", field="reason")
    if len(reason) > 300:
        raise InvalidInput("The reason must be 300 characters or fewer", field="reason")
    if certificate.revoked_at is None:
        certificate.revoked_at, certificate.revoked_by_id = utcnow(), actor.id
        certificate.revoked_reason = reason
        db.session.commit()
    return certificate


def certificate_pdf(certificate: Certificate) -> bytes:
    """Name, event, date, duration, CPD hours, organiser, learning outcomes, and the check URL."""
    from forum.events.models import Event, EventOutcome

    event = db.session.get(Event, certificate.event_id)
    outcomes = list(db.session.scalars(select(EventOutcome.name).where(
        EventOutcome.event_id == certificate.event_id).order_by(EventOutcome.name)))
    organiser = event.created_by.display_name if event is not None and event.created_by else ""
    site = current_app.config["SITE_NAME"]
    url = f"{current_app.config['BASE_URL'].rstrip('/')}/certificates/{certificate.code}"
    hours = rules.hours_text(certificate.minutes)
    pdf = FPDF(format="A4")
    pdf.set_title("Certificate of attendance")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 24)
    pdf.cell(0, 20, "Certificate of attendance", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", size=12)
    lines = [("This is to certify that", certificate.member_name),
             ("attended", certificate.event_title),
             ("on", f"{certificate.event_date:%d %B %Y}"),
             ("Duration", f"{hours} hours"), ("CPD hours", f"{hours} (participatory)"),
             ("Organised by", f"{site}" + (f" ({organiser})" if organiser else ""))]
    for label, value in lines:
        pdf.set_font("Helvetica", size=11)
        pdf.cell(0, 7, _latin1(label), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "B", 14)
        pdf.multi_cell(0, 8, _latin1(value), align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(2)
    if outcomes:
        pdf.set_font("Helvetica", "B", 11)
        pdf.cell(0, 7, "Learning outcomes", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", size=11)
        for outcome in outcomes:
            pdf.multi_cell(0, 6, _latin1(f"- {outcome}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)
    pdf.set_font("Helvetica", size=10)
    pdf.multi_cell(0, 6, _latin1(f"Verification code: {certificate.code}. Check that this certificate "
                                 f"is genuine at {url}"), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    return bytes(pdf.output())

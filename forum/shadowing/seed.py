"""Demo shadowing: offers and requests across the alliances, one member interested and
waiting for an answer, and one visit accepted (so both see each other's contact details)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum.community.models import Alliance, Profession
from forum.extensions import db
from forum.members.models import User
from forum.shadowing import services
from forum.shadowing.models import OfferKind

OFFERS = [
    # (key, kind, service, alliance, profession, places, days open, what you see, when, contact)
    ("physio", OfferKind.OFFER, "Community lymphoedema clinic, Tower Hamlets, Tuesdays",
     "north-east-london", "physiotherapist", 2, 45,
     "Assessment and measuring, compression garments and bandaging, and the self-care advice "
     "we give. You will sit in on four or five appointments.",
     "Tuesday mornings, 9am to 1pm", "Clinic reception 020 7946 0101; ask for Daniel"),
    ("cns", OfferKind.OFFER, "Colorectal CNS clinic, west London", "rm-partners-west-london",
     "cancer-nurse-specialist", 1, 30,
     "A nurse-led follow-up clinic: stoma care, living with and beyond bowel cancer, and how we "
     "hand over to primary care.", "Thursdays, 1pm to 5pm", "CNS office 020 7946 0202"),
    ("dn", OfferKind.OFFER, "District nursing: end-of-life care at home, Hounslow",
     "rm-partners-west-london", "district-or-community-nurse", 2, 60,
     "A day on the road with the team: syringe drivers, anticipatory medicines, and working "
     "with families.", "Any weekday, 8.30am to 4.30pm, with two weeks' notice",
     "Team base 020 7946 0303"),
    ("salt", OfferKind.OFFER, "Head and neck SLT clinic: swallowing after radiotherapy",
     "rm-partners-west-london", "speech-and-language-therapist", 1, 20,
     "Swallowing assessments, voice after laryngectomy, and the MDT clinic.",
     "Monday afternoons", ""),
    ("gpn", OfferKind.REQUEST, "A GPN wanting to see a cancer care review in a hospice",
     "north-central-london", "general-practice-nurse", 1, 40,
     "I would like to see how a hospice team approaches the review, to bring ideas back to "
     "our practice's cancer care reviews.", "Wednesdays suit me best", ""),
    ("diet", OfferKind.REQUEST, "Dietitian hoping to join a prehabilitation class",
     "north-central-london", "dietitian", 1, 35,
     "To see how exercise and nutrition advice are combined before surgery.",
     "Any morning in the next month", ""),
]


def _by_slug(model, slug: str):
    return db.session.scalars(select(model).where(model.slug == slug)).first()


def seed_shadowing_demo(users: dict[str, User]) -> None:
    today = services.london_today()
    posted = {}
    for key, kind, title, alliance, profession, places, days, what, when, contact in OFFERS:
        author = users[key]
        posted[key] = services.create_offer(author, services.OfferInput(
            kind=kind, title=title, expires_on=today + timedelta(days=days),
            alliance=_by_slug(Alliance, alliance), profession=_by_slug(Profession, profession),
            organisation=author.organisation, what_you_see=what, availability=when,
            places=places, contact_details=contact), today=today)
    services.express_interest(
        users["gpn"], posted["physio"], today=today,
        message="I see a lot of patients after breast cancer treatment at their reviews and "
                "would like to know what to look for. Could I come on a Tuesday in the spring?")
    accepted = services.express_interest(
        users["ot"], posted["dn"], today=today, contact_details="Southwark OT office 020 7946 0404",
        message="I am an OT in Southwark and would love to see how you plan care at home at the "
                "end of life.")
    services.accept_interest(users["dn"], accepted)

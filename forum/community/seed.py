"""Reference data every installation starts with: London's cancer alliances, professions, boards."""

from __future__ import annotations

import re

from sqlalchemy import select

from forum.community.models import Alliance, Board, Profession
from forum.extensions import db

ALLIANCES = [
    ("North Central London", "Barnet, Camden, Enfield, Haringey and Islington."),
    ("North East London", "City and Hackney, Newham, Tower Hamlets, Waltham Forest, Barking and "
                          "Dagenham, Havering, Redbridge."),
    ("South East London", "Bexley, Bromley, Greenwich, Lambeth, Lewisham and Southwark."),
    ("RM Partners – West London", "North West and South West London, with The Royal Marsden."),
    ("Pan-London", "For everyone, wherever they work."),
]
# Names whose slug (in links people have saved) was made from an earlier name.
KEPT_SLUGS = {"Pan-London": "pan-london-national"}

PROFESSIONS = [
    ("General practice nurse", "Nursing"),
    ("District or community nurse", "Nursing"),
    ("Cancer nurse specialist", "Nursing"),
    ("Advanced nurse practitioner", "Nursing"),
    ("GP", "Medicine"),
    ("Physiotherapist", "Allied health professions"),
    ("Occupational therapist", "Allied health professions"),
    ("Dietitian", "Allied health professions"),
    ("Speech and language therapist", "Allied health professions"),
    ("Radiographer", "Allied health professions"),
    ("Paramedic", "Allied health professions"),
    ("Podiatrist", "Allied health professions"),
    ("Pharmacist", "Pharmacy"),
    ("Health care assistant", "Support"),
    ("Patient partner", "Patients and carers"),
    ("Other", "Other"),
]

BOARDS = [
    ("Introductions", "Say hello: who you are, where you work and what you hope to learn.", False),
    ("Clinical leadership", "Leading cancer care in primary and community settings.", True),
    ("Enhanced supportive care", "Managing symptoms and side effects, early and well.", True),
    ("Rehab and lymphoedema", "Prehabilitation, rehabilitation and lymphoedema care.", True),
    ("Dementia and delirium", "Cancer care for people living with dementia or delirium.", True),
    ("Quality improvement", "QI projects, PDSA cycles and what others can replicate.", True),
    ("Shadowing", "Offer or ask for a chance to shadow another service.", True),
]


def slugify(text: str) -> str:
    if text in KEPT_SLUGS:
        return KEPT_SLUGS[text]
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("–", "-")).strip("-")


def seed_reference_data() -> None:
    """Insert what is missing (and the site's own pages); never changes rows an admin has edited."""
    have = set(db.session.scalars(select(Alliance.slug)))
    for position, (name, description) in enumerate(ALLIANCES):
        if slugify(name) not in have:
            db.session.add(Alliance(slug=slugify(name), name=name, description=description,
                                    position=position))
    have = set(db.session.scalars(select(Profession.slug)))
    for position, (name, group) in enumerate(PROFESSIONS):
        if slugify(name) not in have:
            db.session.add(Profession(slug=slugify(name), name=name, group=group,
                                      position=position))
    have = set(db.session.scalars(select(Board.slug)))
    for position, (name, description, members_only) in enumerate(BOARDS):
        if slugify(name) not in have:
            db.session.add(Board(slug=slugify(name), name=name, description=description,
                                 position=position, members_only=members_only))
    from forum.pages.seed import seed_pages

    seed_pages()  # the privacy notice, accessibility statement, guidelines and contact page
    db.session.commit()

"""Demo library: resources from the community's 2023 programme (shared/data/events-2023.tsv),
each linked to the event it came from. The 2023 events are added as past, imported events
(with their sign-up and attendance counts) when the demo does not have them yet."""

from __future__ import annotations

import io
from datetime import date, time, timedelta

from sqlalchemy import select

from forum.community.models import Alliance, Board, Profession
from forum.events import london
from forum.events.models import Event, EventStatus, Kind
from forum.extensions import db
from forum.markup import render
from forum.members.models import User
from forum.resources import services
from forum.resources.models import ResourceKind
from forum.resources.services import ResourceInput

PROGRAMME = "Cancer CoP 2023 programme"
# (date, kind, title, signed up, attended, board): the 2023 rows of events-2023.tsv.
EVENTS_2023 = [
    (date(2023, 2, 21), Kind.FACE_TO_FACE, "Launch of the Cancer Community of Practice", 37, 17,
     "introductions"),
    (date(2023, 4, 12), Kind.WEBINAR, "Webinar: Clinical leadership", 97, 73, "clinical-leadership"),
    (date(2023, 5, 3), Kind.WEBINAR, "Webinar: Enhanced supportive care", 83, 57,
     "enhanced-supportive-care"),
    (date(2023, 6, 21), Kind.FACE_TO_FACE, "Workshop: Quality improvement (QI)", 57, 39,
     "quality-improvement"),
    (date(2023, 7, 12), Kind.WEBINAR, "Webinar: Cancer rehab and lymphoedema", 92, 69,
     "rehab-and-lymphoedema"),
    (date(2023, 9, 18), Kind.WEBINAR, "Webinar: Cognitive impairment, dementia and delirium", 230,
     105, "dementia-and-delirium"),
    (date(2023, 10, 18), Kind.FACE_TO_FACE, "Workshop: Quality improvement in practice", 51, 32,
     "quality-improvement"),
]

GUIDE_ESC = """Enhanced supportive care (ESC) brings supportive and palliative care skills to people
**from diagnosis**, not only at the end of life.

### At the cancer care review
- Ask about pain, fatigue, breathlessness, sleep and mood: use the *Holistic Needs Assessment*.
- Check what the hospital team has already offered, so you do not repeat it.
- Agree one or two goals with the person, and write them in the record.

### When to refer on
1. Symptoms that are not controlled after two changes to treatment.
2. Distress that gets in the way of daily life.
3. A carer who is not coping.

Your local ESC team's referral form is on the alliance website.
"""

GUIDE_LYMPH = """Lymphoedema is easier to manage when it is found early.

### What to look for
- A feeling of heaviness or tightness in the arm or leg on the treated side
- Rings, watches or shoes that feel tighter than before
- Pitting: a dent that stays after you press the skin for 10 seconds

### What to measure
Measure both limbs at the same points (10 cm steps from the wrist or ankle) and record them.
A difference of more than **5%** is worth a referral.

### Where to refer
Your community lymphoedema service: most take self-referrals from people who have had
cancer treatment.
"""

GUIDE_PDSA = """A PDSA cycle tests one small change, quickly.

1. **Plan**: what will you change, what do you predict, and what will you measure?
2. **Do**: try it for a week, with a few patients.
3. **Study**: compare what happened with your prediction. A run chart helps.
4. **Act**: adopt it, adapt it, or abandon it, then plan the next cycle.

Start smaller than you think: "Tuesday's clinic, three patients" is a good first test.
"""

GUIDE_LEADS = """Who to contact about cancer care in each alliance.

| Alliance | Primary care lead | How to reach them |
| --- | --- | --- |
| North Central London | Macmillan GP facilitator | Through the alliance's primary care team |
| North East London | PCN cancer leads' network | The monthly network call |
| South East London | Cancer care review group | The alliance's education hub |
| RM Partners (west London) | Primary care nursing lead | The RM Partners website |

Members only: please do not share outside the community.
"""


def _pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with real text in it (what a slide deck exported to PDF would hold)."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    rows = [f"BT /F1 20 Tf 60 760 Td ({escape(title)}) Tj ET"]
    rows += [f"BT /F1 12 Tf 60 {720 - 22 * i} Td ({escape(line)}) Tj ET" for i, line in enumerate(lines)]
    stream = "\n".join(rows).encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _by_slug(model, slug: str):
    return db.session.scalars(select(model).where(model.slug == slug)).first()


def _imported_on(day: date) -> Event | None:
    """The event `flask events import` made from that row of events-2023.tsv (the demo imports
    the table before the library is seeded), found by its London date."""
    for event in db.session.scalars(select(Event).where(Event.imported_from != "")):
        if london.local(event.starts_at).date() == day:
            return event
    return None


def _events_2023(organiser: User) -> dict[str, Event]:
    """The 2023 events: those the demo imported, else found by title or added here."""
    found: dict[str, Event] = {}
    for day, kind, title, signed_up, attended, board in EVENTS_2023:
        event = _imported_on(day) or db.session.scalars(
            select(Event).where(Event.title == title)).first()
        if event is None:
            start = (12, 30) if kind == Kind.WEBINAR else (10, 0)
            starts = london.to_utc(day, time(*start), field="start", fold=london.EARLIER)
            event = Event(title=title, kind=kind, status=EventStatus.PUBLISHED, starts_at=starts,
                          ends_at=starts + timedelta(hours=1 if kind == Kind.WEBINAR else 3),
                          capacity=signed_up, board=_by_slug(Board, board), is_public=True,
                          created_by_id=organiser.id, published_at=starts - timedelta(days=30),
                          imported_from=PROGRAMME, imported_signups=signed_up,
                          imported_attended=attended,
                          description=f"Part of the community's {PROGRAMME}.",
                          description_html=render(f"Part of the community's {PROGRAMME}."))
            db.session.add(event)
        found[title.split(": ", 1)[-1]] = event
    db.session.commit()
    return found


def _add(actor: User, kind: ResourceKind, title: str, description: str, *, event=None,
         board: str | None = None, professions: tuple[str, ...] = (), pdf: list[str] | None = None,
         filename: str = "", **kw):
    data = ResourceInput(title=title, kind=kind, description=description, event=event,
                         board=_by_slug(Board, board) if board else None,
                         professions=[p for p in (_by_slug(Profession, s) for s in professions) if p],
                         **kw)
    stream = io.BytesIO(_pdf(title, pdf)) if pdf else None
    return services.add_resource(actor, data, stream=stream, filename=filename)


def seed_resources_demo(users: dict[str, User]) -> None:
    admin, mod = users["admin"], users["mod"]
    events = _events_2023(admin)
    nurses = ("general-practice-nurse", "district-or-community-nurse")
    rec = ResourceKind.RECORDING
    leadership = _add(admin, rec, "Clinical leadership in primary care cancer care: recording",
                      "Three nurse leaders on leading change in a practice or a PCN: finding "
                      "allies, making the case, and looking after yourself.",
                      event=events["Clinical leadership"], board="clinical-leadership",
                      url="https://video.cancercop.example/2023/clinical-leadership", minutes=58)
    _add(admin, ResourceKind.DOCUMENT, "Clinical leadership webinar: slides",
         "The slides from April's webinar, with the leadership self-assessment.",
         event=events["Clinical leadership"], board="clinical-leadership",
         filename="clinical-leadership-slides.pdf",
         pdf=["Why leadership matters in cancer care", "Leading without a title",
              "Making the case: data, stories and the patient voice",
              "Self-assessment: where are you now?"])
    _add(admin, rec, "Enhanced supportive care: recording",
         "What ESC is, how to refer, and a patient partner's story of being referred early.",
         event=events["Enhanced supportive care"], board="enhanced-supportive-care",
         professions=("general-practice-nurse", "gp"),
         url="https://video.cancercop.example/2023/enhanced-supportive-care", minutes=62)
    esc = _add(mod, ResourceKind.GUIDE, "Enhanced supportive care: a one-page guide for the "
               "cancer care review", "What to ask, and when to refer to your ESC team.",
               event=events["Enhanced supportive care"], board="enhanced-supportive-care",
               professions=("general-practice-nurse", "advanced-nurse-practitioner"),
               body_source=GUIDE_ESC)
    _add(admin, rec, "Cancer rehab and lymphoedema: recording",
         "A physiotherapist and a lymphoedema nurse on prehabilitation, rehab after treatment, "
         "and spotting lymphoedema early.", event=events["Cancer rehab and lymphoedema"],
         board="rehab-and-lymphoedema",
         professions=("physiotherapist", "occupational-therapist", *nurses),
         url="https://video.cancercop.example/2023/rehab-and-lymphoedema", minutes=55)
    _add(admin, ResourceKind.GUIDE, "Spotting early lymphoedema: what to look for and measure",
         "A short guide from July's webinar.", event=events["Cancer rehab and lymphoedema"],
         board="rehab-and-lymphoedema", professions=nurses, body_source=GUIDE_LYMPH)
    _add(admin, ResourceKind.LINK, "British Lymphology Society: find a lymphoedema service",
         "The national directory of lymphoedema services.", event=events["Cancer rehab and lymphoedema"],
         board="rehab-and-lymphoedema", url="https://www.thebls.com/")
    delirium = _add(admin, rec, "Cognitive impairment, dementia and delirium: recording",
                    "Our best-attended webinar: recognising delirium in people with cancer, "
                    "and caring for people with dementia through treatment.",
                    event=events["Cognitive impairment, dementia and delirium"],
                    board="dementia-and-delirium",
                    url="https://video.cancercop.example/2023/dementia-and-delirium", minutes=75)
    _add(admin, ResourceKind.LINK, "The 4AT: rapid assessment test for delirium",
         "A quick, validated bedside test you can use at home visits.",
         event=events["Cognitive impairment, dementia and delirium"],
         board="dementia-and-delirium", url="https://www.the4at.com/")
    _add(admin, ResourceKind.DOCUMENT, "Dementia and delirium webinar: slides",
         "The slides, with the delirium checklist and local contacts.",
         event=events["Cognitive impairment, dementia and delirium"], board="dementia-and-delirium",
         filename="dementia-delirium-slides.pdf",
         pdf=["Delirium is common, serious and often missed", "The 4AT in two minutes",
              "Dementia and cancer treatment decisions", "Local memory services"])
    _add(admin, ResourceKind.DOCUMENT, "QI in practice: the Model for Improvement and PDSA cycles",
         "Slides from October's workshop, with three QI projects you can replicate.",
         event=events["Quality improvement in practice"], board="quality-improvement",
         filename="qi-in-practice.pdf",
         pdf=["The Model for Improvement: three questions", "PDSA cycles: start small",
              "Run charts: seeing change over time", "Three projects to replicate"])
    _add(admin, ResourceKind.GUIDE, "Running your first PDSA cycle",
         "From June's QI workshop.", event=events["Quality improvement (QI)"],
         board="quality-improvement", body_source=GUIDE_PDSA)
    _add(admin, ResourceKind.GUIDE, "Who's who: cancer leads in each alliance",
         "Contacts for primary care cancer leads across London.",
         event=events["Launch of the Cancer Community of Practice"], board="introductions",
         body_source=GUIDE_LEADS, is_public=False,
         alliance=_by_slug(Alliance, "pan-london-national"))
    for featured in (delirium, esc, leadership):
        services.feature_resource(admin, featured, featured=True)
    _add(users["gpn"], ResourceKind.LINK, "Macmillan: cancer care review guidance",
         "The guide our practice uses for cancer care reviews: worth adding?",
         board="enhanced-supportive-care", professions=("general-practice-nurse",),
         url="https://www.macmillan.org.uk/healthcare-professionals")  # waits for an organiser

"""Demo content: a dozen members across London and realistic discussions with nested replies,
one of them long enough to page (and to have a branch on a page of its own).

The people and organisations are invented; the clinical content is the kind of practical
exchange the community has. Threads go through the discussion services like any member's.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.extensions import db
from forum.members.models import Role, Status, User

MEMBER_PASSWORD = "Harbour-Bluebell-42"  # noqa: S105 (printed demo password, by design)
DEMO_ACCOUNTS = [
    {"key": "admin", "name": "Ruth Adeyemi", "email": "ruth.adeyemi@nhs.net",
     "profession": "cancer-nurse-specialist", "alliance": "pan-london-national",
     "organisation": "Cancer CoP steering group", "role": Role.ADMIN,
     "password": "Admin-Lantern-Quay-7", "label": "admin (organiser)",
     "bio": "Macmillan primary care nurse facilitator; I look after the CoP's events and newsletter."},
    {"key": "mod", "name": "Tom Gallagher", "email": "tom.gallagher@nhs.net",
     "profession": "district-or-community-nurse", "alliance": "south-east-london",
     "organisation": "Lewisham community nursing", "role": Role.MODERATOR,
     "password": "Moderate-Willow-93", "label": "moderator",
     "bio": "District nursing team lead. Moderator: report anything that worries you."},
    {"key": "pp", "name": "Joan Whitfield", "email": "joan.whitfield@example.org",
     "profession": "patient-partner", "alliance": "north-east-london",
     "organisation": "Patient partner, NEL cancer alliance", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "patient partner",
     "bio": "Living with myeloma since 2019. I sit on the alliance's patient panel."},
    {"key": "gpn", "name": "Amara Okafor", "email": "amara.okafor@nhs.net",
     "profession": "general-practice-nurse", "alliance": "north-central-london",
     "organisation": "Archway Medical Centre", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "general practice nurse",
     "bio": "Practice nurse with a special interest in cancer care reviews."},
    {"key": "cns", "name": "Priya Raman", "email": "priya.raman@nhs.net",
     "profession": "cancer-nurse-specialist", "alliance": "rm-partners-west-london",
     "organisation": "Colorectal CNS team, west London", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "cancer nurse specialist", "bio": ""},
    {"key": "physio", "name": "Daniel Mensah", "email": "daniel.mensah@nhs.net",
     "profession": "physiotherapist", "alliance": "north-east-london",
     "organisation": "Community rehab team, Tower Hamlets", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "physiotherapist", "bio": ""},
    {"key": "ot", "name": "Sophie Clarke", "email": "sophie.clarke@nhs.net",
     "profession": "occupational-therapist", "alliance": "south-east-london",
     "organisation": "Southwark community OT", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "occupational therapist", "bio": ""},
    {"key": "diet", "name": "Hannah Liu", "email": "hannah.liu@nhs.net",
     "profession": "dietitian", "alliance": "north-central-london",
     "organisation": "Community dietetics, Camden", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "dietitian", "bio": ""},
    {"key": "salt", "name": "Marcus Bell", "email": "marcus.bell@nhs.net",
     "profession": "speech-and-language-therapist", "alliance": "rm-partners-west-london",
     "organisation": "Head and neck SLT service", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "speech and language therapist", "bio": ""},
    {"key": "gp", "name": "Dr Kofi Asante", "email": "kofi.asante@nhs.net",
     "profession": "gp", "alliance": "north-east-london",
     "organisation": "Leyton Green Practice", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "GP", "bio": "GP and PCN cancer lead."},
    {"key": "dn", "name": "Grace O'Neill", "email": "grace.oneill@nhs.net",
     "profession": "district-or-community-nurse", "alliance": "rm-partners-west-london",
     "organisation": "Hounslow district nursing", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "district nurse", "bio": ""},
    {"key": "pharm", "name": "Yusuf Haddad", "email": "yusuf.haddad@nhs.net",
     "profession": "pharmacist", "alliance": "south-east-london",
     "organisation": "PCN clinical pharmacist, Greenwich", "role": Role.MEMBER,
     "password": MEMBER_PASSWORD, "label": "pharmacist", "bio": ""},
]

# (key, board, alliance or None for pan-London, professions, title, body, days ago, replies)
# A reply is (key, body, replies-to-it).
THREADS = [
    ("gpn", "rehab-and-lymphoedema", "north-central-london", ["general-practice-nurse"],
     "Has anyone set up a lymphoedema clinic in primary care?",
     "Our PCN has funding for a nurse-led **lymphoedema** clinic for people after breast and "
     "gynae cancer surgery. We want to start with measurement, skin care and compression "
     "hosiery reviews.\n\n- Who trained your nurses?\n- Which referral criteria did you use?\n"
     "- How did you get prescribing of garments sorted?", 21,
     [("physio", "We run one from the community rehab team. The British Lymphology Society "
                 "foundation course was the place to start for our band 6s. Happy to share "
                 "our referral form.",
       [("gpn", "That would be brilliant, thank you. Did the course include measuring for "
                "made-to-measure garments?",
         [("physio", "Only off-the-shelf. For made-to-measure we still refer to the "
                     "specialist service at the hospital.", [])])]),
      ("pharm", "On prescribing: add the garments to your local formulary first. We wrote a "
                "one-page guide for practice staff on repeat prescriptions for hosiery.", []),
      ("pp", "From the patient side: please give people a named contact. I waited months "
             "not knowing who to ask about swelling in my arm.", [])]),
    ("cns", "enhanced-supportive-care", None, ["cancer-nurse-specialist", "gp"],
     "ESC referral criteria: who do you refer, and when?",
     "We are reviewing our **enhanced supportive care** (ESC) referral criteria. Currently "
     "we refer people on SACT with uncontrolled symptoms or a prognosis of under a year.\n\n"
     "Would you refer earlier? What triggers do you use in primary care?", 14,
     [("gp", "We use a practice search: anyone on the cancer register with two or more "
             "unplanned admissions in six months gets a review and a conversation about ESC.",
       [("cns", "That's a neat trigger. Does the search pick up people treated privately?",
         [("gp", "Not reliably. We ask at the cancer care review as well.", [])])]),
      ("dn", "Earlier is better for us. By the time we meet people at home they often "
             "have weeks, not months.", [])]),
    ("pharm", "enhanced-supportive-care", "south-east-london", ["pharmacist",
                                                              "district-or-community-nurse"],
     "5-FU mouth care: what advice do you give at home?",
     "A patient on **5-FU** (capecitabine after IV fluorouracil) rang the practice with a "
     "sore mouth. What mouth care advice do you give, and when do you tell people to call "
     "the acute oncology helpline?", 9,
     [("cns", "Always the 24-hour helpline first if they are on SACT and have a sore mouth "
              "with a temperature, or cannot eat or drink. Then: soft toothbrush, "
              "alcohol-free mouthwash, sip water often.",
       [("pharm", "Thank you. We'll add the helpline number to the repeat slip.", [])]),
      ("diet", "Soft, moist foods; avoid very spicy or acidic food. If they are losing "
               "weight, refer to community dietetics early.", [])]),
    ("gpn", "clinical-leadership", "north-central-london", ["general-practice-nurse", "gp"],
     "Cancer care reviews: templates that actually help",
     "Our cancer care review template is a tick-box exercise. Has anyone rewritten theirs "
     "around what matters to the person? I'd love to see examples.", 30,
     [("gp", "We moved to a 'what matters to you' opening question and a holistic needs "
             "assessment. Reviews take longer but people tell us more.", []),
      ("pp", "As a patient: the review was the first time anyone asked how I was *really* "
             "doing. Please keep it personal.",
       [("gpn", "Thank you, Joan. That is exactly why we want to change it.", [])])]),
    ("ot", "dementia-and-delirium", "south-east-london", ["occupational-therapist"],
     "Spotting delirium at home in people having chemotherapy",
     "We see people at home who become suddenly confused during treatment. What screening "
     "do community teams use? We have started trying the **4AT**.", 6,
     [("dn", "We use the 4AT too and ring the acute oncology service if it's positive: "
             "infection has to be ruled out first.", []),
      ("salt", "Worth checking hearing aids and glasses are in. Communication changes are "
               "easy to miss.", [])]),
    ("diet", "rehab-and-lymphoedema", "north-central-london", ["dietitian", "physiotherapist"],
     "Prehabilitation before surgery: a dietitian's view",
     "Our prehab pilot gives people exercise, nutrition and psychological support in the "
     "weeks before cancer surgery. Early results: fewer days in hospital. Ask me anything.", 3,
     [("physio", "How did you fit the exercise sessions in during the two-week wait?",
       [("diet", "Mostly online group sessions and a home programme, with one face-to-face "
                 "assessment.", [])])]),
    ("salt", "introductions", None, ["speech-and-language-therapist"],
     "Hello from a head and neck speech and language therapist",
     "Hi all, I'm Marcus. I work with people after head and neck cancer treatment on "
     "swallowing and communication. Keen to connect with community teams.", 2,
     [("gpn", "Welcome Marcus! Very keen to learn more about swallowing red flags.", [])]),
    ("dn", "shadowing", "rm-partners-west-london", ["district-or-community-nurse"],
     "Shadowing offer: a day with a district nursing team in Hounslow",
     "We can host one practice nurse or AHP a month to spend a day with our team, "
     "including syringe driver visits and end-of-life care planning. Reply here if "
     "interested.", 1, []),
]


# One discussion long enough to page (more top-level replies than a page holds, and a branch
# longer than a thread page shows): members' tips on fatigue, with the odd answer.
FATIGUE_TIPS = [
    "Short walks most days, even ten minutes, kept my patients' energy steadier than rest.",
    "We ask people to keep a one-week energy diary before changing anything.",
    "Check for anaemia, low mood, poor sleep and pain first: fatigue is often more than one thing.",
    "Macmillan's fatigue booklet is the one we hand out; people say it is readable.",
    "Pacing: plan the day, do the hardest task when energy is highest, rest before you tire.",
    "Our physio group runs a six-week exercise class for people after treatment.",
    "Ask about thyroid function after head and neck radiotherapy.",
    "Hydration and regular small meals help more than people expect.",
    "We screen with one question: how much has tiredness stopped you doing this week?",
    "Refer to the community dietitian early if weight is falling.",
    "Caffeine after midday makes the nights worse for many people.",
    "A 20-minute nap early in the afternoon, not longer, works for some.",
    "People on hormone therapy often say nobody warned them about the tiredness.",
    "Carers get exhausted too: ask how they are doing.",
    "Mindfulness apps helped a few of my patients with sleep.",
    "We record fatigue at every cancer care review, scored 0 to 10.",
    "Occupational therapy can help with energy conservation at home.",
    "Tai chi classes at the leisure centre have been popular with older patients.",
    "Review medicines: opioids, antihistamines and some antidepressants add to tiredness.",
    "Returning to work on a phased plan made a big difference for one of our patients.",
    "Cognitive behavioural therapy for insomnia has good evidence; the waiting list is long.",
    "We ask people to set one small goal a week and review it together.",
    "Fatigue can last months after radiotherapy ends; saying so early helps people plan.",
    "Vitamin D levels are worth checking in people who are housebound.",
    "Low mood and fatigue overlap: we use the PHQ-9 when we are unsure.",
    "Peer support groups help people feel less alone with it.",
    "Warm baths before bed helped a patient with both pain and sleep.",
    "Heart rate monitors on a walk can show people they are doing too much.",
    "Good days invite overdoing it: plan a rest after a busy day.",
    "Telephone follow-up at two weeks catches people before they give up.",
    "We give a fatigue plan on paper: people forget what was said in clinic.",
    "Breathlessness and fatigue go together in lung cancer: the breathlessness clinic helped.",
    "Gentle strength exercises twice a week, with a resistance band, are enough to start.",
    "Check for infection if fatigue comes on suddenly during treatment.",
    "Grandchildren's visits are wonderful and exhausting; short visits work better.",
    "We tell people that being tired is not a sign the cancer is back.",
    "Chair-based exercise videos worked for people who could not get to a class.",
    "Alcohol disturbs sleep more than people think.",
    "Social prescribers linked one patient to a walking group; she has not missed one.",
    "Swimming was the one exercise a patient with lymphoedema could enjoy.",
    "We ask the GP to review iron levels in people after bowel surgery.",
    "Energy budgeting with spoon theory makes sense to many patients.",
    "Write things down: cancer-related fatigue affects concentration and memory too.",
    "Blue Badge applications can help people save energy for what matters.",
    "A wheelchair for long trips out let one patient go back to the shops.",
]
FATIGUE_BRANCH = [
    ("gp", "Has anyone used methylphenidate for fatigue in advanced cancer?"),
    ("pharm", "The evidence is weak; we only consider it with the palliative care team."),
    ("cns", "Agreed. Exercise has better evidence than any medicine for this."),
    ("gp", "Useful, thank you. What about dexamethasone short term?"),
    ("pharm", "Sometimes for a few weeks near the end of life, with a plan to stop."),
    ("dn", "We see the side effects at home: sleeplessness and high sugars."),
    ("pharm", "Yes: give it in the morning and check capillary glucose."),
    ("gp", "Morning dosing is a good reminder. Who monitors the sugars?"),
    ("dn", "We do on our visits, and the practice nurse if the person comes in."),
    ("gpn", "We added a glucose check to our steroid review template."),
    ("cns", "Could you share the template? Others would find it useful."),
    ("gpn", "Of course: I'll post it in the Quality improvement board."),
]
FATIGUE_ANSWERS = ["Thank you, that is really practical.", "We do the same and it helps.",
                   "Good reminder. Which leaflet do you use?", "I'll try that in clinic."]
KEYS = ["gpn", "cns", "physio", "ot", "diet", "salt", "gp", "dn", "pharm", "pp"]


def _long_thread_replies() -> list:
    """The replies of the long demo thread, in the shape THREADS uses."""
    branch: list = []
    for key, body in reversed(FATIGUE_BRANCH):
        branch = [(key, body, branch)]
    replies = list(branch)
    for i, tip in enumerate(FATIGUE_TIPS):
        answers = [(KEYS[(i + 3) % len(KEYS)], FATIGUE_ANSWERS[i % 4], [])] if i % 4 == 0 else []
        replies.append((KEYS[i % len(KEYS)], tip, answers))
    return replies


THREADS.append(
    ("cns", "enhanced-supportive-care", None, ["cancer-nurse-specialist", "physiotherapist"],
     "Cancer-related fatigue: what helps your patients?",
     "Fatigue is the symptom people tell us about most, during treatment and long after. "
     "Please share **one thing** that has helped someone you care for, and reply to others' "
     "ideas. Let's build a list we can all use.", 28, _long_thread_replies()))

def _by_slug(model, slug: str):
    return db.session.scalars(select(model).where(model.slug == slug)).one()


def seed_demo() -> bool:
    """Add demo members and threads once; returns False when members already exist."""
    if db.session.scalar(select(User.id).limit(1)) is not None:
        return False
    from forum.discussions import services

    users: dict[str, User] = {}
    now = utcnow()
    # Members joined a few weeks before the oldest discussion, a few days apart.
    oldest = max(t[6] for t in THREADS)
    hashes: dict[str, str] = {}  # scrypt is slow on purpose: once per (printed) demo password
    for n, account in enumerate(DEMO_ACCOUNTS):
        joined = now - timedelta(days=oldest + 14 + 3 * (len(DEMO_ACCOUNTS) - n))
        if account["password"] not in hashes:
            hashes[account["password"]] = generate_password_hash(account["password"])
        user = User(
            email=account["email"], display_name=account["name"],
            password_hash=hashes[account["password"]],
            profession=_by_slug(Profession, account["profession"]),
            alliance=_by_slug(Alliance, account["alliance"]),
            organisation=account["organisation"], bio=account["bio"], role=account["role"],
            status=Status.ACTIVE, email_verified_at=joined, approved_at=joined, created_at=joined,
            approved_post_count=99,
        )
        db.session.add(user)
        users[account["key"]] = user
    db.session.commit()

    for key, board_slug, alliance_slug, profession_slugs, title, body, days, replies in THREADS:
        thread = services.start_thread(
            users[key], board=_by_slug(Board, board_slug), title=title, body=body,
            alliance=_by_slug(Alliance, alliance_slug) if alliance_slug else None,
            professions=[_by_slug(Profession, s) for s in profession_slugs],
        )
        started = now - timedelta(days=days, hours=3)
        stamps = [started]

        def add(parent, items, thread=thread, stamps=stamps):
            for reply_key, reply_body, children in items:
                post = services.reply_to_thread(users[reply_key], thread, body=reply_body,
                                                reply_to=parent)
                stamps.append(post)
                add(post, children)

        add(None, replies)
        _backdate(thread, started, stamps[1:], now)
    from forum.events.seed import seed_events

    seed_events(users, now)
    from forum.qi.seed import seed_qi_demo

    seed_qi_demo(users)
    from forum.members.seed import seed_account_data_demo

    seed_account_data_demo(users)
    from forum.cpd.seed import seed_cpd_demo

    seed_cpd_demo(users, now)
    from forum.newsletter.seed import seed_newsletter

    seed_newsletter(users, now)
    from forum.resources.seed import seed_resources_demo
    from forum.shadowing.seed import seed_shadowing_demo

    seed_resources_demo(users)
    seed_shadowing_demo(users)
    return True


def _backdate(thread, started, replies, now) -> None:
    """Spread a demo thread's posts over the days since it started, so lists look lived-in."""
    from forum.discussions.models import Post, Thread

    span = (now - started) / (len(replies) + 1)
    db.session.execute(update(Post).where(Post.thread_id == thread.id, Post.is_opening)
                       .values(created_at=started))
    last = started
    for i, post in enumerate(replies, start=1):
        last = started + span * i
        db.session.execute(update(Post).where(Post.id == post.id).values(created_at=last))
    db.session.execute(update(Thread).where(Thread.id == thread.id)
                       .values(created_at=started, last_activity_at=last))
    db.session.commit()
    boards = db.session.scalars(select(Board))
    for board in boards:
        latest = db.session.scalars(select(Thread).where(Thread.board_id == board.id)
                                    .order_by(Thread.last_activity_at.desc()).limit(1)).first()
        if latest is not None:
            board.last_activity_at = latest.last_activity_at
            board.last_thread_id = latest.id
    db.session.commit()

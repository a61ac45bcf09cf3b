"""Demo QI write-ups: four realistic projects with data that shows real signals (a shift after
a lasting change, a falling trend, a point beyond the limits) and one replica in another
alliance. Written through the QI services like any member's; the data points are inserted
directly (their entry form belongs to the measures part)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from forum.community.models import Alliance, Profession
from forum.extensions import db
from forum.members.models import User
from forum.qi import cycles, drivers, services, team
from forum.qi.models import DataPoint, Measure, WriteUp


def _month(start: date, n: int) -> date:
    year, month = divmod(start.month - 1 + n, 12)
    return date(start.year + year, month + 1, 1)


HNA_VALUES = [14, 17, 12, 16, 15, 13, 18, 14, 16, 15, 38, 46, 52, 49, 55, 51, 58, 54, 57, 60, 56, 61]
LYMPH_DAYS = [58, 61, 55, 57, 52, 54, 49, 47, 44, 42, 40, 36, 35, 33, 31, 30, 28, 29, 27, 26]
DELIRIUM = [22, 25, 19, 24, 21, 26, 23, 20, 24, 71, 27, 25, 31, 35, 38, 41, 44, 46]
REPLICA = [9, 11, 10, 8, 12, 10, 27, 33, 38, 36, 41, 44]


PROJECTS = [
    {
        "key": "hna", "author": "gpn", "alliance": "north-central-london",
        "professions": ["general-practice-nurse", "gp", "patient-partner"],
        "setting": "general-practice", "status": "sustaining", "start": date(2023, 1, 1),
        "title": "Offering holistic needs assessments at cancer care reviews",
        "summary": "Across the six practices of our GP federation, few people having a cancer care "
                   "review were offered a **holistic needs assessment** (HNA). Adding the HNA to "
                   "the review template and booking a longer appointment took it from about 15% "
                   "to nearly 60%.",
        "background": "People tell us the cancer care review feels like a tick-box exercise. An "
                      "HNA (the Macmillan concerns checklist) helps them raise what matters: "
                      "money, work, fatigue, fear of recurrence. Only about one in seven "
                      "reviews included one.",
        "aim": "Increase the share of people offered an HNA at their cancer care review, across "
               "our 6 practices, from 15% to 60% by March 2025.",
        "results": "After the template change (cycle 2) the chart shows a **shift**: every month "
                   "since has been above the old mean, so the limits were recalculated from "
                   "that point. The new process runs at about 55%.",
        "learning": "The template did more than training. The 20-minute slot mattered to nurses: "
                    "without it, the HNA was the first thing dropped.",
        "replicate_needs": "- An EMIS or SystmOne template you can edit\n- A practice nurse lead "
                           "in each practice\n- The Macmillan concerns checklist (paper or online)",
        "replicate_time": "Ten months; about two hours a week for the lead",
        "replicate_pitfalls": "Do not count an HNA as offered unless it is recorded: our first "
                              "month looked better than it was.",
        "drivers": [("Reviews include an HNA", [
                        ("The template prompts it", ["Add the concerns checklist to the CCR template"]),
                        ("Time to do it", ["Book a 20-minute slot instead of 10"])]),
                    ("People know what an HNA is", [
                        ("Invitation letter explains it",
                         ["Rewrite the invitation with our patient partner"])])],
        "team": [("gp", "Clinical lead", True), ("pp", "Patient partner", False)],
        "measure": ("People offered an HNA at their cancer care review", "process", "%", "up", 60.0,
                    HNA_VALUES, "month"),
        "cycles": [("Rewrite the invitation with our patient partner", "adapt", 8, False,
                    "More people would come expecting to talk about their concerns.",
                    "A few more asked about the checklist, but offers hardly changed."),
                   ("Add the concerns checklist to the CCR template", "adopt", 10, True,
                    "Offers would rise above 40% within two months.",
                    "They rose to 38% in the first month and kept rising: a shift.")],
    },
    {
        "key": "lymph", "author": "physio", "alliance": "north-east-london",
        "professions": ["physiotherapist", "district-or-community-nurse"],
        "setting": "community", "status": "testing", "start": date(2024, 1, 1),
        "title": "An early-referral pathway for lymphoedema in community nursing",
        "summary": "District nurses now refer swelling after breast and gynae cancer surgery "
                   "straight to the community lymphoedema clinic. The wait from referral to first "
                   "assessment fell from about 8 weeks to under 4.",
        "background": "People waited weeks for a GP appointment before being referred, and the "
                      "swelling was often established by the time we saw them.",
        "aim": "Reduce the time from referral to first lymphoedema assessment from 58 days to "
               "28 days by December 2024.",
        "results": "A **trend**: the wait fell week after week once nurses could refer directly.",
        "learning": "A one-page referral form the nurses helped write was used; the longer one was not.",
        "replicate_needs": "Agreement with the clinic to accept nurse referrals; a short form.",
        "replicate_time": "Five months",
        "replicate_pitfalls": "Agree the criteria first, or the clinic is flooded.",
        "drivers": [("Swelling is spotted early", [
                        ("Nurses know the signs", ["Ten-minute teaching at the team huddle"])]),
                    ("Referral is quick", [
                        ("No GP step", ["Direct referral form for district nurses"])])],
        "team": [("dn", "District nurse lead", True), ("ot", "", False)],
        "measure": ("Days from referral to first assessment", "outcome", "days", "down", 28.0,
                    LYMPH_DAYS, "week"),
        "cycles": [("Direct referral form for district nurses", "adopt", 4, False,
                    "Waits would fall by a week within a month.",
                    "Waits fell steadily; the form needed one more box for the affected limb.")],
    },
    {
        "key": "delirium", "author": "dn", "alliance": "rm-partners-west-london",
        "professions": ["district-or-community-nurse"],
        "setting": "community", "status": "testing", "start": date(2023, 6, 1),
        "title": "Delirium screening by district nurses",
        "summary": "Using the 4AT at home visits to people with advanced cancer, so that delirium "
                   "is recognised and its causes treated early.",
        "background": "Delirium at the end of life is common, distressing and often missed at home.",
        "aim": "Screen 60% of people on our palliative caseload with the 4AT at each visit by June 2025.",
        "results": "Screening was steady at about 23% until the 4AT went on the visit template. One "
                   "month stands out beyond the limits: the audit week, when everyone screened.",
        "learning": "An audit week proves people can do it; only a prompt makes it routine.",
        "replicate_needs": "The 4AT (free), ten minutes of teaching, a template prompt.",
        "replicate_time": "A year, so far",
        "replicate_pitfalls": "Do not judge from the audit month: it was special cause.",
        "drivers": [("Nurses screen routinely", [
                        ("A prompt at each visit", ["Add the 4AT to the visit template"]),
                        ("Confidence", ["Teach the 4AT at the team meeting"])])],
        "team": [("mod", "Team lead", True), ("pharm", "Medicines review", False)],
        "measure": ("People screened with the 4AT", "process", "%", "up", 60.0, DELIRIUM, "month"),
        "cycles": [("Teach the 4AT at the team meeting", "adapt", 9, False,
                    "Screening would double.", "It did, for one week (the audit), then fell back."),
                   ("Add the 4AT to the visit template", "adopt", 12, False,
                    "A slow steady rise.", "Rising since.")],
    },
]

REPLICA_OF = "hna"
REPLICA_PROJECT = {
    "key": "hna-nel", "author": "gp", "alliance": "north-east-london",
    "professions": ["gp", "general-practice-nurse"], "setting": "general-practice",
    "status": "testing", "start": date(2024, 3, 1),
    "title": "HNAs at cancer care reviews: a replica in Leyton",
    "summary": "We copied the north central London federation's template change in our PCN. "
               "Offers rose from about 10% to over 40% in six months.",
    "background": "Our PCN's cancer care reviews rarely included a holistic needs assessment.",
    "aim": "Offer an HNA at 50% of cancer care reviews in our PCN by March 2025.",
    "results": "A shift after the template went live, as in the original.",
    "learning": "The original's pitfalls list saved us a month.",
    "replicate_needs": "", "replicate_time": "Six months so far", "replicate_pitfalls": "",
    "drivers": [("Reviews include an HNA", [
                    ("The template prompts it", ["Add the concerns checklist to the CCR template"])])],
    "team": [("gpn", "Advisor from the original project", False)],
    "measure": ("People offered an HNA at their cancer care review", "process", "%", "up", 50.0,
                REPLICA, "month"),
    "cycles": [("Add the concerns checklist to the CCR template", "adopt", 6, True,
                "As in the original, above 30% within two months.", "27% then 33%: a shift.")],
}


def _by_slug(model, slug: str):
    return db.session.scalars(select(model).where(model.slug == slug)).one()


def _project(spec: dict, users: dict[str, User]) -> WriteUp:
    author = users[spec["author"]]
    writeup = services.start_writeup(
        author, title=spec["title"], summary=spec["summary"], background=spec["background"],
        setting=spec["setting"], status=spec["status"], start_date=spec["start"],
        alliance=_by_slug(Alliance, spec["alliance"]),
        professions=[_by_slug(Profession, s) for s in spec["professions"]])
    services.edit_writeup(author, writeup, {name: spec[name] for name in (
        "aim", "results", "learning", "replicate_needs", "replicate_time", "replicate_pitfalls")})
    ideas = {}
    for primary_text, secondaries in spec["drivers"]:
        primary = drivers.add_driver(author, writeup, text=primary_text)
        for secondary_text, change_ideas in secondaries:
            secondary = drivers.add_driver(author, writeup, text=secondary_text, parent=primary)
            for idea in change_ideas:
                ideas[idea] = drivers.add_driver(author, writeup, text=idea, parent=secondary)
    for key, role, coauthor in spec["team"]:
        team.add_team_member(author, writeup, name=users[key].email, role=role, is_coauthor=coauthor)
    name, kind, unit, better, target, values, period_kind = spec["measure"]
    measure = Measure(writeup_id=writeup.id, name=name, kind=kind, unit=unit, better=better,
                      target=target, is_primary=True, chart="spc",
                      definition=f"{name}, counted from the clinical system each {period_kind}.",
                      definition_html=f"<p>{name}, counted from the clinical system each "
                                      f"{period_kind}.</p>")
    db.session.add(measure)
    db.session.flush()
    periods = [(_month(spec["start"], i) if period_kind == "month"
                else spec["start"] + timedelta(weeks=i)) for i in range(len(values))]
    db.session.add_all(DataPoint(measure_id=measure.id, period=p, period_kind=period_kind,
                                 value=float(v)) for p, v in zip(periods, values, strict=True))
    db.session.commit()
    for idea, act, at, rebase, prediction, study in spec["cycles"]:
        cycles.add_cycle(author, writeup, {
            "change_idea": idea, "change_node": ideas.get(idea), "act": act,
            "plan": f"Test “{idea}” for one {period_kind} and count the results.",
            "prediction": prediction, "do": "Done as planned.", "study": study,
            "act_notes": {"adopt": "Adopted: it is how we work now.",
                          "adapt": "Adapted and tested again.",
                          "abandon": "Abandoned."}[act],
            "started_on": periods[at], "ended_on": periods[min(at + 1, len(periods) - 1)],
            "measure": measure, "rebase": rebase})
    return services.publish_writeup(author, writeup)


def seed_qi_demo(users: dict[str, User]) -> None:
    """The four demo write-ups, once (the demo seeds only an empty database)."""
    made = {spec["key"]: _project(spec, users) for spec in PROJECTS}
    original = made[REPLICA_OF]
    replica = _project(REPLICA_PROJECT, users)
    db.session.execute(update(WriteUp).where(WriteUp.id == replica.id)
                       .values(replicated_from_id=original.id))
    db.session.execute(update(WriteUp).where(WriteUp.id == original.id)
                       .values(replica_count=WriteUp.replica_count + 1))
    db.session.commit()

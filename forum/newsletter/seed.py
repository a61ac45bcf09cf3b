"""Demo mailing list: the old list imported (with its consent records), people who signed up
here, members who chose it in their settings or ticked the box when joining, a few waiting to
confirm or unsubscribed; one issue sent three weeks ago and the next one in draft. The people
are invented."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update

from forum.extensions import db
from forum.members.models import User
from forum.newsletter import consent, importing, issues, queries, sending, subscribers
from forum.newsletter.models import Delivery, DeliveryStatus, Issue, IssueStatus, Subscriber

OLD_LIST = [
    ("Grace Mwangi", "grace.mwangi@nhs.net", "2024-10-17", "Macmillan primary care study day, Oct 2024"),
    ("Oliver Brennan", "oliver.brennan@nhs.net", "2024-10-17", "Macmillan primary care study day, Oct 2024"),
    ("Fatima Begum", "fatima.begum@nhs.net", "2024-11-05", "Old Mailchimp sign-up form"),
    ("Chloe Harris", "chloe.harris@nhs.net", "2024-11-21", "Old Mailchimp sign-up form"),
    ("Samuel Osei", "samuel.osei@nhs.net", "2025-01-14", "Webinar registration: cancer care reviews"),
    ("Niamh Kelly", "niamh.kelly@nhs.net", "2025-01-14", "Webinar registration: cancer care reviews"),
    ("Rajesh Patel", "rajesh.patel@nhs.net", "2025-02-03", "Old Mailchimp sign-up form"),
    ("Emily Thornton", "emily.thornton@nhs.net", "2025-03-12", "Sign-up sheet, NCL nurse forum"),
    ("Yusuf Ahmed", "yusuf.ahmed@nhs.net", "2025-03-12", "Sign-up sheet, NCL nurse forum"),
    ("Beatrice Lawson", "beatrice.lawson@example.org", "2025-04-02", "Patient panel, NEL alliance"),
    ("Kwame Asante", "kwame.asante@nhs.net", "2025-05-20", "Old Mailchimp sign-up form"),
    ("Isabel Fernandes", "isabel.fernandes@nhs.net", "2025-06-09", "Webinar registration: prehabilitation"),
    ("Harriet Cole", "harriet.cole@nhs.net", "2025-06-09", "Webinar registration: prehabilitation"),
    ("Leah Goldberg", "leah.goldberg@nhs.net", "2025-07-01", "Old Mailchimp sign-up form"),
    ("Arjun Nair", "arjun.nair@nhs.net", "2025-09-15", "Sign-up sheet, SEL AHP conference"),
    ("Zainab Hussain", "zainab.hussain@nhs.net", "2025-09-15", "Sign-up sheet, SEL AHP conference"),
    ("Peter Lindqvist", "peter.lindqvist@example.org", "2025-10-08", "Charity partners' mailing list"),
    ("Ruby Adams", "ruby.adams@nhs.net", "2025-11-11", "Old Mailchimp sign-up form"),
]
SIGNED_UP_HERE = [
    ("Ella Morgan", "ella.morgan@nhs.net", "District nurse", "Hackney community nursing", "form"),
    ("Thomas Reid", "thomas.reid@nhs.net", "Paramedic", "London Ambulance Service", "home"),
    ("Aisha Bello", "aisha.bello@nhs.net", "Pharmacist", "Haringey PCN", "form"),
    ("Mei Chen", "mei.chen@example.org", "Patient partner", "", "home"),
    ("George Hughes", "george.hughes@nhs.net", "GP", "Brixton Hill Group Practice", "form"),
]
MEMBERS_WHO_CHOSE_IT = ("admin", "gpn", "physio", "ot", "diet", "pp")
MEMBERS_WHO_TICKED_IT_ON_JOINING = ("cns", "dn")  # confirmed by verifying their address


def _import(admin: User) -> None:
    rows = "".join(f'{email},"{name}",{day},"{source}"\n' for name, email, day, source in OLD_LIST)
    importing.import_csv(admin, "email,name,consent_date,consent_source\n" + rows,
                         filename="cancer-cop-list-2025.csv")


def _age(email: str, when: datetime) -> None:
    db.session.execute(update(Subscriber).where(Subscriber.email == email)
                       .values(created_at=when, consent_at=when, confirmed_at=when + timedelta(minutes=7)))


def seed_newsletter(users: dict[str, User], now: datetime) -> None:
    admin = users["admin"]
    _import(admin)
    for n, (name, email, profession, organisation, source) in enumerate(SIGNED_UP_HERE):
        subscribers.sign_up(email=email, name=name, profession=profession,
                            organisation=organisation, source=source, agreed=True)
        subscribers.confirm(subscribers.find(email))
        _age(email, now - timedelta(days=40 - 6 * n))
    for key in MEMBERS_WHO_CHOSE_IT:
        if key in users:
            subscribers.set_member_subscription(users[key], on=True)
    for key in MEMBERS_WHO_TICKED_IT_ON_JOINING:
        if key in users and not subscribers.is_member_subscribed(users[key]):
            subscribers.consent_at_registration(users[key], version=consent.CURRENT)
            subscribers.confirm_verified_member(users[key].id)
    subscribers.sign_up(email="waiting.confirm@nhs.net", name="Kate Dunn", agreed=True)
    for email in ("oliver.brennan@nhs.net", "leah.goldberg@nhs.net"):
        subscribers.unsubscribe(subscribers.find(email), source="link")
    db.session.commit()
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        _sent_issue(admin, now)
        _draft_issue(admin)


def _refs(admin: User, kind: str, n: int, skip: int = 0) -> list[str]:
    return [c.ref for c in queries.candidates(admin)[kind][skip:skip + n]]


def _sent_issue(admin: User, now: datetime) -> None:
    issue = issues.save_issue(
        admin, None, subject="November: cancer care reviews, prehab and a new QI board",
        intro="Welcome to the first newsletter from our new home. Everything the old mailing "
              "list did now happens here, and **you can reply to any discussion** once you "
              "join.\n\nThis month: what practice nurses are learning about cancer care "
              "reviews, the next prehabilitation webinar, and a QI project from Camden.",
        refs=_refs(admin, "thread", 3) + _refs(admin, "event", 2) + _refs(admin, "qi", 1))
    issue.status = IssueStatus.SCHEDULED
    sending.start(issue)
    sent_at = now - timedelta(days=21)
    db.session.execute(update(Delivery).where(Delivery.issue_id == issue.id)
                       .values(status=DeliveryStatus.SENT, started_at=sent_at, sent_at=sent_at))
    issue.started_at = issue.sent_at = issue.scheduled_at = sent_at
    issue.created_at = issue.updated_at = sent_at - timedelta(days=2)
    issue.status = IssueStatus.SENT
    db.session.commit()


def _draft_issue(admin: User) -> Issue:
    return issues.save_issue(
        admin, None, subject="December: supportive care at home, and your winter webinars",
        intro="A short one before the holidays.\n\n- Three webinars in January: sign up now\n"
              "- Tell us what you would like in the next issue: reply in *Introductions*",
        refs=_refs(admin, "thread", 2, skip=3) + _refs(admin, "event", 2, skip=2))

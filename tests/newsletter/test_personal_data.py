"""What the members' data export gets from the newsletter, and what erasure leaves behind."""

from __future__ import annotations

from sqlalchemy import select, text

from forum.extensions import db as _db
from forum.newsletter import importing, issues, personal_data, subscribers
from forum.newsletter.models import ConsentEvent, Delivery, Subscriber
from tests import factories
from tests.newsletter.conftest import draft


def test_export_has_the_subscription_consent_history_and_issues(db, smtp_server, deliver):
    member = factories.member(email="nurse@nhs.net")
    subscribers.set_member_subscription(member, on=True)
    organiser = factories.admin()
    issues.send_now(organiser, draft(organiser))
    deliver()
    data = personal_data.export_member(member)
    assert data["subscribed"] is True
    assert data["subscription"]["email"] == "nurse@nhs.net"
    assert data["subscription"]["consent_text"].startswith("I would like to receive")
    assert [e["action"] for e in data["consent_history"]] == ["given", "confirmed"]
    assert data["issues_sent"] == [{"issue": 1, "subject": "December news from the Cancer CoP",
                                    "status": "sent", "sent_at": data["issues_sent"][0]["sent_at"]}]


def test_export_for_someone_never_subscribed(db):
    assert personal_data.export_member(factories.member())["subscription"] is None


def test_erasure_leaves_no_trace_of_the_address_and_blocks_a_reimport(db, smtp_server, deliver):
    member = factories.member(email="Erase.Me@nhs.net")
    subscribers.set_member_subscription(member, on=True)
    organiser = factories.admin()
    issues.send_now(organiser, draft(organiser))
    deliver()
    personal_data.erase_member(member)
    db.session.commit()
    assert db.session.scalar(select(Subscriber)) is None
    assert db.session.scalar(select(ConsentEvent)) is None
    assert db.session.scalar(select(Delivery)) is None
    for table in _db.metadata.sorted_tables:
        if not table.name.startswith("newsletter_"):
            continue
        for row in db.session.execute(select(table)).all():
            assert "erase.me" not in " ".join(map(str, row)).lower(), table.name
    result = importing.import_csv(organiser, "email,name,consent_date,consent_source\n"
                                             "erase.me@nhs.net,E,2025-01-01,Paper\n")
    assert result.added == 0 and len(result.refused) == 1
    assert db.session.execute(text("select count(*) from newsletter_suppressions")).scalar() == 1

"""The demo's mailing list: realistic subscribers, one sent issue in the archive and a draft."""

from __future__ import annotations

from sqlalchemy import select

from forum.demo import seed_demo
from forum.members.models import User
from forum.newsletter import queries
from forum.newsletter.models import IssueStatus, Subscriber
from tests import factories


def test_demo_has_a_list_a_sent_issue_and_a_draft(client, db):
    assert seed_demo() is True
    counts = queries.list_counts()
    assert counts["subscribed"] >= 25 and counts["pending"] == 1
    assert counts["unsubscribed"] == 2 and counts["suppressed"] == 2
    joined_with_it = db.session.scalars(select(Subscriber).where(Subscriber.source == "register"))
    assert {r.status for r in joined_with_it} == {"subscribed"}  # ticked on joining, verified
    sent, draft = sorted(queries.issues(), key=lambda i: i.id)
    assert sent.status == IssueStatus.SENT and sent.number == 1 and sent.items
    assert queries.progress(sent)["sent"] == sent.recipient_count >= 25
    assert draft.status == IssueStatus.DRAFT and draft.items
    assert client.get("/newsletter/1").status_code == 200
    admin = db.session.scalar(select(User).where(User.email == "ruth.adeyemi@nhs.net"))
    factories.sign_in(client, admin)
    assert client.get(f"/newsletter/manage/issues/{draft.id}/preview").status_code == 200
    assert client.get("/newsletter/manage").status_code == 200

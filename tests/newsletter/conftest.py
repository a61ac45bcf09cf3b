"""Subscribers and issues made through the services."""

from __future__ import annotations

from forum.extensions import db
from forum.newsletter import issues, subscribers
from forum.newsletter.models import Issue, Subscriber
from tests import factories


def subscribed(email: str, name: str = "") -> Subscriber:
    subscribers.sign_up(email=email, name=name, agreed=True)
    row = subscribers.find(email)
    subscribers.confirm(row)
    return row


def many_subscribed(n: int) -> list[str]:
    """`n` confirmed subscribers, made in one go (the confirmation emails are not needed)."""
    addresses = [f"reader{i}@example.org" for i in range(n)]
    for address in addresses:
        row = subscribers.new_subscriber(address, status="subscribed", source="import")
        db.session.add(row)
    db.session.commit()
    return addresses


def draft(organiser, **kw) -> Issue:
    """A draft with an introduction and a public and a members-only discussion."""
    public = factories.thread(organiser, board=factories.board("introductions"),
                              title="Hello from Lewisham district nurses")
    private = factories.thread(organiser, board=factories.board("clinical-leadership"),
                               title="Running a nurse-led cancer care review clinic",
                               body="Private detail: our clinic template lives here.")
    kw.setdefault("subject", "December news from the Cancer CoP")
    kw.setdefault("intro", "Welcome to **December**. Three webinars are coming up.")
    kw.setdefault("refs", [f"thread:{public.id}", f"thread:{private.id}"])
    return issues.save_issue(organiser, None, **kw)

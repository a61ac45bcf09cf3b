"""Shadowing's state machine: interest, accept or decline, places, expiry, the visit done
by both (one outbox row each, once), withdrawing, and moderators hiding."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.notify.models import Notification, OutboxMessage
from forum.shadowing import policy, queries, services
from forum.shadowing.models import InterestStatus, OfferKind
from tests import factories
from tests.shadowing.helpers import offer


def _interest(member, posted, message="I am a GPN and would love to see the clinic."):
    return services.express_interest(member, posted, message=message)


def test_interest_tells_the_author_and_hides_contact_until_accepted(db):
    host, visitor = factories.member(), factories.member()
    posted = offer(host, contact_details="Bleep 1234")
    interest = _interest(visitor, posted)
    assert interest.status == InterestStatus.PENDING
    assert not policy.can_see_contact(visitor, interest) and not policy.can_see_contact(host, interest)
    assert db.session.scalars(select(Notification.user_id)).all() == [host.id]
    services.accept_interest(host, interest)
    assert policy.can_see_contact(visitor, interest) and policy.can_see_contact(host, interest)
    assert not policy.can_see_contact(factories.member(), interest)
    assert posted.accepted_count == 1


def test_only_the_author_answers(db):
    host, visitor = factories.member(), factories.member()
    interest = _interest(visitor, offer(host))
    for actor in (visitor, factories.member(), factories.moderator()):
        with pytest.raises((PermissionDenied, NotFound)):
            services.accept_interest(actor, interest)


def test_an_offer_closes_when_full(db):
    host = factories.member()
    posted = offer(host, places=1)
    first = _interest(factories.member(), posted)
    second = _interest(factories.member(), posted)
    services.accept_interest(host, first)
    assert posted.is_full and not posted.is_open(services.london_today())
    with pytest.raises(InvalidInput, match="Every place is taken"):
        services.accept_interest(host, second)
    with pytest.raises(InvalidInput, match="closed"):
        _interest(factories.member(), posted)
    assert queries.listing(host, today=services.london_today())[0] == []


def test_an_expired_offer_leaves_the_list_and_takes_no_interest(db):
    host = factories.member()
    posted = offer(host, days=1)
    later = services.london_today() + timedelta(days=2)
    assert queries.listing(host, today=later)[0] == []
    with pytest.raises(InvalidInput):
        services.express_interest(factories.member(), posted, message="Hello", today=later)


def test_dates_places_and_messages_are_checked(db):
    host = factories.member()
    today = services.london_today()
    for change, field in (({"expires_on": today - timedelta(days=1)}, "expires_on"),
                          ({"expires_on": today + timedelta(days=400)}, "expires_on"),
                          ({"places": 0}, "places"), ({"title": "  "}, "title")):
        data = services.OfferInput(kind=OfferKind.OFFER, title="Clinic", expires_on=today, places=1)
        for key, value in change.items():
            setattr(data, key, value)
        with pytest.raises(InvalidInput) as refused:
            services.create_offer(host, data, today=today)
        assert refused.value.field == field
    with pytest.raises(InvalidInput) as refused:
        _interest(factories.member(), offer(host), message="   ")
    assert refused.value.field == "message"


def test_a_request_is_for_one(db):
    asked = offer(factories.member(), kind=OfferKind.REQUEST, places=5)
    assert asked.places == 1


def test_no_interest_in_your_own_offer_or_twice(db):
    host, visitor = factories.member(), factories.member()
    posted = offer(host)
    with pytest.raises(PermissionDenied):
        _interest(host, posted)
    _interest(visitor, posted)
    with pytest.raises(InvalidInput, match="already"):
        _interest(visitor, posted)


def test_both_mark_done_then_one_outbox_row_each_once(db):
    host, visitor = factories.member(), factories.member()
    posted = offer(host, title="Hospice day unit")
    interest = _interest(visitor, posted)
    services.accept_interest(host, interest)
    day = services.london_today() - timedelta(days=1)
    services.mark_visit_done(visitor, interest, visit_date=day, hours=3.5)
    assert interest.completed_at is None
    assert db.session.scalar(select(OutboxMessage.id).where(
        OutboxMessage.topic == "shadowing.completed")) is None
    services.mark_visit_done(host, interest, visit_date=day, hours=4)
    services.mark_visit_done(host, interest, visit_date=day, hours=4)  # again: no more rows
    rows = db.session.scalars(select(OutboxMessage.payload).where(
        OutboxMessage.topic == "shadowing.completed").order_by(OutboxMessage.id)).all()
    assert rows == [
        {"user_id": host.id, "visit_id": interest.id, "title": "Shadowing: Hospice day unit",
         "date": day.isoformat(), "hours": 4.0},
        {"user_id": visitor.id, "visit_id": interest.id, "title": "Shadowing: Hospice day unit",
         "date": day.isoformat(), "hours": 4.0}]


def test_a_visit_not_accepted_or_in_the_future_cannot_be_done(db):
    host, visitor = factories.member(), factories.member()
    interest = _interest(visitor, offer(host))
    today = services.london_today()
    with pytest.raises(InvalidInput):
        services.mark_visit_done(visitor, interest, visit_date=today, hours=2)
    services.accept_interest(host, interest)
    with pytest.raises(InvalidInput) as refused:
        services.mark_visit_done(visitor, interest, visit_date=today + timedelta(days=1), hours=2)
    assert refused.value.field == "visit_date"
    with pytest.raises(InvalidInput) as refused:
        services.mark_visit_done(visitor, interest, visit_date=today, hours=0)
    assert refused.value.field == "hours"
    with pytest.raises(NotFound):
        services.mark_visit_done(factories.member(), interest, visit_date=today, hours=2)


def test_withdrawing_an_accepted_interest_gives_the_place_back(db):
    host, visitor = factories.member(), factories.member()
    posted = offer(host, places=1)
    interest = _interest(visitor, posted)
    services.accept_interest(host, interest)
    services.withdraw_interest(visitor, interest)
    db.session.refresh(posted)
    assert posted.accepted_count == 0 and posted.is_open(services.london_today())
    again = _interest(visitor, posted, message="Sorry, I can come after all.")
    assert again.id == interest.id and again.status == InterestStatus.PENDING


def test_a_declined_member_cannot_ask_again(db):
    host, visitor = factories.member(), factories.member()
    posted = offer(host)
    services.decline_interest(host, _interest(visitor, posted))
    with pytest.raises(InvalidInput):
        _interest(visitor, posted)


def test_moderators_hide_an_offer_like_a_post(db):
    host, moderator, other = factories.member(), factories.moderator(), factories.member()
    posted = offer(host)
    with pytest.raises(PermissionDenied):
        services.hide_offer(other, posted, reason="spam")
    services.hide_offer(moderator, posted, reason="Advertising a private service")
    assert not policy.can_view(other, posted)
    assert policy.can_view(host, posted) and policy.can_view(moderator, posted)
    today = services.london_today()
    assert queries.listing(other, today=today)[0] == []
    assert queries.listing(moderator, today=today, everything=True)[0] == [posted]
    services.unhide_offer(moderator, posted)
    assert policy.can_view(other, posted)


def test_visitors_and_suspended_members_cannot_use_shadowing(db):
    from forum.members.models import Status

    posted = offer(factories.member())
    assert not policy.can_view(None, posted)
    suspended = factories.member(status=Status.SUSPENDED)
    assert not policy.can_view(suspended, posted)
    with pytest.raises(PermissionDenied):
        offer(suspended)

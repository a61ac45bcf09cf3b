"""The newsletter box on the registration form: the consent is recorded with the wording shown,
and verifying the email address is the double opt-in (issue 15, one source of truth)."""

from __future__ import annotations

import html

from sqlalchemy import func, select

from forum.extensions import db
from forum.members.models import User
from forum.newsletter import consent, subscribers
from forum.newsletter.models import ConsentEvent, Subscriber
from tests import factories
from tests.auth.conftest import link_in

EMAIL = "amara.okafor@nhs.net"


def _join_and_verify(client, db, smtp_server, deliver, data: dict) -> User:
    assert client.post("/register", data=data).status_code == 200
    deliver()
    [message] = smtp_server.to(EMAIL)  # the verification email only: no second confirmation
    path = link_in(message, "/verify/")
    assert client.post(path).status_code == 200
    deliver()  # members.email_verified reaches the newsletter
    return db.session.scalars(select(User).where(func.lower(User.email) == EMAIL)).one()


def _events(row: Subscriber) -> list[tuple[str, str]]:
    return [(e.action, e.consent_version) for e in db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.subscriber_id == row.id).order_by(ConsentEvent.id))]


def test_the_box_shows_the_exact_consent_wording(client, db):
    page = html.unescape(client.get("/register").get_data(as_text=True))
    assert f'<div class="hint" id="newsletter-hint">{consent.current_text()}</div>' in page
    assert 'aria-describedby="newsletter-hint"' in page
    assert f'name="newsletter_version" type="hidden" value="{consent.CURRENT}"' in page


def test_ticked_box_is_pending_until_the_address_is_verified(client, db, registration,
                                                             smtp_server, deliver):
    client.post("/register", data=registration(newsletter="y", newsletter_version=consent.CURRENT))
    row = subscribers.find(EMAIL)
    assert (row.status, row.source, row.consent_version) == ("pending", "register", consent.CURRENT)
    assert row.consent_text == consent.current_text() and row.user_id is not None
    deliver()
    [message] = smtp_server.to(EMAIL)  # the account's verification is the only email
    assert message["Subject"].startswith("Confirm your email address")


def test_ticked_then_verified_is_a_confirmed_subscriber(client, db, registration, smtp_server,
                                                       deliver):
    user = _join_and_verify(client, db, smtp_server, deliver,
                            registration(newsletter="y", newsletter_version=consent.CURRENT))
    row = subscribers.find_for_member(user)
    assert (row.status, row.user_id, row.consent_version) == ("subscribed", user.id, consent.CURRENT)
    assert row.consent_text == consent.current_text() and row.confirmed_at is not None
    assert _events(row) == [("given", consent.CURRENT), ("confirmed", consent.CURRENT)]
    assert subscribers.is_member_subscribed(user)


def test_unticked_box_records_nothing(client, db, registration, smtp_server, deliver):
    user = _join_and_verify(client, db, smtp_server, deliver, registration())
    assert subscribers.find_for_member(user) is None
    assert db.session.scalar(select(func.count()).select_from(Subscriber)) == 0


def test_an_unknown_wording_version_records_the_current_one(client, db, registration):
    client.post("/register", data=registration(newsletter="y", newsletter_version="made-up"))
    assert subscribers.find(EMAIL).consent_version == consent.CURRENT


def test_someone_else_registering_a_taken_address_records_no_consent(client, db, registration):
    factories.member(email=EMAIL)
    client.post("/register", data=registration(newsletter="y", newsletter_version=consent.CURRENT))
    assert subscribers.find(EMAIL) is None


def test_an_address_already_on_the_list_stays_as_it_was(client, db, registration, smtp_server,
                                                        deliver):
    row = subscribers.new_subscriber(EMAIL, status="subscribed", source="form")
    db.session.commit()
    user = _join_and_verify(client, db, smtp_server, deliver,
                            registration(newsletter="y", newsletter_version=consent.CURRENT))
    db.session.refresh(row)
    assert (row.status, row.source, row.user_id) == ("subscribed", "form", user.id)


def test_verifying_twice_over_the_outbox_changes_nothing(client, db, registration, smtp_server,
                                                         deliver):
    user = _join_and_verify(client, db, smtp_server, deliver,
                            registration(newsletter="y", newsletter_version=consent.CURRENT))
    assert subscribers.confirm_verified_member(user.id) is None  # already confirmed
    assert [a for a, _ in _events(subscribers.find(EMAIL))] == ["given", "confirmed"]

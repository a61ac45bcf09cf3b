"""Joining and leaving the list: double opt-in through a real SMTP server, the consent record,
one-click unsubscribing without a session, suppressions, members' settings and bounces."""

from __future__ import annotations

import re

from sqlalchemy import select

from forum.newsletter import consent, subscribers
from forum.newsletter.models import ConsentEvent, Subscriber, Suppression
from tests import factories

LINK = re.compile(r"http://forum\.test(/newsletter/confirm/\S+)")


def _sign_up(client, email="ann.lee@example.org", **extra):
    data = {"email": email, "name": "Ann Lee", "profession": "Dietitian",
            "organisation": "Macmillan", "agree": "y", **extra}
    return client.post("/newsletter", data=data)


def _confirm_link(smtp_server, deliver, email="ann.lee@example.org") -> str:
    deliver()
    message = smtp_server.wait_for(1)[-1]
    assert message["To"] == email
    return LINK.search(message.get_body(("plain",)).get_content()).group(1)


def test_double_opt_in_end_to_end_records_the_consent(client, db, smtp_server, deliver):
    response = _sign_up(client)
    assert response.status_code == 303
    row = subscribers.find("ANN.LEE@example.org")
    assert row.status == "pending" and row.confirmed_at is None
    assert row.consent_version == consent.CURRENT and row.consent_text == consent.current_text()
    assert row.source == "form" and row.consent_at is not None

    link = _confirm_link(smtp_server, deliver)
    page = client.get(link)
    assert page.status_code == 200 and b"confirm-subscription" in page.data
    db.session.expire_all()
    assert subscribers.find("ann.lee@example.org").status == "pending", "a GET confirms nothing"

    done = client.post(link)
    assert b"You are subscribed" in done.data
    db.session.expire_all()
    row = subscribers.find("ann.lee@example.org")
    assert row.status == "subscribed" and row.confirmed_at >= row.consent_at
    actions = [e.action for e in db.session.scalars(
        select(ConsentEvent).where(ConsentEvent.subscriber_id == row.id).order_by(ConsentEvent.id))]
    assert actions == ["given", "confirmed"]
    assert client.post(link).status_code == 404, "a used link does not work again"


def test_the_sign_up_page_shows_the_exact_wording(client, db):
    page = client.get("/newsletter")
    assert consent.current_text().encode() in page.data


def test_home_box_records_its_source_and_shows_the_wording(client, db, smtp_server):
    assert consent.current_text().encode() in client.get("/").data
    _sign_up(client, **{"from": "home"})
    assert subscribers.find("ann.lee@example.org").source == "home"


def test_sign_up_without_agreeing_keeps_what_was_typed(client, db):
    response = _sign_up(client, agree="")
    assert response.status_code == 400
    assert b"Tick the box to say you agree" in response.data
    assert b'value="ann.lee@example.org"' in response.data
    assert subscribers.find("ann.lee@example.org") is None


def test_bad_email_is_refused_beside_the_field(client, db):
    response = _sign_up(client, email="not an address")
    assert response.status_code == 400 and b"correct format" in response.data


def test_forged_or_tampered_confirmation_links_are_refused(client, db, smtp_server, deliver):
    _sign_up(client)
    link = _confirm_link(smtp_server, deliver)
    assert client.get(link[:-3] + "abc").status_code == 404
    assert client.post("/newsletter/confirm/forged.token.here").status_code == 404
    db.session.expire_all()
    assert subscribers.find("ann.lee@example.org").status == "pending"


def test_only_the_latest_link_works_after_signing_up_twice(client, db, smtp_server, deliver):
    _sign_up(client)
    first = _confirm_link(smtp_server, deliver)
    _sign_up(client)
    deliver()
    second = LINK.search(smtp_server.wait_for(2)[-1].get_body(("plain",)).get_content()).group(1)
    assert first != second
    assert client.post(second).status_code == 200


def _subscribed(email="ann.lee@example.org") -> Subscriber:
    subscribers.sign_up(email=email, name="Ann", agreed=True)
    row = subscribers.find(email)
    subscribers.confirm(row)
    return row


def test_one_click_unsubscribe_without_a_session_or_csrf(app, db):
    row = _subscribed()
    token = subscribers.unsubscribe_token(row)
    fresh = app.test_client()  # no cookies at all, as a mail system posts
    response = fresh.post(f"/newsletter/unsubscribe/{token}",
                          data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"You are unsubscribed" in response.data
    db.session.expire_all()
    row = subscribers.find("ann.lee@example.org")
    assert row.status == "unsubscribed" and row.unsubscribed_at is not None
    assert subscribers.is_suppressed("Ann.Lee@example.org")
    last = db.session.scalars(select(ConsentEvent).where(ConsentEvent.subscriber_id == row.id)
                              .order_by(ConsentEvent.id.desc())).first()
    assert (last.action, last.source) == ("withdrawn", "one-click")


def test_unsubscribe_get_asks_first(client, db):
    row = _subscribed()
    page = client.get(f"/newsletter/unsubscribe/{subscribers.unsubscribe_token(row)}")
    assert b"confirm-unsubscribe" in page.data
    db.session.expire_all()
    assert subscribers.find("ann.lee@example.org").status == "subscribed"


def test_forged_or_tampered_unsubscribe_tokens_are_refused(client, db):
    row = _subscribed()
    token = subscribers.unsubscribe_token(row)
    other_kind = f"{row.key}.replies"  # a notify link's shape is not a newsletter link
    for bad in (token[:-1] + ("0" if token[-1] != "0" else "1"), "x" * 32 + "." + "0" * 32,
                other_kind, "preview", token.split(".")[0]):
        assert client.post(f"/newsletter/unsubscribe/{bad}").status_code == 404, bad
    db.session.expire_all()
    assert subscribers.find("ann.lee@example.org").status == "subscribed"


def test_signing_up_again_after_unsubscribing_needs_a_fresh_confirmation(client, db, smtp_server,
                                                                          deliver):
    row = _subscribed()
    subscribers.unsubscribe(row)
    _sign_up(client)
    db.session.expire_all()
    assert subscribers.find("ann.lee@example.org").status == "pending"
    assert subscribers.is_suppressed("ann.lee@example.org"), "still suppressed until confirmed"
    client.post(_confirm_link(smtp_server, deliver))
    assert not subscribers.is_suppressed("ann.lee@example.org")


def test_member_subscribes_and_unsubscribes_in_one_click(client, db):
    member = factories.member(email="nurse@nhs.net")
    factories.sign_in(client, member)
    page = client.get("/account")
    assert b"newsletter-start" in page.data and consent.current_text().encode() in page.data
    assert client.post("/newsletter/settings", data={"subscribe": "1"}).status_code == 303
    row = subscribers.find("nurse@nhs.net")
    assert row.status == "subscribed" and row.source == "settings" and row.user_id == member.id
    assert b"newsletter-stop" in client.get("/account").data
    client.post("/newsletter/settings", data={"subscribe": "0"})
    db.session.expire_all()
    assert subscribers.find("nurse@nhs.net").status == "unsubscribed"
    assert subscribers.is_suppressed("nurse@nhs.net")


def test_member_settings_need_sign_in(client, db):
    assert client.post("/newsletter/settings", data={"subscribe": "1"}).status_code in (302, 303)
    assert db.session.scalar(select(Subscriber)) is None


def test_repeated_bounces_suppress_the_address(db):
    _subscribed()
    for _ in range(3):
        subscribers.record_bounce("ann.lee@example.org")
    db.session.commit()
    row = subscribers.find("ann.lee@example.org")
    assert row.status == "unsubscribed"
    assert db.session.get(Suppression, subscribers.email_hash("ann.lee@example.org")).reason == "bounced"

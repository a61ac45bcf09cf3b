"""The approval list: who waits, who may decide, and what a decision leaves behind."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.members.models import Status
from forum.moderation.models import AuditEntry
from tests import factories


@pytest.fixture
def moderator_client(client, db, auth):
    moderator = factories.moderator(display_name="Mo Derator")
    auth.login(moderator.email)
    client.moderator = moderator
    return client


def test_lists_verified_applicants_with_their_details(moderator_client, db):
    waiting = factories.applicant(display_name="Sam Reid", email="sam@example.org",
                                  organisation="Macmillan Buddies", alliance_slug="south-east-london")
    unverified = factories.member(status=Status.PENDING, email_verified_at=None,
                                  display_name="Not Confirmed")
    page = moderator_client.get("/members/approvals")
    assert page.status_code == 200
    text = page.data.decode().replace("<wbr>", "")  # an address may wrap after its @
    assert f'id="applicant-{waiting.id}"' in text
    for detail in ("Sam Reid", "sam@example.org", "Patient partner", "South East London",
                   "Macmillan Buddies", f'id="approve-{waiting.id}"', f'id="reject-{waiting.id}"'):
        assert detail in text
    assert f'id="applicant-{unverified.id}"' not in text


def test_empty_list_says_so(moderator_client):
    assert b"Nobody is waiting for approval" in moderator_client.get("/members/approvals").data


@pytest.mark.parametrize("role", ["member", "suspended_moderator"])
def test_others_get_403(client, db, auth, role):
    user = (factories.member() if role == "member"
            else factories.moderator(status=Status.SUSPENDED))
    applicant = factories.applicant()
    auth.login(user.email)
    assert client.get("/members/approvals").status_code == 403
    assert client.post(f"/members/approvals/{applicant.id}/approve").status_code == 403
    assert client.post(f"/members/approvals/{applicant.id}/reject").status_code == 403
    db.session.refresh(applicant)
    assert applicant.status == Status.PENDING


def test_visitors_are_sent_to_sign_in(client, db):
    applicant = factories.applicant()
    assert client.get("/members/approvals").headers["Location"].startswith("/login")
    client.post(f"/members/approvals/{applicant.id}/approve")
    db.session.refresh(applicant)
    assert applicant.status == Status.PENDING


def test_approve_activates_audits_and_emails(moderator_client, db, smtp_server, deliver):
    applicant = factories.applicant(email="sam@example.org")
    response = moderator_client.post(f"/members/approvals/{applicant.id}/approve",
                                     follow_redirects=True)
    assert b"has been approved" in response.data
    db.session.refresh(applicant)
    assert applicant.status == Status.ACTIVE
    assert applicant.approved_by_id == moderator_client.moderator.id
    assert applicant.approved_at is not None
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.actor_id, entry.action, entry.target_type, entry.target_id) == (
        moderator_client.moderator.id, "approve_member", "user", applicant.id)
    deliver()
    [message] = smtp_server.to("sam@example.org")
    assert "account is ready" in message["Subject"]
    assert "http://forum.test/login" in message.get_content()


def test_reject_closes_the_account_audits_and_emails(moderator_client, db, smtp_server, deliver, app):
    applicant = factories.applicant(email="spam@example.org")
    moderator_client.post(f"/members/approvals/{applicant.id}/reject",
                          data={"reason": "Not working in cancer care."})
    db.session.refresh(applicant)
    assert applicant.status == Status.REJECTED
    entry = db.session.scalars(select(AuditEntry)).one()
    assert (entry.action, entry.target_type, entry.target_id, entry.reason) == (
        "reject_member", "user", applicant.id, "Not working in cancer care.")
    deliver()
    [message] = smtp_server.to("spam@example.org")
    assert "Not working in cancer care." in message.get_content()
    other = app.test_client()
    refused = other.post("/login", data={"email": applicant.email, "password": factories.PASSWORD})
    assert b"was not approved" in refused.data


@pytest.mark.parametrize("status", [Status.ACTIVE, Status.REJECTED])
def test_only_people_waiting_can_be_decided(moderator_client, db, status):
    person = factories.member(status=status)
    response = moderator_client.post(f"/members/approvals/{person.id}/approve", follow_redirects=True)
    assert b"is not waiting for approval" in response.data
    db.session.refresh(person)
    assert person.status == status
    assert db.session.scalars(select(AuditEntry)).first() is None


def test_unverified_people_cannot_be_approved(moderator_client, db):
    person = factories.member(status=Status.PENDING, email_verified_at=None)
    moderator_client.post(f"/members/approvals/{person.id}/approve")
    db.session.refresh(person)
    assert person.status == Status.PENDING


def test_unknown_member_is_404(moderator_client):
    assert moderator_client.post("/members/approvals/999999/approve").status_code == 404


def test_decisions_are_post_only(moderator_client, db):
    applicant = factories.applicant()
    assert moderator_client.get(f"/members/approvals/{applicant.id}/approve").status_code == 405


def test_oversized_rejection_note_is_refused(moderator_client, db):
    applicant = factories.applicant()
    response = moderator_client.post(f"/members/approvals/{applicant.id}/reject",
                                     data={"reason": "x" * 1001}, follow_redirects=True)
    assert b"1,000 characters or fewer" in response.data
    db.session.refresh(applicant)
    assert applicant.status == Status.PENDING


def test_same_number_of_queries_for_1_and_20_applicants(moderator_client, db, count_queries):
    factories.applicant()
    with count_queries() as one:
        assert moderator_client.get("/members/approvals").status_code == 200
    for _ in range(19):
        factories.applicant()
    with count_queries() as twenty:
        page = moderator_client.get("/members/approvals")
    assert page.data.count(b'id="applicant-') == 20
    assert one.count == twenty.count

"""Joining: the form, verification by email, approval, and what the pages never reveal."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from forum.auth.services import is_approved_domain
from forum.members.models import Status, User
from forum.passwords import TOO_COMMON, TOO_PERSONAL
from tests import factories
from tests.auth.conftest import STRONG, link_in


def _user(db, email: str) -> User:
    return db.session.scalars(select(User).where(func.lower(User.email) == email.lower())).one()


def _verify(client, message) -> object:
    path = link_in(message, "/verify/")
    page = client.get(path)
    assert page.status_code == 200
    assert b'id="verify-submit"' in page.data
    return client.post(path)


def test_nhs_address_becomes_active_on_verification(client, db, registration, smtp_server, deliver,
                                                    auth):
    response = client.post("/register", data=registration())
    assert response.status_code == 200
    assert b"Check your email" in response.data
    user = _user(db, "amara.okafor@nhs.net")
    assert user.status == Status.PENDING and user.email_verified_at is None
    assert user.password_hash.startswith("scrypt:")
    assert user.organisation == "Hackney Community Nursing"

    deliver()
    [message] = smtp_server.to("amara.okafor@nhs.net")
    assert message["Subject"].startswith("Confirm your email address")
    verified = _verify(client, message)
    assert b"Your account is ready" in verified.data

    db.session.refresh(user)
    assert user.status == Status.ACTIVE and user.email_verified_at is not None
    signed_in = auth.login("amara.okafor@nhs.net", STRONG)
    assert signed_in.status_code == 302


def test_other_address_waits_for_a_moderator_then_can_sign_in(app, client, db, registration,
                                                              smtp_server, deliver, auth):
    client.post("/register", data=registration(email="Sam.Patient@gmail.com",
                                               display_name="Sam Reid"))
    deliver()
    verified = _verify(client, smtp_server.to("Sam.Patient@gmail.com")[0])
    assert b"Waiting for a moderator" in verified.data
    user = _user(db, "sam.patient@gmail.com")
    assert user.status == Status.PENDING and user.email_verified_at is not None

    refused = auth.login("Sam.Patient@gmail.com", STRONG)
    assert refused.status_code == 200
    assert b"waiting for a moderator" in refused.data

    moderator = factories.moderator()
    mod_client = app.test_client()
    mod_client.post("/login", data={"email": moderator.email, "password": factories.PASSWORD})
    approved = mod_client.post(f"/members/approvals/{user.id}/approve")
    assert approved.status_code == 302
    deliver()
    assert "approved" in smtp_server.to("Sam.Patient@gmail.com")[-1].get_content()

    assert auth.login("Sam.Patient@gmail.com", STRONG).status_code == 302


@pytest.mark.parametrize(("email", "approved"), [
    ("a@nhs.net", True), ("a@NHS.UK", True), ("a@gstt.nhs.uk", True),
    ("a@evilnhs.net", False), ("a@nhs.net.example.com", False), ("a@gmail.com", False),
])
def test_approved_domains_include_subdomains_only(app, email, approved):
    with app.app_context():
        assert is_approved_domain(email) is approved


def test_duplicate_email_in_another_case_looks_the_same_and_emails_the_owner(
        client, db, registration, smtp_server, deliver):
    first = client.post("/register", data=registration(email="Amara.Okafor@nhs.net"))
    second = client.post("/register", data=registration(email="AMARA.OKAFOR@NHS.NET",
                                                        display_name="Someone Else"))
    assert second.status_code == first.status_code == 200
    assert (second.data.replace(b"AMARA.OKAFOR@NHS.NET", b"X")
            == first.data.replace(b"Amara.Okafor@nhs.net", b"X"))
    count = db.session.scalar(select(func.count()).select_from(User).where(
        func.lower(User.email) == "amara.okafor@nhs.net"))
    assert count == 1

    deliver()
    subjects = [m["Subject"] for m in smtp_server.messages]
    assert len(subjects) == 2
    notice = smtp_server.messages[1]
    assert notice["To"] == "Amara.Okafor@nhs.net"  # the owner's address, as they registered it
    assert "Someone tried to register with your address" in notice.get_content()
    assert "/forgot-password" in notice.get_content()


def test_the_database_refuses_a_second_account_in_another_case(db):
    from forum.auth.services import EmailInUse, add_member

    factories.member(email="Dup@nhs.net")
    with pytest.raises(EmailInUse) as raised:
        add_member(email="dup@NHS.net", display_name="Another", password_hash="x")
    assert raised.value.field == "email"


@pytest.mark.parametrize(("password", "message"), [
    ("short one", b"Your password must be at least 10 characters"),
    ("qwertyuiop", TOO_COMMON.encode()),
    ("password123", TOO_COMMON.encode()),
    ("amara.okafor is me", TOO_PERSONAL.encode()),
    ("I am Amara Okafor!", TOO_PERSONAL.encode()),
])
def test_weak_passwords_are_refused_beside_the_field_keeping_other_fields(
        client, db, registration, password, message):
    from markupsafe import escape

    data = registration(password=password)
    response = client.post("/register", data=data)
    assert response.status_code == 200
    page = response.data.decode()
    assert 'id="password-error"' in page
    assert str(escape(message.decode())) in page
    assert 'value="Amara Okafor"' in page
    assert 'value="amara.okafor@nhs.net"' in page
    assert 'value="Hackney Community Nursing"' in page
    assert f'<option selected value="{data["profession"]}">' in page
    assert f'value="{password}"' not in page  # passwords are never sent back
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_mismatched_confirmation_is_refused(client, db, registration):
    response = client.post("/register", data=registration(confirm="something else entirely"))
    assert b'id="confirm-error"' in response.data
    assert b"The passwords do not match" in response.data


def test_empty_form_shows_every_message(client, db):
    response = client.post("/register", data={})
    assert response.status_code == 200
    for text in (b"Enter your email address", b"Enter a display name", b"Enter a password",
                 b"Select your profession", b"Select the cancer alliance you work in"):
        assert text in response.data
    assert b"There is a problem" in response.data


@pytest.mark.parametrize("field", ["profession", "alliance"])
@pytest.mark.parametrize("value", ["999999", "abc", "-1", "1.5"])
def test_unknown_profession_or_alliance_is_refused(client, db, registration, field, value):
    response = client.post("/register", data=registration(**{field: value}))
    assert response.status_code == 200
    assert f'id="{field}-error"'.encode() in response.data
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_malformed_email_is_refused(client, db, registration):
    response = client.post("/register", data=registration(email="not an address"))
    assert b"Enter an email address in the correct format" in response.data


def test_oversized_fields_are_refused(client, db, registration):
    response = client.post("/register", data=registration(display_name="x" * 81,
                                                          organisation="y" * 161))
    assert b'id="display_name-error"' in response.data
    assert b'id="organisation-error"' in response.data
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_null_bytes_are_removed_before_saving(client, db, registration):
    client.post("/register", data=registration(display_name="Amara\x00 Okafor",
                                               organisation="Hack\x00ney"))
    user = _user(db, "amara.okafor@nhs.net")
    assert user.display_name == "Amara Okafor"
    assert user.organisation == "Hackney"


HOSTILE_BODIES = [
    b"email=a%00b%40nhs.net&display_name=%00%00&password=%00&confirm=%00&profession=%00&alliance=%00",
    b"email=%FF%FE%40nhs.net&display_name=%C3%28&password=%ED%A0%80abcdefghij"
    b"&confirm=%ED%A0%80abcdefghij&organisation=%F0%28%8C%BC",
    b"email=\xff\xfe@nhs.net&display_name=\xc3\x28\x00&password=\xed\xa0\x80&profession=\xff",
    b"email=x%40nhs.net&display_name=%EF%BF%BE%EF%BF%BF&password=%E2%80%AE" + b"a" * 20,
]


@pytest.mark.parametrize("path", ["/register", "/login", "/forgot-password", "/verify/resend"])
@pytest.mark.parametrize("body", HOSTILE_BODIES)
def test_null_bytes_and_invalid_unicode_never_500(client, db, path, body):
    response = client.post(path, data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500
    assert b"Traceback" not in response.data


def test_signed_in_member_visiting_register_goes_home(client, db, auth):
    user = factories.member()
    auth.login(user.email)
    assert client.get("/register").status_code == 302


# --- the community guidelines -------------------------------------------------------------

def test_joining_needs_the_community_guidelines_accepted_and_keeps_what_was_typed(client, db,
                                                                                  registration):
    data = registration()
    del data["accept_guidelines"]
    response = client.post("/register", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Confirm that you have read the community guidelines and will follow them" in html
    assert 'href="#accept_guidelines"' in html  # the error summary leads to the checkbox
    assert 'value="Hackney Community Nursing"' in html
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_registration_form_links_to_the_guidelines(client, db):
    html = client.get("/register").get_data(as_text=True)
    assert 'href="/community-guidelines"' in html and 'name="accept_guidelines"' in html


def test_when_a_member_accepted_the_guidelines_is_recorded(client, db, registration):
    from forum.db import utcnow

    before = utcnow()
    client.post("/register", data=registration())
    accepted = _user(db, "amara.okafor@nhs.net").guidelines_accepted_at
    assert accepted is not None and before <= accepted <= utcnow()


def test_the_service_refuses_a_member_who_did_not_accept(db):
    from forum.auth.services import register_member
    from forum.errors import InvalidInput

    with pytest.raises(InvalidInput) as error:
        register_member(email="a@nhs.net", display_name="Al", password=STRONG, profession_id=None,
                        alliance_id=None, organisation="", accepted_guidelines=False)
    assert error.value.field == "accept_guidelines"


def test_the_guidelines_checkbox_is_described_by_its_error(client, db, registration):
    data = registration()
    del data["accept_guidelines"]
    html = client.post("/register", data=data).get_data(as_text=True)
    box = re.search(r'<input[^>]*id="accept_guidelines"[^>]*>', html).group(0)
    assert 'aria-describedby="accept_guidelines-error"' in box and 'aria-invalid="true"' in box

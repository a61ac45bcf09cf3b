"""`flask create-admin`."""

from __future__ import annotations

from sqlalchemy import select

from forum.members.models import Role, Status, User
from tests import factories


def _admins(db) -> list[User]:
    return list(db.session.scalars(select(User).where(User.role == Role.ADMIN)))


def test_creates_an_active_verified_admin(runner, db, client, auth):
    result = runner.invoke(args=["create-admin", "--email", "lead@nhs.net", "--name", "Lead Nurse",
                                 "--password", "kettle sunflower ladder river"])
    assert result.exit_code == 0, result.output
    [admin] = _admins(db)
    assert (admin.email, admin.status) == ("lead@nhs.net", Status.ACTIVE)
    assert admin.email_verified_at is not None
    assert auth.login("lead@nhs.net", "kettle sunflower ladder river").status_code == 302


def test_prompts_when_options_are_missing(runner, db):
    result = runner.invoke(args=["create-admin"], input="lead@nhs.net\nLead Nurse\n"
                           "kettle sunflower ladder river\nkettle sunflower ladder river\n")
    assert result.exit_code == 0, result.output
    assert len(_admins(db)) == 1


def test_refuses_weak_passwords_plainly(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "lead@nhs.net", "--name", "Lead Nurse",
                                 "--password", "password123"])
    assert result.exit_code == 1
    assert "too easy to guess" in result.output
    assert "Traceback" not in result.output
    assert _admins(db) == []


def test_refuses_a_taken_address(runner, db):
    factories.member(email="Lead@nhs.net")
    result = runner.invoke(args=["create-admin", "--email", "lead@NHS.net", "--name", "Lead Nurse",
                                 "--password", "kettle sunflower ladder river"])
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_refuses_a_malformed_address(runner, db):
    result = runner.invoke(args=["create-admin", "--email", "not-an-address", "--name", "Lead",
                                 "--password", "kettle sunflower ladder river"])
    assert result.exit_code == 1
    assert "correct format" in result.output

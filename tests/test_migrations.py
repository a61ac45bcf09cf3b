"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import hashlib
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select, text

from forum import create_app
from forum.extensions import db
from forum.newsletter.models import ConsentEvent, Subscriber
from tests.conftest import scratch_database


@pytest.fixture
def empty_database_url(tmp_path):
    """An empty database of the same kind as this test run's."""
    with scratch_database(tmp_path / "migrated.db", prefix="forum_mig") as url:
        yield url


# SQLite cannot reflect the expression index on lower(email); PostgreSQL compares it.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_matches_models_and_downgrade_empties(empty_database_url, tmp_path):
    migrated = create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": empty_database_url,
                           "SEARCH_DIR": str(tmp_path / "index"),
                           "RATELIMIT_ENABLED": False})  # the limiter is shared by every app
    with migrated.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def _member(conn, email: str, *, consent: bool, verified: bool = True, status: str = "active",
            joined: datetime = datetime(2024, 3, 5, 9, 30)) -> int:
    return conn.execute(text(
        "INSERT INTO users (email, display_name, password_hash, organisation, bio, role, status,"
        " created_at, email_verified_at, suspension_reason, mailing_list_consent, notify_replies,"
        " post_count, approved_post_count) VALUES (:email, :name, 'x', 'Homerton', '', 'member',"
        " :status, :joined, :verified, '', :consent, true, 0, 0) RETURNING id"),
        {"email": email, "name": email.split("@")[0], "status": status, "joined": joined,
         "verified": joined if verified else None, "consent": consent}).scalar_one()


@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_old_mailing_list_consents_become_subscribers(empty_database_url, tmp_path):
    """5c0e7a91d2f3: users.mailing_list_consent moves to the newsletter's subscribers."""
    migrated = create_app({"TESTING": True, "SECRET_KEY": "x",
                           "SQLALCHEMY_DATABASE_URI": empty_database_url,
                           "SEARCH_DIR": str(tmp_path / "index"), "RATELIMIT_ENABLED": False})
    with migrated.app_context():
        upgrade(revision="c3d9e2f1a7b6")
        joined = datetime(2024, 3, 5, 9, 30)
        with db.engine.begin() as conn:
            ids = {name: _member(conn, f"{name}@nhs.net", consent=name != "no")
                   for name in ("yes", "no", "gone")}
            ids["unverified"] = _member(conn, "unverified@nhs.net", consent=True, verified=False)
            ids["erased"] = _member(conn, "erased@nhs.net", consent=True, status="erased")
            suppressed = hashlib.sha256(b"gone@nhs.net").hexdigest()
            conn.execute(text("INSERT INTO newsletter_suppressions (email_hash, reason, created_at)"
                              " VALUES (:h, 'unsubscribed', :at)"), {"h": suppressed, "at": joined})
        upgrade()
        rows = {r.user_id: r for r in db.session.scalars(select(Subscriber))}
        assert set(rows) == {ids["yes"], ids["unverified"]}  # not unticked, suppressed, erased
        moved = rows[ids["yes"]]
        assert (moved.email, moved.status, moved.source, moved.source_detail) == (
            "yes@nhs.net", "subscribed", "account", "before the mailing list")
        assert moved.consent_at == moved.confirmed_at == joined.replace(tzinfo=moved.consent_at.tzinfo)
        assert moved.consent_version == "imported" and "Send me the newsletter" in moved.consent_text
        [event] = db.session.scalars(select(ConsentEvent).where(ConsentEvent.subscriber_id == moved.id))
        assert (event.action, event.source) == ("imported", "account")
        waiting = rows[ids["unverified"]]
        assert (waiting.status, waiting.source) == ("pending", "register")  # confirmed on verifying
        assert "mailing_list_consent" not in {c["name"] for c in inspect(db.engine).get_columns("users")}
        db.session.remove()
        downgrade(revision="c3d9e2f1a7b6")
        with db.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT id, mailing_list_consent FROM users")).all())
        assert back[ids["yes"]] and not back[ids["no"]] and not back[ids["unverified"]]
        db.engine.dispose()

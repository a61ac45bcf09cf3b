"""mailing list consent moves to the newsletter: members who ticked the old box become
subscribers (issue 15), and users.mailing_list_consent goes

Revision ID: 5c0e7a91d2f3
Revises: c3d9e2f1a7b6
Create Date: 2026-12-01 16:10:00

A member who ticked "Send me the newsletter by email" with a verified address becomes a
confirmed subscriber (source "account", detail "before the mailing list", consent dated when
they joined), unless the address is suppressed. One who has not yet verified becomes a pending
registration consent, confirmed when they do. The column is dropped natively (ALTER TABLE ...
DROP COLUMN, SQLite 3.35+), not in batch mode, so the lower(email) index on users is untouched.
"""
import hashlib
import secrets

import sqlalchemy as sa
from alembic import op

revision = '5c0e7a91d2f3'
down_revision = 'c3d9e2f1a7b6'
branch_labels = None
depends_on = None

# As in forum/newsletter: a migration keeps its own copy, so later code changes cannot alter it.
WORDING = 'Ticked "Send me the newsletter by email (you can stop at any time)" on their account'
SOURCE, DETAIL = "account", "before the mailing list"

users = sa.table("users", sa.column("id", sa.Integer), sa.column("email", sa.String),
                 sa.column("display_name", sa.String), sa.column("organisation", sa.String),
                 sa.column("profession_id", sa.Integer), sa.column("status", sa.String),
                 sa.column("created_at", sa.DateTime), sa.column("email_verified_at", sa.DateTime),
                 sa.column("mailing_list_consent", sa.Boolean))
professions = sa.table("professions", sa.column("id", sa.Integer), sa.column("name", sa.String))
subscribers = sa.table(
    "newsletter_subscribers", sa.column("id", sa.Integer), sa.column("email", sa.String),
    sa.column("name", sa.String), sa.column("profession", sa.String),
    sa.column("organisation", sa.String), sa.column("user_id", sa.Integer),
    sa.column("status", sa.String), sa.column("source", sa.String),
    sa.column("source_detail", sa.String), sa.column("consent_version", sa.String),
    sa.column("consent_text", sa.Text), sa.column("consent_at", sa.DateTime),
    sa.column("confirmed_at", sa.DateTime), sa.column("unsubscribed_at", sa.DateTime),
    sa.column("key", sa.String), sa.column("bounce_count", sa.Integer),
    sa.column("created_at", sa.DateTime))
events = sa.table(
    "newsletter_consent_events", sa.column("subscriber_id", sa.Integer),
    sa.column("action", sa.String), sa.column("source", sa.String), sa.column("detail", sa.String),
    sa.column("consent_version", sa.String), sa.column("consent_text", sa.Text),
    sa.column("at", sa.DateTime))
suppressions = sa.table("newsletter_suppressions", sa.column("email_hash", sa.String))


def _move_consents(conn) -> None:
    suppressed = set(conn.scalars(sa.select(suppressions.c.email_hash)))
    on_list = set(conn.scalars(sa.select(sa.func.lower(subscribers.c.email))))
    rows = conn.execute(
        sa.select(users.c.id, users.c.email, users.c.display_name, users.c.organisation,
                  users.c.created_at, users.c.email_verified_at, professions.c.name)
        .outerjoin(professions, professions.c.id == users.c.profession_id)
        .where(users.c.mailing_list_consent.is_(True),
               users.c.status.notin_(["erased", "rejected"])))
    for user_id, email, name, organisation, joined, verified, profession in rows:
        key = email.strip().lower()
        if key in on_list or hashlib.sha256(key.encode()).hexdigest() in suppressed:
            continue  # already on the list (it keeps its own consent), or asked not to be
        on_list.add(key)
        if verified is not None:
            fields = {"status": "subscribed", "source": SOURCE, "source_detail": DETAIL,
                      "consent_version": "imported", "confirmed_at": joined}
        else:  # confirmed when they verify, like a box ticked on the registration form
            fields = {"status": "pending", "source": "register",
                      "source_detail": "registration form", "consent_version": "imported",
                      "confirmed_at": None}
        subscriber_id = conn.execute(subscribers.insert().values(
            email=email.strip(), name=(name or "")[:120], profession=(profession or "")[:120],
            organisation=(organisation or "")[:160], user_id=user_id, consent_text=WORDING,
            consent_at=joined, unsubscribed_at=None, key=secrets.token_hex(16), bounce_count=0,
            created_at=joined, **fields).returning(subscribers.c.id)).scalar_one()
        conn.execute(events.insert().values(
            subscriber_id=subscriber_id, action="imported", source=fields["source"],
            detail=fields["source_detail"], consent_version="imported", consent_text=WORDING,
            at=joined))


def upgrade():
    _move_consents(op.get_bind())
    op.drop_column('users', 'mailing_list_consent')


def downgrade():
    op.add_column('users', sa.Column('mailing_list_consent', sa.Boolean(), server_default=sa.false(),
                                     nullable=False))
    linked = sa.select(subscribers.c.user_id).where(subscribers.c.status == "subscribed",
                                                    subscribers.c.user_id.is_not(None))
    op.execute(users.update().where(users.c.id.in_(linked)).values(mailing_list_consent=True))

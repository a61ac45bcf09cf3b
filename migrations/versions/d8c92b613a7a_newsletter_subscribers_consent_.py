"""newsletter: subscribers, consent, suppressions, issues, deliveries (issue 15)

Revision ID: d8c92b613a7a
Revises: b7c1d2e3f4a5
Create Date: 2026-12-01 14:27:18.703359

"""
from alembic import op
import sqlalchemy as sa
import forum.db


# revision identifiers, used by Alembic.
revision = 'd8c92b613a7a'
down_revision = 'b7c1d2e3f4a5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('newsletter_suppressions',
    sa.Column('email_hash', sa.String(length=64), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('email_hash', name=op.f('pk_newsletter_suppressions'))
    )
    op.create_table('newsletter_issues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=150), nullable=False),
    sa.Column('intro_source', sa.Text(), nullable=False),
    sa.Column('intro_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('scheduled_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('started_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('recipient_count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_newsletter_issues_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_issues')),
    sa.UniqueConstraint('number', name=op.f('uq_newsletter_issues_number'))
    )
    with op.batch_alter_table('newsletter_issues', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_issues_created_by_id'), ['created_by_id'], unique=False)

    op.create_table('newsletter_subscribers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('profession', sa.String(length=120), nullable=False),
    sa.Column('organisation', sa.String(length=160), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_detail', sa.String(length=200), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('consent_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmed_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('bounce_count', sa.Integer(), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_newsletter_subscribers_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_subscribers')),
    sa.UniqueConstraint('key', name=op.f('uq_newsletter_subscribers_key'))
    )
    with op.batch_alter_table('newsletter_subscribers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_subscribers_user_id'), ['user_id'], unique=False)
    # One row per address whatever the letter case.
    op.create_index('uq_newsletter_subscribers_email', 'newsletter_subscribers',
                    [sa.text('lower(email)')], unique=True)

    op.create_table('newsletter_consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('detail', sa.String(length=200), nullable=False),
    sa.Column('consent_version', sa.String(length=20), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newsletter_subscribers.id'], name=op.f('fk_newsletter_consent_events_subscriber_id_newsletter_subscribers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_consent_events'))
    )
    with op.batch_alter_table('newsletter_consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_consent_events_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('newsletter_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('started_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('sent_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issues.id'], name=op.f('fk_newsletter_deliveries_issue_id_newsletter_issues'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscriber_id'], ['newsletter_subscribers.id'], name=op.f('fk_newsletter_deliveries_subscriber_id_newsletter_subscribers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_deliveries')),
    sa.UniqueConstraint('issue_id', 'subscriber_id', name=op.f('uq_newsletter_deliveries_issue_id'))
    )
    with op.batch_alter_table('newsletter_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_newsletter_deliveries_issue_status', ['issue_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_newsletter_deliveries_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('newsletter_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issue_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('text', sa.String(length=300), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('members_only', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['issue_id'], ['newsletter_issues.id'], name=op.f('fk_newsletter_items_issue_id_newsletter_issues'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_newsletter_items'))
    )
    with op.batch_alter_table('newsletter_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_newsletter_items_issue_id'), ['issue_id'], unique=False)



def downgrade():
    with op.batch_alter_table('newsletter_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_items_issue_id'))

    op.drop_table('newsletter_items')
    with op.batch_alter_table('newsletter_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_deliveries_subscriber_id'))
        batch_op.drop_index('ix_newsletter_deliveries_issue_status')

    op.drop_table('newsletter_deliveries')
    with op.batch_alter_table('newsletter_consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_consent_events_subscriber_id'))

    op.drop_table('newsletter_consent_events')
    op.drop_index('uq_newsletter_subscribers_email', table_name='newsletter_subscribers')
    with op.batch_alter_table('newsletter_subscribers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_subscribers_user_id'))

    op.drop_table('newsletter_subscribers')
    with op.batch_alter_table('newsletter_issues', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_newsletter_issues_created_by_id'))

    op.drop_table('newsletter_issues')
    op.drop_table('newsletter_suppressions')

"""Outbox claims: which deliverer holds a row, and until when

Two deliverers (an overlapping cron of `outbox send`, or two `outbox run`) each read the same
pending rows on SQLite, where there is no FOR UPDATE SKIP LOCKED, and sent every email twice.
A deliverer now claims rows with one UPDATE (claimed_by, claimed_until); a claim lapses, so a
killed deliverer's rows are taken up again.

Revision ID: b7d41e9c2a10
Revises: 7d3b9e1f4a20
Create Date: 2026-12-01 08:40:00
"""
import sqlalchemy as sa
from alembic import op

import forum.db

revision = 'b7d41e9c2a10'
down_revision = '7d3b9e1f4a20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', forum.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index('ix_outbox_claimed_by', ['claimed_by'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_claimed_by')
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')

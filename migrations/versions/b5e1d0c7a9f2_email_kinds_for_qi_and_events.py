"""email preferences for QI write-ups and events (issue 12 leftovers)

An erased account (issue 15) is a new value of users.status: the column is a plain string,
so it needs no change here.

Revision ID: b5e1d0c7a9f2
Revises: 3e7a1c5b9d24
Create Date: 2026-12-01 14:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b5e1d0c7a9f2'
down_revision = '3e7a1c5b9d24'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('email_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('qi', sa.String(length=12), nullable=False,
                                      server_default='immediately'))
        batch_op.add_column(sa.Column('events', sa.String(length=12), nullable=False,
                                      server_default='immediately'))


def downgrade():
    with op.batch_alter_table('email_settings', schema=None) as batch_op:
        batch_op.drop_column('events')
        batch_op.drop_column('qi')

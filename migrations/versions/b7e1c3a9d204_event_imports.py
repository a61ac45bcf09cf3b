"""event imports: the Total row of an imported table of past events (issue 13)

Revision ID: b7e1c3a9d204
Revises: 62c99cf1a6b5
Create Date: 2026-12-01 14:40:00

"""
import sqlalchemy as sa
from alembic import op

import forum.db

revision = 'b7e1c3a9d204'
down_revision = '62c99cf1a6b5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('stated_signups', sa.String(length=40), nullable=False),
    sa.Column('stated_attended', sa.String(length=40), nullable=False),
    sa.Column('imported_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_imports')),
    sa.UniqueConstraint('source', name=op.f('uq_event_imports_source'))
    )
    with op.batch_alter_table('event_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_imports_year'), ['year'], unique=False)


def downgrade():
    with op.batch_alter_table('event_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_imports_year'))
    op.drop_table('event_imports')

"""member_sessions: signed-in sessions kept on the server, so signing out ends them

Existing cookies carry the old session id (id.password-fingerprint), which no session row
matches: everyone signs in once more after this upgrade.

Revision ID: 7d3b9e1f4a20
Revises: 5c1e0a7d2b3f
Create Date: 2026-12-01 08:40:00
"""
import sqlalchemy as sa
from alembic import op

import forum.db

revision = '7d3b9e1f4a20'
down_revision = '5c1e0a7d2b3f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('member_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('key_digest', sa.String(length=64), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_member_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_member_sessions')),
    sa.UniqueConstraint('key_digest', name=op.f('uq_member_sessions_key_digest'))
    )
    with op.batch_alter_table('member_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_member_sessions_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('member_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_member_sessions_user_id'))
    op.drop_table('member_sessions')

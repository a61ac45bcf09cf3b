"""Drafts: what a member was writing, one per member per thread and one for a new discussion

Revision ID: 7d3a91c4e2b8
Revises: b7d41e9c2a10
Create Date: 2026-12-01 08:30:00
"""
import sqlalchemy as sa
from alembic import op

import forum.db

revision = '7d3a91c4e2b8'
down_revision = 'b7d41e9c2a10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reply_to_id'], ['posts.id'], name=op.f('fk_drafts_reply_to_id_posts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['thread_id'], ['threads.id'], name=op.f('fk_drafts_thread_id_threads'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_drafts'))
    )
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_drafts_reply_to_id'), ['reply_to_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_drafts_thread_id'), ['thread_id'], unique=False)
    # One draft per member per thread, and one (thread_id NULL) for a new discussion.
    op.create_index('uq_drafts_user_thread', 'drafts',
                    ['user_id', sa.text('coalesce(thread_id, 0)')], unique=True)


def downgrade():
    op.drop_index('uq_drafts_user_thread', table_name='drafts')
    with op.batch_alter_table('drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_drafts_thread_id'))
        batch_op.drop_index(batch_op.f('ix_drafts_reply_to_id'))
    op.drop_table('drafts')

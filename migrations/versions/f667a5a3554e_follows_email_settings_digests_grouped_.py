"""follows, email settings, digests, grouped notifications (issue 12)

Revision ID: f667a5a3554e
Revises: a2d2066684a7
Create Date: 2026-12-01 11:07:37.391298

"""
import warnings

from alembic import op
import sqlalchemy as sa
import forum.db


# revision identifiers, used by Alembic.
revision = 'f667a5a3554e'
down_revision = 'a2d2066684a7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('digests_sent',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=24), nullable=False),
    sa.Column('sent_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('items', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_digests_sent_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'period', name=op.f('pk_digests_sent'))
    )
    op.create_table('email_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('replies', sa.String(length=12), nullable=False),
    sa.Column('mentions', sa.String(length=12), nullable=False),
    sa.Column('new_discussions', sa.String(length=12), nullable=False),
    sa.Column('moderation', sa.String(length=12), nullable=False),
    sa.Column('weekly_day', sa.Integer(), nullable=False),
    sa.Column('weekly_hour', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('bounce_count', sa.Integer(), nullable=False),
    sa.Column('mail_stopped_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('batch_due_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_email_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_email_settings')),
    sa.UniqueConstraint('key', name=op.f('uq_email_settings_key'))
    )
    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('target_kind', sa.String(length=20), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=True),
    sa.Column('board_id', sa.Integer(), nullable=True),
    sa.Column('alliance_id', sa.Integer(), nullable=True),
    sa.Column('profession_id', sa.Integer(), nullable=True),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('stopped_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['alliance_id'], ['alliances.id'], name=op.f('fk_follows_alliance_id_alliances'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['board_id'], ['boards.id'], name=op.f('fk_follows_board_id_boards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['profession_id'], ['professions.id'], name=op.f('fk_follows_profession_id_professions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows'))
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_alliance_id'), ['alliance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follows_board_id'), ['board_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follows_profession_id'), ['profession_id'], unique=False)
        batch_op.create_index('ix_follows_target', ['target_kind', 'target_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follows_user_id'), ['user_id'], unique=False)
    op.create_index('uq_follows_member_target', 'follows', [
        'user_id', 'target_kind', sa.text('coalesce(target_id, 0)'), sa.text('coalesce(board_id, 0)'),
        sa.text('coalesce(alliance_id, 0)'), sa.text('coalesce(profession_id, 0)')], unique=True)

    # On SQLite a batch that adds a foreign key recreates the table, reflecting `users` on
    # the way, whose expression index (lower(email)) SQLite cannot reflect: say nothing of it.
    with warnings.catch_warnings():
        warnings.filterwarnings('ignore', 'Skipped unsupported reflection', sa.exc.SAWarning)
        _notification_columns()


def _notification_columns() -> None:
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('thread_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('post_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('count', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('email_state', sa.String(length=10), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_notifications_thread_id'), ['thread_id'], unique=False)
        batch_op.create_index('ix_notifications_user_post', ['user_id', 'post_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_notifications_thread_id_threads'), 'threads', ['thread_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notifications_post_id_posts'), 'posts', ['post_id'], ['id'], ondelete='CASCADE')
    op.execute("UPDATE notifications SET updated_at = created_at")
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.alter_column('updated_at', existing_type=forum.db.UTCDateTime(timezone=True), nullable=False)
        batch_op.alter_column('count', existing_type=sa.Integer(), server_default=None)
        batch_op.alter_column('email_state', existing_type=sa.String(length=10), server_default=None)


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite cannot drop a column that references another table: the batch recreates the
        # table, reflecting `users` on the way, whose expression index it cannot reflect.
        with warnings.catch_warnings():
            warnings.filterwarnings('ignore', 'Skipped unsupported reflection', sa.exc.SAWarning)
            with op.batch_alter_table('notifications', schema=None) as batch_op:
                batch_op.drop_index('ix_notifications_user_post')
                batch_op.drop_index('ix_notifications_thread_id')
                for column in ('email_state', 'updated_at', 'count', 'post_id', 'thread_id'):
                    batch_op.drop_column(column)
    else:
        with op.batch_alter_table('notifications', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('fk_notifications_post_id_posts'), type_='foreignkey')
            batch_op.drop_constraint(batch_op.f('fk_notifications_thread_id_threads'), type_='foreignkey')
            batch_op.drop_index('ix_notifications_user_post')
            batch_op.drop_index(batch_op.f('ix_notifications_thread_id'))
            for column in ('email_state', 'updated_at', 'count', 'post_id', 'thread_id'):
                batch_op.drop_column(column)

    op.drop_index('uq_follows_member_target', table_name='follows')
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_user_id'))
        batch_op.drop_index('ix_follows_target')
        batch_op.drop_index(batch_op.f('ix_follows_profession_id'))
        batch_op.drop_index(batch_op.f('ix_follows_board_id'))
        batch_op.drop_index(batch_op.f('ix_follows_alliance_id'))

    op.drop_table('follows')
    op.drop_table('email_settings')
    op.drop_table('digests_sent')

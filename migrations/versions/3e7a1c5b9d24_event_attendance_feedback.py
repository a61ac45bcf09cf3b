"""event attendance: who came (members linked, walk-ins' details), feedback (issue 13, part 2);
longer outbox topics

Revision ID: 3e7a1c5b9d24
Revises: f667a5a3554e
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa
import forum.db


# revision identifiers, used by Alembic.
revision = '3e7a1c5b9d24'
down_revision = 'f667a5a3554e'
branch_labels = None
depends_on = None


def upgrade():
    # Room for domain topics such as "events.attendance_removed" (25 characters).
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('topic', existing_type=sa.String(length=20), type_=sa.String(length=64),
                              existing_nullable=False)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('feedback_open', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    with op.batch_alter_table('event_attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('user_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('profession', sa.String(length=120), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('organisation', sa.String(length=160), server_default='',
                                      nullable=False))
        batch_op.create_index(batch_op.f('ix_event_attendance_user_id'), ['user_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_event_attendance_user_id_users'), 'users',
                                    ['user_id'], ['id'], ondelete='SET NULL')
    op.create_table('event_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('learnt', sa.Text(), nullable=False),
    sa.Column('change', sa.Text(), nullable=False),
    sa.Column('comments', sa.Text(), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_event_feedback_rating_1_to_5')),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_event_feedback_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_feedback')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_event_feedback_event_id'))
    )
    with op.batch_alter_table('event_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_feedback_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_feedback_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('event_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_feedback_user_id'))
        batch_op.drop_index(batch_op.f('ix_event_feedback_event_id'))
    op.drop_table('event_feedback')
    with op.batch_alter_table('event_attendance', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_event_attendance_user_id_users'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_event_attendance_user_id'))
        batch_op.drop_column('organisation')
        batch_op.drop_column('profession')
        batch_op.drop_column('user_id')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('feedback_open')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('topic', existing_type=sa.String(length=64), type_=sa.String(length=20),
                              existing_nullable=False)

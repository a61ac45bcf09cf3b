"""cpd: HCPC CPD profile (personal statement) and gap explanations (issue 14)

Revision ID: c3d9e2f1a7b6
Revises: b7e1c3a9d204
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa
import forum.db


# revision identifiers, used by Alembic.
revision = 'c3d9e2f1a7b6'
down_revision = 'b7e1c3a9d204'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cpd_hcpc_profiles',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_hcpc_profiles_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_cpd_hcpc_profiles'))
    )
    op.create_table('cpd_gap_notes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_gap_notes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_gap_notes'))
    )
    with op.batch_alter_table('cpd_gap_notes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpd_gap_notes_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('cpd_gap_notes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cpd_gap_notes_user_id'))
    op.drop_table('cpd_gap_notes')
    op.drop_table('cpd_hcpc_profiles')

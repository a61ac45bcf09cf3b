"""CPD record: entries, reflective accounts, settings, certificates of attendance (issue 14)

Revision ID: b7c1d2e3f4a5
Revises: b5e1d0c7a9f2
Create Date: 2026-12-01 14:30:00

"""
from alembic import op
import sqlalchemy as sa
import forum.db


revision = 'b7c1d2e3f4a5'
down_revision = 'b5e1d0c7a9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cpd_settings',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('revalidation_date', sa.Date(), nullable=True),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_settings_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_cpd_settings'))
    )
    op.create_table('cpd_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('method', sa.String(length=40), nullable=False),
    sa.Column('topic', sa.String(length=200), nullable=False),
    sa.Column('practice', sa.Text(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('participatory_minutes', sa.Integer(), nullable=False),
    sa.Column('code_theme', sa.String(length=40), nullable=False),
    sa.Column('evidence_upload_id', sa.Integer(), nullable=True),
    sa.Column('evidence_url', sa.String(length=500), nullable=False),
    sa.Column('attendance_id', sa.Integer(), nullable=True),
    sa.Column('evidence_note', sa.String(length=300), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['attendance_id'], ['event_attendance.id'], name=op.f('fk_cpd_entries_attendance_id_event_attendance'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['evidence_upload_id'], ['uploads.id'], name=op.f('fk_cpd_entries_evidence_upload_id_uploads'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_entries')),
    sa.UniqueConstraint('user_id', 'source', 'source_id', name=op.f('uq_cpd_entries_user_id'))
    )
    with op.batch_alter_table('cpd_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpd_entries_attendance_id'), ['attendance_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cpd_entries_evidence_upload_id'), ['evidence_upload_id'], unique=False)
        batch_op.create_index('ix_cpd_entries_record', ['user_id', 'status', 'start_date'], unique=False)
    op.create_table('cpd_reflections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('nature', sa.Text(), nullable=False),
    sa.Column('learned', sa.Text(), nullable=False),
    sa.Column('changed', sa.Text(), nullable=False),
    sa.Column('code_theme', sa.String(length=40), nullable=False),
    sa.Column('code_relevance', sa.Text(), nullable=False),
    sa.Column('is_draft', sa.Boolean(), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['cpd_entries.id'], name=op.f('fk_cpd_reflections_entry_id_cpd_entries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_reflections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_reflections'))
    )
    with op.batch_alter_table('cpd_reflections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpd_reflections_entry_id'), ['entry_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cpd_reflections_user_id'), ['user_id'], unique=False)
    op.create_table('cpd_certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('member_name', sa.String(length=80), nullable=False),
    sa.Column('event_title', sa.String(length=200), nullable=False),
    sa.Column('event_date', sa.Date(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('issued_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', forum.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_cpd_certificates_event_id_events'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_cpd_certificates_revoked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_cpd_certificates_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cpd_certificates')),
    sa.UniqueConstraint('code', name=op.f('uq_cpd_certificates_code')),
    sa.UniqueConstraint('user_id', 'event_id', name=op.f('uq_cpd_certificates_user_id'))
    )
    with op.batch_alter_table('cpd_certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cpd_certificates_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cpd_certificates_revoked_by_id'), ['revoked_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cpd_certificates_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('cpd_certificates')
    op.drop_table('cpd_reflections')
    op.drop_table('cpd_entries')
    op.drop_table('cpd_settings')

"""Reports of QI write-ups: a report names a post or a write-up

Members report a QI write-up as they report a post, into the same queue. `writeup_id` is
added (nullable), `post_id` becomes nullable, and a check keeps exactly one of them set.

Revision ID: c4e8a2d6f1b3
Revises: c4a9d2e71b35
Create Date: 2026-12-01 11:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'c4e8a2d6f1b3'
down_revision = 'c4a9d2e71b35'  # after qi-data's chart cache (merged into this branch)
branch_labels = None
depends_on = None
NO_FK_TABLES = {"resolve_fks": False}


def upgrade():
    # SQLite copies the table; reflecting it need not reflect the tables it refers to (users'
    # expression index cannot be reflected there, and would only warn).
    with op.batch_alter_table('reports', schema=None, reflect_kwargs=NO_FK_TABLES) as batch_op:
        batch_op.add_column(sa.Column('writeup_id', sa.Integer(), nullable=True))
        batch_op.alter_column('post_id', existing_type=sa.Integer(), nullable=True)
        batch_op.create_index(batch_op.f('ix_reports_writeup_id'), ['writeup_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_reports_writeup_id_qi_writeups'), 'qi_writeups',
                                    ['writeup_id'], ['id'], ondelete='CASCADE')
        batch_op.create_check_constraint(op.f('ck_reports_one_target'),
                                         '(post_id IS NULL) <> (writeup_id IS NULL)')


def downgrade():
    op.execute("DELETE FROM reports WHERE post_id IS NULL")
    # SQLite copies the table; reflecting it need not reflect the tables it refers to (users'
    # expression index cannot be reflected there, and would only warn).
    with op.batch_alter_table('reports', schema=None, reflect_kwargs=NO_FK_TABLES) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_reports_one_target'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_reports_writeup_id_qi_writeups'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_reports_writeup_id'))
        batch_op.alter_column('post_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('writeup_id')

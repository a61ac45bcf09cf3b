"""QI measures keep their chart as drawn on write

Revision ID: c4a9d2e71b35
Revises: 2107086f3d8d
Create Date: 2026-12-01 11:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a9d2e71b35'
down_revision = '2107086f3d8d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('qi_measures', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chart_html', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('chart_key', sa.String(length=64), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('qi_measures', schema=None) as batch_op:
        batch_op.drop_column('chart_key')
        batch_op.drop_column('chart_html')

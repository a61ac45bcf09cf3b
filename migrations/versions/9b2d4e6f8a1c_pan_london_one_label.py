"""One label for pan-London: rename the seeded alliance "Pan-London / national" to "Pan-London"

Forms and pages already said "Pan-London" (or "Pan-London (every alliance)"); the alliance
row said "Pan-London / national". Only the seeded name is changed: a name an organiser has
edited is left alone. The slug (pan-london-national, in saved links) stays.

Revision ID: 9b2d4e6f8a1c
Revises: b7d4e2a91c06
Create Date: 2026-12-01 09:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '9b2d4e6f8a1c'
down_revision = 'b7d4e2a91c06'
branch_labels = None
depends_on = None

alliances = sa.table("alliances", sa.column("slug", sa.String), sa.column("name", sa.String))


def _rename(old: str, new: str) -> None:
    op.execute(alliances.update()
               .where(alliances.c.slug == "pan-london-national", alliances.c.name == old)
               .values(name=new))


def upgrade():
    _rename("Pan-London / national", "Pan-London")


def downgrade():
    _rename("Pan-London", "Pan-London / national")

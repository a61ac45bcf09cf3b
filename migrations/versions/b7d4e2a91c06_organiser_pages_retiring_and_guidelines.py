"""Organisers: retiring boards, alliances and professions; the site's own pages (privacy,
accessibility, community guidelines, contact) with their history; when a member accepted the
community guidelines.

The pages start with the default text in forum/pages/defaults.py, so an upgraded or fresh
installation has them before anyone runs `seed-reference` (which adds only missing pages).

Revision ID: b7d4e2a91c06
Revises: 7d3b9e41c2a8
Create Date: 2026-12-01 08:30:00
"""
from alembic import op
import sqlalchemy as sa
import forum.db

revision = 'b7d4e2a91c06'
down_revision = '7d3b9e41c2a8'
branch_labels = None
depends_on = None

RETIRABLE = ('alliances', 'professions', 'boards')


def upgrade():
    # Plain ADD COLUMN (not batch): SQLite's batch mode copies the table and would lose the
    # expression index on lower(users.email).
    for table in RETIRABLE:
        op.add_column(table, sa.Column('retired_at', forum.db.UTCDateTime(timezone=True), nullable=True))
    op.add_column('users', sa.Column('guidelines_accepted_at', forum.db.UTCDateTime(timezone=True), nullable=True))

    pages = op.create_table('pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('updated_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_pages_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_pages_slug'))
    )
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pages_updated_by_id'), ['updated_by_id'], unique=False)

    revisions = op.create_table('page_revisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('body_source', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('created_at', forum.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('editor_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['editor_id'], ['users.id'], name=op.f('fk_page_revisions_editor_id_users')),
    sa.ForeignKeyConstraint(['page_id'], ['pages.id'], name=op.f('fk_page_revisions_page_id_pages'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page_revisions')),
    sa.UniqueConstraint('page_id', 'number', name=op.f('uq_page_revisions_page_id'))
    )
    with op.batch_alter_table('page_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_revisions_editor_id'), ['editor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_revisions_page_id'), ['page_id'], unique=False)

    _insert_default_pages(pages, revisions)


def _insert_default_pages(pages, revisions):
    from forum.db import utcnow
    from forum.markup import render
    from forum.pages.defaults import FIRST_HEADING, PAGES

    now = utcnow()
    rows = []
    for n, page in enumerate(PAGES, start=1):
        rows.append({'id': n, 'slug': page.slug, 'title': page.title, 'body_source': page.body,
                     'body_html': render(page.body, first_heading=FIRST_HEADING), 'updated_at': now})
    op.bulk_insert(pages, rows)
    op.bulk_insert(revisions, [
        {'page_id': row['id'], 'number': 1, 'title': row['title'], 'body_source': row['body_source'],
         'body_html': row['body_html'], 'created_at': now} for row in rows])
    if op.get_bind().dialect.name == 'postgresql':  # ids were given: move the sequence past them
        op.execute("SELECT setval(pg_get_serial_sequence('pages', 'id'), (SELECT max(id) FROM pages))")


def downgrade():
    with op.batch_alter_table('page_revisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_revisions_page_id'))
        batch_op.drop_index(batch_op.f('ix_page_revisions_editor_id'))
    op.drop_table('page_revisions')
    with op.batch_alter_table('pages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pages_updated_by_id'))
    op.drop_table('pages')
    # SQLite 3.35+ drops a column in place, keeping the expression index on users.
    op.drop_column('users', 'guidelines_accepted_at')
    for table in RETIRABLE:
        op.drop_column(table, 'retired_at')

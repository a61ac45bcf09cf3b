"""The site's own pages, for everyone: privacy, accessibility, guidelines, contact."""

from __future__ import annotations

from flask import Blueprint, render_template

from forum.errors import NotFound
from forum.pages import queries
from forum.pages.defaults import SLUGS

bp = Blueprint("pages", __name__)


@bp.record_once
def _template_globals(state) -> None:
    """The footer links to every page, on every page."""
    state.app.jinja_env.globals.update(footer_pages=queries.FOOTER)


@bp.get("/<any({}):slug>".format(", ".join(repr(s) for s in SLUGS)))
def show_page(slug: str):
    page = queries.page_by_slug(slug)
    if page is None:
        raise NotFound("No such page.")
    return render_template("pages/page.html", page=page)

"""/search: one box, filters, results grouped by discussion. Works without JavaScript."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request
from flask_login import current_user

from forum.discussions import queries as reference
from forum.search import explain, kinds
from forum.search import search as run_search
from forum.search.forms import SearchForm
from forum.search.held import held_matches
from forum.search.queries import Filters

bp = Blueprint("search", __name__)
PER_PAGE = 10


def _page_arg() -> int:
    page = request.args.get("page", 1, type=int) or 1  # "²" or "x" -> 1, not a 500
    return min(max(page, 1), 500)


def _filters(form: SearchForm, boards, alliances, professions) -> tuple[Filters, dict[str, Any]]:
    """Turn the form's slugs into ids; an unknown value is reported beside its field."""
    chosen: dict[str, Any] = {}
    values: dict[str, Any] = {}
    for name, options, key in (("board", boards, "board_id"), ("alliance", alliances, "alliance_id"),
                               ("profession", professions, "profession_id")):
        slug = getattr(form, name).data
        if not slug:
            continue
        match = next((o for o in options if o.slug == slug), None)
        if match is None:
            getattr(form, name).errors = [f"Choose a {name} from the list"]
            continue
        chosen[name] = match
        values[key] = 0 if name == "alliance" and reference.is_pan_london(match) else match.id
    if form.kind.data in kinds.filter_choices():
        values["kind"] = form.kind.data
    elif form.kind.data:
        form.kind.errors = ["Choose what to show from the list"]
    author = (form.author.data or "").strip() if not form.author.errors else ""
    if author.isascii() and author.isdigit() and int(author) < 2**31:
        values["author_id"] = int(author)
    elif author:
        values["author_name"] = author
    for name in ("date_from", "date_to"):
        field = getattr(form, name)
        if field.errors:
            field.errors = ["Enter a real date, for example 31/3/2026"]
        elif field.data:
            values[name] = field.data
    if values.get("date_from") and values.get("date_to") and values["date_from"] > values["date_to"]:
        form.date_to.errors = ["The ‘to’ date must be the same as or after the ‘from’ date"]
        values.pop("date_to")
    thread = form.thread.data or ""
    if thread.isascii() and thread.isdigit() and 0 < int(thread) < 2**31:
        values["thread_id"] = int(thread)
    values["sort"] = form.sort.data if form.sort.data in ("relevance", "newest") else "relevance"
    return Filters(**values), chosen


@bp.get("/search")
def search():
    boards, alliances = reference.boards(), reference.alliances()
    professions = reference.professions()
    form = SearchForm(formdata=request.args)
    form.set_choices(boards, alliances, professions)
    if request.args:
        form.validate()
    filters, chosen = _filters(form, boards, alliances, professions)
    results = run_search(form.q.data or "", viewer=current_user, filters=filters, page=_page_arg(),
                         per_page=PER_PAGE)
    understood, offers = None, {}
    if results.searched and not results.groups and results.query:
        understood = explain.understand(results.query)
        offers = {name: [o for o in explain.named(results.words, options) if o != chosen.get(name)]
                  for name, options in (("profession", professions), ("alliance", alliances))}
    return render_template("search/search.html", form=form, results=results, chosen=chosen,
                           kinds=kinds.filter_choices(), understood=understood, offers=offers,
                           held_posts=held_matches(current_user, form.q.data or ""))

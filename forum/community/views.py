"""Home, alliance and profession pages."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, send_from_directory
from flask_login import current_user

from forum.community import queries
from forum.discussions import queries as discussions
from forum.discussions.views import page_arg
from forum.errors import NotFound
from forum.events import queries as event_queries
from forum.qi import queries as qi_queries

bp = Blueprint("community", __name__)


@bp.get("/")
def home():
    boards = discussions.boards_for_home()
    return render_template("community/home.html", boards=boards, reads=discussions.read_states(
        current_user, [board.last_thread for board in boards]),
                           last_posters=discussions.last_posters(b.last_thread_id for b in boards))


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; it lives with the other icons."""
    return send_from_directory(current_app.static_folder, "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=7 * 24 * 3600)


@bp.get("/alliances")
def alliances():
    return render_template("community/alliances.html", alliances=discussions.alliances(in_use=True))


@bp.get("/alliances/<slug>")
def show_alliance(slug: str):
    alliance = queries.alliance_by_slug(slug)
    if alliance is None:
        raise NotFound("No such alliance.")
    page = discussions.threads_page(current_user, alliance=alliance, page=page_arg())
    members, member_total = queries.members_of(current_user, alliance=alliance)
    writeups, writeup_total = qi_queries.hub_writeups(current_user, alliance=alliance)
    events, event_total = event_queries.hub_events(current_user, alliance_id=alliance.id)
    return render_template("community/alliance.html", alliance=alliance, page=page,
                           members=members, member_total=member_total, writeups=writeups,
                           writeup_total=writeup_total, events=events, event_total=event_total,
                           reads=discussions.read_states(current_user, page.items))


@bp.get("/professions")
def professions():
    return render_template("community/professions.html", professions=discussions.professions(in_use=True))


@bp.get("/professions/<slug>")
def show_profession(slug: str):
    profession = queries.profession_by_slug(slug)
    if profession is None:
        raise NotFound("No such profession.")
    page = discussions.threads_page(current_user, profession=profession, page=page_arg())
    members, member_total = queries.members_of(current_user, profession=profession)
    writeups, writeup_total = qi_queries.hub_writeups(current_user, profession=profession)
    events, event_total = event_queries.hub_events(current_user, profession_id=profession.id)
    return render_template("community/profession.html", profession=profession, page=page,
                           members=members, member_total=member_total, writeups=writeups,
                           writeup_total=writeup_total, events=events, event_total=event_total,
                           reads=discussions.read_states(current_user, page.items))

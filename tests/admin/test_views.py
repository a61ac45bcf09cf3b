"""The Organiser pages over HTTP: only active admins get in (visitors sign in first, members and
moderators get 403), every action is a POST that is audited, bad input is kept and explained,
and every list runs the same queries for 1 row as for 50."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select

from forum.admin import services
from forum.admin.kinds import KINDS
from forum.community.models import Board, Profession
from forum.extensions import db as _db
from forum.members.models import Role, User
from forum.moderation.models import AuditEntry
from tests import factories as f


def page(response) -> str:
    return response.get_data(as_text=True)


def options(html: str, select_id: str) -> list[str]:
    """The values a <select> offers."""
    match = re.search(rf'<select[^>]*id="{select_id}"[^>]*>(.*?)</select>', html, re.S)
    assert match, select_id
    return re.findall(r'value="([^"]*)"', match.group(1))


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def people(db):
    return {"member": f.member(display_name="Ben Member"),
            "moderator": f.moderator(display_name="Mo Derator"),
            "admin": f.admin(display_name="Ruth Organiser")}


GET_URLS = [
    "/admin/", "/admin/boards", "/admin/alliances", "/admin/professions",
    "/admin/boards/new", "/admin/alliances/new", "/admin/professions/new",
    "/admin/boards/{b}/edit", "/admin/alliances/{a}/edit", "/admin/professions/{p}/edit",
    "/admin/members", "/admin/members?q=ben", "/admin/members/{m}", "/admin/pages",
    "/admin/pages/privacy/edit", "/admin/pages/contact/history", "/admin/log",
]
POST_URLS = [
    "/admin/boards/new", "/admin/boards/{b}/edit", "/admin/boards/{b}/move",
    "/admin/boards/{b}/retire", "/admin/boards/{b}/restore",
    "/admin/alliances/new", "/admin/alliances/{a}/edit", "/admin/alliances/{a}/move",
    "/admin/alliances/{a}/retire", "/admin/alliances/{a}/restore",
    "/admin/professions/new", "/admin/professions/{p}/edit", "/admin/professions/{p}/move",
    "/admin/professions/{p}/retire", "/admin/professions/{p}/restore",
    "/admin/members/{m}/role", "/admin/pages/privacy/edit",
]
POST_DATA = {"name": "Changed", "description": "x", "group": "x", "audience": "public",
             "direction": "down", "role": "admin", "title": "Changed", "body": "Changed"}


def _url(template: str, people) -> str:
    return template.format(b=f.board("shadowing").id, a=f.alliance().id,
                           p=f.profession("podiatrist").id, m=people["member"].id)


@pytest.mark.parametrize("url", GET_URLS)
@pytest.mark.parametrize("who, status", [("visitor", 302), ("member", 403),
                                         ("moderator", 403), ("admin", 200)])
def test_every_organiser_page_is_for_organisers_only(client, db, people, url, who, status):
    if who != "visitor":
        f.sign_in(client, people[who])
    response = client.get(_url(url, people))
    assert response.status_code == status, (url, who)
    if who == "visitor":
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("url", POST_URLS)
@pytest.mark.parametrize("who, status", [("visitor", 302), ("member", 403), ("moderator", 403)])
def test_every_organiser_action_refuses_everyone_else_and_changes_nothing(client, db, people,
                                                                          url, who, status):
    if who != "visitor":
        f.sign_in(client, people[who])
    assert client.post(_url(url, people), data=POST_DATA).status_code == status
    assert audit_actions(db) == []
    assert _db.session.get(User, people["member"].id).role == Role.MEMBER


def test_the_organiser_menu_is_shown_to_organisers_only(client, db, people):
    assert 'href="/admin/"' not in page(client.get("/"))
    for who in ("member", "moderator"):
        f.sign_in(client, people[who])
        assert 'href="/admin/"' not in page(client.get("/"))
    f.sign_in(client, people["admin"])
    html = page(client.get("/"))
    assert '<a href="/admin/">Organiser</a>' in html
    assert 'aria-current="page">Organiser</a>' in page(client.get("/admin/"))


# --- boards, alliances, professions -------------------------------------------------------

def test_adding_a_board_through_the_form(client, db, people):
    f.sign_in(client, people["admin"])
    response = client.post("/admin/boards/new", data={
        "name": "Palliative care", "description": "At home", "audience": "public"})
    assert response.status_code == 303
    board = _db.session.scalar(select(Board).where(Board.slug == "palliative-care"))
    assert board is not None and board.members_only is False
    assert audit_actions(db) == ["add_board"]
    assert "Palliative care" in page(client.get(response.headers["Location"]))


def test_bad_input_is_explained_beside_the_field_and_kept(client, db, people):
    f.sign_in(client, people["admin"])
    response = client.post("/admin/professions/new", data={"name": "Dietitian",
                                                           "group": "My group"})
    html = page(response)
    assert response.status_code == 200
    assert "There is already a profession called Dietitian" in html
    assert 'value="My group"' in html and 'aria-invalid="true"' in html
    response = client.post("/admin/boards/new", data={"name": "", "audience": "everyone"})
    html = page(response)
    assert "Enter a name" in html and "Choose who can read the board" in html
    assert audit_actions(db) == []


def test_renaming_keeps_the_old_address_working(client, db, people):
    f.sign_in(client, people["admin"])
    board = f.board("shadowing")
    response = client.post(f"/admin/boards/{board.id}/edit", data={
        "name": "Shadowing and visits", "description": "", "audience": "members"})
    assert response.status_code == 303
    html = page(client.get("/boards/shadowing"))
    assert "<h1>Shadowing and visits</h1>" in html
    assert audit_actions(db) == ["edit_board"]


def test_the_edit_form_starts_with_what_is_saved(client, db, people):
    f.sign_in(client, people["admin"])
    board = f.board("introductions")  # a public board
    html = page(client.get(f"/admin/boards/{board.id}/edit"))
    assert 'value="Introductions"' in html
    assert re.search(r'<input checked[^>]*value="public"', html)
    assert not re.search(r'<input checked[^>]*value="members"', html)


def test_move_buttons_reorder_without_javascript(client, db, people):
    f.sign_in(client, people["admin"])
    slugs = list(_db.session.scalars(select(Profession.slug).order_by(Profession.position)))
    second = f.profession(slugs[1])
    html = page(client.get("/admin/professions"))
    assert f'id="up-{second.id}"' in html and f'id="down-{second.id}"' in html
    first = f.profession(slugs[0])
    assert f'id="up-{first.id}"' not in html  # the first offers no Move up
    response = client.post(f"/admin/professions/{second.id}/move", data={"direction": "up"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"#item-{second.id}")
    now = list(_db.session.scalars(select(Profession.slug).order_by(Profession.position)))
    assert now[:2] == [slugs[1], slugs[0]]
    assert audit_actions(db) == ["move_profession"]


def test_moving_the_first_up_says_why_not(client, db, people):
    f.sign_in(client, people["admin"])
    first = _db.session.scalar(select(Board).order_by(Board.position).limit(1))
    response = client.post(f"/admin/boards/{first.id}/move", data={"direction": "up"},
                           follow_redirects=True)
    assert "is already first" in page(response)
    assert audit_actions(db) == []


def test_a_retired_board_keeps_its_threads_readable_and_leaves_the_pickers(client, db, people):
    board = f.board("shadowing")
    thread = f.thread(people["member"], board=board, title="Shadowing a lymphoedema clinic")
    f.sign_in(client, people["admin"])
    assert client.post(f"/admin/boards/{board.id}/retire").status_code == 303
    f.sign_in(client, people["member"])
    assert "Shadowing a lymphoedema clinic" in page(client.get(f"/threads/{thread.id}"))
    board_page = page(client.get("/boards/shadowing"))
    assert 'id="board-retired"' in board_page and 'id="start-thread"' not in board_page
    assert str(board.id) not in options(page(client.get("/discussions/new")), "board")
    home = page(client.get("/"))
    assert 'href="/boards/clinical-leadership"' in home and 'href="/boards/shadowing"' not in home
    response = client.post("/discussions/new", data={"title": "New", "body": "Hello",
                                                     "board": str(board.id), "alliance": ""})
    assert response.status_code == 200 and "Choose a board from the list" in page(response)
    # Its threads can still be found by board.
    assert "Shadowing a lymphoedema clinic" in page(client.get("/discussions?board=shadowing"))


def test_a_retired_alliance_leaves_the_joining_form_but_not_a_member_who_has_it(client, db,
                                                                                people):
    alliance = f.alliance("north-central-london")  # people["member"]'s alliance
    f.sign_in(client, people["admin"])
    client.post(f"/admin/alliances/{alliance.id}/retire")
    client.post("/logout")
    _db.session.expire_all()
    assert str(alliance.id) not in options(page(client.get("/register")), "alliance")
    f.sign_in(client, people["member"])
    assert str(alliance.id) in options(page(client.get("/account")), "alliance")
    assert str(alliance.id) not in options(page(client.get("/discussions/new")), "alliance")
    assert "North Central London" not in page(client.get("/alliances")).split("<main")[1]
    assert 'id="alliance-retired"' in page(client.get("/alliances/north-central-london"))


def test_bringing_back_a_retired_profession(client, db, people):
    profession = f.profession("podiatrist")
    f.sign_in(client, people["admin"])
    client.post(f"/admin/professions/{profession.id}/retire")
    html = page(client.get("/admin/professions"))
    assert f'id="restore-{profession.id}"' in html and "Retired" in html
    client.post(f"/admin/professions/{profession.id}/restore")
    assert not _db.session.get(Profession, profession.id).is_retired
    assert audit_actions(db) == ["retire_profession", "restore_profession"]


def test_an_unknown_row_is_not_found(client, db, people):
    f.sign_in(client, people["admin"])
    assert client.get("/admin/boards/99999/edit").status_code == 404
    assert client.post("/admin/alliances/99999/retire").status_code == 404
    assert client.get("/admin/widgets").status_code == 404


# --- roles --------------------------------------------------------------------------------

def test_an_organiser_changes_a_role_and_it_is_logged(client, db, people):
    member = people["member"]
    f.sign_in(client, people["admin"])
    html = page(client.get("/admin/members"))
    assert "Mo Derator" in html and "Ruth Organiser" in html and "Ben Member" not in html
    assert "Ben Member" in page(client.get("/admin/members?q=BEN"))
    response = client.post(f"/admin/members/{member.id}/role",
                           data={"role": "moderator", "reason": "Volunteered"})
    assert response.status_code == 303
    assert "Ben Member is now a moderator." in page(client.get(response.headers["Location"]))
    assert _db.session.get(User, member.id).role == Role.MODERATOR
    assert audit_actions(db) == ["change_role"]
    log = page(client.get("/admin/log"))
    assert "Change role" in log and "Ben Member" in log and "Volunteered" in log


def test_a_role_not_offered_is_refused_in_plain_english(client, db, people):
    f.sign_in(client, people["admin"])
    response = client.post(f"/admin/members/{people['member'].id}/role", data={"role": "owner"})
    assert response.status_code == 200 and "Choose a role from the list" in page(response)
    assert audit_actions(db) == []


def test_the_last_organiser_is_told_why_they_cannot_step_down(client, db, people):
    admin = people["admin"]
    f.sign_in(client, admin)
    assert "only active organiser" in page(client.get(f"/admin/members/{admin.id}"))
    response = client.post(f"/admin/members/{admin.id}/role", data={"role": "member"})
    assert response.status_code == 200
    assert "Ruth Organiser is the only active organiser" in page(response)
    assert _db.session.get(User, admin.id).role == Role.ADMIN


def test_an_organiser_who_steps_down_leaves_the_organiser_pages(client, db, people):
    f.admin(display_name="Second Organiser")
    admin = people["admin"]
    f.sign_in(client, admin)
    response = client.post(f"/admin/members/{admin.id}/role", data={"role": "moderator"})
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert client.get("/admin/").status_code == 403


def test_the_moderation_member_page_links_organisers_to_the_role_page(client, db, people):
    f.sign_in(client, people["moderator"])
    assert 'id="role-link"' not in page(client.get(f"/moderation/members/{people['member'].id}"))
    f.sign_in(client, people["admin"])
    html = page(client.get(f"/moderation/members/{people['member'].id}"))
    assert f'href="/admin/members/{people["member"].id}"' in html


# --- constant queries ---------------------------------------------------------------------

def counted_get(client, count_queries, url: str) -> int:
    _db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


def _grow(kind: str, admin: User, n: int) -> None:
    admin = _db.session.get(User, admin.id)
    for i in range(n):
        services.add_reference(admin, KINDS[kind], name=f"Extra {kind} {i}")


@pytest.mark.parametrize("kind", ["boards", "alliances", "professions"])
def test_reference_lists_run_the_same_queries_for_1_and_50_rows(client, db, count_queries,
                                                                people, kind):
    model = KINDS[kind].model
    for row in _db.session.scalars(select(model)).all()[1:]:  # start from one row
        if kind == "boards":
            _db.session.delete(row)
        else:
            _db.session.execute(model.__table__.delete().where(model.id == row.id))
    _db.session.commit()
    f.sign_in(client, people["admin"])
    one = counted_get(client, count_queries, f"/admin/{kind}")
    _grow(kind, people["admin"], 49)
    assert _db.session.query(model).count() == 50
    assert counted_get(client, count_queries, f"/admin/{kind}") == one


def test_member_list_runs_the_same_queries_for_1_and_50_staff(client, db, count_queries, people):
    f.sign_in(client, people["admin"])
    one = counted_get(client, count_queries, "/admin/members?q=Mo+Derator")
    for i in range(49):
        f.moderator(display_name=f"Mo Derator {i}", alliance_slug="south-east-london",
                    profession_slug="dietitian")
    assert counted_get(client, count_queries, "/admin/members?q=Mo+Derator") == one
    assert counted_get(client, count_queries, "/admin/members") == one


def test_organiser_log_runs_the_same_queries_for_1_and_50_entries(client, db, count_queries,
                                                                   people):
    admin = people["admin"]
    services.retire_reference(admin, f.board("shadowing"))
    f.sign_in(client, admin)
    one = counted_get(client, count_queries, "/admin/log")
    _grow("boards", admin, 49)
    assert _db.session.query(AuditEntry).count() == 50
    assert counted_get(client, count_queries, "/admin/log") == one
    # Every other kind of target adds one query for the page, not one per entry.
    admin = _db.session.get(User, admin.id)
    for kind in ("alliances", "professions"):
        _grow(kind, admin, 10)
    services.change_role(admin, f.member(), role=Role.MODERATOR)
    from forum.pages import services as pages
    from forum.pages.queries import page_by_slug

    pages.edit_page(admin, page_by_slug("contact"), title="Contact us", body="Write to us.")
    assert counted_get(client, count_queries, "/admin/log") <= one + 4

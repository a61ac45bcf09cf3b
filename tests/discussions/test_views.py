"""Discussion pages over HTTP: what people see, what they may do, and what bad input gets."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from flask import g
from sqlalchemy import func, select

from forum.db import utcnow
from forum.discussions.models import Post, Thread
from forum.discussions.services import delete_post
from forum.extensions import db as _db
from forum.members.models import Status, User
from tests import factories as f


def page(response) -> str:
    return response.get_data(as_text=True)


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def opening_post(db, thread: Thread) -> Post:
    return db.session.scalar(select(Post).where(Post.thread_id == thread.id, Post.is_opening))


@pytest.fixture
def member(db, client):
    user = f.member(display_name="Asha Nurse")
    f.sign_in(client, user)
    return user


def new_thread_data(**changes) -> dict:
    data = {"title": "Managing fatigue after chemotherapy", "board": str(f.board().id),
            "alliance": str(f.alliance().id), "professions": [str(f.profession().id)],
            "body": "What has worked for your patients?"}
    data.update(changes)
    return data


# --- starting a thread --------------------------------------------------------------------

def test_start_a_thread(client, db, member):
    response = client.post("/discussions/new", data=new_thread_data())
    thread = db.session.scalar(select(Thread))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/threads/{thread.id}")
    assert thread.title == "Managing fatigue after chemotherapy"
    assert thread.alliance.slug == "north-central-london"
    assert [p.slug for p in thread.professions] == ["general-practice-nurse"]


def test_pan_london_means_no_alliance(client, db, member):
    client.post("/discussions/new", data=new_thread_data(alliance="", professions=[]))
    thread = db.session.scalar(select(Thread))
    assert thread.alliance_id is None and thread.professions == []
    assert "Pan-London" in page(client.get(f"/threads/{thread.id}"))


def test_new_thread_form_has_labels_and_the_board_preselected(client, db, member):
    html = page(client.get("/discussions/new?board=shadowing"))
    for label in ('for="title"', 'for="board"', 'for="alliance"', 'for="body"', 'id="preview-button"'):
        assert label in html
    assert f'<option selected value="{f.board("shadowing").id}">' in html


def test_preview_shows_the_rendered_post_and_saves_nothing(client, db, member):
    response = client.post("/discussions/new",
                           data=new_thread_data(body="Try **pacing**", preview="1"))
    html = page(response)
    assert response.status_code == 200
    assert "<strong>pacing</strong>" in html and 'id="preview"' in html
    assert "Try **pacing**</textarea>" in html
    assert count(db, Thread) == 0


def test_visitors_are_sent_to_sign_in_to_start_a_thread(client, db):
    response = client.get("/discussions/new")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_suspended_member_cannot_start_a_thread(client, db):
    f.sign_in(client, f.member(status=Status.SUSPENDED))
    assert client.get("/discussions/new").status_code == 403
    assert client.post("/discussions/new", data=new_thread_data()).status_code == 403
    assert count(db, Thread) == 0


@pytest.mark.parametrize(("changes", "message"), [
    ({"title": ""}, "Enter a title"),
    ({"title": "   "}, "Enter a title"),
    ({"title": "x" * 201}, "Title must be 200 characters or fewer"),
    ({"body": ""}, "Enter your message"),
    ({"body": "x" * 50_001}, "Message must be 50,000 characters or fewer"),
    ({"board": "999999"}, "Choose a board from the list"),
    ({"board": "not-a-number"}, "Choose a board from the list"),
    ({"board": ""}, "Choose a board"),
    ({"board": "99999999999999999999999999"}, "Choose a board from the list"),
    ({"alliance": "999999"}, "Choose an alliance from the list"),
    ({"alliance": "\x00"}, "Choose an alliance from the list"),
    ({"professions": ["999999"]}, "Choose professions from the list"),
    ({"professions": ["1", "abc"]}, "Choose professions from the list"),
])
def test_bad_thread_input_reshows_the_form_with_text_kept(client, db, member, changes, message):
    data = new_thread_data(**changes)
    if "title" not in changes:
        data["title"] = "Keep this title"
    if "body" not in changes:
        data["body"] = "Keep this body text"
    response = client.post("/discussions/new", data=data)
    html = page(response)
    assert response.status_code == 200
    assert message in html
    assert 'class="error-message"' in html or "error-summary" in html
    if "title" not in changes:
        assert 'value="Keep this title"' in html
    if "body" not in changes:
        assert "Keep this body text</textarea>" in html
    assert count(db, Thread) == 0


def test_null_bytes_are_removed_from_fields(client, db, member):
    response = client.post("/discussions/new", data=new_thread_data(
        title="Night\x00 sweats", body="Any\x00 tips?\x00"))
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread))
    assert thread.title == "Night sweats"
    assert opening_post(db, thread).body_source == "Any tips?"


def test_invalid_utf8_in_fields_is_never_a_500(client, db, member):
    body = (b"title=Bad+%FF%FE+bytes&board=" + str(f.board().id).encode()
            + b"&alliance=&body=caf%C3+%ED%A0%80+surrogate")
    response = client.post("/discussions/new", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code in (200, 303)
    thread = db.session.scalar(select(Thread))
    assert thread is not None
    assert "\ud800" not in opening_post(db, thread).body_source


# --- the thread page ----------------------------------------------------------------------

def test_thread_page_shows_the_tree_with_authors_and_times(client, db, member):
    author = f.member(display_name="Ben Physio", profession_slug="physiotherapist")
    thread = f.thread(author, title="Prehab before surgery")
    first = f.reply(member, thread, body="We use a *six-week* plan.")
    f.reply(author, thread, reply_to=first, body="Thanks, which tests?")
    html = page(client.get(f"/threads/{thread.id}"))
    assert "<h1" in html and "Prehab before surgery" in html
    assert f'href="/members/{author.id}"' in html and "Physiotherapist" in html
    assert "<em>six-week</em>" in html
    assert "<time datetime=" in html
    assert 'class="post__replies"' in html
    assert 'id="reply-form"' in html


def test_flat_view_lists_replies_oldest_first(client, db, member):
    thread = f.thread(member)
    first = f.reply(member, thread, body="First reply")
    f.reply(member, thread, body="Second reply")
    f.reply(member, thread, reply_to=first, body="Answer to the first")
    html = page(client.get(f"/threads/{thread.id}?view=flat"))
    assert html.index("First reply") < html.index("Second reply") < html.index("Answer to the first")
    assert "In reply to" in html
    assert 'class="post__replies"' not in html


def test_deep_replies_say_whom_they_answer(client, db, member):
    thread = f.thread(member)
    parent = None
    for n in range(5):
        parent = f.reply(f.member(display_name=f"Writer {n}"), thread, reply_to=parent,
                         body=f"Level {n + 1}")
    html = page(client.get(f"/threads/{thread.id}"))
    assert "post--depth-4" not in html
    assert 'In reply to <a href="#post-' in html and "><bdi>Writer 3</bdi></a>" in html
    assert html.count('class="post__replies"') == 2


def test_post_link_redirects_to_its_anchor(client, db, member):
    thread = f.thread(member)
    post = f.reply(member, thread)
    response = client.get(f"/posts/{post.id}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/threads/{thread.id}#post-{post.id}")


def test_unknown_thread_and_post_are_404(client, db, member):
    assert client.get("/threads/999999").status_code == 404
    assert client.get("/posts/999999").status_code == 404
    assert client.get("/posts/999999/edit").status_code == 404
    assert client.get("/boards/no-such-board").status_code == 404


@pytest.mark.parametrize("url", [
    "/threads/99999999999999999999", "/posts/99999999999999999999",
    "/posts/2147483648/reply", "/posts/99999999999999999999/edit",
    "/posts/99999999999999999999/history", "/boards/%00", "/boards/" + "x" * 300,
    "/threads/0",
])
def test_out_of_range_ids_and_odd_slugs_are_404(client, db, member, url):
    assert client.get(url).status_code == 404


def test_reply_to_an_out_of_range_id_is_refused(client, db, member):
    thread = f.thread(member)
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Hi", "reply_to": "999999999999999999"})
    assert response.status_code == 200 and "could not be found" in page(response)


def test_merged_thread_redirects_to_where_it_went(client, db, member):
    kept, merged = f.thread(member), f.thread(member)
    merged.merged_into_id = kept.id
    db.session.commit()
    response = client.get(f"/threads/{merged.id}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/threads/{kept.id}")


# --- who may see what ---------------------------------------------------------------------

def test_visitor_on_a_members_only_board_is_sent_to_sign_in(client, db):
    thread = f.thread(f.member(), board=f.board("clinical-leadership"))
    for url in ("/boards/clinical-leadership", f"/threads/{thread.id}"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login" in response.headers["Location"]


def test_visitor_reads_a_public_board(client, db):
    thread = f.thread(f.member(), board=f.board("introductions"), title="Hello from Hackney")
    assert "Hello from Hackney" in page(client.get("/boards/introductions"))
    html = page(client.get(f"/threads/{thread.id}"))
    assert "Hello from Hackney" in html and 'id="reply-form"' not in html
    assert "Sign in" in html


def test_suspended_member_is_refused_members_only_boards(client, db):
    thread = f.thread(f.member())
    f.sign_in(client, f.member(status=Status.SUSPENDED))
    assert client.get(f"/threads/{thread.id}").status_code == 403
    assert client.get("/boards/clinical-leadership").status_code == 403


def test_hidden_thread_is_404_for_other_members(client, db, member):
    thread = f.thread(f.member())
    thread.hidden_at = utcnow()
    db.session.commit()
    assert client.get(f"/threads/{thread.id}").status_code == 404


def test_hidden_post_shows_a_notice_and_its_author_the_reason(client, db, member):
    author = f.member()
    thread = f.thread(member)
    post = f.reply(author, thread, body="Something unkind")
    post.hidden_at, post.hidden_reason = utcnow(), "Please keep it kind."
    db.session.commit()
    html = page(client.get(f"/threads/{thread.id}"))
    assert "This post was hidden by a moderator" in html
    assert "Something unkind" not in html and "Please keep it kind." not in html
    f.sign_in(client, author)
    html = page(client.get(f"/threads/{thread.id}"))
    assert "Please keep it kind." in html


def test_deleted_post_stays_in_the_tree(client, db, member):
    thread = f.thread(member)
    post = f.reply(member, thread, body="Regrettable words")
    f.reply(f.member(), thread, reply_to=post, body="A reply that stays")
    delete_post(member, post)
    html = page(client.get(f"/threads/{thread.id}"))
    assert "Deleted by its author" in html
    assert "Regrettable words" not in html and "A reply that stays" in html


def test_locked_thread_shows_the_reason_and_no_reply_form(client, db, member):
    thread = f.thread(f.member())
    thread.locked, thread.lock_reason = True, "Answered; see the guidance."
    db.session.commit()
    html = page(client.get(f"/threads/{thread.id}"))
    assert "Answered; see the guidance." in html
    assert 'id="reply-form"' not in html


# --- replying -----------------------------------------------------------------------------

def test_reply_to_the_thread(client, db, member):
    thread = f.thread(f.member())
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Me too"})
    post = db.session.scalar(select(Post).where(Post.is_opening.is_(False)))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#post-{post.id}")
    assert post.body_source == "Me too" and post.reply_to_id is None


def test_reply_to_a_particular_post(client, db, member):
    thread = f.thread(f.member())
    parent = f.reply(f.member(display_name="Cara GP"), thread, body="Original point")
    html = page(client.get(f"/posts/{parent.id}/reply"))
    assert "Original point" in html and "Reply to Cara GP" in html
    response = client.post(f"/posts/{parent.id}/reply", data={"body": "Good point"})
    assert response.status_code == 303
    reply = db.session.scalar(select(Post).where(Post.body_source == "Good point"))
    assert reply.reply_to_id == parent.id


def test_reply_to_a_post_in_another_thread_is_refused(client, db, member):
    thread, other = f.thread(member), f.thread(member)
    elsewhere = f.reply(member, other)
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Keep my words", "reply_to": str(elsewhere.id)})
    html = page(response)
    assert response.status_code == 200
    assert "You can only reply to a post in this discussion." in html
    assert "Keep my words</textarea>" in html
    assert count(db, Post) == 3


@pytest.mark.parametrize("reply_to", ["999999", "abc", "-1", "1\x002"])
def test_reply_to_an_unknown_post_is_refused(client, db, member, reply_to):
    thread = f.thread(member)
    response = client.post(f"/threads/{thread.id}/reply",
                           data={"body": "Keep my words", "reply_to": reply_to})
    assert response.status_code == 200
    assert "could not be found" in page(response)
    assert count(db, Post) == 1


@pytest.mark.parametrize(("body", "message"), [
    ("", "Enter your message"), ("  ", "Enter your message"),
    ("x" * 50_001, "Message must be 50,000 characters or fewer"),
])
def test_bad_reply_reshows_the_form(client, db, member, body, message):
    thread = f.thread(member)
    response = client.post(f"/threads/{thread.id}/reply", data={"body": body})
    assert response.status_code == 200
    assert message in page(response)
    assert count(db, Post) == 1


def test_replying_to_a_locked_thread_is_refused_with_a_message(client, db, member):
    thread = f.thread(f.member())
    thread.locked, thread.lock_reason = True, "Closed for now."
    db.session.commit()
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "But I have more"})
    html = page(response)
    assert response.status_code == 403
    assert "This discussion is locked" in html and "Closed for now." in html
    assert "But I have more</textarea>" in html
    assert count(db, Post) == 1


def test_visitor_cannot_reply(client, db):
    thread = f.thread(f.member(), board=f.board("introductions"))
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Hi"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count(db, Post) == 1


# --- editing, deleting, history -------------------------------------------------------------

def test_edit_own_post_with_preview_then_save(client, db, member):
    thread = f.thread(member)
    post = f.reply(member, thread, body="Frist")
    assert "Frist</textarea>" in page(client.get(f"/posts/{post.id}/edit"))
    html = page(client.post(f"/posts/{post.id}/edit", data={"body": "*First*", "preview": "1"}))
    assert "<em>First</em>" in html
    db.session.refresh(post)
    assert post.body_source == "Frist"
    response = client.post(f"/posts/{post.id}/edit", data={"body": "*First*"})
    assert response.status_code == 303
    db.session.refresh(post)
    assert post.body_source == "*First*" and post.revision_count == 2


def test_edit_opening_post_changes_the_title(client, db, member):
    thread = f.thread(member, title="Old")
    post = opening_post(db, thread)
    client.post(f"/posts/{post.id}/edit", data={"title": "New", "body": post.body_source})
    db.session.refresh(thread)
    assert thread.title == "New"


def test_bad_edit_keeps_the_text(client, db, member):
    thread = f.thread(member)
    post = opening_post(db, thread)
    response = client.post(f"/posts/{post.id}/edit", data={"title": "x" * 201, "body": "Kept"})
    html = page(response)
    assert "Title must be 200 characters or fewer" in html and "Kept</textarea>" in html


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("action", ["edit", "delete"])
def test_someone_elses_post_cannot_be_edited_or_deleted(client, db, member, method, action):
    post = f.reply(f.member(), f.thread(f.member()), body="Not yours")
    response = getattr(client, method)(f"/posts/{post.id}/{action}", data={"body": "Mine"})
    assert response.status_code == 403
    db.session.refresh(post)
    assert post.body_source == "Not yours" and post.deleted_at is None


def test_delete_asks_first_then_deletes(client, db, member):
    thread = f.thread(member)
    post = f.reply(member, thread)
    html = page(client.get(f"/posts/{post.id}/delete"))
    assert "Are you sure" in html and 'id="delete-button"' in html
    db.session.refresh(post)
    assert post.deleted_at is None
    response = client.post(f"/posts/{post.id}/delete")
    assert response.status_code == 303
    db.session.refresh(post)
    assert post.deleted_at is not None


def test_history_lists_every_revision_newest_first(client, db, member):
    thread = f.thread(member)
    post = f.reply(member, thread, body="Version one")
    client.post(f"/posts/{post.id}/edit", data={"body": "Version two"})
    thread_html = page(client.get(f"/threads/{thread.id}"))
    assert f'href="/posts/{post.id}/history"' in thread_html and ">edited<" in thread_html
    html = page(client.get(f"/posts/{post.id}/history"))
    assert html.index("Version two") < html.index("Version one")


def test_versions_before_a_moderators_edit_stay_with_moderators(client, db, member):
    from forum.discussions import services

    author, moderator = f.member(), f.moderator()
    post = f.reply(author, f.thread(member), body="Seen Mrs Example, NHS number 943 476 5919")
    services.edit_post(moderator, post, body="[Patient details removed by a moderator]")
    f.sign_in(client, member)
    html = page(client.get(f"/posts/{post.id}/history"))
    assert "Patient details removed" in html and "943 476 5919" not in html
    f.sign_in(client, moderator)
    assert "943 476 5919" in page(client.get(f"/posts/{post.id}/history"))


def test_history_of_a_hidden_post_is_not_shown_to_others(client, db, member):
    post = f.reply(f.member(), f.thread(member))
    post.hidden_at = utcnow()
    db.session.commit()
    assert client.get(f"/posts/{post.id}/history").status_code == 403


# --- lists ----------------------------------------------------------------------------------

def test_board_lists_pinned_first_then_by_last_activity(client, db, member):
    old = f.thread(member, title="Older discussion")
    pinned = f.thread(member, title="Pinned guidance")
    new = f.thread(member, title="Newer discussion")
    f.reply(member, old)  # old is now the most recently active
    pinned.pinned = True
    db.session.commit()
    html = page(client.get("/boards/clinical-leadership"))
    assert html.index("Pinned guidance") < html.index("Older discussion") < html.index(new.title)


def test_board_rows_show_author_profession_alliance_tags_and_counts(client, db, member):
    author = f.member(display_name="Dee Dietitian", profession_slug="dietitian")
    thread = f.thread(author, alliance=f.alliance("south-east-london"),
                      professions=[f.profession("dietitian")])
    f.reply(member, thread)
    html = page(client.get("/boards/clinical-leadership"))
    for text in ("Dee Dietitian", "Dietitian", "South East London", "1 reply", "Last activity"):
        assert text in html


def test_board_is_paginated(client, app, db, member):
    app.config["THREADS_PER_PAGE"] = 2
    try:
        for n in range(5):
            f.thread(member, title=f"Thread number {n}")
        first = page(client.get("/boards/clinical-leadership"))
        last = page(client.get("/boards/clinical-leadership?page=3"))
        huge = client.get("/boards/clinical-leadership?page=99999999999999999999")
    finally:
        app.config["THREADS_PER_PAGE"] = 25
    assert "Thread number 4" in first and "Thread number 0" not in first
    assert "Thread number 0" in last and 'rel="prev"' in last
    assert huge.status_code == 200


def test_thread_list_narrows_by_board_alliance_and_profession_at_once(client, db, member):
    gp = f.profession("gp")
    ncl, sel = f.alliance("north-central-london"), f.alliance("south-east-london")
    f.thread(member, title="Match", alliance=ncl, professions=[gp])
    f.thread(member, title="Wrong alliance", alliance=sel, professions=[gp])
    f.thread(member, title="Wrong profession", alliance=ncl)
    f.thread(member, title="Wrong board", board=f.board("shadowing"), alliance=ncl, professions=[gp])
    html = page(client.get("/discussions?board=clinical-leadership&alliance=north-central-london"
                           "&profession=gp"))
    assert "Match" in html
    assert "Wrong alliance" not in html and "Wrong profession" not in html
    assert "Wrong board" not in html
    assert '<option selected value="gp">' in html


def test_thread_list_narrows_to_pan_london(client, db, member):
    f.thread(member, title="For everyone")
    f.thread(member, title="Only north central", alliance=f.alliance())
    html = page(client.get("/discussions?alliance=pan-london-national"))
    assert "For everyone" in html and "Only north central" not in html


@pytest.mark.parametrize("query", [
    "board=nope", "alliance=%00x", "profession=999", "page=abc", "page=-5",
    "board=%FF%FE", "alliance=" + "x" * 5000,
])
def test_unknown_filters_show_a_message_not_an_error(client, db, member, query):
    f.thread(member, title="Still listed")
    response = client.get(f"/discussions?{query}")
    assert response.status_code == 200
    html = page(response)
    assert "Still listed" in html
    if not query.startswith("page"):
        assert "from the list" in html


def test_visitor_sees_only_public_threads_in_the_list(client, db):
    author = f.member()
    f.thread(author, board=f.board("introductions"), title="Public hello")
    f.thread(author, title="Members only talk")
    html = page(client.get("/discussions"))
    assert "Public hello" in html and "Members only talk" not in html


# --- no executable markup -------------------------------------------------------------------

class Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict] = []
        self.handlers: list[str] = []
        self.bad_urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs_d = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs_d)
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("href", "src") and (value or "").replace(" ", "").lower().startswith(
                    ("javascript:", "vbscript:", "data:")):
                self.bad_urls.append(value)


def test_a_hostile_post_leaves_no_executable_markup_in_the_page(client, db, member):
    body = "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1))"
    response = client.post("/discussions/new", data=new_thread_data(
        title="<script>alert('title')</script>", body=body))
    assert response.status_code == 303
    thread = db.session.scalar(select(Thread))
    f.reply(member, thread, body=body)
    for url in (f"/threads/{thread.id}", f"/threads/{thread.id}?view=flat",
                "/boards/clinical-leadership", "/discussions", "/"):
        scan = Scan()
        scan.feed(page(client.get(url)))
        assert scan.scripts[0] == {"src": "/static/js/app.js", "defer": None}, url
        mentions = {"src": "/static/js/mentions.js", "data-url": "/members/mention-suggestions",
                    "defer": None}  # for signed-in members (forum.notify)
        assert scan.scripts[1:2] == [mentions], url
        assert scan.scripts[2:] in ([], [{"src": "/static/js/drafts.js", "defer": None}]), url
        assert scan.handlers == [], url
        assert scan.bad_urls == [], url
    post = opening_post(db, thread)
    html = page(client.get(f"/posts/{post.id}/history"))
    scan = Scan()
    scan.feed(html)
    assert scan.handlers == [] and len(scan.scripts) == 2  # app.js, mentions.js


# --- query counts ---------------------------------------------------------------------------

def counted_get(client, count_queries, url: str) -> int:
    """Queries one request makes, starting as a real request does: nothing cached.

    Test requests share the fixture's app context and so its session; empty it first so
    objects the test made cannot hide a lazy load.
    """
    _db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


@pytest.mark.parametrize("url", ["/boards/clinical-leadership", "/discussions",
                                 "/discussions?alliance=north-central-london&profession=gp"])
def test_thread_lists_query_count_does_not_grow_with_threads(client, app, db, member,
                                                             count_queries, url):
    app.config["THREADS_PER_PAGE"] = 100
    author_ids = [f.member(profession_slug=s).id for s in ("gp", "dietitian", "paramedic")]

    def add(n: int) -> None:
        authors = [_db.session.get(User, i) for i in author_ids]
        tags = [f.profession("gp"), f.profession("dietitian")]
        for i in range(n):
            f.thread(authors[i % 3], alliance=f.alliance(), professions=tags)

    counts = []
    try:
        for n in (1, 49):
            add(n)
            counts.append(counted_get(client, count_queries, url))
        assert page(client.get(url)).count('class="thread-list__item') == 50
    finally:
        app.config["THREADS_PER_PAGE"] = 25
    assert counts[0] == counts[1], counts


def test_signed_in_through_the_login_form_a_member_can_reply(client, auth, db):
    user = f.member()
    thread = f.thread(f.member())
    assert auth.login(user.email).status_code in (302, 303)
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Signed in properly"})
    assert response.status_code == 303
    assert db.session.scalar(select(Post.author_id).where(Post.body_source == "Signed in properly")) \
        == user.id


def test_link_builds_the_same_urls_as_url_for(app):
    from flask import url_for

    from forum.discussions.views import link

    with app.test_request_context("/"):
        for post_id in (1, 7, 42, 7919000000, 123456):
            assert link("discussions.edit_post", post_id=post_id) == url_for(
                "discussions.edit_post", post_id=post_id)
            assert link("members.profile", user_id=post_id) == url_for(
                "members.profile", user_id=post_id)

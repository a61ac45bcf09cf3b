"""Long discussions over HTTP: pages, branches, permalinks, jump links and read marks."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from forum.db import utcnow
from forum.discussions import paging
from forum.discussions.models import Post, ThreadRead
from forum.discussions.services import delete_post
from tests import factories as f
from tests.discussions.test_views import counted_get, page

ARTICLE = re.compile(r'<article class="post[ "]')


@pytest.fixture
def member(db, client):
    user = f.member(display_name="Asha Nurse")
    f.sign_in(client, user)
    return user


@pytest.fixture
def small_pages(app):
    """Five posts a page, so a few replies make a long thread."""
    app.config["POSTS_PER_PAGE"] = 5
    yield 5
    app.config["POSTS_PER_PAGE"] = 50


def top_level(thread, n: int, writer=None) -> list[Post]:
    writer = writer or f.member(display_name="Ben Physio")
    return [f.reply(writer, thread, body=f"Top-level reply {i}") for i in range(n)]


def articles(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<article class="post[^"]*"\s+id="post-(\d+)"', html)]


def long_thread(author, n: int):
    """`n` posts: a quarter of the replies start a branch, the rest answer the one before."""
    thread = f.thread(author)
    others = [f.member(profession_slug=slug, alliance_slug=alliance) for slug, alliance in (
        ("gp", "north-east-london"), ("dietitian", "south-east-london"),
        ("paramedic", "rm-partners-west-london"))]
    parent = None
    for i in range(n - 1):
        parent = f.reply(others[i % 3], thread, reply_to=parent if i % 4 else None,
                         body=f"Reply {i} with a [link](https://example.org/{i}) and "
                              "**some** words about " + "the clinic " * 30)
    return thread


# --- size and queries ---------------------------------------------------------------------

@pytest.mark.parametrize("view", ["", "?view=flat"])
def test_a_thread_page_costs_the_same_queries_and_size_for_50_and_400_posts(
        client, db, member, count_queries, view):
    tiny, small, large = long_thread(member, 2), long_thread(member, 50), long_thread(member, 400)
    hidden = db.session.scalars(select(Post).where(Post.thread_id == large.id).limit(3)).all()
    hidden[1].hidden_at = utcnow()
    delete_post(hidden[2].author, hidden[2])
    counts, sizes = [], []
    urls = [f"/threads/{t.id}{view}" for t in (tiny, small, large)]
    for url in urls * 2:  # first views write a read mark, later ones do not
        counts.append(counted_get(client, count_queries, url))
        sizes.append(len(client.get(url).get_data()))
    assert counts[0] == counts[1] == counts[2] and counts[3] == counts[4] == counts[5], counts
    html = page(client.get(urls[2]))
    assert len(ARTICLE.findall(html)) <= 51
    assert sizes[2] < 200_000 and sizes[2] < 1.3 * sizes[1], sizes


def test_a_long_thread_pages_by_top_level_reply_keeping_branches_whole(
        client, db, member, small_pages):
    thread = f.thread(member)
    tops = top_level(thread, 6)
    answer = f.reply(member, thread, reply_to=tops[0], body="An answer on page one")
    first = page(client.get(f"/threads/{thread.id}"))
    assert articles(first)[:4] == [tops[0].id - 1, tops[0].id, answer.id, tops[1].id]
    assert len(articles(first)) == 6  # opening + 5 replies' worth of whole branches
    assert '<nav class="pagination" aria-label="Pages of replies">' in first
    assert '<span aria-current="page">1</span>' in first
    assert f'href="/threads/{thread.id}?page=2" rel="next">Next' in first
    assert "(page 1 of 2) – " in first
    second = page(client.get(f"/threads/{thread.id}?page=2"))
    assert articles(second) == [tops[4].id, tops[5].id]
    assert 'rel="prev">Previous' in second and '<span aria-current="page">2</span>' in second
    assert 'id="to-opening-post"' in second


def test_short_thread_has_no_pagination(client, db, member):
    thread = f.thread(member)
    top_level(thread, 3)
    html = page(client.get(f"/threads/{thread.id}"))
    assert 'class="pagination"' not in html and "page 1 of" not in html


def test_a_deep_branch_offers_the_rest_on_a_page_of_its_own(client, db, member):
    thread = f.thread(member)
    parent = None
    chain = []
    for i in range(paging.BRANCH_SHOWN + 5):
        parent = f.reply(member, thread, reply_to=parent, body=f"Step {i}")
        chain.append(parent)
    html = page(client.get(f"/threads/{thread.id}"))
    assert chain[paging.BRANCH_SHOWN].id not in articles(html)
    more = re.search(rf'<a href="([^"]+)" id="more-{chain[0].id}">Show 5 more replies', html)
    assert more, html
    branch = client.get(more.group(1).replace("&amp;", "&"))
    assert branch.status_code == 200
    shown = articles(page(branch))
    assert {p.id for p in chain} <= set(shown)
    assert 'id="back-to-thread"' in page(branch) and 'id="reply-form"' not in page(branch)


# --- permalinks ---------------------------------------------------------------------------

def test_permalink_sends_a_post_on_page_three_to_page_three(client, db, member, small_pages):
    thread = f.thread(member)
    tops = top_level(thread, 12)
    target = tops[11]
    response = client.get(f"/threads/{thread.id}/posts/{target.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/threads/{thread.id}?page=3#post-{target.id}"
    assert target.id in articles(page(client.get(f"/threads/{thread.id}?page=3")))
    old = client.get(f"/posts/{target.id}")  # links made before pages existed
    assert old.headers["Location"] == response.headers["Location"]


def test_permalink_sends_a_deep_branch_post_to_its_branch_page(client, db, member):
    thread = f.thread(member)
    parent = None
    chain = []
    for i in range(paging.BRANCH_SHOWN + 3):
        parent = f.reply(member, thread, reply_to=parent, body=f"Step {i}")
        chain.append(parent)
    deep = chain[-1]
    response = client.get(f"/threads/{thread.id}/posts/{deep.id}")
    assert response.headers["Location"] == \
        f"/threads/{thread.id}/posts/{chain[0].id}/replies#post-{deep.id}"
    assert deep.id in articles(page(client.get(response.headers["Location"])))


def test_permalink_in_the_oldest_first_view_finds_its_page(client, db, member, small_pages):
    thread = f.thread(member)
    tops = top_level(thread, 7)
    response = client.get(f"/threads/{thread.id}/posts/{tops[6].id}?view=flat")
    assert response.headers["Location"] == \
        f"/threads/{thread.id}?view=flat&page=2#post-{tops[6].id}"


def test_in_reply_to_links_an_anchor_on_the_page_and_a_permalink_off_it(
        client, db, member, small_pages):
    thread = f.thread(member)
    tops = top_level(thread, 5)
    near = f.reply(member, thread, reply_to=tops[4], body="Answer on the same page")
    html = page(client.get(f"/threads/{thread.id}?view=flat&page=2"))
    assert f'In reply to <a href="/threads/{thread.id}/posts/{tops[4].id}?view=flat">' in html
    far = f.reply(member, thread, reply_to=near, body="Answer to the answer")
    html = page(client.get(f"/threads/{thread.id}?view=flat&page=2"))
    assert far.id in articles(html)
    assert f'In reply to <a href="#post-{near.id}">' in html


def test_a_post_the_viewer_cannot_see_is_404_through_its_permalink(client, db, member, app):
    other = f.member()
    thread = f.thread(other)
    app.config["PREMODERATE_FIRST_POSTS"] = 99
    try:
        held = f.reply(f.member(), thread, body="Waiting for a moderator")
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    assert held.pending
    elsewhere = f.thread(other)
    assert client.get(f"/threads/{thread.id}/posts/{held.id}").status_code == 404
    assert client.get(f"/threads/{thread.id}/posts/{held.id}/replies").status_code == 404
    assert client.get(f"/threads/{elsewhere.id}/posts/{held.id}").status_code == 404
    assert client.get(f"/threads/{thread.id}/posts/99999999").status_code == 404


def test_a_permalink_follows_a_post_into_the_thread_it_was_merged_into(client, db, member):
    from forum.moderation.services import merge_thread

    target, merged = f.thread(member), f.thread(member)
    post = f.reply(member, merged, body="Said in the thread that was merged")
    merge_thread(f.moderator(), merged, target)
    response = client.get(f"/threads/{merged.id}/posts/{post.id}")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/threads/{target.id}/posts/{post.id}"


def test_a_hidden_post_keeps_its_permalink_but_not_its_text(client, db, member):
    thread = f.thread(f.member())
    post = f.reply(f.member(), thread, body="Something the moderator hid")
    post.hidden_at = utcnow()
    db.session.commit()
    response = client.get(f"/threads/{thread.id}/posts/{post.id}")
    assert response.headers["Location"].endswith(f"#post-{post.id}")
    html = page(client.get(response.headers["Location"]))
    assert "hidden by a moderator" in html and "Something the moderator hid" not in html


def test_a_visitor_on_a_members_only_board_is_sent_to_sign_in_not_to_the_post(client, db):
    thread = f.thread(f.member())
    post = f.reply(f.member(), thread)
    response = client.get(f"/threads/{thread.id}/posts/{post.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- jump links and read marks --------------------------------------------------------------

def test_jump_to_latest_goes_to_the_newest_post(client, db, member, small_pages):
    thread = f.thread(member)
    tops = top_level(thread, 12)
    html = page(client.get(f"/threads/{thread.id}"))
    assert f'href="/threads/{thread.id}?page=3#post-{tops[-1].id}" id="jump-to-latest"' in html


def test_first_unread_points_right_after_what_was_read(client, db, member):
    other = f.member(display_name="Ben Physio")
    thread = f.thread(other)
    top_level(thread, 2, other)
    html = page(client.get(f"/threads/{thread.id}"))
    assert 'id="first-unread"' not in html  # first visit: everything is in front of them
    new = [f.reply(other, thread, body="New since you looked"), f.reply(other, thread)]
    response = client.get(f"/threads/{thread.id}/unread")  # the link thread lists give
    assert response.headers["Location"] == f"/threads/{thread.id}#post-{new[0].id}"
    html = page(client.get(f"/threads/{thread.id}"))
    assert f'href="/threads/{thread.id}#post-{new[0].id}" id="first-unread"' in html
    # That page showed both: nothing is unread now, so the lists' link goes to the latest.
    response = client.get(f"/threads/{thread.id}/unread")
    assert response.headers["Location"] == f"/threads/{thread.id}#post-{new[-1].id}"


def test_posts_written_since_the_last_visit_are_marked_new(client, db, member):
    other = f.member()
    thread = f.thread(other)
    old = f.reply(other, thread)
    client.get(f"/threads/{thread.id}")
    new, mine = f.reply(other, thread), f.reply(member, thread)
    html = page(client.get(f"/threads/{thread.id}"))

    def card(post) -> str:
        start = html.index(f'id="post-{post.id}"')
        return html[start: html.index("</article>", start)]

    assert 'class="tag tag--new"' in card(new)
    assert "tag--new" not in card(old) and "tag--new" not in card(mine)
    assert "tag--new" not in page(client.get(f"/threads/{thread.id}"))


def test_first_unread_after_reading_one_page_of_a_long_thread(client, db, member, small_pages):
    other = f.member()
    thread = f.thread(other)
    tops = top_level(thread, 5, other)
    client.get(f"/threads/{thread.id}")  # page one: everything so far
    new = top_level(thread, 6, other)  # page one is full, so these go to pages two and three

    def mark() -> int:
        return db.session.scalar(select(ThreadRead.last_read_post_id).where(
            ThreadRead.user_id == member.id, ThreadRead.thread_id == thread.id))

    def first_unread(url: str) -> str:
        return re.search(r'href="([^"]+)" id="first-unread"', page(client.get(url))).group(1)

    assert first_unread(f"/threads/{thread.id}") == f"/threads/{thread.id}?page=2#post-{new[0].id}"
    assert mark() == tops[-1].id
    client.get(f"/threads/{thread.id}?page=2")
    assert mark() == new[4].id
    assert first_unread(f"/threads/{thread.id}") == f"/threads/{thread.id}?page=3#post-{new[5].id}"


def test_a_long_branch_does_not_hold_back_the_mark_of_a_first_reading(
        client, db, member, small_pages):
    """Posts behind "Show more" that were there when the member first came count as passed;
    ones written since stay unread until the member opens the branch."""
    other = f.member()
    thread = f.thread(other)
    parent = None
    for i in range(paging.BRANCH_SHOWN + 2):
        parent = f.reply(other, thread, reply_to=parent, body=f"Step {i}")
    tops = top_level(thread, 8, other)
    client.get(f"/threads/{thread.id}")
    client.get(f"/threads/{thread.id}?page=3")  # the last page: the branch is still unopened

    def unread() -> str:
        return re.search(r"(\d+) unread<", page(client.get("/boards/clinical-leadership")))

    assert unread() is None
    assert client.get(f"/threads/{thread.id}/unread").headers["Location"].endswith(
        f"#post-{tops[-1].id}")
    late = f.reply(other, thread, reply_to=parent, body="A late answer deep in the branch")
    client.get(f"/threads/{thread.id}")
    assert unread().group(1) == "1"
    where = client.get(f"/threads/{thread.id}/unread").headers["Location"]
    assert where.endswith(f"/replies#post-{late.id}")
    assert late.id in articles(page(client.get(where)))


def test_a_second_view_with_nothing_new_writes_nothing(client, db, member, count_queries):
    thread = f.thread(f.member())
    top_level(thread, 3)
    client.get(f"/threads/{thread.id}")
    with count_queries() as q:
        assert client.get(f"/threads/{thread.id}").status_code == 200
    writes = [s for s in q.statements if s.lstrip().upper().startswith(("INSERT", "UPDATE"))]
    assert writes == []


def test_the_mark_never_moves_back(client, db, member, small_pages):
    thread = f.thread(f.member())
    tops = top_level(thread, 12)
    client.get(f"/threads/{thread.id}?page=3")
    client.get(f"/threads/{thread.id}")
    mark = db.session.scalar(select(ThreadRead.last_read_post_id).where(
        ThreadRead.user_id == member.id))
    assert mark == tops[-1].id


def test_visitors_have_no_read_marks(client, db):
    thread = f.thread(f.member(), board=f.board("introductions"))
    top_level(thread, 2)
    f.board("introductions").members_only = False
    db.session.commit()
    html = page(client.get(f"/threads/{thread.id}"))
    assert 'id="jump-to-latest"' in html and 'id="first-unread"' not in html
    assert db.session.scalars(select(ThreadRead)).all() == []


# --- thread lists -----------------------------------------------------------------------------

def test_lists_show_new_threads_and_unread_counts(client, db, member):
    other = f.member()
    seen = f.thread(other, title="One I have read")
    fresh = f.thread(other, title="One I never opened")
    client.get(f"/threads/{seen.id}")
    f.reply(other, seen)
    f.reply(other, seen)
    f.reply(member, seen)  # my own reply is not unread
    for url in ("/boards/clinical-leadership", "/discussions"):
        html = page(client.get(url))
        row = html[html.index(f'id="thread-{seen.id}"'):]
        row = row[: row.index("</li>\n    <li") if "</li>\n    <li" in row else None]
        assert f'href="/threads/{seen.id}/unread"' in row and "2 unread" in row
        fresh_row = html[html.index(f'id="thread-{fresh.id}"'):]
        assert '<span class="tag tag--new">New</span>' in fresh_row[:2000]
    home = page(client.get("/"))
    assert "tag--new" in home or "unread" in home


def test_unread_counts_leave_out_what_the_member_cannot_see(client, db, member, app):
    other = f.member()
    thread = f.thread(other)
    client.get(f"/threads/{thread.id}")
    visible = f.reply(other, thread)
    hidden = f.reply(other, thread)
    hidden.hidden_at = utcnow()
    db.session.commit()
    app.config["PREMODERATE_FIRST_POSTS"] = 99
    try:
        f.reply(f.member(), thread, body="Held")
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    html = page(client.get("/boards/clinical-leadership"))
    assert "1 unread" in html and visible.id


@pytest.mark.parametrize("url", ["/", "/boards/clinical-leadership", "/discussions",
                                 "/alliances/north-central-london", "/professions/gp"])
def test_thread_lists_with_read_marks_cost_the_same_for_1_and_50_threads(
        client, app, db, member, count_queries, url):
    app.config["THREADS_PER_PAGE"] = 100
    from forum.extensions import db as _db
    from forum.members.models import User

    author_ids = [f.member(profession_slug=s).id for s in ("gp", "dietitian", "paramedic")]
    member_id = member.id

    def add(n: int) -> None:
        authors = [_db.session.get(User, i) for i in author_ids]
        for i in range(n):
            thread = f.thread(authors[i % 3], alliance=f.alliance(), professions=[f.profession("gp")])
            f.reply(authors[(i + 1) % 3], thread)
            if i % 2:
                _db.session.add(ThreadRead(user_id=member_id, thread_id=thread.id,
                                           last_read_post_id=0))
        _db.session.commit()

    counts = []
    try:
        for n in (1, 49):
            add(n)
            counts.append(counted_get(client, count_queries, url))
        html = page(client.get(url))
    finally:
        app.config["THREADS_PER_PAGE"] = 25
    if url != "/":
        assert html.count('class="thread-list__item') == 50
        assert html.count("tag--new") == 26 and html.count("2 unread<") == 24
    assert counts[0] == counts[1], counts


# --- links made elsewhere reach the page that shows the post --------------------------------

def lands_on(client, link: str, post_id: int) -> str:
    """Following `link` (as a person does) ends on the page and anchor that show the post."""
    response = client.get(link.split("#")[0], follow_redirects=True)
    assert post_id in articles(page(response)), link
    final = response.history[-1].headers["Location"] if response.history else link
    assert final.endswith(f"#post-{post_id}"), (link, final)
    return final


def test_a_moderators_notification_links_to_the_page_that_shows_the_post(
        client, db, member, small_pages):
    from forum.moderation import services as moderation
    from forum.notify.models import Notification

    thread = f.thread(f.member())
    tops = top_level(thread, 12, writer=member)
    moderation.hide_post(f.moderator(), tops[11], reason="Off topic")
    note = db.session.scalars(select(Notification).where(Notification.user_id == member.id)).one()
    assert lands_on(client, note.link, tops[11].id).endswith(f"#post-{tops[11].id}")



def test_the_audit_log_links_a_post_to_the_page_that_shows_it(client, db, small_pages):
    from forum.moderation import services as moderation

    thread = f.thread(f.member())
    tops = top_level(thread, 12)
    moderator = f.moderator()
    moderation.hide_post(moderator, tops[11], reason="Off topic")
    f.sign_in(client, moderator)
    html = page(client.get("/moderation/audit"))
    link = re.search(rf'<a href="([^"]+)">Post {tops[11].id} in', html).group(1)
    assert lands_on(client, link, tops[11].id).endswith(f"#post-{tops[11].id}")

"""Discussion services and the policy behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from forum.db import utcnow
from forum.discussions import policy, queries
from forum.discussions.models import Post, PostRevision, Thread
from forum.discussions.services import delete_post, edit_post, reply_to_thread, start_thread
from forum.errors import InvalidInput, PermissionDenied
from forum.members.models import Status
from forum.notify.models import OutboxMessage
from tests import factories as f


def search_rows(db) -> list[dict]:
    return [m.payload for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "search").order_by(OutboxMessage.id))]


def listed_threads(db, viewer) -> list[Thread]:
    return list(db.session.scalars(policy.visible_threads(select(Thread), viewer)))


def listed_posts(db, viewer) -> list[Post]:
    return list(db.session.scalars(policy.visible_posts(select(Post).order_by(Post.id), viewer)))


# --- starting a thread --------------------------------------------------------------------

def test_start_thread_creates_the_opening_post_and_revision_one(db):
    author = f.member()
    thread = start_thread(author, board=f.board(), title="  Lymphoedema  clinics ",
                          body="How do you **refer**?", alliance=f.alliance(),
                          professions=[f.profession(), f.profession("gp")])
    (post,) = db.session.scalars(select(Post).where(Post.thread_id == thread.id))
    assert thread.title == "Lymphoedema clinics"
    assert post.is_opening and post.author == author
    assert post.body_html == "<p>How do you <strong>refer</strong>?</p>\n"
    (revision,) = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id))
    assert (revision.number, revision.title, revision.body_source) == (
        1, "Lymphoedema clinics", "How do you **refer**?")
    assert [p.slug for p in thread.professions] == ["general-practice-nurse", "gp"]
    assert thread.alliance.slug == "north-central-london"


def test_start_thread_keeps_the_counters(db):
    author = f.member()
    board = f.board()
    thread = f.thread(author, board=board)
    assert (board.thread_count, board.post_count) == (1, 1)
    assert board.last_thread_id == thread.id and board.last_activity_at == thread.created_at
    assert author.post_count == 1
    assert thread.reply_count == 0


def test_start_thread_writes_a_search_row_for_the_thread(db):
    thread = f.thread(f.member())
    assert search_rows(db) == [{"kind": "thread", "id": thread.id}]


@pytest.mark.parametrize(("title", "body", "field"), [
    ("", "Body", "title"),
    ("   ", "Body", "title"),
    ("x" * 201, "Body", "title"),
    ("\x00\x00", "Body", "title"),
    ("Title", "", "body"),
    ("Title", " \n ", "body"),
    ("Title", "x" * 50_001, "body"),
])
def test_start_thread_refuses_bad_titles_and_bodies(db, title, body, field):
    with pytest.raises(InvalidInput) as error:
        start_thread(f.member(), board=f.board(), title=title, body=body)
    assert error.value.field == field
    assert db.session.scalar(select(Thread)) is None


def test_limits_are_inclusive(db):
    thread = start_thread(f.member(), board=f.board(), title="x" * 200, body="y" * 50_000)
    assert len(thread.title) == 200


def test_null_bytes_are_removed_before_saving(db):
    thread = start_thread(f.member(), board=f.board(), title="Ti\x00tle", body="Bo\x00dy")
    (post,) = db.session.scalars(select(Post))
    assert thread.title == "Title" and post.body_source == "Body"


def test_suspended_member_cannot_start_a_thread(db):
    with pytest.raises(PermissionDenied):
        f.thread(f.member(status=Status.SUSPENDED))


def test_the_body_is_sanitised_on_write(db):
    f.thread(f.member(), body="<script>alert(1)</script> [x](javascript:alert(1))")
    (post,) = db.session.scalars(select(Post))
    assert "<script" not in post.body_html and "<a " not in post.body_html
    assert post.body_source.startswith("<script>")  # the source is kept as written


# --- pre-moderation -------------------------------------------------------------------------

@pytest.fixture
def premoderate(app):
    app.config["PREMODERATE_FIRST_POSTS"] = 2
    yield
    app.config["PREMODERATE_FIRST_POSTS"] = 0


def test_new_members_first_posts_wait_for_a_moderator(db, premoderate):
    author = f.member()
    thread = f.thread(author)
    (post,) = db.session.scalars(select(Post))
    assert thread.pending and post.pending
    assert post.pending_reason == "first posts are checked by a moderator"
    assert thread.board.thread_count == 0 and author.post_count == 0
    assert listed_threads(db, f.member()) == []
    assert listed_threads(db, author) == [thread]
    assert listed_threads(db, f.moderator()) == [thread]


def test_pending_reply_is_seen_by_its_author_and_moderators_only(db, premoderate):
    thread = f.thread(f.moderator())
    author = f.member()
    post = f.reply(author, thread)
    assert post.pending and thread.reply_count == 0
    assert post not in listed_posts(db, f.member())
    assert post in listed_posts(db, author)
    assert post in listed_posts(db, f.moderator())


def test_members_with_approved_posts_and_moderators_are_not_premoderated(db, premoderate):
    assert not f.thread(f.moderator()).pending
    assert not f.thread(f.member(approved_post_count=2)).pending


# --- replies ------------------------------------------------------------------------------

def test_reply_keeps_the_counters_and_writes_a_search_row(db):
    thread = f.thread(f.member())
    replier = f.member()
    post = f.reply(replier, thread)
    assert thread.reply_count == 1
    assert thread.last_activity_at == post.created_at
    assert thread.board.post_count == 2 and thread.board.last_thread_id == thread.id
    assert replier.post_count == 1
    assert search_rows(db)[-1] == {"kind": "post", "id": post.id}
    (revision,) = db.session.scalars(select(PostRevision).where(PostRevision.post_id == post.id))
    assert revision.number == 1


def test_reply_to_a_post_makes_a_tree(db):
    thread = f.thread(f.member())
    first = f.reply(f.member(), thread)
    answer = f.reply(f.member(), thread, reply_to=first)
    assert answer.reply_to_id == first.id


def test_reply_to_a_post_in_another_thread_is_refused(db):
    author = f.member()
    thread, other = f.thread(author), f.thread(author)
    elsewhere = f.reply(author, other)
    with pytest.raises(InvalidInput) as error:
        reply_to_thread(author, thread, body="Hello", reply_to=elsewhere)
    assert error.value.field == "reply_to"
    assert thread.reply_count == 0


def test_replying_to_a_locked_thread_is_refused_with_the_reason(db):
    thread = f.thread(f.member())
    thread.locked, thread.lock_reason = True, "The question has been answered."
    db.session.commit()
    with pytest.raises(PermissionDenied) as error:
        f.reply(f.member(), thread)
    assert "locked" in error.value.message
    assert "The question has been answered." in error.value.message


def test_moderators_can_reply_to_a_locked_thread(db):
    thread = f.thread(f.member())
    thread.locked = True
    db.session.commit()
    assert f.reply(f.moderator(), thread).id


def test_suspended_member_cannot_reply(db):
    thread = f.thread(f.member())
    with pytest.raises(PermissionDenied):
        f.reply(f.member(status=Status.SUSPENDED), thread)


def test_replying_to_a_deleted_post_is_refused(db):
    author = f.member()
    thread = f.thread(author)
    post = f.reply(author, thread)
    delete_post(author, post)
    with pytest.raises(InvalidInput):
        f.reply(f.member(), thread, reply_to=post)


def test_slow_mode_allows_one_post_per_interval(db):
    thread = f.thread(f.moderator())
    thread.slow_mode_minutes = 10
    db.session.commit()
    member = f.member()
    first = f.reply(member, thread)
    with pytest.raises(InvalidInput) as error:
        f.reply(member, thread)
    assert "slow mode" in error.value.message
    first.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert f.reply(member, thread).id


# --- editing and deleting -----------------------------------------------------------------

def test_edit_keeps_every_revision(db):
    author = f.member()
    thread = f.thread(author)
    post = f.reply(author, thread, body="First")
    edit_post(author, post, body="Second")
    edit_post(author, post, body="Third *version*")
    assert post.body_html == "<p>Third <em>version</em></p>\n"
    assert post.revision_count == 3 and post.edited_at is not None
    assert [r.body_source for r in queries.revisions(post)] == ["Third *version*", "Second", "First"]
    assert search_rows(db)[-1] == {"kind": "post", "id": post.id}


def test_editing_the_opening_post_can_change_the_title(db):
    author = f.member()
    thread = f.thread(author, title="Old title")
    opening = db.session.scalar(select(Post).where(Post.is_opening))
    edit_post(author, opening, body=opening.body_source, title="New title")
    assert thread.title == "New title"
    assert queries.revisions(opening)[0].title == "New title"
    assert search_rows(db)[-1] == {"kind": "thread", "id": thread.id}


def test_edit_with_no_change_writes_no_revision(db):
    author = f.member()
    post = f.reply(author, f.thread(author), body="Same")
    edit_post(author, post, body="Same")
    assert post.revision_count == 1 and post.edited_at is None


def test_editing_someone_elses_post_is_refused(db):
    post = f.reply(f.member(), f.thread(f.member()))
    with pytest.raises(PermissionDenied):
        edit_post(f.member(), post, body="Mine now")
    assert post.body_source == "Thanks, that is useful."


def test_edit_refuses_an_empty_or_oversized_body(db):
    author = f.member()
    post = f.reply(author, f.thread(author))
    for body in ("", "x" * 50_001):
        with pytest.raises(InvalidInput):
            edit_post(author, post, body=body)


def test_delete_is_soft_and_keeps_the_tree(db):
    author = f.member()
    thread = f.thread(author)
    post = f.reply(author, thread)
    answer = f.reply(f.member(), thread, reply_to=post)
    delete_post(author, post)
    assert post.deleted_at is not None
    assert db.session.get(Post, post.id) is not None
    assert answer.reply_to_id == post.id
    assert search_rows(db)[-1] == {"kind": "post", "id": post.id}
    assert post not in listed_posts(db, author)


def test_deleting_someone_elses_post_is_refused(db):
    post = f.reply(f.member(), f.thread(f.member()))
    with pytest.raises(PermissionDenied):
        delete_post(f.member(), post)
    with pytest.raises(PermissionDenied):
        delete_post(f.moderator(), post)
    assert post.deleted_at is None


def test_a_deleted_post_cannot_be_edited(db):
    author = f.member()
    post = f.reply(author, f.thread(author))
    delete_post(author, post)
    with pytest.raises(PermissionDenied):
        edit_post(author, post, body="Back again")


# --- visibility ---------------------------------------------------------------------------

def test_visitors_and_suspended_members_see_only_public_boards(db):
    author = f.member()
    public = f.thread(author, board=f.board("introductions"))
    private = f.thread(author, board=f.board("clinical-leadership"))
    assert listed_threads(db, None) == [public]
    assert listed_threads(db, f.member(status=Status.SUSPENDED)) == [public]
    assert {t.id for t in listed_threads(db, f.member())} == {public.id, private.id}


def test_hidden_threads_are_seen_by_author_and_moderators_only(db):
    author = f.member()
    thread = f.thread(author)
    thread.hidden_at = utcnow()
    db.session.commit()
    assert listed_threads(db, f.member()) == []
    assert listed_threads(db, author) == [thread]
    assert listed_threads(db, f.moderator()) == [thread]


def test_merged_threads_are_not_listed(db):
    author = f.member()
    kept, merged = f.thread(author), f.thread(author)
    merged.merged_into_id = kept.id
    db.session.commit()
    assert listed_threads(db, f.moderator()) == [kept]


def test_hidden_posts_are_listed_for_their_author_and_moderators_only(db):
    author = f.member()
    post = f.reply(author, f.thread(f.member()))
    post.hidden_at = utcnow()
    db.session.commit()
    assert post not in listed_posts(db, f.member())
    assert post in listed_posts(db, author)
    assert post in listed_posts(db, f.moderator())


def test_posts_in_members_only_boards_are_not_listed_for_visitors(db):
    author = f.member()
    public = f.thread(author, board=f.board("introductions"))
    f.thread(author, board=f.board("clinical-leadership"))
    assert [p.thread_id for p in listed_posts(db, None)] == [public.id]


def test_recent_posts_by_author_respect_the_viewer(db):
    author = f.member()
    public = f.thread(author, board=f.board("introductions"))
    f.thread(author, board=f.board("clinical-leadership"))
    reply = f.reply(author, public)
    assert [p.id for p in queries.recent_posts_by_author(author, None)] == [
        reply.id, public.id]  # newest first, the members-only one left out
    assert len(queries.recent_posts_by_author(author, f.member())) == 3
    assert len(queries.recent_posts_by_author(author, f.member(), limit=1)) == 1


def test_edit_and_delete_rules(db):
    author, other, moderator = f.member(), f.member(), f.moderator()
    thread = f.thread(author)
    post = f.reply(author, thread)
    assert policy.can_edit_post(author, post) and policy.can_delete_post(author, post)
    assert not policy.can_edit_post(other, post) and not policy.can_delete_post(other, post)
    assert not policy.can_edit_post(None, post)
    assert policy.can_edit_post(moderator, post) and not policy.can_delete_post(moderator, post)


# --- the tree -----------------------------------------------------------------------------

def _all_posts(thread, viewer):
    order = queries.thread_outline(thread, viewer).order
    loaded = queries.posts_by_id(thread, viewer, order)
    return [loaded[i] for i in order]


def test_tree_indentation_stops_at_depth_three(db):
    author = f.member()
    thread = f.thread(author)
    chain, parent = [], None
    for _ in range(6):
        parent = f.reply(author, thread, reply_to=parent)
        chain.append(parent)
    opening, roots = queries.build_tree(_all_posts(thread, author))
    assert opening.is_opening
    (first,) = roots
    (second,) = first.children
    third_level = second.children
    assert [n.depth for n in third_level] == [3, 3, 3, 3]
    assert [n.post.id for n in third_level] == [p.id for p in chain[2:]]
    assert [n.in_reply_to for n in third_level] == [None, chain[2], chain[3], chain[4]]


def test_a_very_long_chain_of_replies_does_not_exhaust_the_stack(db):
    author = f.member()
    thread = f.thread(author)
    posts = _all_posts(thread, author)
    opening = posts[0]
    fakes = []
    parent_id = None
    for n in range(3000):
        fake = Post(id=10_000 + n, thread_id=thread.id, reply_to_id=parent_id, is_opening=False,
                    body_source="", body_html="", author_id=author.id)
        fakes.append(fake)
        parent_id = fake.id
    _, roots = queries.build_tree([opening, *fakes])
    assert len(roots[0].children[0].children) == 2998


def test_a_moderator_editing_someone_elses_post_is_audited_with_before_and_after(db):
    from forum.moderation.models import AuditEntry

    author, moderator = f.member(), f.moderator()
    thread = f.thread(author, title="Fatigue clinic", body="Call 0207 in the mornings")
    reply = f.reply(author, thread, body="My first words")
    edit_post(author, reply, body="My own second thoughts")
    assert db.session.scalars(select(AuditEntry)).all() == []  # authors' edits are not audited

    edit_post(moderator, reply, body="Edited by a moderator")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id,
                                                   Post.is_opening.is_(True)))
    edit_post(moderator, opening, body=opening.body_source, title="Fatigue clinics")

    entries = [(e.action, e.actor_id, e.target_type, e.target_id, e.before, e.after)
               for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert entries == [
        ("edit_post", moderator.id, "post", reply.id, "My own second thoughts",
         "Edited by a moderator"),
        ("edit_title", moderator.id, "thread", thread.id, "Fatigue clinic", "Fatigue clinics"),
    ]


def test_a_hidden_post_takes_no_replies(db):
    author = f.member()
    post = f.reply(author, f.thread(author), body="A post a moderator hid")
    post.hidden_at = utcnow()
    db.session.commit()
    with pytest.raises(InvalidInput):
        reply_to_thread(f.member(), post.thread, body="Replying anyway", reply_to=post)

"""Results as people read them: one entry per discussion, only posts that really match, a way
to see every match in a discussion, and no "Did you mean" for a word that was found."""

from __future__ import annotations

import pytest

from forum.discussions.models import Post
from forum.extensions import db
from forum.moderation import services as moderation
from forum.search import queries, search
from tests import factories as f


@pytest.fixture
def member(db):
    return f.member(display_name="Asha Nurse")


def opening(thread) -> Post:
    return db.session.scalars(db.select(Post).where(Post.thread_id == thread.id, Post.is_opening)).one()


def listed(results) -> dict[int, list[int]]:
    return {group.thread.id: [hit.post_id for hit in group.hits] for group in results.groups}


def test_replies_matching_only_through_the_title_are_not_listed(member, sync):
    thread = f.thread(member, title="Lymphoedema clinic", body="Who runs one in primary care?")
    f.reply(member, thread, body="We do, on Tuesdays.")
    f.reply(member, thread, body="Ask the hospice team.")
    about = f.reply(member, thread, body="Compression for lymphoedema needs measuring first.")
    sync()
    results = search("lymphoedema", viewer=member)
    assert listed(results) == {thread.id: [about.id, opening(thread).id]}
    assert results.total == 2 and results.total_groups == 1
    assert all("<mark>" in str(hit.snippet) for hit in results.hits if hit.kind == "reply")


def test_a_reply_matching_partly_through_the_title_and_partly_its_own_words_is_listed(member, sync):
    thread = f.thread(member, title="Lymphoedema clinic", body="Setting one up.")
    reply = f.reply(member, thread, body="In primary care we share the room.")
    sync()
    assert listed(search("lymphoedema AND primary", viewer=member)) == {thread.id: [reply.id]}


def test_a_thread_found_only_through_its_tags_is_shown_once_without_posts(member, sync):
    thread = f.thread(member, title="Rotas", body="Leave cover.")
    f.reply(member, thread, body="We swap shifts.")
    moderation.move_thread(f.moderator(), thread, board=thread.board, alliance=None,
                           professions=[f.profession("cancer-nurse-specialist")])
    sync()
    results = search("CNS", viewer=member)
    assert listed(results) == {thread.id: []}
    assert results.total == 0 and results.total_groups == 1


@pytest.fixture
def six(member, sync):
    """A discussion with six posts about fatigue, and another with one."""
    thread = f.thread(member, title="Rotas", body="Fatigue in the team.")
    replies = [f.reply(member, thread, body=f"Fatigue point {n}.") for n in range(5)]
    other = f.thread(member, title="Clinics", body="Fatigue clinic.")
    sync()
    return thread, [opening(thread), *replies], other


@pytest.mark.parametrize("recheck_all", [1000, 3])  # counted in SQL, and in the index
def test_a_group_knows_how_many_posts_match_in_it(member, six, monkeypatch, recheck_all):
    monkeypatch.setattr(queries, "RECHECK_ALL", recheck_all)
    thread, _posts, other = six
    results = search("fatigue", viewer=member)
    groups = {group.thread.id: group for group in results.groups}
    assert len(groups[thread.id].hits) == 3 and groups[thread.id].total == 6
    assert groups[other.id].total == 1


@pytest.mark.parametrize("recheck_all", [1000, 3])
def test_narrowed_to_one_discussion_every_matching_post_is_listed_a_page_at_a_time(
        member, six, monkeypatch, recheck_all):
    monkeypatch.setattr(queries, "RECHECK_ALL", recheck_all)
    thread, posts, _ = six
    first = search("fatigue", viewer=member, filters={"thread_id": thread.id}, per_page=4)
    second = search("fatigue", viewer=member, filters={"thread_id": thread.id}, per_page=4, page=2)
    assert [g.thread.id for g in first.groups] == [thread.id]
    shown = [h.post_id for h in first.hits] + [h.post_id for h in second.hits]
    assert sorted(shown) == sorted(p.id for p in posts) and len(first.hits) == 4
    assert first.total == 6 and first.pages == 2


def test_narrowing_to_a_discussion_the_viewer_cannot_see_finds_nothing(db, six, sync):
    thread, _, _ = six
    results = search("fatigue", viewer=None, filters={"thread_id": thread.id})  # members only
    assert results.groups == [] and results.total == 0


def test_no_did_you_mean_for_a_word_found_through_its_synonym(member, sync):
    f.thread(member, title="Garments", body="Lymphoedema garments: who measures?")
    sync()
    results = search("lymphedema", viewer=member)
    assert results.total == 1 and results.suggestion is None


def test_no_did_you_mean_for_a_word_found_through_its_stem(member, sync):
    f.thread(member, title="Pathways", body="A referral to the hospice.")
    sync()
    results = search("referrals", viewer=member)
    assert results.total == 1 and results.suggestion is None


def test_did_you_mean_is_still_offered_for_a_misspelling(member, sync):
    f.thread(member, title="Garments", body="Lymphoedema garments: who measures?")
    sync()
    assert search("lymphoedeme", viewer=member).suggestion == "lymphoedema"

"""Matching beyond the words as typed (issue 10): synonyms of several words, abbreviations,
brand and generic names, British and US spellings, typos, and words side by side."""

from __future__ import annotations

import pytest

from forum.discussions.models import Post, Thread
from forum.extensions import db
from forum.moderation import services as moderation
from forum.search import search
from forum.search.building import build_query
from forum.search.fuzzy import near_spellings
from forum.search.indexer import reading
from forum.search.visibility import Filters, index_filter
from tests import factories as f


@pytest.fixture
def member(db):
    return f.member(display_name="Asha Nurse")


def opening(thread: Thread) -> Post:
    return db.session.scalars(
        db.select(Post).where(Post.thread_id == thread.id, Post.is_opening)).one()


def thread_ids(text: str, viewer) -> list[int]:
    return [group.thread.id for group in search(text, viewer=viewer).groups]


# --- synonyms ---------------------------------------------------------------------------------

def test_words_that_form_a_synonym_still_count_one_by_one(member, sync):
    """"cancer related fatigue" is also "CRF": a post with "fatigue" alone is still a match."""
    tired = f.thread(member, title="Tiredness", body="Fatigue after treatment: what helps?")
    sync()
    assert thread_ids("cancer related fatigue tips", member) == [tired.id]


def test_the_synonym_of_several_words_ranks_like_all_of_them(member, sync):
    short = f.thread(member, title="CRF", body="CRF clinic at our hospice.")
    partial = f.thread(member, title="Clinic", body="Fatigue clinic at our hospice.")
    sync()
    assert thread_ids("cancer related fatigue clinic", member) == [short.id, partial.id]


def test_a_synonym_with_a_stop_word_in_it_matches_both_ways(member, sync):
    spelled = f.thread(member, title="Measures", body="Measuring quality of life after treatment.")
    short = f.thread(member, title="Survey", body="Our QoL survey for survivors.")
    sync()
    assert set(thread_ids("QoL", member)) == {spelled.id, short.id}
    assert set(thread_ids("quality of life", member)) == {spelled.id, short.id}


@pytest.mark.parametrize(("typed", "written"), [
    ("Keytruda", "A rash on pembrolizumab."),
    ("pembro", "Colitis on pembrolizumab."),
    ("Prolia", "Denosumab injections every six months."),
    ("neutropaenic", "Neutropenic sepsis advice for reception."),
    ("CIPN", "Chemotherapy-induced peripheral neuropathy and duloxetine."),
    ("ADT", "Hot flushes on androgen deprivation therapy."),
])
def test_brand_names_short_forms_and_spellings_find_each_other(member, sync, typed, written):
    post = f.thread(member, title="Question", body=written)
    sync()
    assert thread_ids(typed, member) == [post.id]


# --- typos ------------------------------------------------------------------------------------

def test_a_word_no_post_has_is_searched_as_its_near_spelling(member, sync):
    post = f.thread(member, title="Clinic", body="Our lymphoedema clinic in primary care.")
    sync()
    results = search("lymphodema", viewer=member)
    assert [g.thread.id for g in results.groups] == [post.id]
    assert "lymphoedema" in results.notice


def test_a_word_some_post_has_is_not_replaced_by_a_near_spelling(member, sync):
    typo = f.thread(member, title="Typo", body="Our lymphodema clinic.")
    f.thread(member, title="Clinic", body="Our lymphoedema clinic.")
    sync()
    assert thread_ids("lymphodema", member) == [typo.id]


def test_a_capitalised_abbreviation_is_not_replaced_by_a_near_spelling(member, sync):
    post = f.thread(member, title="Cabs", body="Taxi cabs to the hospital.")
    sync()
    assert thread_ids("CABG", member) == []
    assert thread_ids("cabg", member) == [post.id]


def test_near_spellings_never_come_from_a_hidden_post(member, sync):
    f.thread(member, title="Hello", body="Fatigue clinic.")
    hidden = f.thread(member, title="Other", body="Our lymphoedema clinic.")
    sync()
    moderation.hide_post(f.moderator(), opening(hidden), reason="Off topic")
    sync()
    _, built, _ = build_query("lymphodema")
    with reading() as searcher:
        assert near_spellings(searcher, built, index_filter(Filters(), member)) == {}
    assert thread_ids("lymphodema", member) == []


def test_near_spellings_never_come_from_posts_a_visitor_cannot_read(member, sync):
    f.thread(member, board=f.board("introductions"), title="Hello", body="Fatigue clinic.")
    members_only = f.thread(member, board=f.board("clinical-leadership"), title="Clinic",
                            body="Our lymphoedema clinic.")
    sync()
    results = search("lymphodema", viewer=None)
    assert results.groups == [] and results.notice is None
    assert thread_ids("lymphodema", member) == [members_only.id]


# --- words side by side -----------------------------------------------------------------------

def test_words_side_by_side_in_the_order_typed_rank_higher(member, sync):
    together = f.thread(member, title="One", body="A lymphoedema clinic for everyone here.")
    apart = f.thread(member, title="Two", body="A clinic for lymphoedema everyone here.")
    sync()
    assert thread_ids("lymphoedema clinic", member) == [together.id, apart.id]


def test_a_long_question_of_unknown_words_mends_only_the_first_few(member, sync):
    f.thread(member, title="Words", body="clinic garden kitten lemon mango nurse")
    sync()
    _, built, _ = build_query("clinix gardem kitteb lemoj mangp nursa")
    with reading() as searcher:
        near = near_spellings(searcher, built, index_filter(Filters(), member))
    assert list(near) == ["clinix", "gardem", "kitteb", "lemoj", "mangp"]

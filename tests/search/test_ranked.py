"""Free text is ranked, not filtered: what members type, questions included (issue 10)."""

from __future__ import annotations

import pytest

from forum.search import search
from forum.search.parsing import cut, parse
from tests import factories as f


@pytest.fixture
def member(db):
    return f.member(display_name="Asha Nurse")


@pytest.fixture
def posts(member, sync):
    """Three discussions sharing some words of a question."""
    both = f.thread(member, title="Clinic set-up", body="Our lymphoedema clinic runs in primary care.")
    one = f.thread(member, title="Garments", body="Lymphoedema garments on prescription.")
    other = f.thread(member, title="Rotas", body="Primary care rotas for the summer.")
    sync()
    assert (both.id, one.id, other.id) == (1, 2, 3)  # the ids the tests below name


def opening_ids(text: str, viewer) -> list[int]:
    return [h.post.thread_id for h in search(text, viewer=viewer).hits]


def test_a_question_finds_the_posts_with_most_of_its_words_first(member, posts):
    ids = opening_ids("who has set up a lymphoedema clinic in primary care?", member)
    assert ids[0] == 1 and set(ids) == {1, 2, 3}


def test_a_short_query_puts_posts_with_all_its_words_first(member, posts):
    ids = opening_ids("lymphoedema garments", member)
    assert ids[0] == 2 and set(ids) == {1, 2}
    assert opening_ids("primary clinic", member)[0] == 1


@pytest.mark.parametrize("text", ["lymphoedema or rotas", "lymphoedema and rotas"])
def test_lowercase_or_and_are_words_not_operators(member, posts, text):
    assert set(opening_ids(text, member)) == {1, 2, 3}


def test_lowercase_not_does_not_exclude(member, posts):
    assert set(opening_ids("garments not rotas", member)) == {2, 3}
    assert set(opening_ids("garments NOT lymphoedema", member)) == set()


def test_strict_operators_stay_strict(member, posts):
    assert set(opening_ids("lymphoedema AND primary", member)) == {1}
    assert set(opening_ids("+lymphoedema primary", member)) == {1, 2}
    assert opening_ids("+lymphoedema primary", member)[0] == 1
    assert set(opening_ids('"primary care" lymphoedema', member)) == {1, 3}
    assert set(opening_ids("title:garments lymphoedema", member)) == {2}
    assert set(opening_ids("lymphoedema -garments", member)) == {1}


def test_question_words_never_restrict(member, posts):
    assert set(opening_ids("what could you do about garments", member)) == {2}


def test_a_query_of_one_stop_word_still_searches_it(member, sync):
    thread = f.thread(member, title="Roles", body="Who can refer? Anyone can.")
    sync()
    assert opening_ids("can", member) == [thread.id]
    assert opening_ids("who", member) == [thread.id]


def test_a_query_ending_in_an_operator_is_ranked_free_text(member, posts):
    results = search("lymphoedema garments OR", viewer=member)
    assert {h.post.thread_id for h in results.hits} == {1, 2}


def test_a_2000_character_question_is_cut_on_a_word_boundary_and_finds_something(member, posts):
    text = ("I was wondering whether anyone could tell me how they manage lymphoedema " * 40)[:2000]
    results = search(text, viewer=member)
    assert results.notice and "first 300 characters" in results.notice
    assert len(results.query) <= 300 and not results.query.endswith("lymph")
    assert {h.post.thread_id for h in results.hits} == {1, 2}


@pytest.mark.parametrize(("text", "limit", "want"), [
    ("lung OR bronchi OR", 100, "lung OR bronchi"),
    ("lung AND bronchi", 12, "lung"),
    ('lung "bronchi and', 100, "lung bronchi and"),
    ("lung (", 100, "lung"),
    ("lung -", 100, "lung"),
])
def test_a_cut_query_parses(text, limit, want):
    assert cut(text, limit) == want
    parse(cut(text, limit))


def test_a_phrase_of_stop_words_finds_them_in_order(member, sync):
    hamlet = f.thread(member, title="Hamlet", body="To be or not to be, that is the question.")
    f.thread(member, title="Rotas", body="Not to be missed: or to be honest, be it so.")
    sync()
    assert opening_ids('"to be or not to be"', member) == [hamlet.id]
    assert set(opening_ids("the", member)) == {hamlet.id}


# --- "Did you mean" -------------------------------------------------------------------------

def test_did_you_mean_is_not_offered_when_results_were_found(member, sync):
    for n in range(3):
        f.thread(member, title=f"Garments {n}", body="Compression garments and lymphoedema.")
    sync()
    results = search("compresion garments", viewer=member)
    assert results.total_groups == 3 and results.suggestion is None


def test_did_you_mean_is_not_offered_for_a_capitalised_abbreviation(member, sync):
    f.thread(member, title="Mass", body="A mass in the breast; the class met.")
    sync()
    assert search("MASC", viewer=member).suggestion is None
    assert search("masc", viewer=member).suggestion == "mass"


def test_did_you_mean_prefers_the_nearest_spelling(member, sync):
    f.thread(member, title="Stoma", body="Stoma nurse.")
    f.thread(member, title="Stomach", body="Stomach pain, stomach ache, stomach.")
    sync()
    assert search("stomx", viewer=member).suggestion == "stoma"

"""Profession tags, alliance and board names are searchable, and stay in step when they change."""

from __future__ import annotations

import pytest

from forum.admin.services import edit_reference
from forum.errors import InvalidInput, PermissionDenied
from forum.moderation import services as moderation
from forum.search import search
from tests import factories as f


@pytest.fixture
def member(db):
    return f.member(display_name="Asha Nurse", profession_slug="cancer-nurse-specialist")


def thread_ids(query: str, viewer, **filters) -> list[int]:
    results = search(query, viewer=viewer, filters=filters or None, per_page=100)
    return [group.thread.id for group in results.groups]


@pytest.fixture
def tagged(member, sync):
    """A lymphoedema thread tagged for CNSs whose words never say CNS; and two others."""
    cns = f.profession("cancer-nurse-specialist")
    lymph = f.thread(member, title="Swollen arm after surgery", body="Lymphoedema referral: who?",
                     professions=[cns], board=f.board("rehab-and-lymphoedema"))
    untagged = f.thread(member, title="Swollen leg", body="Lymphoedema garments on the NHS?")
    other = f.thread(member, title="Rotas", body="Covering leave in the team.", professions=[cns])
    sync()
    return lymph, untagged, other


@pytest.mark.parametrize("query", ["CNS", "cns", "nurse specialist", "cancer nurse specialist",
                                   "clinical nurse specialist"])
def test_a_profession_tag_is_found_by_its_name_and_its_synonyms(member, tagged, query):
    lymph, _untagged, other = tagged
    # first: free text also finds a thread with one of the words ("Clinical leadership")
    assert set(thread_ids(query, member)[:2]) == {lymph.id, other.id}


def test_a_tag_and_a_word_together_find_the_tagged_thread_about_the_word(member, tagged):
    lymph, _, _ = tagged
    assert thread_ids("CNS lymphoedema", member)[0] == lymph.id


def test_alliance_and_board_names_are_searchable(member, sync):
    south = f.thread(member, title="Rotas", body="Leave cover.", alliance=f.alliance("south-east-london"))
    shadow = f.thread(member, title="Visits", body="Come and see us.", board=f.board("shadowing"))
    sync()
    assert thread_ids("south east london", member)[0] == south.id
    assert thread_ids("shadowing", member) == [shadow.id]


def test_a_word_in_the_title_or_body_outranks_the_same_word_as_a_tag(member, sync):
    cns = f.profession("cancer-nurse-specialist")
    tag_only = f.thread(member, title="Rotas", body="Leave cover.", professions=[cns])
    in_body = f.thread(member, title="Rotas", body="Our CNS covers leave.")
    sync()
    assert thread_ids("CNS", member) == [in_body.id, tag_only.id]


def test_retagging_a_thread_reindexes_its_posts(member, sync):
    moderator = f.moderator()
    thread = f.thread(member, title="Rotas", body="Leave cover.")
    f.reply(member, thread, body="We swap shifts.")
    sync()
    assert thread_ids("CNS", member) == []
    moderation.move_thread(moderator, thread, board=f.board("shadowing"), alliance=None,
                           professions=[f.profession("cancer-nurse-specialist")])
    sync()
    assert thread_ids("CNS", member) == [thread.id]
    assert thread_ids("shadowing", member) == [thread.id]
    assert thread_ids("clinical leadership", member) == []


@pytest.mark.parametrize(("kind_name", "slug", "old", "new"), [
    ("profession", "cancer-nurse-specialist", "specialist", "macmillan"),
    ("alliance", "south-east-london", "south", "lambeth"),
    ("board", "shadowing", "shadowing", "placements"),
])
def test_renaming_a_profession_alliance_or_board_reindexes_its_threads(
        member, sync, kind_name, slug, old, new):
    from forum.community.models import Alliance, Board, Profession

    kind = {"profession": Profession, "alliance": Alliance, "board": Board}[kind_name]
    item = {Profession: f.profession, Alliance: f.alliance, Board: f.board}[kind](slug)
    placement = ({"professions": [item]} if kind is Profession else
                 {"alliance": item} if kind is Alliance else {"board": item})
    thread = f.thread(member, title="Rotas", body="Leave cover.", **placement)
    f.reply(member, thread, body="We swap shifts.")
    sync()
    assert thread_ids(old, member) == [thread.id]
    edit_reference(f.admin(), item, name=f"{new.title()} team")
    sync()
    assert thread_ids(new, member) == [thread.id]
    assert thread_ids(old, member) == []


def test_only_an_admin_may_rename_and_names_stay_unique(member, db):
    cns = f.profession("cancer-nurse-specialist")
    with pytest.raises(PermissionDenied):
        edit_reference(member, cns, name="Anything")
    with pytest.raises(InvalidInput, match="already"):
        edit_reference(f.admin(), cns, name="GP")
    with pytest.raises(InvalidInput, match="Enter"):
        edit_reference(f.admin(), cns, name="   ")
    db.session.refresh(cns)
    assert cns.name == "Cancer nurse specialist"

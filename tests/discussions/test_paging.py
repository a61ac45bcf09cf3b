"""The paging rules alone, on outlines made by hand (no database)."""

from __future__ import annotations

from forum.discussions import paging
from forum.discussions.paging import Row

READER, OTHER = 1, 2


def make(shape: list[tuple[int, int | None]], opening: int = 1) -> paging.Outline:
    """An outline from (id, reply_to) pairs after an opening post `opening`, all by OTHER."""
    rows = [Row(opening, None, True, OTHER)] + [Row(i, up, False, OTHER) for i, up in shape]
    return paging.outline(rows)


def chain(start: int, length: int, parent: int | None) -> list[tuple[int, int | None]]:
    out = []
    for i in range(start, start + length):
        out.append((i, parent))
        parent = i
    return out


def every_post_shown_once(outline: paging.Outline, budget: int) -> int:
    """Every reply is on a page of the thread, or of a branch reached by "Show more" (whose
    page starts again from the branch's first replies); locate finds the first such page."""
    places: dict[int, paging.Place] = {}
    todo: list[int | None] = [None]
    while todo:
        branch = todo.pop(0)
        first = paging.tree_page(outline, 1, budget, branch)
        for number in range(1, first.pages + 1):
            page = paging.tree_page(outline, number, budget, branch)
            assert sum(len(u.shown) for u in page.units) <= max(budget, paging.BRANCH_SHOWN)
            for unit in page.units:
                for post_id in unit.shown:
                    places.setdefault(post_id, paging.Place(number, branch))
                if unit.more:
                    todo.append(unit.root)
    assert set(places) == set(outline.parent)
    for post_id, place in places.items():
        assert paging.locate(outline, post_id, budget) == place
    return len(places)


def test_pages_hold_whole_top_level_replies_up_to_the_budget():
    # top-level replies 2..11, each with one answer: 2 posts a unit, budget 6 -> 3 units a page
    shape = [(i, None) for i in range(2, 12)] + [(100 + i, i) for i in range(2, 12)]
    outline = make(shape)
    first = paging.tree_page(outline, 1, 6)
    assert first.pages == 4
    assert [u.root for u in first.units] == [2, 3, 4]
    assert first.ids == [2, 102, 3, 103, 4, 104]
    assert [u.root for u in paging.tree_page(outline, 4, 6).units] == [11]
    every_post_shown_once(outline, 6)


def test_a_long_branch_shows_its_first_posts_and_counts_the_rest():
    shape = [*chain(2, 25, None), (50, None)]
    outline = make(shape)
    page = paging.tree_page(outline, 1, 50)
    unit = page.units[0]
    assert len(unit.shown) == paging.BRANCH_SHOWN and unit.more == 25 - paging.BRANCH_SHOWN
    assert unit.first_hidden == 2 + paging.BRANCH_SHOWN
    assert paging.locate(outline, unit.first_hidden, 50).branch is not None
    every_post_shown_once(outline, 50)


def test_every_post_of_a_bushy_thread_is_found_where_it_is_shown():
    shape, n = [], 2
    for top in range(12):
        root = n
        shape.append((root, None))
        n += 1
        for _ in range(top % 5):
            shape.append((n, root))
            shape.extend(chain(n + 1, top, n))
            n += top + 1
    outline = make(shape)
    assert every_post_shown_once(outline, 7) == len(outline.parent) > 12


def test_a_page_past_the_end_is_the_last_page():
    outline = make([(i, None) for i in range(2, 30)])
    assert paging.tree_page(outline, 999, 10).page == 3
    assert paging.flat_page(outline, 999, 10).page == 3


def test_replies_to_posts_the_viewer_cannot_see_are_top_level():
    outline = paging.outline([Row(1, None, True, OTHER), Row(3, 2, False, OTHER)])
    assert outline.children[None] == [3]


def test_the_mark_moves_over_what_was_read_and_the_readers_own_posts_only():
    outline = make([(2, None), (3, None), (4, None), (5, None)])
    outline.authors[4] = READER
    assert paging.read_up_to(outline, None, {1, 2}, READER) == 2
    assert paging.read_up_to(outline, 2, {3}, READER) == 4  # 4 is the reader's own
    assert paging.read_up_to(outline, 4, set(), READER) == 4
    assert paging.first_unread(outline, 4, READER) == 5
    assert paging.first_unread(outline, 5, READER) is None


def test_reading_a_page_counts_the_pages_before_it_as_read():
    shape = [(i, None) for i in range(2, 12)] + [(100 + i, i) for i in range(2, 12)]
    outline = make(shape)
    seen = paging.seen_through(outline, paging.Place(2), 6)
    assert seen == {1, 2, 102, 3, 103, 4, 104, 5, 105, 6, 106, 7, 107}


def test_posts_behind_show_more_count_as_passed_only_when_older_than_the_first_visit():
    from datetime import UTC, datetime, timedelta

    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows = [Row(1, None, True, OTHER, start)]
    parent = None
    for i in range(2, 2 + paging.BRANCH_SHOWN + 2):
        rows.append(Row(i, parent, False, OTHER, start + timedelta(minutes=i)))
        parent = i
    outline = paging.outline(rows)
    first_hidden, last_hidden = outline.order[1 + paging.BRANCH_SHOWN:]
    first_visit = start + timedelta(minutes=first_hidden, seconds=30)  # between the two
    seen = paging.seen_through(outline, paging.Place(1), 50, older_than=first_visit)
    assert first_hidden in seen and last_hidden not in seen
    assert {first_hidden, last_hidden}.isdisjoint(paging.seen_through(outline, paging.Place(1), 50))

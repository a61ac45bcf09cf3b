"""Which posts one page of a thread shows, worked out from the thread's outline.

The outline is every post the viewer may see as (id, parent, author) only, no bodies: cheap
for a thread of any length, and enough to page the reply tree without breaking it. Pages
hold whole top-level replies up to a budget of posts; a branch longer than BRANCH_SHOWN
shows its first posts and "Show N more replies", which leads to a page of that branch
(paged the same way one level down, each reply there showing up to a page of its own).
So every post has a first page that shows it, where its permalink sends the reader, and
no page grows with the thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

BRANCH_SHOWN = 10  # posts of a branch (its first reply included) a thread page shows


@dataclass(frozen=True)
class Row:
    id: int
    reply_to_id: int | None
    is_opening: bool
    author_id: int
    created_at: datetime | None = None
    waiting: bool = False  # held for a moderator (only its author and moderators see it)


@dataclass
class Outline:
    """The shape of a thread as one viewer sees it; `None` stands for the thread itself."""

    order: list[int]  # oldest first, the opening post (if visible) first
    opening: int | None
    children: dict[int | None, list[int]]
    parent: dict[int, int | None]
    authors: dict[int, int]
    created: dict[int, datetime | None]
    waiting: set[int] = field(default_factory=set)
    _subtree: dict[int, list[int]] = field(default_factory=dict, repr=False)
    _pages: dict[tuple[int | None, int], list[list[Unit]]] = field(default_factory=dict,
                                                                  repr=False)

    def subtree(self, post_id: int) -> list[int]:
        """The post and its replies, depth first, as the page shows them (no recursion)."""
        found = self._subtree.get(post_id)
        if found is None:
            found, stack = [], [post_id]
            while stack:
                node = stack.pop()
                found.append(node)
                stack.extend(reversed(self.children.get(node, [])))
            self._subtree[post_id] = found
        return found

    def path(self, post_id: int) -> list[int]:
        """The post's ancestors from its top-level reply down to the post itself."""
        path = [post_id]
        while (up := self.parent.get(path[-1])) is not None:
            path.append(up)
        return path[::-1]


def outline(rows: Iterable[Row]) -> Outline:
    """Build the outline as build_tree nests posts: a reply to the opening post, or to a post
    the viewer cannot see, is a top-level reply."""
    rows = list(rows)
    ids = {r.id for r in rows}
    opening = next((r.id for r in rows if r.is_opening), None)
    children: dict[int | None, list[int]] = {}
    parent: dict[int, int | None] = {}
    for row in rows:
        if row.id == opening:
            continue
        up = row.reply_to_id if row.reply_to_id in ids and row.reply_to_id != opening else None
        parent[row.id] = up
        children.setdefault(up, []).append(row.id)
    return Outline([r.id for r in rows], opening, children, parent,
                   {r.id: r.author_id for r in rows}, {r.id: r.created_at for r in rows},
                   {r.id for r in rows if r.waiting})


@dataclass
class Unit:
    """A reply and as much of its branch as the page shows; `more` posts are elsewhere."""

    root: int
    shown: list[int]
    more: int = 0
    first_hidden: int | None = None


@dataclass
class Page:
    """One page of a thread or of a branch (`branch` is the post whose replies are paged).

    Has what the pagination macro asks of a Flask-SQLAlchemy Pagination.
    """

    page: int
    pages: int
    units: list[Unit]
    branch: int | None = None

    @property
    def ids(self) -> list[int]:
        return [i for unit in self.units for i in unit.shown]

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, *, left_edge: int = 2, left_current: int = 2, right_current: int = 4,
                   right_edge: int = 2) -> Iterator[int | None]:
        """Page numbers with None for a gap, as Flask-SQLAlchemy's Pagination gives them."""
        last = 0
        for n in range(1, self.pages + 1):
            if (n <= left_edge or self.page - left_current <= n < self.page + right_current
                    or n > self.pages - right_edge):
                if n != last + 1:
                    yield None
                yield n
                last = n


def _units(outline: Outline, branch: int | None, budget: int) -> list[Unit]:
    """The replies to `branch` (None: to the thread), each with its branch cut to a length:
    BRANCH_SHOWN on the thread's pages, a whole page on a branch's own pages."""
    cap = BRANCH_SHOWN if branch is None else budget
    units = []
    for root in outline.children.get(branch, []):
        posts = outline.subtree(root)
        shown = posts[:cap]
        hidden = posts[cap:]
        units.append(Unit(root, shown, len(hidden), hidden[0] if hidden else None))
    return units


def _pages(outline: Outline, branch: int | None, budget: int) -> list[list[Unit]]:
    """The pages of `branch` (None: of the thread), worked out once per outline."""
    key = (branch, budget)
    if key not in outline._pages:
        outline._pages[key] = _split(_units(outline, branch, budget), budget)
    return outline._pages[key]


def _split(units: Sequence[Unit], budget: int) -> list[list[Unit]]:
    """Whole units per page, as many as fit in `budget` posts (always at least one)."""
    pages: list[list[Unit]] = [[]]
    used = 0
    for unit in units:
        if pages[-1] and used + len(unit.shown) > budget:
            pages.append([])
            used = 0
        pages[-1].append(unit)
        used += len(unit.shown)
    return pages


def tree_page(outline: Outline, page: int, budget: int, branch: int | None = None) -> Page:
    """Page `page` (clamped to the last) of the thread's replies, or of `branch`'s replies."""
    pages = _pages(outline, branch, budget)
    page = min(max(page, 1), len(pages))
    return Page(page, len(pages), pages[page - 1], branch)


def flat_page(outline: Outline, page: int, per_page: int) -> Page:
    """Page `page` of the replies oldest first."""
    replies = [i for i in outline.order if i != outline.opening]
    pages = max(1, -(-len(replies) // per_page))
    page = min(max(page, 1), pages)
    chunk = replies[(page - 1) * per_page: page * per_page]
    return Page(page, pages, [Unit(i, [i]) for i in chunk])


@dataclass(frozen=True)
class Place:
    """Where a post is shown: a page of the thread (branch None) or of a branch."""

    page: int
    branch: int | None = None


def locate(outline: Outline, post_id: int, budget: int) -> Place:
    """The page that shows `post_id` in the tree view."""
    if post_id == outline.opening or post_id not in outline.parent:
        return Place(1)
    path = outline.path(post_id)
    branch: int | None = None
    for depth, unit_root in enumerate(path):
        pages = _pages(outline, branch, budget)
        number, unit = next((n, u) for n, units in enumerate(pages, start=1)
                            for u in units if u.root == unit_root)
        if post_id in unit.shown:
            return Place(number, branch)
        branch = path[depth]
    raise AssertionError("a post is always shown as the root of its own unit")


def locate_flat(outline: Outline, post_id: int, per_page: int) -> int:
    replies = [i for i in outline.order if i != outline.opening]
    return replies.index(post_id) // per_page + 1 if post_id in replies else 1


def seen_through(outline: Outline, place: Place, budget: int,
                 older_than: datetime | None = None) -> set[int]:
    """Posts a reader has passed on reaching `place`: its page and those before it, and the
    pages that led to its branch. Reading "up to here" is what a long thread's reader does.

    Posts behind a "Show more" on those pages count as passed when written before
    `older_than` (when the reader first opened the thread): catching up on an old discussion
    they chose not to open, whereas an answer written since stays unread until they do.
    """
    seen: set[int] = set() if outline.opening is None else {outline.opening}
    branch = place.branch
    number = place.page
    while True:
        pages = _pages(outline, branch, budget)
        for units in pages[:number]:
            for unit in units:
                seen.update(unit.shown)
                if unit.more and older_than is not None:
                    seen.update(i for i in outline.subtree(unit.root)[len(unit.shown):]
                                if (outline.created[i] or older_than) < older_than)
        if branch is None:
            return seen
        seen.add(branch)
        up = locate(outline, branch, budget)
        branch, number = up.branch, up.page


def read_up_to(outline: Outline, current: int | None, seen: set[int], reader: int) -> int | None:
    """The new "read up to" mark: the highest post id with every visible post up to it read.

    Ids give the order (an id never goes back in time, and lists count unread posts as those
    with a higher id). The reader's own posts count as read.
    """
    mark = current
    for post_id in sorted(outline.order):
        if current is not None and post_id <= current:
            continue
        if post_id not in seen and outline.authors.get(post_id) != reader:
            break
        mark = post_id
    return mark


def first_unread(outline: Outline, mark: int | None, reader: int) -> int | None:
    """The oldest post after the mark that someone else wrote (None when all are read)."""
    later = [i for i in outline.order if (mark is None or i > mark)
             and outline.authors.get(i) != reader]
    return min(later, default=None)

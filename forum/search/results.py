"""What a search returns: hits grouped by discussion, highlighted titles and snippets, and
the page of discussions to show."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape

from forum.discussions.models import Post, Thread
from forum.markup import to_text
from forum.search import kinds
from forum.search.analysis import (
    STOPLIST,
    split_words,
    stem_word,
)
from forum.search.building import Built
from forum.search.kinds import DocumentKind, KindHit
from forum.search.visibility import Filters, profession_names
from forum.templating import plural

POSTS_PER_GROUP = 3


@dataclass
class Hit:
    kind: str
    post_id: int
    thread_id: int
    score: float | None
    snippet: Markup
    post: Post


@dataclass
class ResultGroup:
    thread: Thread | None  # None for another kind's object (a QI write-up), listed as itself
    title_html: Markup
    hits: list[Hit]  # its best matches in their own words (none: found through the thread)
    total: int = 0  # every match in the discussion ("Show all 6 matching posts")
    terms: frozenset[str] = frozenset()  # the search's stems, to highlight its names
    professions: list[str] = field(default_factory=list)  # the thread's profession tags
    # Another kind's object (forum.search.kinds): its kind, what it shows, its number.
    kind: DocumentKind | None = None
    item: KindHit | None = None
    number: int | None = None
    snippet: Markup | None = None  # its best passage

    @property
    def key(self) -> int:
        """The group's number: the thread's id, or the object's number in the index."""
        if self.number is not None:
            return self.number
        assert self.thread is not None
        return self.thread.id

    @property
    def ident(self) -> int | None:
        """Another kind's object: its own id."""
        return None if self.kind is None or self.number is None else self.kind.ident(self.number)

    def mark(self, text: str) -> Markup:
        """A board, alliance or profession name with the words the search matched in <mark>."""
        return highlight_text(text, set(self.terms), whole=True)


@dataclass
class SearchResults:
    query: str
    filters: Filters
    page: int
    per_page: int
    total: int = 0  # matching posts (and other kinds' objects) the viewer may see
    total_groups: int = 0  # discussions (and other kinds' objects) they are in
    kind_totals: dict[str, int] = field(default_factory=dict)  # of those, each kind's (own groups)
    groups: list[ResultGroup] = field(default_factory=list)
    notice: str | None = None
    suggestion: str | None = None
    words: list[str] = field(default_factory=list)  # the plain words searched for, as typed
    searched: bool = False
    approximate: bool = False  # more than RECHECK_ALL matches: counted in the index, not in SQL

    @property
    def hits(self) -> list[Hit]:
        """This page's hits in rank order."""
        return sorted((h for g in self.groups for h in g.hits),
                      key=lambda h: self._rank.get(h.post_id, 0))

    _rank: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def thread_id(self) -> int | None:
        """The one discussion searched, when narrowed to it: paged by post, not by discussion."""
        return self.filters.thread_id

    @property
    def other_total(self) -> int:
        return sum(self.kind_totals.values())

    @property
    def post_total(self) -> int:
        return self.total - self.other_total

    @property
    def discussion_total(self) -> int:
        return self.total_groups - self.other_total

    @property
    def counted(self) -> str:
        """ "About 2 QI write-ups, 1 event and 5 posts in 3 discussions" (the heading)."""
        parts = [plural(self.kind_totals[kind.key], kind.noun, kind.plural_noun)
                 for kind in kinds.all_kinds() if self.kind_totals.get(kind.key)]
        if self.discussion_total or not parts:
            posts = (f"{plural(self.post_total, 'post')} in "
                     if self.post_total or not self.discussion_total else "")
            parts.append(posts + plural(self.discussion_total, "discussion"))
        text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        return ("About " if self.approximate else "") + text

    @property
    def pages(self) -> int:
        shown = self.total if self.thread_id is not None else self.total_groups
        return max(1, math.ceil(shown / self.per_page))

    # The same face as Flask-SQLAlchemy's Pagination, so the shared pagination macro works.
    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return max(1, self.page - 1)

    @property
    def next_num(self) -> int:
        return self.page + 1

    def iter_pages(self, *, left_edge: int = 1, left_current: int = 2, right_current: int = 3,
                   right_edge: int = 1):
        last = 0
        for n in range(1, self.pages + 1):
            if (n <= left_edge or self.page - left_current <= n < self.page + right_current
                    or n > self.pages - right_edge):
                if last + 1 != n:
                    yield None
                yield n
                last = n


def _mark(text: str, terms: set[str]) -> str:
    """`text` HTML-escaped, with every word whose stem is a search term in <mark>."""
    out, last = [], 0
    for word, start, end in split_words(text):
        if word in STOPLIST or stem_word(word) not in terms:
            continue
        out += [str(escape(text[last:start])), f"<mark>{escape(text[start:end])}</mark>"]
        last = end
    out.append(str(escape(text[last:])))
    return "".join(out)


def _prefix_pattern(terms: set[str]) -> re.Pattern | None:
    """A quick regex for where matches may start: each stem's first letters, at a word start."""
    prefixes = sorted({t[:max(2, len(t) - 2)] for t in terms if t}, key=len, reverse=True)
    if not prefixes:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, prefixes)) + ")", re.IGNORECASE)


def highlight_text(text: str, terms: set[str], *, whole: bool = False, chars: int = 240) -> Markup:
    """HTML-escaped text with the matching words in <mark>: the whole text, or the passage of
    about `chars` characters with the most matches (the start of the text if none match).

    Every character of the post's own text is escaped; only our <mark> is markup. Finding the
    passage with a regex first keeps this cheap for long posts (a page shows dozens).
    """
    if whole or len(text) <= chars:
        return Markup(_mark(text, terms)) if terms else escape(text)  # noqa: S704
    start = 0
    pattern = _prefix_pattern(terms) if terms else None
    if pattern is not None:
        positions = [m.start() for m, _ in zip(pattern.finditer(text), range(200), strict=False)]
        best, best_count = None, 0
        for i, pos in enumerate(positions):
            count = sum(1 for p in positions[i:] if p < pos + chars - 40)
            if count > best_count:
                best, best_count = pos, count
        if best is not None:
            start = max(0, best - 40)
    end = min(len(text), start + chars)
    if start > 0:
        start = text.find(" ", start, start + 30) + 1 or start  # begin on a word boundary
    if end < len(text):
        end = text.rfind(" ", end - 30, end) if text.rfind(" ", end - 30, end) > start else end
    passage = text[start:end]
    marked = _mark(passage, terms) if terms else str(escape(passage))
    return Markup(("… " if start > 0 else "") + marked + (" …" if end < len(text) else ""))  # noqa: S704


Ranked = tuple[int, Any, bool]  # (post id, score or None, matched in its own words)


def page_of(ranked_ids: list[Ranked], thread_of: dict[int, int], page: int, per_page: int,
            *, one_thread: bool = False) -> list[Ranked]:
    """The page's discussions (ranked by their best post), each with its best few posts in
    their own words, or its best post as a stand-in when it matched only through the thread.
    Narrowed to `one_thread`, the page's posts of that discussion instead."""
    if one_thread:
        listed = [ranked for ranked in ranked_ids if ranked[2]]
        return listed[(page - 1) * per_page: page * per_page] or ranked_ids[:1]
    threads = list(dict.fromkeys(thread_of[ranked[0]] for ranked in ranked_ids))
    keep = set(threads[(page - 1) * per_page: page * per_page])
    shown: dict[int, int] = {}
    chosen: dict[int, int] = {}  # thread -> its stand-in, until a post of its own is chosen
    page_ids: set[int] = set()
    for post_id, _, own in ranked_ids:
        thread_id = thread_of[post_id]
        if thread_id not in keep:
            continue
        if own and shown.get(thread_id, 0) < POSTS_PER_GROUP:
            shown[thread_id] = shown.get(thread_id, 0) + 1
            page_ids.add(post_id)
        elif not own and thread_id not in chosen:
            chosen[thread_id] = post_id
    page_ids.update(post_id for thread_id, post_id in chosen.items() if thread_id not in shown)
    return [ranked for ranked in ranked_ids if ranked[0] in page_ids]


def result_groups(ranked_ids: list[Ranked], posts: dict[int, Post], built: Built, per_page: int,
                  rank_of: dict[int, int], totals: dict[int, int], thread_order: list[int],
                  *, per_group: int = POSTS_PER_GROUP,
                  found_items: dict[int, tuple[DocumentKind, KindHit]] | None = None
                  ) -> list[ResultGroup]:
    """Hits grouped by discussion, the discussions in `thread_order` (each by its best match),
    with highlighted titles and snippets. A post that matched only through its thread puts
    the thread on the page, not itself. Another kind's object (in `found_items`, by its
    number) is a group of its own."""
    found_items = found_items or {}
    position = {thread_id: n for n, thread_id in enumerate(thread_order)}
    present = {posts[post_id].thread_id for post_id, _, _ in ranked_ids if post_id in posts}
    present.update(number for number, _, _ in ranked_ids if number in found_items)
    keep = set(sorted(present, key=lambda t: position.get(t, len(position)))[:per_page])
    terms = frozenset(built.highlight_terms)
    groups: dict[int, ResultGroup] = {}
    for rank, (post_id, score, own) in enumerate(ranked_ids):
        if post_id in found_items:
            if post_id in keep and post_id not in groups:
                kind, item = found_items[post_id]
                rank_of[post_id] = rank
                groups[post_id] = ResultGroup(
                    thread=None, kind=kind, item=item, number=post_id, hits=[], total=1,
                    terms=terms, title_html=highlight_text(item.title, built.highlight_terms, whole=True),
                    snippet=highlight_text(item.snippet_text, built.highlight_terms))
            continue
        post = posts.get(post_id)
        if post is None or post.thread_id not in keep:
            continue
        group = groups.get(post.thread_id)
        if group is None:
            group = groups[post.thread_id] = ResultGroup(
                thread=post.thread, title_html=highlight_text(post.thread.title, built.highlight_terms,
                                                              whole=True), hits=[],
                total=totals.get(post.thread_id, 0), terms=terms)
        if own and len(group.hits) < per_group:
            rank_of[post_id] = rank
            group.hits.append(Hit(
                kind="thread" if post.is_opening else "reply", post_id=post.id,
                thread_id=post.thread_id, score=score,
                snippet=highlight_text(to_text(post.body_html), built.highlight_terms), post=post,
            ))
    ordered = sorted(groups.values(), key=lambda g: position.get(g.key, len(position)))
    threads = [g.thread.id for g in ordered if g.thread is not None]
    if threads:
        names = profession_names(threads)
        for group in ordered:
            if group.thread is not None:
                group.professions = names.get(group.thread.id, [])
    return ordered

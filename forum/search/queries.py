"""The search service: the query, the index, the re-check, the page of results.

Query syntax: words (ranked: posts with more of them first), "quoted phrases" (exact words),
AND / OR / NOT in capitals, +word, -word, (brackets), title:word, author:name. A syntax error
never fails: we search for the plain words instead, ranked, and say so.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Any

from whoosh.query import Every, Require

from forum.search import engine, fuzzy, kinds
from forum.search.analysis import index_words
from forum.search.building import Built, build_query
from forum.search.parsing import QuerySyntaxError, cut, parse, plain_words
from forum.search.results import (
    POSTS_PER_GROUP,
    Hit,
    ResultGroup,
    SearchResults,
    highlight_text,
    page_of,
    result_groups,
)
from forum.search.store import reading
from forum.search.suggestions import suggest
from forum.search.visibility import Filters, index_filter, load_posts, recheck_all

__all__ = ["Filters", "Hit", "QuerySyntaxError", "ResultGroup", "SearchResults", "build_query",
           "highlight_text", "parse", "plain_words", "search"]

MAX_QUERY_CHARS = 300
OVERFETCH_GROUPS = 10
# Up to this many matches, every one is re-checked in SQL (one statement: SQLite allows
# 32,766 parameters): exact counts.
RECHECK_ALL = 1000
SORTS = ("relevance", "newest")
# "Did you mean" is offered only when a search finds fewer discussions than this.
FEW_RESULTS = 3


def search(query: str, *, viewer: Any, filters: Filters | dict | None = None, page: int = 1,
           per_page: int = 20) -> SearchResults:
    """Search what `viewer` may read. Results are grouped by discussion; `total` counts posts."""
    if isinstance(filters, dict):
        filters = Filters(**filters)
    filters = filters or Filters()
    if filters.sort not in SORTS:
        filters = replace(filters, sort="relevance")
    text = " ".join((query or "").split())
    notice = None
    if len(text) > MAX_QUERY_CHARS:
        text = cut(text, MAX_QUERY_CHARS)
        notice = f"Your search was long, so we used the first {MAX_QUERY_CHARS} characters."
    page, per_page = max(1, page), max(1, min(per_page, 100))
    results = SearchResults(query=text, filters=filters, page=page, per_page=per_page)
    if not text and not filters.active:
        return results
    results.searched = True
    whoosh_query, built, syntax_notice = build_query(text) if text else (Every(), Built(), None)
    results.notice = syntax_notice or notice
    results.words = list(built.plain)
    if whoosh_query is None:
        if syntax_notice and not built.plain:
            results.notice = syntax_notice
        elif not index_words(text):  # "-", "~", "🙂": nothing a post could contain
            results.notice = ("Your search had no words in it: we search for words and numbers, "
                              "not symbols or punctuation on their own.")
        else:
            results.notice = ("Your search only had very common words (like “the” or “and”), "
                              "which we do not search for. Try more specific words.")
        return results
    filter_q = index_filter(filters, viewer)
    newest = filters.sort == "newest" or not text
    with reading() as searcher:
        if searcher is None:
            results.notice = "Search is being set up. Try again in a minute."
            return results
        if searcher.doc_count_all() == 0:  # an empty index has no columns to read
            return results
        if text and built.plain and (near := fuzzy.near_spellings(searcher, built, filter_q)):
            whoosh_query, built, _ = build_query(text, near=near)  # typos: their near spellings too
            results.notice = results.notice or fuzzy.notice(near)
        # Require: filter without letting the filter's own terms change the scores.
        if filter_q is None:
            run_query = whoosh_query
        elif not text:  # filters alone
            run_query = filter_q
        else:
            run_query = Require(whoosh_query, filter_q)
        matches = engine.search(searcher, run_query, newest=newest, own=built.own_query())
        exact = matches.total <= RECHECK_ALL
        group_ids, ranks = matches.group_order()
        one_thread = filters.thread_id is not None
        if exact:  # every match, so a group whose best posts are hidden still shows the rest
            window = matches.best_in_groups(ranks, 0, len(group_ids), per_group=RECHECK_ALL)
            all_ids = matches.object_ids.tolist()
        else:  # this page's groups, and a few more in case the re-check drops some
            first = 0 if one_thread else (page - 1) * per_page
            window = matches.best_in_groups(
                ranks, first, first + per_page + OVERFETCH_GROUPS,
                per_group=page * per_page if one_thread else POSTS_PER_GROUP)
            all_ids = []
        ranked_ids = [(object_id, None if newest else key, own)
                      for _, docs in window for key, object_id, own in docs]
        if text and built.plain and len(group_ids) < FEW_RESULTS:  # "Did you mean"
            results.suggestion = suggest(searcher, text, built, filter_q, matches.total > 0)
        if not exact:
            own_ids = set()
            totals = matches.own_counts([group for group, _ in window])
        else:
            own_ids = set(matches.object_ids[matches.own].tolist())

    # The index proposes; the database decides, with the rule the pages use.
    if exact:
        ranked_ids, thread_of = recheck_all(all_ids, ranked_ids, viewer, filters)
        thread_order = list(dict.fromkeys(thread_of[post_id] for post_id, _, _ in ranked_ids))
        totals = Counter(thread_of[post_id] for post_id in thread_of if post_id in own_ids)
        # Another kind's object is one match, whichever of its fields matched.
        for numbers in kinds.split(thread_of)[1].values():
            totals.update({n: 1 for n in numbers if n not in totals})
        results.total = sum(totals.values())
        results.total_groups = len(thread_order)
        results.kind_totals = kinds.count_by_kind(thread_order)
        ranked_ids = page_of(ranked_ids, thread_of, page, per_page, one_thread=one_thread)
    else:
        thread_order = [group for group, _ in window]
        if one_thread:  # this page's posts of the one discussion
            listed = [ranked for ranked in ranked_ids if ranked[2]]
            ranked_ids = listed[(page - 1) * per_page:] or ranked_ids[:1]
    posts = load_posts([post_id for post_id, _, _ in ranked_ids], viewer, filters)
    found_items = kinds.load_numbers([n for n, _, _ in ranked_ids], viewer, filters)
    if not exact:  # counted in the index (which holds only what some audience may read)
        dropped = [post_id for post_id, _, own in ranked_ids
                   if own and post_id not in posts and post_id not in found_items]
        results.total = max(0, matches.own_total - len(dropped))
        results.total_groups = len(group_ids)
        results.kind_totals = kinds.count_by_kind(group_ids)
        results.approximate = True
    results.groups = result_groups(ranked_ids, posts, built, per_page, results._rank, totals,
                                   thread_order, per_group=per_page if one_thread else POSTS_PER_GROUP,
                                   found_items=found_items)
    return results

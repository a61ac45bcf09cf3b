"""\"Did you mean\": near spellings of the words a search could not find."""

from __future__ import annotations

import re

from whoosh.query import And, Or, Query, Term

from forum.search import engine
from forum.search.analysis import (
    exact_words,
    is_word_term,
)
from forum.search.building import Built, build_query


def _fix_query_word(query: str, word: str, better: str) -> str:
    return re.sub(rf"(?<![\w-]){re.escape(word)}(?![\w-])", better, query, count=1)


def _visible_count(searcher, term: str, filter_q: Query | None) -> int:
    """Documents the viewer's search can reach with `term` as written in a title or body.

    Counted through the viewer's own filter, never with Whoosh's doc_frequency: that also
    counts deleted documents and other audiences' posts, so a word only in a hidden or
    members-only post would be offered (in "a OR wrod" the other word makes the check pass).
    """
    query: Query = Or([Term("body", term), Term("title", term)])
    return engine.count(searcher, And([query, filter_q]) if filter_q is not None else query)


def _reaches_any(searcher, query: Query | None, filter_q: Query | None) -> bool:
    """Whether `query` (a word with its stems and synonyms) finds anything this viewer's
    search can reach."""
    if query is None:
        return False
    return engine.matches_any(searcher, And([query, filter_q]) if filter_q is not None else query)


def suggest(searcher, text: str, built: Built, filter_q: Query | None, found_any: bool
             ) -> str | None:
    """"Did you mean": replace each word this viewer's search cannot find by the near spelling
    they can find most often, and offer it only if the corrected search finds something.

    A word in the index, in a search that found something, is taken as known without counting
    what this viewer can reach (counting reads its whole posting list: ~10 ms for a common
    word); nothing is offered for it, so nothing can leak."""
    reader = searcher.reader()
    suggestion = text
    changed = False
    for word in built.plain:
        exact = exact_words(word)
        if len(exact) != 1 or len(exact[0]) < 4 or any(c.isdigit() for c in exact[0]):
            continue
        term = exact[0]
        if found_any and (reader.doc_frequency("body", term) or reader.doc_frequency("title", term)):
            continue
        if _reaches_any(searcher, built.word_queries.get(word), filter_q):
            continue  # found in another form (its stem) or through a synonym: nothing to mend
        best, best_freq = None, 0
        for maxdist in (1, 2):
            candidates = {candidate for name in ("body", "title")
                          for candidate in reader.terms_within(name, term, maxdist, prefix=1)
                          if is_word_term(candidate)}
            for candidate in sorted(candidates):
                freq = _visible_count(searcher, candidate, filter_q)
                if freq > best_freq:
                    best, best_freq = candidate, freq
            if best:
                break
        if best:
            suggestion = _fix_query_word(suggestion, word, best)
            changed = True
    if not changed:
        return None
    query, _, _ = build_query(suggestion)
    if query is None:
        return None
    return suggestion if _reaches_any(searcher, query, filter_q) else None

"""\"Did you mean\": near spellings of the words a search could not find.

Offered only when a search found little (forum.search.queries.FEW_RESULTS), for words that
are neither in the index nor found through their stem or a synonym, never for a word typed
in capitals (a clinical abbreviation such as MSCC is not a misspelling of "mass"), and only
with words this viewer's search can reach. The candidates are the index's own words, kept
per segment (segments never change) in buckets by first letter and length; rapidfuzz
computes the edit distances in C, so a suggestion costs about a millisecond.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract
from whoosh.query import And, Or, Query, Term

from forum.search import engine
from forum.search.analysis import (
    QUESTION_WORDS,
    exact_words,
    is_word_term,
)
from forum.search.building import Built, build_query
from forum.search.parsing import AndNode, QuerySyntaxError, Word, parse

MAX_DISTANCE = 2
CANDIDATES = 8  # nearest spellings whose visible frequency is counted

_vocabulary: OrderedDict[tuple[str, str], dict[tuple[str, int], list[str]]] = OrderedDict()
_vocabulary_lock = threading.Lock()
MAX_SEGMENTS = 64


def _segment_words(reader) -> dict[tuple[str, int], list[str]]:
    """A segment's title and body words, bucketed by (first letter, length)."""
    key = (str(getattr(reader.storage, "folder", "")), reader.segment().segment_id())
    with _vocabulary_lock:
        found = _vocabulary.get(key)
        if found is not None:
            _vocabulary.move_to_end(key)
            return found
    buckets: dict[tuple[str, int], set[str]] = {}
    for name in ("title", "body"):
        if name not in reader.schema:
            continue
        for raw in reader.lexicon(name):
            word = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if len(word) >= 3 and word.isalpha() and is_word_term(word):
                buckets.setdefault((word[0], len(word)), set()).add(word)
    found = {k: sorted(v) for k, v in buckets.items()}
    with _vocabulary_lock:
        _vocabulary[key] = found
        while len(_vocabulary) > MAX_SEGMENTS:
            _vocabulary.popitem(last=False)
    return found


def _near_words(searcher, term: str) -> list[tuple[str, int]]:
    """Index words within MAX_DISTANCE edits of `term` that begin with its letter, nearest
    first: (word, distance)."""
    choices: set[str] = set()
    for subsearcher, _ in searcher.leaf_searchers():
        words = _segment_words(subsearcher.reader())
        for length in range(len(term) - MAX_DISTANCE, len(term) + MAX_DISTANCE + 1):
            choices.update(words.get((term[0], length), ()))
    choices.discard(term)
    if not choices:
        return []
    found = extract(term, sorted(choices), scorer=Levenshtein.distance,
                    score_cutoff=MAX_DISTANCE, limit=CANDIDATES * 4)
    return sorted(((word, int(distance)) for word, distance, _ in found),
                  key=lambda pair: (pair[1], pair[0]))[:CANDIDATES]


def nearest_visible(searcher, near: list[tuple[str, int]], filter_q: Query | None
                    ) -> list[tuple[str, int]]:
    """The nearest of `near` (word, distance), nearest first, that this viewer's search can
    reach, with how many documents it reaches, most first: only the nearest distance that
    has any is counted (counting reads a word's whole posting list)."""
    for distance in sorted({d for _, d in near}):
        counted = [(word, count) for word, d in near if d == distance
                   if (count := _visible_count(searcher, word, filter_q))]
        if counted:
            return sorted(counted, key=lambda pair: (-pair[1], pair[0]))
    return []


def _nearest_visible(searcher, near: list[tuple[str, int]], filter_q: Query | None) -> str | None:
    """The nearest spelling, then the one most posts use."""
    found = nearest_visible(searcher, near, filter_q)
    return found[0][0] if found else None


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
        if sum(c.isupper() for c in word) >= 2:
            continue  # MSCC, ReSPECT: an abbreviation or a name, not a misspelling
        if found_any and (reader.doc_frequency("body", term) or reader.doc_frequency("title", term)):
            continue
        if _reaches_any(searcher, built.word_queries.get(word), filter_q):
            continue  # found in another form (its stem) or through a synonym: nothing to mend
        best = _nearest_visible(searcher, _near_words(searcher, term), filter_q)
        if best:
            suggestion = _fix_query_word(suggestion, word, best)
            changed = True
    if not changed:
        return None
    if _plain_words(suggestion):  # free text: a mended word this viewer can reach finds it
        return suggestion
    query, _, _ = build_query(suggestion)
    if query is None:
        return None
    return suggestion if _reaches_any(searcher, query, filter_q) else None


def _plain_words(text: str) -> bool:
    """Whether `text` is words alone (no phrase, operator, field or brackets), none of them a
    question word (which a search of other words leaves out)."""
    try:
        tree = parse(text)
    except QuerySyntaxError:
        return False
    children = tree.children if isinstance(tree, AndNode) else (tree,)
    return all(isinstance(child, Word) and child.field is None
               and child.text.lower() not in QUESTION_WORDS for child in children)

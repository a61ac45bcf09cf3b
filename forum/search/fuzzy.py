"""Typo tolerance: a word that no post has, in any form, is searched for as its near spellings.

"diarhoea on pembro" found nothing: no post has "diarhoea", and stemming and synonyms cannot
mend a typo. A word qualifies only when none of its terms (the word, its stem, its synonyms)
is in the index at all, for any audience: a word some post has is never replaced, so this
never reveals anything (a word only hidden posts have finds nothing, as before). Its near
spellings are the index's own words within one edit (two for words of seven letters or more),
drawn and counted as "Did you mean" draws them (forum.search.suggestions), among the words this
viewer's search can reach; they score below the word as written (building.FUZZY_BOOST).
Capitalised abbreviations ("MSCC") and words with digits are left as typed.
"""

from __future__ import annotations

from whoosh.query import Query

from forum.search.analysis import exact_words
from forum.search.building import Built
from forum.search.suggestions import _near_words, nearest_visible

MIN_LENGTH = 4
NEAR_WORDS = 3  # near spellings searched for one unknown word, at most
MAX_UNKNOWN = 5  # unknown words mended in one search, at most (each costs about a millisecond)


def _max_distance(word: str) -> int:
    return 1 if len(word) < 7 else 2


def _known(reader, query: Query | None) -> bool:
    """Whether any term of the word's query is in the index (doc_frequency counts deleted and
    other audiences' posts too: any of them means the word is not a typo)."""
    if query is None:
        return True
    return any(reader.doc_frequency(name, text) for name, text in query.iter_all_terms())


def near_spellings(searcher, built: Built, filter_q: Query | None) -> dict[str, list[str]]:
    """Each plain word of the search that no post has, with its nearest spellings this viewer
    can find, most used first; {} when every word is known (the usual case, and cheap)."""
    reader = searcher.reader()
    found: dict[str, list[str]] = {}
    for word in dict.fromkeys(built.plain):
        exact = exact_words(word)
        if len(exact) != 1 or len(exact[0]) < MIN_LENGTH or not exact[0].isalpha():
            continue
        if sum(c.isupper() for c in word) >= 2:  # MSCC, ReSPECT: an abbreviation or a name
            continue
        if _known(reader, built.word_queries.get(word)):
            continue
        term, limit = exact[0], _max_distance(exact[0])
        near = nearest_visible(searcher, [(candidate, distance) for candidate, distance
                                          in _near_words(searcher, term) if distance <= limit], filter_q)
        if near:
            found[word] = [candidate for candidate, _ in near[:NEAR_WORDS]]
            if len(found) == MAX_UNKNOWN:
                break
    return found


def notice(near: dict[str, list[str]]) -> str:
    """What the search page says when it searched for near spellings."""
    said = "; ".join(f"“{word}”, so we also searched for " + " or ".join(f"“{w}”" for w in words)
                     for word, words in near.items())
    return f"No post has {said}."

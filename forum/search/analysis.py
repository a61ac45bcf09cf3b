"""How text becomes index terms: one tokenizer, the terms of a text field, synonyms.

Whoosh's stock analysers split "5-FU" into "5" and "fu" and then drop the one-character "5",
so a search for 5-FU finds every "fu". Ours keeps such compounds whole ("5fu"), keeps
one-character tokens, and still splits ordinary hyphenated words ("well-being").

Text is indexed as three kinds of term, so one posting list answers each kind of question:

- the word as written ("clinics"): exact matches, which outrank stem cousins;
- "~" + its English stem, only where the stem differs ("~clinic"): the stem "clinic" is
  then the word "clinic" or the term "~clinic", so no word is indexed twice. These two
  share a field ("body"); "~" sorts after every letter, so "Did you mean" never walks them;
- each pair of neighbouring words, stop words left out ("clinics primary"), in a field of
  their own ("body_pairs"): quoted phrases are pairs, so the index needs no positions (the
  slowest part of Whoosh to write and read). Pairs with a stop word in them, and stop words
  alone, are there too, so a phrase or a search of stop words alone still finds something
  (stop words are otherwise not indexed: they would lengthen every post's BM25F length).
"""

from __future__ import annotations

import os
import re
import threading
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from whoosh.analysis import Analyzer, Token
from whoosh.analysis.filters import STOP_WORDS
from whoosh.formats import Frequency
from whoosh.lang.porter import stem as porter_stem
from whoosh.system import pack_uint

_WORD = re.compile(r"\w+(?:['’.\-/+]\w+)*")
_JOINER = re.compile(r"['’.\-/+]")
_PART = re.compile(r"\w+")

# Whoosh's list, less words that carry meaning here ("us" as in ultrasound, "may", "can").
STOPLIST = frozenset(STOP_WORDS) - {"us", "may", "can", "will", "tbd"}

# Words of a question that say nothing about its subject: in free text they never restrict
# a search and do not score (a search of nothing else still looks for them).
_QUESTION_TEXT = """
    what whats how who whom whose when where why which whether anyone anybody someone somebody
    everyone can could may might must shall should will would ought do does did done doing
    there here has have having had been get gets got getting know knows let lets please thanks
    thank hi hello just like also any some very really much many more most other others
    about into onto over than then them they their theirs he she his her hers him its
    me my mine we our ours you your yours youre theyre i im ive id one way ways
    is am are was were be being isnt arent dont doesnt didnt cant cannot wont
    wouldve shouldve couldve wondering wonder anything something
"""
QUESTION_WORDS = STOPLIST | frozenset(_QUESTION_TEXT.split()) - {"us"}


def split_words(value: str) -> list[tuple[str, int, int]]:
    """Lower-cased words with their character ranges; compounds with a digit or a one-letter
    part stay whole (5-FU -> 5fu, PD-L1 -> pdl1, patient's -> patients), numbers keep their
    punctuation (2.5, 24/7), other hyphenated words split (well-being -> well, being)."""
    words: list[tuple[str, int, int]] = []
    append = words.append
    for match in _WORD.finditer(value):
        text = match.group(0)
        if not _JOINER.search(text):
            append((text.lower(), match.start(), match.end()))
            continue
        parts = _JOINER.split(text)
        if all(p.isdigit() for p in parts):
            append((text, match.start(), match.end()))
        elif any(len(p) == 1 or any(c.isdigit() for c in p) for p in parts):
            append(("".join(parts).lower(), match.start(), match.end()))
        else:
            offset = match.start()
            for sub in _PART.finditer(text):
                append((sub.group(0).lower(), offset + sub.start(), offset + sub.end()))
    return words


def _compound(text: str) -> str | tuple[str, ...]:
    """split_words' rule for a word with joiners in it: one word, or its parts."""
    parts = _JOINER.split(text)
    if len(parts) == 1:  # \w characters only (an underscore): one word
        return text.lower()
    if all(p.isdigit() for p in parts):
        return text
    if any(len(p) == 1 or any(c.isdigit() for c in p) for p in parts):
        return "".join(parts).lower()
    return tuple(p.lower() for p in parts)


def index_words(value: str) -> list[str]:
    """The words of split_words without their character ranges: what indexing and queries
    need, and several times faster (the regex does the scanning; Python sees compounds only)."""
    words = [w.lower() if w.isalnum() else _compound(w) for w in _WORD.findall(value)]
    if any(type(w) is tuple for w in words):
        words = [part for w in words for part in (w if type(w) is tuple else (w,))]
    return words


STEM_MARK = "~"
PAIR_JOIN = " "

_local = threading.local()


def _cached_words(value: str) -> list[str]:
    """A text's words: the fields that analyse the same text one after another split it once."""
    last = getattr(_local, "last", None)
    if last is not None and last[0] is value:
        return last[1]
    words = index_words(value)
    _local.last = (value, words)
    return words


_stem_cache: dict[str, str] = {}


def stem_word(word: str) -> str:
    stemmed = _stem_cache.get(word)
    if stemmed is None:
        stemmed = word if any(c.isdigit() for c in word) else porter_stem(word)
        if len(_stem_cache) > 500_000:
            _stem_cache.clear()
        _stem_cache[word] = stemmed
    return stemmed


class ForumAnalyzer(Analyzer):
    """Split, lower-case, drop stop words (not from names); then, by mode, stem
    ("stem"), keep as written ("exact", "name"), or make the index's terms ("words", "pairs").

    One class instead of Whoosh's tokenizer | filter chain: indexing spends most of its time
    here, and one loop is several times faster than four nested generators.
    """

    def __init__(self, mode: str = "stem") -> None:
        if mode not in ("stem", "exact", "name", "words", "pairs"):
            raise ValueError(mode)
        self.mode = mode

    def __repr__(self) -> str:
        return f"ForumAnalyzer({self.mode!r})"

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True, mode="",
                 **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        if not tokenize:
            t.original = t.text = value
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        if self.mode in ("words", "pairs"):
            yield from self._index_tokens(t, value, positions)
            return
        stop = STOPLIST if self.mode != "name" else frozenset()
        stemming = self.mode == "stem"
        pos = start_pos
        for word, start, end in split_words(value):
            stopped = word in stop
            if stopped and removestops:
                continue
            t.stopped = stopped
            t.text = stem_word(word) if stemming and not stopped else word
            if keeporiginal:
                t.original = word
            if positions:
                t.pos = pos
            if chars:
                t.startchar, t.endchar = start_char + start, start_char + end
            if not stopped:
                pos += 1
            yield t

    def _index_tokens(self, t: Token, value: str, positions: bool) -> Iterator[Token]:
        """The "words" and "pairs" terms as Whoosh tokens, for any caller that still asks
        for tokens (our TermCounts format and the bulk builder take `terms` directly)."""
        for pos, text in enumerate(self.terms(value)):
            t.text, t.stopped = text, False
            if positions:
                t.pos = pos
            yield t

    def terms(self, value: str) -> list[str]:
        """Every term this analyser indexes for `value`, repeats included (the fast path)."""
        words = _cached_words(value)
        if self.mode == "name":
            return list(words)
        if self.mode == "pairs":
            return _pairs(words)
        words = [w for w in words if w not in STOPLIST]
        if self.mode == "stem":
            return [stem_word(w) for w in words]
        if self.mode == "exact":
            return words
        cached = _stem_cache.get
        stemmed = [cached(w) or stem_word(w) for w in words]
        return words + [STEM_MARK + s for s, w in zip(stemmed, words, strict=True) if s != w]


def _pairs(words: list[str]) -> list[str]:
    """A text's phrase terms: each pair of neighbouring words with the stop words left out
    ("clinics primary" for "clinics in primary"); and, so that a phrase of stop words alone
    ("to be or not to be") can be found, each pair of neighbours of which one is a stop
    word, and each stop word on its own (a term without a space)."""
    content = [w for w in words if w not in STOPLIST]
    pairs = [a + PAIR_JOIN + b for a, b in pairwise(content)]
    pairs += [a + PAIR_JOIN + b for a, b in pairwise(words) if a in STOPLIST or b in STOPLIST]
    pairs += [w for w in words if w in STOPLIST]
    return pairs


_PACKED = [pack_uint(n) for n in range(256)]


class TermCounts(Frequency):
    """Frequency postings (a count per document, no positions) made straight from our
    analyser's term list, without Whoosh's per-token objects: indexing spends its time here."""

    def word_values(self, value, analyzer, **kwargs):
        if not isinstance(analyzer, ForumAnalyzer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        boost = self.field_boost
        for term, count in Counter(analyzer.terms(value)).items():
            yield term, count, count * boost, self.encode_count(count)

    @staticmethod
    def encode_count(count: int) -> bytes:
        """The posting value Whoosh's Frequency format stores: the count, packed."""
        return _PACKED[count] if count < 256 else pack_uint(count)


def words_analyzer() -> ForumAnalyzer:
    """A text field's terms: words as written, and stems where they differ."""
    return ForumAnalyzer("words")


def pairs_analyzer() -> ForumAnalyzer:
    """Neighbouring words as one term each: what quoted phrases match."""
    return ForumAnalyzer("pairs")


def stemming_analyzer() -> ForumAnalyzer:
    """English stems: "clinics" finds "clinic"."""
    return ForumAnalyzer("stem")


def exact_analyzer() -> ForumAnalyzer:
    """The words as written (lower-cased), so exact matches can outrank stem cousins."""
    return ForumAnalyzer("exact")


def name_analyzer() -> ForumAnalyzer:
    """People's names: every part, no stop words removed."""
    return ForumAnalyzer("name")


STEM = stemming_analyzer()
EXACT = exact_analyzer()
NAME = name_analyzer()


def stem_terms(stem: str) -> tuple[str, str]:
    """The two index terms that together mean "a word with this stem"."""
    return stem, STEM_MARK + stem


def pair_terms(words: list[str]) -> list[str]:
    """The index terms of a phrase: its neighbouring word pairs."""
    return [a + PAIR_JOIN + b for a, b in pairwise(words)]


def is_word_term(term: str) -> bool:
    """A word as written (not a stem marker): what "Did you mean" may offer."""
    return not term.startswith(STEM_MARK)


def stop_words(text: str) -> list[str]:
    """Every word of `text` if all of them are stop words ("to be or not to be"), else []."""
    words = [w for w in index_words(text) if type(w) is str]
    return words if words and all(w in STOPLIST for w in words) else []


def stems(text: str) -> list[str]:
    return STEM.terms(text)


def exact_words(text: str) -> list[str]:
    return EXACT.terms(text)


def name_words(text: str) -> list[str]:
    return NAME.terms(text)


# --- synonyms -----------------------------------------------------------------------------

SYNONYMS_FILE = Path(__file__).with_name("synonyms.txt")


@dataclass(frozen=True)
class Synonyms:
    """Groups of equivalent words and phrases, matched on their stems."""

    groups: dict[tuple[str, ...], tuple[str, ...]]  # stem key -> every spelling in its group
    longest: int

    def lookup(self, key: tuple[str, ...]) -> tuple[str, ...] | None:
        return self.groups.get(key)


def parse_synonyms(text: str) -> Synonyms:
    """One group per line, comma-separated; '#' starts a comment."""
    groups: dict[tuple[str, ...], tuple[str, ...]] = {}
    longest = 1
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        entries = tuple(dict.fromkeys(e.strip() for e in line.split(",") if e.strip()))
        if len(entries) < 2:
            continue
        for entry in entries:
            key = tuple(stems(entry))
            if not key:
                continue
            merged = tuple(dict.fromkeys(groups.get(key, ()) + entries))
            groups[key] = merged
            longest = max(longest, len(key))
    return Synonyms(groups, longest)


_cache: dict[str, tuple[float, Synonyms]] = {}
_cache_lock = threading.Lock()


def load_synonyms(path: str | os.PathLike | None = None) -> Synonyms:
    """The synonym list, re-read when the file changes (editors need no restart)."""
    path = str(path or SYNONYMS_FILE)
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return Synonyms({}, 1)
    with _cache_lock:
        cached = _cache.get(path)
        if cached and cached[0] == mtime:
            return cached[1]
    with open(path, encoding="utf-8") as fh:
        synonyms = parse_synonyms(fh.read())
    with _cache_lock:
        _cache[path] = (mtime, synonyms)
    return synonyms

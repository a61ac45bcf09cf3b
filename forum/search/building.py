"""Syntax tree to Whoosh query: stems, exact words, phrases as word pairs, synonyms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from whoosh.query import And, AndMaybe, AndNot, Every, Or, Query, Term

from forum.search import kinds
from forum.search.analysis import (
    QUESTION_WORDS,
    STEM_MARK,
    exact_words,
    load_synonyms,
    name_words,
    pair_terms,
    stem_terms,
    stems,
    stop_words,
)
from forum.search.engine import Alternatives, Ranked
from forum.search.parsing import (
    AndNode,
    NotNode,
    OrNode,
    QuerySyntaxError,
    Quoted,
    Required,
    Word,
    parse,
    plain_words,
)

# Chosen by measurement (bench/relevance.py --tune, figures in the commit that set them):
# title 2 / exact 1.0 / coordination 2 was best or level on both collections.
TITLE_BOOST = 2.0
TAGS_BOOST = 0.5  # a thread's tags and names: below the words members wrote
LEAD_BOOST = 1.5  # a QI write-up's aim and summary: below its title, above the rest
FIELD_BOOSTS = {"title": TITLE_BOOST, "lead": LEAD_BOOST, "body": 1.0, "tags": TAGS_BOOST}
TEXT_FIELDS = ("title", "lead", "body", "tags")
PAIRED = ("title", "lead", "body")  # fields with a "_pairs" field beside them
# Kinds whose title is their own words (a reply only carries its thread's title): opening
# posts and every registered kind (forum.search.kinds).
OWN_TITLE_KINDS = ("thread",)
EXACT_BOOST = 1.0  # the word as written scores again beside its stem: twice a stem cousin
SYNONYM_BOOST = 0.9
# A near spelling of a word no post has ("lymphodema"): found, but below the word as written.
FUZZY_BOOST = 0.6
# Neighbouring words of the query side by side in a post, as written: a bonus, never a match.
PROXIMITY_BOOST = 0.5


@dataclass
class Built:
    highlight_terms: set[str] = field(default_factory=set)  # stems of positive words
    plain: list[str] = field(default_factory=list)  # unquoted, unfielded positive words
    # Each positive word's query in the post's own words: its body, and an opening post's title.
    own_body: list[Query] = field(default_factory=list)
    own_title: list[Query] = field(default_factory=list)
    # Each plain word's whole query (its stems and synonyms), for "Did you mean".
    word_queries: dict[str, Query] = field(default_factory=dict)

    def own_query(self) -> Query | None:
        """The documents that match in their own words, not only through their thread (a
        reply carries its thread's title, every post its tags): the ones listed as matches,
        those with a word to highlight. A flat OR of the words' terms, so it costs little
        beside the query (whose postings the engine has read already). None when every
        match counts (a search of filters, authors or NOT alone)."""
        parts: list[Query] = []
        if self.own_body:
            parts.append(_any_term(self.own_body))
        if self.own_title:
            own_kinds = (*OWN_TITLE_KINDS, *(kind.key for kind in kinds.all_kinds()))
            parts.append(And([Or([Term("kind", kind) for kind in own_kinds]),
                              _any_term(self.own_title)]))
        return Or(parts) if parts else None

    def note_own(self, fields: tuple[str, ...], parts: list[Query]) -> None:
        for name, part in zip(fields, parts, strict=True):
            if name in ("body", "lead"):
                self.own_body.append(part)
            elif name == "title":
                self.own_title.append(part)


def _any_term(queries: list[Query]) -> Query:
    """Any of the terms these queries name."""
    return Or([Term(name, text) for name, text in sorted({t for q in queries for t in q.iter_all_terms()})])


def _all_of(queries: list[Query]) -> Query:
    return queries[0] if len(queries) == 1 else And(queries)


def _words_query(fieldname: str, stemmed: list[str], exact: list[str], weight: float) -> Query:
    """Words in a text field: each in any form (its stem), and the words as written score
    EXACT_BOOST more. Several words (a compound like "well-being", or a synonym like "general
    practice nurse") must all be there, and score more when side by side as written."""
    any_form = [Or([Term(fieldname, term, boost=weight) for term in stem_terms(stem)])
                for stem in stemmed]
    if fieldname not in PAIRED:  # the tags: names, where a word as written earns nothing more
        return _all_of(any_form)
    if len(exact) == 1 and [exact[0]] == stemmed:  # "clinic": the word is its stem's own term
        # the same score as the stem's terms beside the word's (BM25F is linear in the boost),
        # for one posting list fewer
        return Or([Term(fieldname, exact[0], boost=weight * (1 + EXACT_BOOST)),
                   Term(fieldname, STEM_MARK + exact[0], boost=weight)])
    as_written = ([Term(f"{fieldname}_pairs", pair, boost=weight * EXACT_BOOST)
                   for pair in pair_terms(exact)] if len(exact) > 1
                  else [Term(fieldname, exact[0], boost=weight * EXACT_BOOST)])
    return Or([_all_of(any_form), _all_of(as_written)])


def _text_query(text: str, fields: tuple[str, ...], built: Built, positive: bool,
                boost: float = 1.0) -> Query | None:
    """One word (or a hyphenated compound) in each of `fields`."""
    stemmed, exact = stems(text), exact_words(text)
    if not stemmed:  # a stop word ("can" alone): the phrase terms keep those
        return _stop_query(text, tuple(name for name in fields if name in PAIRED), built, positive)
    if positive:
        built.highlight_terms.update(stemmed)
    # A tag is a name: "cancer nurse specialist" there counts as one word, not three.
    parts = [_words_query(name, stemmed, exact, boost * FIELD_BOOSTS[name]
                          / (len(stemmed) if name == "tags" else 1)) for name in fields]
    if positive:
        built.note_own(fields, parts)
    return parts[0] if len(parts) == 1 else Or(parts)


def _exact_query(text: str, fields: tuple[str, ...], built: Built, positive: bool) -> Query | None:
    """A quoted phrase: the exact words, each next to the one after it."""
    exact = exact_words(text)
    if not exact:
        return _stop_query(text, fields, built, positive)
    if positive:
        built.highlight_terms.update(stems(text))
    pairs = pair_terms(exact)
    parts = [_all_of([Term(f"{name}_pairs" if pairs else name, term, boost=FIELD_BOOSTS[name])
                      for term in pairs or exact]) for name in fields]
    if positive:
        built.note_own(fields, parts)
    return parts[0] if len(parts) == 1 else Or(parts)


def _stop_query(text: str, fields: tuple[str, ...], built: Built, positive: bool) -> Query | None:
    """Stop words alone ("to be or not to be", "the"): their pairs, or the one word, in the
    phrase fields (see forum.search.analysis._pairs)."""
    words = stop_words(text)
    if not words or not fields:
        return None
    terms = pair_terms(words) or words
    parts = [_all_of([Term(f"{name}_pairs", term, boost=FIELD_BOOSTS[name]) for term in terms])
             for name in fields]
    if positive:
        built.note_own(fields, parts)
    return parts[0] if len(parts) == 1 else Or(parts)


def author_query(text: str) -> Query | None:
    words = name_words(text)
    return _all_of([Term("author", word) for word in words]) if words else None


def _with_synonyms(text: str, base: Query | None, built: Built, positive: bool) -> Query | None:
    if base is None:
        return None
    group = load_synonyms().lookup(tuple(stems(text)))
    if not group:
        return base
    own = tuple(stems(text))
    alternatives = [_text_query(alt, TEXT_FIELDS, built, positive, SYNONYM_BOOST)
                    for alt in group if tuple(stems(alt)) != own]
    return Or([base, *[a for a in alternatives if a is not None]])


class _Builder:
    def __init__(self, near: Mapping[str, Sequence[str]] | None = None) -> None:
        self.built = Built()
        self.near = near or {}

    def build(self, node, positive: bool = True) -> Query | None:
        if isinstance(node, Required):
            return self.build(node.child, positive)
        if isinstance(node, Word):
            if node.field == "author":
                return author_query(node.text)
            if node.field == "title":
                return _text_query(node.text, ("title",), self.built, positive)
            base = _text_query(node.text, TEXT_FIELDS, self.built, positive)
            query = _with_synonyms(node.text, base, self.built, positive)
            if positive:
                self.built.plain.append(node.text)
                if query is not None:
                    self.built.word_queries[node.text] = query
                if node.text in self.near:  # a word no post has: its near spellings, lower
                    alternatives = [_text_query(alt, TEXT_FIELDS, self.built, positive, FUZZY_BOOST)
                                    for alt in self.near[node.text]]
                    found = [q for q in (query, *alternatives) if q is not None]
                    query = Or(found) if len(found) > 1 else (found[0] if found else None)
            return query
        if isinstance(node, Quoted):
            if node.field == "author":
                return author_query(node.text)
            fields = ("title",) if node.field == "title" else PAIRED  # what members wrote
            return _exact_query(node.text, fields, self.built, positive)
        if isinstance(node, NotNode):
            inner = self.build(node.child, not positive)
            return None if inner is None else AndNot(Every(), inner)
        if isinstance(node, OrNode):
            parts = [q for q in (self.build(c, positive) for c in node.children) if q is not None]
            return Or(parts) if len(parts) > 1 else (parts[0] if parts else None)
        if isinstance(node, AndNode):
            return self._and(node.children, positive)
        raise TypeError(node)

    def _and(self, children: tuple, positive: bool) -> Query | None:
        """Words side by side: plain words rank (any may match, more is better); phrases,
        fielded words, +word, AND's sides and brackets must match; NOT and -word exclude.
        Question words ("what", "could") are left out unless there is nothing else."""
        include: list[Query] = []
        ranked: list[Query] = []
        exclude: list[Query] = []
        skipped: list[Word] = []
        i = 0
        while i < len(children):
            child = children[i]
            run = self._synonym_run(children, i, positive)
            if run is not None:
                query, i = run
                ranked.append(query)
                continue
            i += 1
            if isinstance(child, NotNode):
                inner = self.build(child.child, not positive)
                if inner is not None:
                    exclude.append(inner)
            elif _is_plain(child) and _question_word(child.text):
                skipped.append(child)
                if positive:
                    self.built.plain.append(child.text)
            elif (query := self.build(child, positive)) is not None:
                (ranked if _is_plain(child) else include).append(query)
        if not include and not ranked and skipped:  # "can", "to be or not": those, then
            if positive:
                for word in skipped:
                    self.built.plain.remove(word.text)
            ranked = [q for q in (self.build(w, positive) for w in skipped) if q is not None]
        if not include and not ranked and not exclude:
            return None
        bonus = _side_by_side(children) if positive and ranked else []
        if not ranked:
            optional = None
        elif len(ranked) == 1 and not bonus and not isinstance(ranked[0], Alternatives):
            optional = ranked[0]
        else:
            optional = Ranked(ranked, bonus=bonus)
        if include:
            query = _all_of(include)
            if optional is not None:
                query = AndMaybe(query, optional)
        else:
            query = optional if optional is not None else Every()
        if exclude:
            query = AndNot(query, Or(exclude) if len(exclude) > 1 else exclude[0])
        return query

    def _synonym_run(self, children: tuple, start: int, positive: bool) -> tuple[Query, int] | None:
        """Several plain words that together are a synonym ("two week wait" = "2WW")."""
        synonyms = load_synonyms()
        if synonyms.longest < 2:
            return None
        end = start
        while end < len(children) and isinstance(children[end], Word) and children[end].field is None:
            end += 1
        for length in range(min(synonyms.longest, end - start), 1, -1):
            words = [children[start + k].text for k in range(length)]
            if not stems(words[0]) or not stems(words[-1]):  # "lymphoedema or": one word
                continue
            key = tuple(s for w in words for s in stems(w))
            group = synonyms.lookup(key)
            if not group:
                continue
            own = [q for q in (_text_query(w, TEXT_FIELDS, self.built, positive)
                               for w in words if stems(w)) if q is not None]
            if positive:
                self.built.plain.extend(words)
            alternatives = [_text_query(alt, TEXT_FIELDS, self.built, positive, SYNONYM_BOOST)
                            for alt in group if tuple(stems(alt)) != key]
            run = Alternatives(own, [a for a in alternatives if a is not None])
            if positive:
                self.built.word_queries.update(dict.fromkeys(words, run))
            return run, start + length
        return None


def _side_by_side(children: tuple) -> list[Query]:
    """The bonus for the query's plain words side by side in a post, in the order typed:
    each pair of neighbours (stop words left out, as the index pairs them), in the phrase
    fields. The index keeps no positions, so "close together" is "next to each other"."""
    runs: list[list[str]] = [[]]
    for child in children:
        if _is_plain(child):
            runs[-1].append(child.text)
        elif runs[-1]:
            runs.append([])
    pairs = dict.fromkeys(pair for run in runs for pair in pair_terms(exact_words(" ".join(run))))
    return [Term(f"{name}_pairs", pair, boost=PROXIMITY_BOOST * FIELD_BOOSTS[name])
            for pair in pairs for name in PAIRED]


def _is_plain(node) -> bool:
    return isinstance(node, Word) and node.field is None


def _question_word(text: str) -> bool:
    words = exact_words(text) or [w.lower() for w in text.split()]
    return all(w in QUESTION_WORDS for w in words)


def build_query(text: str, near: Mapping[str, Sequence[str]] | None = None
                ) -> tuple[Query | None, Built, str | None]:
    """(query, what it searched for, a notice if the syntax had to be ignored). `near` gives
    words no post has their near spellings (forum.search.fuzzy), searched as well."""
    notice = None
    try:
        tree = parse(text)
    except QuerySyntaxError as error:
        words = plain_words(text)
        notice = (f"We could not read your search as written ({error}), "
                  f"so we searched for the words on their own: {' '.join(words)}" if words else
                  f"We could not read your search as written ({error}). Try some words instead.")
        tree = AndNode(tuple(Word(w) for w in words)) if words else None
    builder = _Builder(near)
    query = builder.build(tree) if tree is not None else None
    return query, builder.built, notice

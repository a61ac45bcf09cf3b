"""Reading the index: the query language, the visibility re-check, and the search service.

Query syntax: words (all must match), "quoted phrases" (exact words), AND / OR / NOT in
capitals, -word, (brackets), title:word, author:name. A syntax error never fails: we search
for the plain words instead and say so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from typing import Any

from markupsafe import Markup, escape
from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload
from whoosh.query import And, AndNot, Every, NullQuery, NumericRange, Or, Query, Require, Term

from forum.community.models import Alliance
from forum.discussions import policy
from forum.discussions.models import Post, Thread, thread_professions
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.extensions import db
from forum.markup import to_text
from forum.members.models import User
from forum.search import engine
from forum.search.analysis import (
    STOPLIST,
    exact_words,
    index_words,
    is_word_term,
    load_synonyms,
    name_words,
    pair_terms,
    split_words,
    stem_terms,
    stem_word,
    stems,
)
from forum.search.indexer import indexable_clause, reading, timestamp

MAX_QUERY_CHARS = 300
MAX_DEPTH = 12
TITLE_BOOST = 3.0
EXACT_BOOST = 1.5
SYNONYM_BOOST = 0.9
POSTS_PER_GROUP = 3
OVERFETCH_GROUPS = 10
# Up to this many matches, every one is re-checked in SQL (one statement: SQLite allows
# 32,766 parameters): exact counts.
RECHECK_ALL = 1000
SORTS = ("relevance", "newest")


class QuerySyntaxError(ValueError):
    """Raised by the parser; the message says, in plain English, what was wrong."""


# --- parsing ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Quoted:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class NotNode:
    child: Any


@dataclass(frozen=True)
class AndNode:
    children: tuple


@dataclass(frozen=True)
class OrNode:
    children: tuple


FIELDS = ("title", "author")
_FIELD = re.compile(r"(title|author):", re.IGNORECASE)
_BARE = re.compile(r'[^\s()"]+')
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


def _lex(text: str) -> list[tuple]:
    tokens: list[tuple] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "()":
            tokens.append(("(",) if c == "(" else (")",))
            i += 1
        elif c == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError("a quotation mark is not closed")
            tokens.append(("PHRASE", text[i + 1:end], None))
            i = end + 1
        elif c in "-+" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-+)":
            if c == "-":
                tokens.append(("NOT",))
            i += 1
        elif match := _FIELD.match(text, i):
            name, i = match.group(1).lower(), match.end()
            if i < n and text[i] == '"':
                end = text.find('"', i + 1)
                if end < 0:
                    raise QuerySyntaxError("a quotation mark is not closed")
                tokens.append(("PHRASE", text[i + 1:end], name))
                i = end + 1
            elif word := _BARE.match(text, i):
                tokens.append(("WORD", word.group(0), name))
                i = word.end()
            else:
                raise QuerySyntaxError(f"“{name}:” needs a word straight after it")
        else:
            word = _BARE.match(text, i)
            assert word is not None
            value = word.group(0)
            tokens.append((value,) if value in ("AND", "OR", "NOT") else ("WORD", value, None))
            i = word.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[tuple]) -> None:
        self.tokens, self.i, self.depth = tokens, 0, 0

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def take(self) -> tuple:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def parse(self):
        if not self.tokens:
            return None
        node = self.or_()
        if self.peek() is not None:
            raise QuerySyntaxError("a closing bracket has no opening one")
        return node

    def or_(self):
        items = [self.and_()]
        while self.peek() == "OR":
            self.take()
            if self.peek() in (None, ")", "OR", "AND"):
                raise QuerySyntaxError("OR needs a word on each side")
            items.append(self.and_())
        return items[0] if len(items) == 1 else OrNode(tuple(items))

    def and_(self):
        items: list = []
        while self.peek() not in (None, ")", "OR"):
            if self.peek() == "AND":
                self.take()
                if not items or self.peek() in (None, ")", "OR", "AND"):
                    raise QuerySyntaxError("AND needs a word on each side")
                continue
            items.append(self.unary())
        if not items:
            raise QuerySyntaxError("OR needs a word on each side" if self.peek() == "OR"
                                   else "there is nothing to search for between the brackets")
        return items[0] if len(items) == 1 else AndNode(tuple(items))

    def unary(self):
        if self.peek() == "NOT":
            self.take()
            if self.peek() in (None, ")", "OR", "AND"):
                raise QuerySyntaxError("NOT (or -) needs a word straight after it")
            return NotNode(self.unary())
        return self.primary()

    def primary(self):
        token = self.take()
        kind = token[0]
        if kind == "(":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise QuerySyntaxError("there are too many brackets inside each other")
            if self.peek() == ")":
                raise QuerySyntaxError("there is nothing to search for between the brackets")
            node = self.or_()
            if self.peek() != ")":
                raise QuerySyntaxError("a bracket is not closed")
            self.take()
            self.depth -= 1
            return node
        if kind == ")":
            raise QuerySyntaxError("a closing bracket has no opening one")
        if kind == "WORD":
            return Word(token[1], token[2])
        if kind == "PHRASE":
            if not token[1].strip():
                raise QuerySyntaxError("the quotation marks have nothing between them")
            return Quoted(token[1], token[2])
        raise QuerySyntaxError(f"{kind} needs a word on each side")


def parse(text: str):
    """The query's syntax tree, or QuerySyntaxError."""
    return _Parser(_lex(text.translate(_QUOTES))).parse()


def plain_words(text: str) -> list[str]:
    """The fallback: every word of the query, with the syntax taken out."""
    return [w for w in re.findall(r"[\w'’.\-/+]+", text.translate(_QUOTES))
            if w.strip("-+") and w not in ("AND", "OR", "NOT")]


# --- building Whoosh queries --------------------------------------------------------------

@dataclass
class _Built:
    highlight_terms: set[str] = field(default_factory=set)  # stems of positive words
    plain: list[str] = field(default_factory=list)  # unquoted, unfielded positive words


def _all_of(queries: list[Query]) -> Query:
    return queries[0] if len(queries) == 1 else And(queries)


def _words_query(fieldname: str, stemmed: list[str], exact: list[str], weight: float) -> Query:
    """Words in a text field: each in any form (its stem), and the words as written score
    EXACT_BOOST more. Several words (a compound like "well-being", or a synonym like "general
    practice nurse") must all be there, and score more when side by side as written."""
    any_form = [Or([Term(fieldname, term, boost=weight) for term in stem_terms(stem)])
                for stem in stemmed]
    as_written = ([Term(f"{fieldname}_pairs", pair, boost=weight * EXACT_BOOST)
                   for pair in pair_terms(exact)] if len(exact) > 1
                  else [Term(fieldname, exact[0], boost=weight * EXACT_BOOST)])
    return Or([_all_of(any_form), _all_of(as_written)])


def _text_query(text: str, fields: tuple[str, ...], built: _Built, positive: bool,
                boost: float = 1.0) -> Query | None:
    """One word (or a hyphenated compound) in the title and body."""
    stemmed, exact = stems(text), exact_words(text)
    if not stemmed:
        return None
    if positive:
        built.highlight_terms.update(stemmed)
    parts = [_words_query(name, stemmed, exact, boost * (TITLE_BOOST if name == "title" else 1.0))
             for name in fields]
    return parts[0] if len(parts) == 1 else Or(parts)


def _exact_query(text: str, fields: tuple[str, ...], built: _Built, positive: bool) -> Query | None:
    """A quoted phrase: the exact words, each next to the one after it."""
    exact = exact_words(text)
    if not exact:
        return None
    if positive:
        built.highlight_terms.update(stems(text))
    pairs = pair_terms(exact)
    parts = [_all_of([Term(f"{name}_pairs" if pairs else name, term,
                           boost=TITLE_BOOST if name == "title" else 1.0) for term in pairs or exact])
             for name in fields]
    return parts[0] if len(parts) == 1 else Or(parts)


def _author_query(text: str) -> Query | None:
    words = name_words(text)
    return _all_of([Term("author", word) for word in words]) if words else None


def _with_synonyms(text: str, base: Query | None, built: _Built, positive: bool) -> Query | None:
    if base is None:
        return None
    group = load_synonyms().lookup(tuple(stems(text)))
    if not group:
        return base
    own = tuple(stems(text))
    alternatives = [_text_query(alt, ("title", "body"), built, positive, SYNONYM_BOOST)
                    for alt in group if tuple(stems(alt)) != own]
    return Or([base, *[a for a in alternatives if a is not None]])


class _Builder:
    def __init__(self) -> None:
        self.built = _Built()

    def build(self, node, positive: bool = True) -> Query | None:
        if isinstance(node, Word):
            if node.field == "author":
                return _author_query(node.text)
            if node.field == "title":
                return _text_query(node.text, ("title",), self.built, positive)
            if positive:
                self.built.plain.append(node.text)
            base = _text_query(node.text, ("title", "body"), self.built, positive)
            return _with_synonyms(node.text, base, self.built, positive)
        if isinstance(node, Quoted):
            if node.field == "author":
                return _author_query(node.text)
            fields = ("title",) if node.field == "title" else ("title", "body")
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
        include: list[Query] = []
        exclude: list[Query] = []
        i = 0
        while i < len(children):
            child = children[i]
            run = self._synonym_run(children, i, positive)
            if run is not None:
                query, i = run
                include.append(query)
                continue
            if isinstance(child, NotNode):
                inner = self.build(child.child, not positive)
                if inner is not None:
                    exclude.append(inner)
            elif (query := self.build(child, positive)) is not None:
                include.append(query)
            i += 1
        if not include and not exclude:
            return None
        query = (And(include) if len(include) > 1 else include[0]) if include else Every()
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
            key = tuple(s for w in words for s in stems(w))
            group = synonyms.lookup(key)
            if not group:
                continue
            own = [q for q in (_text_query(w, ("title", "body"), self.built, positive) for w in words)
                   if q is not None]
            if positive:
                self.built.plain.extend(words)
            alternatives = [_text_query(alt, ("title", "body"), self.built, positive, SYNONYM_BOOST)
                            for alt in group if tuple(stems(alt)) != key]
            parts = [And(own) if len(own) > 1 else own[0], *[a for a in alternatives if a]]
            return Or(parts), start + length
        return None


def build_query(text: str) -> tuple[Query | None, _Built, str | None]:
    """(query, what it searched for, a notice if the syntax had to be ignored)."""
    notice = None
    try:
        tree = parse(text)
    except QuerySyntaxError as error:
        words = plain_words(text)
        notice = (f"We could not read your search as written ({error}), "
                  f"so we searched for the words on their own: {' '.join(words)}" if words else
                  f"We could not read your search as written ({error}). Try some words instead.")
        tree = AndNode(tuple(Word(w) for w in words)) if words else None
    builder = _Builder()
    query = builder.build(tree) if tree is not None else None
    return query, builder.built, notice


# --- filters ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Filters:
    """Narrowing a search; ids, as the view resolved them from slugs."""

    board_id: int | None = None
    alliance_id: int | None = None  # 0: pan-London (no single alliance)
    profession_id: int | None = None
    kind: str | None = None
    author_id: int | None = None
    author_name: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    sort: str = "relevance"

    @property
    def active(self) -> bool:
        return any(v not in (None, "") for k, v in vars(self).items() if k != "sort")


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min)


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time.max)


def _index_filter(filters: Filters, viewer: Any) -> Query | None:
    parts: list[Query] = []
    if not policy.is_member(viewer):
        parts.append(Term("audience", "public"))
    if filters.board_id is not None:
        parts.append(Term("board", str(filters.board_id)))
    if filters.alliance_id is not None:
        parts.append(Term("alliance", str(filters.alliance_id)))
    if filters.profession_id is not None:
        parts.append(Term("professions", str(filters.profession_id)))
    if filters.kind:
        parts.append(Term("kind", filters.kind))
    if filters.author_id is not None:
        parts.append(Term("author_id", str(filters.author_id)))
    if filters.author_name:
        author = _author_query(filters.author_name)
        parts.append(NullQuery if author is None else author)  # "!!!" names nobody
    if filters.date_from or filters.date_to:
        parts.append(NumericRange(
            "created", timestamp(_day_start(filters.date_from)) if filters.date_from else None,
            timestamp(_day_end(filters.date_to)) if filters.date_to else None))
    return And(parts) if len(parts) > 1 else (parts[0] if parts else None)


def _sql_filters(stmt, filters: Filters):
    """The same narrowing in SQL, so a stale index cannot put a post under the wrong filter."""
    if filters.board_id is not None:
        stmt = stmt.where(Thread.board_id == filters.board_id)
    if filters.alliance_id is not None:
        if filters.alliance_id == 0:
            stmt = stmt.where(or_(Thread.alliance_id.is_(None), Thread.alliance_id.in_(
                select(Alliance.id).where(Alliance.slug == PAN_LONDON_SLUG))))
        else:
            stmt = stmt.where(Thread.alliance_id == filters.alliance_id)
    if filters.profession_id is not None:
        stmt = stmt.where(Thread.id.in_(select(thread_professions.c.thread_id).where(
            thread_professions.c.profession_id == filters.profession_id)))
    if filters.kind:
        stmt = stmt.where(Post.is_opening.is_(filters.kind == "thread"))
    if filters.author_id is not None:
        stmt = stmt.where(Post.author_id == filters.author_id)
    if filters.date_from:
        stmt = stmt.where(Post.created_at >= _day_start(filters.date_from).replace(tzinfo=UTC))
    if filters.date_to:
        stmt = stmt.where(Post.created_at <= _day_end(filters.date_to).replace(tzinfo=UTC))
    return stmt


def _visible(stmt, viewer: Any, filters: Filters):
    """The pages' own visibility rule, plus the search rule (never hidden, pending, deleted).

    Callers narrow by Post.id, and the rule is checked per candidate in a correlated EXISTS, so
    those primary keys drive the query. Joined straight into the statement, the rule's indexed
    terms (threads.merged_into_id IS NULL, posts.thread_id IN (SELECT ...)) let SQLite, which
    keeps no statistics, start from threads and walk every post (~50 ms for 60 ids at 200,000
    posts). The outer statement has no Thread join: add one before filtering on Thread.
    """
    rule = select(Thread.id).where(Thread.id == Post.thread_id, indexable_clause())
    rule = _sql_filters(policy.visible_posts(rule, viewer), filters)
    return stmt.where(rule.correlate(Post).exists())


# --- results ------------------------------------------------------------------------------

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
    thread: Thread
    title_html: Markup
    hits: list[Hit]


@dataclass
class SearchResults:
    query: str
    filters: Filters
    page: int
    per_page: int
    total: int = 0  # matching posts the viewer may see
    total_groups: int = 0  # discussions they are in
    groups: list[ResultGroup] = field(default_factory=list)
    notice: str | None = None
    suggestion: str | None = None
    searched: bool = False
    approximate: bool = False  # more than RECHECK_ALL matches: counted in the index, not in SQL

    @property
    def hits(self) -> list[Hit]:
        """This page's hits in rank order."""
        return sorted((h for g in self.groups for h in g.hits),
                      key=lambda h: self._rank.get(h.post_id, 0))

    _rank: dict[int, int] = field(default_factory=dict, repr=False)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total_groups / self.per_page))

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


def _suggest(searcher, text: str, built: _Built, filter_q: Query | None, found_any: bool
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
        if _visible_count(searcher, term, filter_q):
            continue
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
    combined = And([query, filter_q]) if filter_q is not None else query
    return suggestion if engine.matches_any(searcher, combined) else None


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
        text = text[:MAX_QUERY_CHARS].rsplit(" ", 1)[0]
        notice = f"Your search was long, so we used the first {MAX_QUERY_CHARS} characters."
    page, per_page = max(1, page), max(1, min(per_page, 100))
    results = SearchResults(query=text, filters=filters, page=page, per_page=per_page)
    if not text and not filters.active:
        return results
    results.searched = True
    whoosh_query, built, syntax_notice = build_query(text) if text else (Every(), _Built(), None)
    results.notice = syntax_notice or notice
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
    filter_q = _index_filter(filters, viewer)
    newest = filters.sort == "newest" or not text
    with reading() as searcher:
        if searcher is None:
            results.notice = "Search is being set up. Try again in a minute."
            return results
        if searcher.doc_count_all() == 0:  # an empty index has no columns to read
            return results
        # Require: filter without letting the filter's own terms change the scores.
        if filter_q is None:
            run_query = whoosh_query
        elif not text:  # filters alone
            run_query = filter_q
        else:
            run_query = Require(whoosh_query, filter_q)
        matches = engine.search(searcher, run_query, newest=newest)
        exact = matches.total <= RECHECK_ALL
        group_ids, ranks = matches.group_order()
        if exact:  # every match, so a group whose best posts are hidden still shows the rest
            window = matches.best_in_groups(ranks, 0, len(group_ids), per_group=RECHECK_ALL)
            all_ids = matches.object_ids.tolist()
        else:  # this page's groups, and a few more in case the re-check drops some
            first = (page - 1) * per_page
            window = matches.best_in_groups(ranks, first, first + per_page + OVERFETCH_GROUPS,
                                            per_group=POSTS_PER_GROUP)
            all_ids = []
        ranked_ids = [(object_id, None if newest else key) for _, docs in window for key, object_id in docs]
        if text and built.plain:  # cheap unless a word is unknown to the index
            results.suggestion = _suggest(searcher, text, built, filter_q, matches.total > 0)

    # The index proposes; the database decides, with the rule the pages use.
    if exact:
        ranked_ids, thread_of = _recheck_all(all_ids, ranked_ids, viewer, filters)
        results.total = len(thread_of)
        results.total_groups = len(set(thread_of.values()))
        ranked_ids = _page_of(ranked_ids, thread_of, page, per_page)
    posts = _load_posts([post_id for post_id, _ in ranked_ids], viewer, filters)
    if not exact:  # counted in the index (which holds only what some audience may read)
        dropped = [post_id for post_id, _ in ranked_ids if post_id not in posts]
        results.total = max(0, matches.total - len(dropped))
        results.total_groups = len(group_ids)
        results.approximate = True
    results.groups = _result_groups(ranked_ids, posts, built, per_page, results._rank)
    return results


def _recheck_all(all_ids: list[int], ranked_ids: list[tuple[int, Any]], viewer: Any, filters: Filters
                 ) -> tuple[list[tuple[int, Any]], dict[int, int]]:
    """Every match (at most RECHECK_ALL: one statement) through the visibility rule: the
    visible ones in rank order, and the discussion each is in."""
    thread_of: dict[int, int] = dict(db.session.execute(
        _visible(select(Post.id, Post.thread_id), viewer, filters).where(Post.id.in_(all_ids))).all())
    return [(post_id, key) for post_id, key in ranked_ids if post_id in thread_of], thread_of


def _page_of(ranked_ids: list[tuple[int, Any]], thread_of: dict[int, int], page: int, per_page: int
             ) -> list[tuple[int, Any]]:
    """The page's discussions (ranked by their best post), each with its best few posts."""
    threads = list(dict.fromkeys(thread_of[post_id] for post_id, _ in ranked_ids))
    keep = set(threads[(page - 1) * per_page: page * per_page])
    shown: dict[int, int] = {}
    page_ids = []
    for post_id, key in ranked_ids:
        thread_id = thread_of[post_id]
        if thread_id in keep and shown.get(thread_id, 0) < POSTS_PER_GROUP:
            shown[thread_id] = shown.get(thread_id, 0) + 1
            page_ids.append((post_id, key))
    return page_ids


def _result_groups(ranked_ids: list[tuple[int, Any]], posts: dict[int, Post], built: _Built,
                   per_page: int, rank_of: dict[int, int]) -> list[ResultGroup]:
    """Hits grouped by discussion in rank order, with highlighted titles and snippets."""
    ordered: dict[int, ResultGroup] = {}
    for rank, (post_id, score) in enumerate(ranked_ids):
        post = posts.get(post_id)
        if post is None:
            continue
        rank_of[post_id] = rank
        group = ordered.get(post.thread_id)
        if group is None:
            if len(ordered) == per_page:
                continue
            group = ordered[post.thread_id] = ResultGroup(
                thread=post.thread, title_html=highlight_text(post.thread.title, built.highlight_terms,
                                                              whole=True), hits=[])
        if len(group.hits) < POSTS_PER_GROUP:
            group.hits.append(Hit(
                kind="thread" if post.is_opening else "reply", post_id=post.id,
                thread_id=post.thread_id, score=score,
                snippet=highlight_text(to_text(post.body_html), built.highlight_terms), post=post,
            ))
    return list(ordered.values())


def _load_posts(post_ids: list[int], viewer: Any, filters: Filters) -> dict[int, Post]:
    """The posts to show, with what the page needs, in one query through the visibility rule."""
    if not post_ids:
        return {}
    stmt = _visible(select(Post), viewer, filters).where(Post.id.in_(post_ids)).options(
        joinedload(Post.thread).joinedload(Thread.board),
        joinedload(Post.thread).joinedload(Thread.alliance),
        joinedload(Post.author).joinedload(User.profession),
    )
    return {p.id: p for p in db.session.scalars(stmt).unique()}

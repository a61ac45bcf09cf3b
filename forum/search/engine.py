"""Running a query over the index a whole posting list at a time.

Whoosh matches one document at a time and scores each match in Python, through a matcher
per field and term: about 30 µs a match for our queries, and a common word matches tens of
thousands of posts. Here each term's postings are read a block at a time into arrays (numpy),
BM25F is computed over the arrays with Whoosh's own statistics and formula, and AND / OR / NOT
are array operations, so a query costs milliseconds however many posts match.

Whoosh still owns the index: its codec writes and reads the postings and columns, its readers
give the term statistics, and the query is a tree of Whoosh query objects (forum.search.queries
builds it). `evaluate` understands the kinds that builder makes: Term, Or, And, AndNot,
AndMaybe, Require, Every, NumericRange on a column, and Ranked (free text, below).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from whoosh.query import And, AndMaybe, AndNot, Every, NullQuery, NumericRange, Or, Query, Require, Term
from whoosh.scoring import BM25F

from forum.search.postings import SegmentData, postings, segment_data

__all__ = ["Alternatives", "Context", "Matches", "Ranked", "SegmentData", "count", "evaluate",
           "matches_any", "postings", "search", "segment_data"]

# --- ranked free text -------------------------------------------------------------------------

# A document's score is multiplied by (the share of the query's words it has) ** COORD_POWER:
# chosen by measurement (bench/relevance.py).
COORD_POWER = 2.0
# Up to this many words, a post with more of them always ranks above one with fewer (what
# people expect of a short search); longer questions rank by score alone.
SHORT_QUERY = 3
_TIER = 1e4  # above any BM25F score a post can reach


class Ranked(Or):
    """Free text: any of its parts matches; BM25F ranks, and posts with more of the parts
    (coordination) rank higher. `bonus` parts (the query's neighbouring words side by side,
    as written) only add to the score of posts that match already."""

    def __init__(self, subqueries, boost: float = 1.0, bonus=()) -> None:
        super().__init__(list(subqueries), boost=boost)
        self.bonus = list(bonus)

    def normalize(self) -> Query:  # Whoosh's Or would flatten us into a plain Or
        return self


class Alternatives(Or):
    """Words of the query that together are also written another way ("cancer related
    fatigue" = "CRF"): a part of Ranked that counts as its words, each on its own (a post
    with "fatigue" alone has one of them), and a post with the other spelling has them all."""

    def __init__(self, words, others, boost: float = 1.0) -> None:
        super().__init__([*words, *others], boost=boost)
        self.words, self.others = list(words), list(others)

    def normalize(self) -> Query:
        return self


def _ranked(query: Ranked, context: Context, scored: bool) -> tuple[np.ndarray, np.ndarray | None]:
    size = context.segment.size
    mask = np.zeros(size, dtype=bool)
    scores = np.zeros(size, dtype=np.float32) if scored else None
    matched = np.zeros(size, dtype=np.float32) if scored else None
    units = 0

    def add(child: Query) -> np.ndarray:
        child_mask, child_scores = evaluate(child, context, scored)
        np.logical_or(mask, child_mask, out=mask)
        if scored and child_scores is not None:
            np.add(scores, child_scores, out=scores)
        return child_mask

    for child in query.subqueries:
        if isinstance(child, Alternatives):
            words = [add(word) for word in child.words]
            others = [add(other) for other in child.others]
            units += len(words)
            if scored:
                other = np.logical_or.reduce(others) if others else np.zeros(size, dtype=bool)
                matched += np.maximum(np.add.reduce(words, dtype=np.float32) if words else 0,
                                      other * np.float32(len(words)))
        else:
            units += 1
            child_mask = add(child)
            if scored:
                matched += child_mask
    if scored:
        for part in query.bonus:
            _add_bonus(part, context, mask, scores)
        scores *= (matched / max(units, 1)) ** COORD_POWER
        if 1 < units <= SHORT_QUERY:
            scores += matched * _TIER
    return mask, scores


# --- evaluating a query -----------------------------------------------------------------------

class UnsupportedQuery(TypeError):
    """A query kind this engine does not evaluate (the builder never makes one)."""


@dataclass
class Context:
    searcher: Any  # the top searcher: collection-wide statistics
    reader: Any  # this segment's reader
    segment: SegmentData
    weighting: BM25F
    # Postings read for this query in this segment: a term the query names twice (in the
    # query and in the matches it lists as its own) is read once.
    read: dict[tuple[str, bytes], tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)

    idfs: dict[tuple[str, str], float] = field(default_factory=dict)
    lengths: dict[str, float] = field(default_factory=dict)

    def idf(self, fieldname: str, text: str) -> float:
        """Whoosh's idf over the whole index (every segment), once per term and query."""
        key = (fieldname, text)
        found = self.idfs.get(key)
        if found is None:
            found = self.idfs[key] = self.searcher.idf(fieldname, text)
        return found

    def avg_length(self, fieldname: str) -> float:
        found = self.lengths.get(fieldname)
        if found is None:
            found = self.lengths[fieldname] = self.searcher.avg_field_length(fieldname) or 1
        return found


def evaluate(query: Query, context: Context, scored: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """(which documents of the segment match, their scores or None if not `scored`)."""
    size = context.segment.size
    if isinstance(query, Term):
        return _term(query, context, scored)
    if isinstance(query, Ranked):
        return _ranked(query, context, scored)
    if isinstance(query, AndMaybe):  # the required part, scored more where the rest matches too
        mask, scores = evaluate(query.a, context, scored)
        if scored:
            _, extra = evaluate(query.b, context, scored)
            if extra is not None:
                scores = scores + np.where(mask, extra, 0).astype(np.float32)
        return mask, scores
    if isinstance(query, Or):  # a match scores the sum of its parts' scores
        mask = np.zeros(size, dtype=bool)
        scores = np.zeros(size, dtype=np.float32) if scored else None
        _accumulate(query, context, scored, mask, scores)
        return mask, scores
    if isinstance(query, And):
        mask = np.ones(size, dtype=bool)
        scores = np.zeros(size, dtype=np.float32) if scored else None
        for child in query.subqueries:
            child_mask, child_scores = evaluate(child, context, scored)
            mask &= child_mask
            if scored and child_scores is not None:
                scores += child_scores
        return mask, scores
    if isinstance(query, AndNot):
        mask, scores = evaluate(query.a, context, scored)
        excluded, _ = evaluate(query.b, context, scored=False)
        return mask & ~excluded, scores
    if isinstance(query, Require):
        mask, scores = evaluate(query.a, context, scored)
        required, _ = evaluate(query.b, context, scored=False)
        return mask & required, scores
    if isinstance(query, Every):
        return np.ones(size, dtype=bool), np.zeros(size, dtype=np.float32) if scored else None
    if isinstance(query, NumericRange):
        values = context.segment.column(context.reader, query.fieldname)
        mask = np.ones(size, dtype=bool)
        if query.start is not None:
            mask &= values >= query.start
        if query.end is not None:
            mask &= values <= query.end
        return mask, np.zeros(size, dtype=np.float32) if scored else None
    if isinstance(query, type(NullQuery)):
        return np.zeros(size, dtype=bool), np.zeros(size, dtype=np.float32) if scored else None
    raise UnsupportedQuery(f"the search engine cannot run {type(query).__name__} queries")


def _term(query: Term, context: Context, scored: bool) -> tuple[np.ndarray, np.ndarray | None]:
    size = context.segment.size
    mask = np.zeros(size, dtype=bool)
    scores = np.zeros(size, dtype=np.float32) if scored else None
    found = _term_postings(query, context, scored)
    if found is not None:
        ids, term_scores = found
        mask[ids] = True
        if scored:
            scores[ids] = term_scores
    return mask, scores


def _term_postings(query: Term, context: Context, scored: bool
                   ) -> tuple[np.ndarray, np.ndarray | None] | None:
    """(the documents a term is in, their scores or None): only as long as its posting list,
    so a rare word costs little however large the segment. None if the term is not there."""
    reader = context.reader
    schema = reader.schema
    if query.fieldname not in schema:
        return None
    field = schema[query.fieldname]
    try:
        btext = field.to_bytes(query.text)
    except ValueError:
        return None
    key = (query.fieldname, btext)
    found = context.read.get(key)
    if found is None:
        if key not in reader:
            return None
        found = context.read[key] = postings(reader, query.fieldname, btext)
    ids, weights = found
    if not scored:
        return ids, None
    if not field.scorable:
        return ids, weights * np.float32(query.boost)
    # Whoosh's BM25F, as BM25FScorer computes it for each match (scoring.bm25)
    model = context.weighting
    b, k1 = model._field_B.get(query.fieldname, model.B), model.K1
    avgfl = context.avg_length(query.fieldname)
    lengths = context.segment.lengths(reader, query.fieldname)[ids]
    idf = context.idf(query.fieldname, query.text)
    tf = (weights * (k1 + 1)) / (weights + k1 * ((1 - b) + b * lengths / avgfl))
    return ids, (idf * tf * query.boost).astype(np.float32, copy=False)


def _accumulate(query: Query, context: Context, scored: bool, mask: np.ndarray,
                scores: np.ndarray | None) -> None:
    """Add an OR's parts into `mask` and `scores`: each term only where it occurs (nested ORs
    likewise), other parts as whole arrays."""
    for child in query.subqueries:
        if isinstance(child, Term):
            found = _term_postings(child, context, scored)
            if found is not None:
                ids, term_scores = found
                mask[ids] = True
                if scored:
                    scores[ids] += term_scores  # a term's ids are distinct
        elif isinstance(child, Or) and not isinstance(child, Ranked):
            _accumulate(child, context, scored, mask, scores)
        else:
            child_mask, child_scores = evaluate(child, context, scored)
            mask |= child_mask
            if scored and child_scores is not None:
                scores += child_scores


def _add_bonus(part: Query, context: Context, mask: np.ndarray, scores: np.ndarray) -> None:
    """A bonus adds to the score of documents that match already, never makes a match."""
    if isinstance(part, Term):
        found = _term_postings(part, context, True)
        if found is not None:
            ids, extra = found
            keep = mask[ids]
            scores[ids[keep]] += extra[keep]
        return
    _, extra = evaluate(part, context, True)
    if extra is not None:
        scores += np.where(mask, extra, 0).astype(np.float32)


# --- collecting the matches -------------------------------------------------------------------

@dataclass
class Matches:
    """Every match, best first: arrays of object id, group, sort key, and whether it matched
    in its own words (see `search`)."""

    object_ids: np.ndarray
    groups: np.ndarray
    keys: np.ndarray
    own: np.ndarray

    @property
    def total(self) -> int:
        return len(self.object_ids)

    @property
    def own_total(self) -> int:
        return int(np.count_nonzero(self.own))

    def group_order(self) -> tuple[np.ndarray, np.ndarray]:
        """(the groups in rank order, each match's group rank)."""
        unique, first, inverse = np.unique(self.groups, return_index=True, return_inverse=True)
        order = np.argsort(first, kind="stable")
        rank = np.empty(len(unique), dtype=np.int64)
        rank[order] = np.arange(len(unique))
        return unique[order], rank[inverse]

    def own_counts(self, groups: list[int]) -> dict[int, int]:
        """How many matches of each of these groups matched in their own words."""
        wanted = np.isin(self.groups, groups) & self.own
        found, counts = np.unique(self.groups[wanted], return_counts=True)
        return dict(zip(found.tolist(), counts.tolist(), strict=True))

    def best_in_groups(self, ranks: np.ndarray, first: int, last: int, per_group: int
                       ) -> list[tuple[int, list[tuple[float, int, bool]]]]:
        """Groups ranked first..last-1, each with its best `per_group` matches in their own
        words, (key, object id, True) best first; a group with none has its best match, marked
        False, to stand for it."""
        chosen = np.flatnonzero((ranks >= first) & (ranks < last))
        chosen = chosen[np.argsort(ranks[chosen], kind="stable")]  # matches stay best first
        result: list[tuple[int, list[tuple[float, int, bool]]]] = []
        for position in chosen.tolist():
            group = int(self.groups[position])
            own = bool(self.own[position])
            if not result or result[-1][0] != group:
                result.append((group, []))
            docs = result[-1][1]
            if docs and not docs[0][2]:  # a stand-in so far: an own match replaces it
                if own:
                    docs[0] = (float(self.keys[position]), int(self.object_ids[position]), True)
            elif (own and len(docs) < per_group) or not docs:
                docs.append((float(self.keys[position]), int(self.object_ids[position]), own))
        return result


def _drop_deleted(reader: Any, mask: np.ndarray) -> None:
    if reader.has_deletions():
        deleted = np.fromiter(reader.deleted_docs_set, dtype=np.int64)
        mask[deleted[deleted < len(mask)]] = False


def _segment_matches(searcher: Any, query: Query, scored: bool, own: Query | None = None
                     ) -> Iterator[tuple]:
    """Per segment: (reader, its arrays, its first document number, which documents match,
    their scores, which of them match `own` too (None without it)), deleted documents left out."""
    weighting = searcher.weighting if isinstance(searcher.weighting, BM25F) else BM25F()
    idfs: dict[tuple[str, str], float] = {}  # index-wide: the same for every segment
    lengths: dict[str, float] = {}
    for subsearcher, offset in searcher.leaf_searchers():
        reader = subsearcher.reader()
        segment = segment_data(reader)
        if segment.size == 0:
            continue
        context = Context(searcher, reader, segment, weighting, idfs=idfs, lengths=lengths)
        mask, scores = evaluate(query, context, scored)
        _drop_deleted(reader, mask)
        own_mask = (None if own is None or not mask.any()
                    else evaluate(own, context, scored=False)[0] & mask)
        yield reader, segment, offset, mask, scores, own_mask


def search(searcher: Any, query: Query, *, newest: bool, own: Query | None = None) -> Matches:
    """Every document `query` matches across the index, ordered best first (highest score,
    or newest), ties broken by the later document (the newer post, as a rule); Whoosh's
    sorted collector does the same, its scored one the opposite. `own` says which matches
    count in their own right (forum.search.building.Built.own_query); without it, all do."""
    object_ids, groups, keys, docnums, owns = [], [], [], [], []
    for reader, segment, offset, mask, scores, own_mask in _segment_matches(
            searcher, query, not newest, own):
        found = np.flatnonzero(mask)
        object_ids.append(segment.column(reader, "object_id")[found])
        groups.append(segment.column(reader, "group")[found])
        keys.append(segment.column(reader, "created")[found].astype(np.float64) if newest
                    else scores[found].astype(np.float64))
        docnums.append(found + offset)
        owns.append(np.ones(len(found), dtype=bool) if own_mask is None else own_mask[found])
    if not object_ids:
        empty = np.zeros(0, dtype=np.int64)
        return Matches(empty, empty, np.zeros(0, dtype=np.float64), np.zeros(0, dtype=bool))
    object_id, group, key, docnum, own_of = (np.concatenate(a) for a in
                                             (object_ids, groups, keys, docnums, owns))
    order = np.lexsort((-docnum, -key))
    return Matches(object_id[order], group[order], key[order], own_of[order])


def matches_any(searcher: Any, query: Query) -> bool:
    """Whether anything at all matches (cheaper than `search`: nothing is sorted)."""
    return any(mask.any() for *_, mask, _, _ in _segment_matches(searcher, query, scored=False))


def count(searcher: Any, query: Query) -> int:
    """How many live documents match: unlike Whoosh's doc_frequency, deleted ones never count."""
    return sum(int(np.count_nonzero(mask))
               for *_, mask, _, _ in _segment_matches(searcher, query, scored=False))

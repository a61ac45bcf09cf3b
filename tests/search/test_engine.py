"""The array engine finds the documents Whoosh's own query evaluation finds, with the same
BM25F scores, over a multi-segment index with deletions."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.query import And, AndNot, Every, NumericRange, Or, Require, Term

from forum.search import engine, indexer
from forum.search.queries import build_query
from forum.search.schema import CODEC
from tests.markers import same_on_every_database
from tests.search.test_bulk import BASE_TIME, make_doc, medquad_documents

pytestmark = same_on_every_database  # an index on disk, no database

DELETED = ("post:3", "post:42", "post:150", "post:299")
TWINS = (300, 301, 302)  # the same post three times: equal scores, equal times
TWIN_TIME = BASE_TIME + 5_000 * 1_000_000


def twin(n: int) -> dict[str, Any]:
    return make_doc(n, title="Tinnitus", body="Ringing in the ears after loud music.", opening=True,
                    created=TWIN_TIME)


@pytest.fixture(scope="module")
def ix(tmp_path_factory) -> Iterator[Any]:
    """Three segments written by Whoosh's own writer, then a few documents deleted."""
    docs = medquad_documents()
    batches = [[twin(TWINS[0]), *docs[:100]], docs[100:220], [*docs[220:], twin(TWINS[1]), twin(TWINS[2])]]
    ix = whoosh_index.open_dir(str(indexer._new_generation(tmp_path_factory.mktemp("engine"))))
    for batch in batches:
        writer = ix.writer(codec=CODEC)
        for doc in batch:
            writer.add_document(**doc)
        writer.commit(merge=False)
    writer = ix.writer(codec=CODEC)
    for key in DELETED:
        assert writer.delete_by_term("doc_key", key) == 1
    writer.commit(merge=False)
    yield ix


@pytest.fixture
def searcher(ix) -> Iterator[Any]:
    with ix.searcher() as searcher:
        assert len(list(searcher.leaf_searchers())) == 3
        assert searcher.doc_count() == 303 - len(DELETED)
        yield searcher


def whoosh_scores(searcher: Any, query: Any) -> dict[int, float]:
    """object id -> score, as Whoosh's own matchers and BM25F compute them.

    AndNot and Require are applied as set operations on Whoosh's results: Whoosh's own
    AndNotMatcher lets through documents the NOT part matches (see the test below)."""
    if isinstance(query, AndNot | Require):
        scores, other = whoosh_scores(searcher, query.a), set(whoosh_scores(searcher, query.b))
        keep = (lambda o: o not in other) if isinstance(query, AndNot) else other.__contains__
        return {o: score for o, score in scores.items() if keep(o)}
    if isinstance(query, And | Or) and any(isinstance(q, AndNot | Require) for q in query.children()):
        parts = [whoosh_scores(searcher, q) for q in query.subqueries]
        found = set.intersection(*map(set, parts)) if isinstance(query, And) else set().union(*parts)
        return {o: sum(part.get(o, 0.0) for part in parts) for o in found}
    object_ids = searcher.reader().column_reader("object_id")
    return {object_ids[hit.docnum]: hit.score for hit in searcher.search(query, limit=None)}


def engine_scores(searcher: Any, query: Any) -> dict[int, float]:
    matches = engine.search(searcher, query, newest=False)
    assert len(set(matches.object_ids.tolist())) == matches.total
    assert np.all(np.diff(matches.keys) <= 0), "best first"
    return dict(zip(matches.object_ids.tolist(), matches.keys.tolist(), strict=True))


def global_docnums(searcher: Any) -> dict[int, int]:
    """object id -> document number across the whole index, for every live document."""
    found = {}
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        object_ids = reader.column_reader("object_id")
        found.update({object_ids[d]: offset + d for d in reader.all_doc_ids()})
    return found


HAND_MADE = {
    "term": Term("body", "cancer"),
    "stem term": Term("body", "~treatment"),
    "title term": Term("title", "leukemia"),
    "boosted or": Or([Term("title", "leukemia", boost=2.0), Term("body", "lymphoma", boost=0.5),
                      Term("body", "~treatment")]),
    "and": And([Term("body", "blood"), Term("body", "cells")]),
    "and not": AndNot(Term("body", "cancer"), Term("body", "children")),
    "require board": Require(Or([Term("body", "treatment"), Term("title", "treatment", boost=3.0)]),
                             Term("board", "2")),
    "nested": And([Or([Term("body", "breast"), Term("body", "lymphoma")]),
                   AndNot(Term("body", "cancer"), Term("kind", "reply"))]),
    "twins": Term("title", "tinnitus"),
    "unknown word": Term("body", "zzzunknownzzz"),
    "unknown field": Term("nosuchfield", "x"),
}

TEXTS = ["treatment", "leukemia AND chemotherapy", '"blood pressure"', '"bone marrow"',
         "chemotherapy -children", "title:symptoms", "lymphoma OR leukemia",
         "radiotherapy -surgery", "clinics"]  # free text of several words is Ranked: ours alone


@pytest.mark.parametrize("query", [*HAND_MADE.values(), *(build_query(t)[0] for t in TEXTS)],
                         ids=[*HAND_MADE, *TEXTS])
def test_the_engine_scores_every_match_as_whoosh_does(searcher, query):
    want = whoosh_scores(searcher, query)
    got = engine_scores(searcher, query)
    assert set(got) == set(want)
    assert got == pytest.approx(want, rel=1e-4)
    assert not set(got) & {int(key.split(":")[1]) for key in DELETED}


def test_the_queries_match_something_and_exercise_deletions(searcher):
    """The comparisons above are not vacuous: most queries match, some matched a deleted post."""
    matched = [len(whoosh_scores(searcher, q)) for q in HAND_MADE.values()]
    assert sum(1 for n in matched if n) >= len(HAND_MADE) - 2
    deleted = {int(key.split(":")[1]) for key in DELETED}
    unfiltered = set()
    for sub, _ in searcher.leaf_searchers():
        mask, _ = engine.evaluate(Term("body", "cancer"), engine.Context(
            searcher, sub.reader(), engine.segment_data(sub.reader()), searcher.weighting), scored=False)
        object_ids = sub.reader().column_reader("object_id")
        unfiltered |= {object_ids[d] for d in np.flatnonzero(mask).tolist()}
    assert unfiltered & deleted, "evaluate sees deleted documents; search must drop them"
    assert not set(engine_scores(searcher, Term("body", "cancer"))) & deleted


def test_every_matches_each_live_document(searcher):
    want = set(whoosh_scores(searcher, Every()))
    assert len(want) == searcher.doc_count()
    assert set(engine.search(searcher, Every(), newest=True).object_ids.tolist()) == want


def test_a_numeric_range_on_the_created_column(searcher):
    start, end = BASE_TIME + 50 * 1_000_000, BASE_TIME + 120 * 1_000_000
    matches = engine.search(searcher, NumericRange("created", start, end), newest=True)
    expected = set(range(50, 121)) - {int(key.split(":")[1]) for key in DELETED}
    assert set(matches.object_ids.tolist()) == expected
    assert matches.keys.tolist() == [float(BASE_TIME + n * 1_000_000) for n in sorted(expected, reverse=True)]
    assert engine.search(searcher, NumericRange("created", TWIN_TIME, None), newest=True).total == 3


def test_newest_orders_by_created_with_the_later_document_first_on_a_tie(searcher):
    matches = engine.search(searcher, Every(), newest=True)
    created = {doc["object_id"]: doc["created"] for doc in medquad_documents()} | \
        dict.fromkeys(TWINS, TWIN_TIME)
    assert matches.keys.tolist() == [float(created[o]) for o in matches.object_ids.tolist()]
    assert np.all(np.diff(matches.keys) <= 0)
    docnums = global_docnums(searcher)
    assert matches.object_ids[:3].tolist() == sorted(TWINS, key=docnums.__getitem__, reverse=True)
    assert docnums[TWINS[0]] < docnums[TWINS[1]] < docnums[TWINS[2]]
    # Whoosh's own sorted search orders the tie the same way
    hits = searcher.search(Every(), limit=None, sortedby="created", reverse=True)
    object_ids = searcher.reader().column_reader("object_id")
    assert [object_ids[hit.docnum] for hit in hits][:3] == matches.object_ids[:3].tolist()


def test_equal_scores_put_the_later_document_first(searcher):
    matches = engine.search(searcher, Term("title", "tinnitus"), newest=False)
    assert matches.total == 3 and len(set(matches.keys.tolist())) == 1
    docnums = global_docnums(searcher)
    assert matches.object_ids.tolist() == [TWINS[2], TWINS[1], TWINS[0]]
    assert [docnums[o] for o in matches.object_ids.tolist()] == sorted(docnums[o] for o in TWINS)[::-1]
    assert matches.groups.tolist() == [make_doc(o, title="", body="")["group"] for o in TWINS[::-1]]


def test_and_not_drops_every_document_the_not_part_matches(searcher):
    """Where Whoosh's own AndNotMatcher keeps a document containing the excluded word
    (post 221 has "surgery" in its body, yet Whoosh returns it), the engine drops it."""
    query = AndNot(Term("body", "radiation"), Term("body", "surgery"))
    object_ids = searcher.reader().column_reader("object_id")
    with_surgery = {object_ids[d] for d in searcher.docs_for_query(Term("body", "surgery"))}
    assert 221 in with_surgery
    found = set(engine.search(searcher, query, newest=False).object_ids.tolist())
    assert found and not found & with_surgery
    assert found == set(whoosh_scores(searcher, Term("body", "radiation"))) - with_surgery

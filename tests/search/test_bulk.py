"""The bulk builder writes the index Whoosh's own writer would: same terms, postings,
statistics, lengths and columns, read back through Whoosh's public reader API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.query import And, AndNot, Or, Require, Term

from forum.discussions.models import Post
from forum.extensions import db
from forum.search import bulk, engine, indexer
from forum.search.queries import build_query
from forum.search.schema import CODEC
from tests import factories as f

MEDQUAD = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "medquad" / "medquad_all.jsonl"
TEXT_FIELDS = ("title", "title_pairs", "body", "body_pairs", "author")
COLUMNS = ("object_id", "group", "created")
BASE_TIME = 1_700_000_000_000_000  # microseconds since 1970
AUTHORS = ("Ada Lovelace", "Zoë Ångström", "Mary Seacole", "Florence Nightingale")


@cache
def _medquad(count: int) -> tuple[tuple[str, str], ...]:
    """(question, answer) of the first `count` MedQuAD entries with an answer."""
    if not MEDQUAD.exists():
        pytest.skip(f"MedQuAD data not found at {MEDQUAD}")
    found: list[tuple[str, str]] = []
    with MEDQUAD.open(encoding="utf-8") as fh:
        for line in fh:
            entry = json.loads(line)
            if entry.get("answer"):
                found.append((entry["question"], entry["answer"]))
                if len(found) == count:
                    break
    return tuple(found)


def make_doc(n: int, *, title: str, body: str, opening: bool | None = None,
             professions: str | None = None, created: int | None = None) -> dict[str, Any]:
    """A document shaped as `indexer.post_document` makes one; post n of thread n // 5."""
    thread = n // 5 + 1
    opening = n % 5 == 0 if opening is None else opening
    return {
        "doc_key": f"post:{n}",
        "kind": "thread" if opening else "reply",
        "object_id": n,
        "group": thread,
        "group_key": str(thread),
        "title": title,
        "title_pairs": title,
        "body": body,
        "body_pairs": body,
        "author": AUTHORS[n % len(AUTHORS)],
        "author_id": str(n % 7 + 1),
        "board": str(n % 3 + 1),
        "alliance": "0" if n % 4 == 0 else str(n % 4 + 10),
        "professions": "" if n % 6 == 0 else " ".join(str(p) for p in range(1, n % 4 + 2)),
        "created": BASE_TIME + n * 1_000_000 if created is None else created,
        "audience": "members" if n % 2 else "public",
        "_title_boost": 1.0 if opening else 0.5,
        "_title_pairs_boost": 1.0 if opening else 0.5,
    }


def medquad_documents(count: int = 300) -> list[dict[str, Any]]:
    """Posts made of MedQuAD answers, five to a thread (the thread's question is the title)."""
    entries = _medquad(count)
    return [make_doc(n, title=entries[n // 5 * 5][0], body=answer) for n, (_, answer) in enumerate(entries)]


def edge_documents(start: int) -> list[dict[str, Any]]:
    """Hand-made cases: a term in one document, in INLINE-1, INLINE and INLINE+1 documents,
    a term in more documents than a posting block holds, unicode, a long repeated word."""
    docs: list[dict[str, Any]] = []
    block = CODEC._blocklimit
    for k in range(block + 80):
        words = ["plentiful", f"shortpost{k % 9}"]
        if k < bulk.INLINE - 1:
            words.append("inlinebelow")
        if k < bulk.INLINE:
            words.append("inlineexact")
        if k < bulk.INLINE + 1:
            words.append("inlineabove")
        if k % 3 == 0:
            words.append("plentiful")  # a count of 2 in a third of them
        docs.append(make_doc(start + k, title=f"Short note {k % 11}", body=" ".join(words)))
    n = start + len(docs)
    docs += [
        make_doc(n, title="Rare words", body="The onlyonce word appears in this post alone.", opening=True),
        make_doc(n + 1, title="Rare words", body="A reply: its title counts half.", opening=False),
        make_doc(n + 2, title="No professions", body="Nobody's profession is tagged.", professions=""),
        make_doc(n + 3, title="Œdème & naïve café", body="Ödem, résumé, 東京 の 病院, Ωμέγα, naïve café."),
        make_doc(n + 4, title="Repeats", body=" ".join(["echo"] * 300 + ["other"] * 3)),
        make_doc(n + 5, title="", body="An empty title."),
        make_doc(n + 6, title="5-FU and PD-L1", body="Well-being: 5-FU, PD-L1, 2.5 mg, 24/7 care."),
    ]
    return docs


def all_documents() -> list[dict[str, Any]]:
    docs = medquad_documents()
    return docs + edge_documents(len(docs))


# --- building both ways ---------------------------------------------------------------------

def whoosh_build(root: Path, parts: list[list[dict[str, Any]]]) -> Path:
    """Whoosh's own writer, one commit (and segment) per part."""
    path = indexer._new_generation(root)
    ix = whoosh_index.open_dir(str(path))
    for part in parts:
        writer = ix.writer(codec=CODEC)
        for doc in part:
            writer.add_document(**doc)
        writer.commit(merge=False)
    return path


def bulk_build(root: Path, parts: list[list[dict[str, Any]]]) -> Path:
    path = indexer._new_generation(root)
    segments = [bulk.build_segment(path, part)[0] for part in parts]
    bulk.commit_segments(path, segments)
    return path


def postings_of(reader: Any, fieldname: str, btext: bytes) -> list[tuple[int, float]]:
    matcher = reader.postings(fieldname, btext)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight()))
        matcher.next()
    return found


def term_stats(reader: Any, fieldname: str, btext: bytes) -> dict[str, Any]:
    info = reader.term_info(fieldname, btext)
    return {
        "doc_frequency": reader.doc_frequency(fieldname, btext),
        "frequency": pytest.approx(reader.frequency(fieldname, btext), rel=1e-6),
        "info_weight": pytest.approx(info.weight(), rel=1e-6),
        "info_doc_frequency": info.doc_frequency(),
        "min_length": info.min_length(),
        "max_length": info.max_length(),
        "max_weight": pytest.approx(info.max_weight(), rel=1e-6),
        "min_id": info.min_id(),
        "max_id": info.max_id(),
    }


def assert_same_reader(expected: Any, actual: Any) -> None:
    """Everything a search reads from an index, compared through Whoosh's reader API."""
    assert actual.doc_count() == expected.doc_count()
    assert actual.doc_count_all() == expected.doc_count_all()
    expected_terms = sorted(expected.all_terms())
    assert sorted(actual.all_terms()) == expected_terms
    for fieldname, btext in expected_terms:
        where = f"{fieldname}:{btext.decode('utf-8', 'replace')!r}"
        assert term_stats(actual, fieldname, btext) == term_stats(expected, fieldname, btext), where
        want = postings_of(expected, fieldname, btext)
        got = postings_of(actual, fieldname, btext)
        assert [d for d, _ in got] == [d for d, _ in want], where
        assert [w for _, w in got] == pytest.approx([w for _, w in want], rel=1e-6), where
    for fieldname in TEXT_FIELDS:
        assert actual.field_length(fieldname) == expected.field_length(fieldname), fieldname
        assert actual.min_field_length(fieldname) == expected.min_field_length(fieldname), fieldname
        assert actual.max_field_length(fieldname) == expected.max_field_length(fieldname), fieldname
        assert [actual.doc_field_length(d, fieldname) for d in range(actual.doc_count_all())] == \
            [expected.doc_field_length(d, fieldname) for d in range(expected.doc_count_all())], fieldname
    for name in COLUMNS:
        assert list(actual.column_reader(name)) == list(expected.column_reader(name)), name


def leaves(reader: Any) -> list[tuple[Any, int]]:
    return list(reader.leaf_readers())


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The same documents indexed both ways, as one segment and as three."""
    docs = all_documents()
    thirds = [docs[:120], docs[120:700], docs[700:]]
    root = tmp_path_factory.mktemp("bulk")
    paths = {
        ("whoosh", 1): whoosh_build(root, [docs]),
        ("bulk", 1): bulk_build(root, [docs]),
        ("whoosh", 3): whoosh_build(root, thirds),
        ("bulk", 3): bulk_build(root, thirds),
    }
    indexes = {key: whoosh_index.open_dir(str(path)) for key, path in paths.items()}
    yield {"docs": docs, "indexes": indexes}


def test_the_edge_cases_are_what_they_claim(built):
    """The hand-made terms exercise what they are named for, in the reference index."""
    with built["indexes"]["whoosh", 1].reader() as reader:
        assert reader.doc_count() == len(built["docs"])
        assert reader.doc_frequency("body", b"onlyonce") == 1
        assert reader.doc_frequency("body", b"inlinebelow") == bulk.INLINE - 1
        assert reader.doc_frequency("body", b"inlineexact") == bulk.INLINE
        assert reader.doc_frequency("body", b"plentiful") > 1024  # several posting blocks
        assert reader.doc_frequency("title", "東京".encode()) == 0
        assert reader.doc_frequency("body", "東京".encode()) == 1
        assert reader.doc_frequency("body", b"5fu") == 1
        assert max(w for _, w in postings_of(reader, "body", b"echo")) == 300
        # a reply's title terms weigh half
        assert sorted({w for _, w in postings_of(reader, "title", b"rare")}) == [0.5, 1.0]


@pytest.mark.parametrize("segments", [1, 3])
def test_bulk_build_matches_whooshs_writer_segment_by_segment(built, segments):
    with built["indexes"]["whoosh", segments].reader() as expected, \
            built["indexes"]["bulk", segments].reader() as actual:
        assert len(leaves(actual)) == len(leaves(expected)) == segments
        for (want, want_offset), (got, got_offset) in zip(leaves(expected), leaves(actual), strict=True):
            assert got_offset == want_offset
            assert_same_reader(want, got)


def test_bulk_build_matches_whooshs_writer_across_segments(built):
    """Collection-wide statistics (what BM25F's idf and average length come from)."""
    with built["indexes"]["whoosh", 3].searcher() as expected, \
            built["indexes"]["bulk", 3].searcher() as actual:
        for fieldname in TEXT_FIELDS:
            assert actual.avg_field_length(fieldname) == pytest.approx(expected.avg_field_length(fieldname))
            assert actual.field_length(fieldname) == expected.field_length(fieldname)
        for fieldname, btext in [("body", b"plentiful"), ("body", b"inlineexact"), ("title", b"rare"),
                                 ("body", b"cancer"), ("body", b"~treatment"),
                                 ("body_pairs", b"blood pressure")]:
            text = btext.decode()
            assert actual.doc_frequency(fieldname, btext) == expected.doc_frequency(fieldname, btext)
            assert actual.idf(fieldname, text) == pytest.approx(expected.idf(fieldname, text))
            assert postings_of(actual.reader(), fieldname, btext) == \
                postings_of(expected.reader(), fieldname, btext)


QUERIES = [
    Term("body", "plentiful"),
    Term("body", "inlineexact"),
    Or([Term("title", "rare", boost=2.0), Term("body", "echo")]),
    And([Term("body", "cancer"), Term("body", "~treatment")]),
    AndNot(Term("body", "plentiful"), Term("body", "inlinebelow")),
    Require(Term("body", "cancer"), Term("board", "2")),
    *[build_query(text)[0] for text in ("treatment", "leukemia chemotherapy", '"blood pressure"',
                                        "title:symptoms", "naïve café", "5-FU")],
]


@pytest.mark.parametrize("segments", [1, 3])
@pytest.mark.parametrize("query", QUERIES, ids=[f"q{n}" for n in range(len(QUERIES))])
def test_searching_either_index_gives_the_same_results(built, query, segments):
    with built["indexes"]["whoosh", segments].searcher() as expected, \
            built["indexes"]["bulk", segments].searcher() as actual:
        want = engine.search(expected, query, newest=False)
        got = engine.search(actual, query, newest=False)
        assert want.total > 0
        assert got.object_ids.tolist() == want.object_ids.tolist()
        assert got.keys.tolist() == pytest.approx(want.keys.tolist(), rel=1e-6)
        assert engine.search(actual, query, newest=True).object_ids.tolist() == \
            engine.search(expected, query, newest=True).object_ids.tolist()


def test_a_word_repeated_more_than_65535_times_keeps_its_count(tmp_path):
    docs = [make_doc(0, title="Spam", body="spam " * 70_000), make_doc(1, title="Ham", body="spam ham")]
    with whoosh_index.open_dir(str(whoosh_build(tmp_path / "w", [docs]))).reader() as expected:
        assert postings_of(expected, "body", b"spam")[0] == (0, 70_000)
        with whoosh_index.open_dir(str(bulk_build(tmp_path / "b", [docs]))).reader() as actual:
            assert postings_of(actual, "body", b"spam") == postings_of(expected, "body", b"spam")


# --- partition and a parallel rebuild -----------------------------------------------------------

@pytest.mark.parametrize(("ids", "parts", "ranges"), [
    ([], 3, []),
    ([7], 4, [(7, 7)]),
    ([1, 2, 3], 5, [(1, 1), (2, 2), (3, 3)]),
    ([1, 2, 3, 4, 5, 6], 3, [(1, 2), (3, 4), (5, 6)]),
    ([10, 20, 30, 40], 1, [(10, 40)]),
    ([1, 2, 3, 4, 5, 6, 7], 2, [(1, 4), (5, 7)]),
    ([1, 2, 3], 0, [(1, 3)]),
])
def test_partition_splits_ids_into_contiguous_ranges(ids, parts, ranges):
    assert bulk.partition(ids, parts) == ranges


def test_partition_covers_every_id_exactly_once():
    ids = list(range(3, 400, 7))
    ranges = bulk.partition(ids, 4)
    assert len(ranges) == 4
    covered = [i for first, last in ranges for i in ids if first <= i <= last]
    assert covered == ids
    sizes = [sum(first <= i <= last for i in ids) for first, last in ranges]
    assert max(sizes) - min(sizes) <= 1


def test_a_parallel_rebuild_indexes_every_searchable_post(sync):
    author, other = f.member(), f.member()
    threads = [f.thread(author, title=f"Parallel {n}", body=f"Opening post {n} on wound care.")
               for n in range(4)]
    for n in range(12):
        f.reply(other if n % 2 else author, threads[n % 4], body=f"Reply {n} about dressings.")
    hidden = f.reply(author, threads[0], body="This one is deleted before the rebuild.")
    db.session.execute(db.update(Post).where(Post.id == hidden.id).values(deleted_at=indexer.utcnow()))
    db.session.commit()
    sync()  # nothing left for the rebuild to replay: the new index is the two built segments
    searchable = set(db.session.scalars(select(Post.id).join(Post.thread).where(indexer.indexable_clause())))
    ranges = bulk.partition(sorted(searchable), 2)
    assert len(ranges) == 2 and all(first <= last for first, last in ranges)

    report = indexer.rebuild(procs=2)

    assert report.documents == len(searchable) == 16 and report.replayed == 0
    ids = indexer.indexed_object_ids()
    assert len(ids) == len(set(ids))
    assert set(ids) == searchable and hidden.id not in ids
    with indexer.open_index().searcher() as searcher:
        assert len(list(searcher.leaf_searchers())) == 2  # one segment per process
        assert engine.search(searcher, Term("body", "dressings"), newest=True).total == 12
        assert engine.search(searcher, Term("body", "wound"), newest=True).total == 4

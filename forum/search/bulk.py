"""Building a whole index generation quickly: the engine behind `flask search rebuild`.

Whoosh's own writer turns every posting into a tuple, sorts them all (spilling to disk) and
reads each document's length back once per posting; at 200,000 posts that was most of a
rebuild. Here each process inverts its share of the posts in memory (term -> documents),
then writes one segment through Whoosh's codec a posting block at a time, and the parent
names the segments in a new table of contents: the same files Whoosh's writer would make
(tests/search/test_bulk.py compares the two).

Several processes split the posts by id range, each reading its rows from the database
itself, so nothing large crosses between processes.
"""

from __future__ import annotations

import gc
import multiprocessing
import operator
import queue as queue_module
import traceback
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from pickle import dumps
from typing import Any

from sqlalchemy import create_engine
from sqlalchemy.orm import Session
from whoosh import index as whoosh_index
from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import W3TermInfo
from whoosh.filedb.filestore import FileStorage
from whoosh.system import pack_ushort
from whoosh.util.numeric import byte_to_length, length_to_byte

from forum.discussions.models import Post
from forum.search import kinds
from forum.search.analysis import ForumAnalyzer, TermCounts
from forum.search.documents import post_document, professions_of, rows_stmt
from forum.search.schema import CODEC

BATCH = 2000
INLINE = 32  # terms in fewer documents than this keep their postings in the term table


# --- one segment --------------------------------------------------------------------------

class _Postings:
    """One term's postings, in document order: ids, weights and encoded values side by side."""

    __slots__ = ("ids", "values", "weights")

    def __init__(self) -> None:
        self.ids = array("I")
        self.weights = array("f")
        self.values: list[bytes] = []


def _counted(field: Any) -> bool:
    """A text field of ours: its terms come straight from the analyser as counts."""
    return isinstance(field.format, TermCounts) and isinstance(field.analyzer, ForumAnalyzer)


def build_segment(path: Path, docs: Iterable[dict[str, Any]]) -> tuple[Segment, int]:
    """Write `docs` (as for `writer.add_document`) into a new segment of the index at `path`;
    the segment is not live until a table of contents names it (see `commit_segments`).

    Python's cycle collector is paused meanwhile: millions of posting lists (which hold no
    cycles) would otherwise be walked again and again as they grow (about 10% of the time).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _build_segment(path, docs)
    finally:
        if collecting:
            gc.enable()


def _build_segment(path: Path, docs: Iterable[dict[str, Any]]) -> tuple[Segment, int]:
    """Text fields keep each posting as one int, document number << 32 | count, until written:
    most of a rebuild is this loop, and one append per posting is what it can afford."""
    storage = FileStorage(str(path))
    ix = whoosh_index.open_dir(str(path))
    schema = ix.schema
    segment = CODEC.new_segment(storage, ix.indexname)
    perdoc = CODEC.per_document_writer(storage, segment)
    counted: dict[str, dict[str, list[int]]] = {}  # text fields: term -> docnum << 32 | count
    boosts: dict[str, dict[int, float]] = {}  # text fields: documents boosted other than 1
    other: dict[str, dict[bytes, _Postings]] = {}  # every other indexed field
    lengths: dict[str, dict[int, int]] = {}
    docnum = 0
    for fields in docs:
        perdoc.start_doc(docnum)
        for name in sorted(k for k in fields if not k.startswith("_")):
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            boost = float(fields.get(f"_{name}_boost", 1.0))
            if _counted(field):
                found = field.analyzer.terms(value)
                terms = counted.setdefault(name, {})
                known, base = terms.get, docnum << 32
                for term, count in Counter(found).items():
                    entry = known(term)
                    if entry is None:
                        terms[term] = [base | count]
                    else:
                        entry.append(base | count)
                length = len(found)
                if boost != 1.0:
                    boosts.setdefault(name, {})[docnum] = boost
            elif field.indexed:
                terms = other.setdefault(name, {})
                for btext, freq, weight, vbytes in field.index(value):
                    postings = terms.get(btext)
                    if postings is None:
                        postings = terms[btext] = _Postings()
                    postings.ids.append(docnum)
                    postings.weights.append(weight * boost)
                    postings.values.append(vbytes)
                    length += freq
            if not field.scorable:
                length = 0
            elif length:  # the length as the index keeps it: one byte, logarithmic
                lengths.setdefault(name, {})[docnum] = byte_to_length(length_to_byte(length))
            perdoc.add_field(name, field, value if field.stored else None, length)
            if field.column_type is not None:
                perdoc.add_column_value(name, field.column_type, field.to_column_value(value))
        perdoc.finish_doc()
        docnum += 1
    perdoc.close()
    segment.set_doc_count(docnum)

    fieldwriter = CODEC.field_writer(storage, segment)
    for name in sorted({*counted, *other}):
        field = schema[name]
        fieldwriter.start_field(name, field)
        field_lengths = lengths.get(name)
        if name in counted:
            terms, counted[name] = counted[name], {}  # free as we go
            field_boost, doc_boosts = field.format.field_boost, boosts.get(name, {})
            for term in sorted(terms):  # code point order is UTF-8 byte order
                encoded = terms[term]
                ids = array("I", [p >> 32 for p in encoded])
                counts = [p & 0xFFFFFFFF for p in encoded]
                if doc_boosts:
                    weights = array("f", [c * field_boost * doc_boosts.get(d, 1.0)
                                          for c, d in zip(counts, ids, strict=True)])
                else:
                    weights = array("f", [c * field_boost for c in counts])
                _write_term(fieldwriter, term.encode("utf-8"), ids, weights,
                            [TermCounts.encode_count(c) for c in counts], field_lengths)
        else:
            terms, other[name] = other[name], {}
            for btext in sorted(terms):
                postings = terms[btext]
                _write_term(fieldwriter, btext, postings.ids, postings.weights, postings.values,
                            field_lengths)
        fieldwriter.finish_field()
    fieldwriter.close()
    return segment, docnum


def _write_term(fieldwriter: Any, btext: bytes, ids: array, weights: array, values: list[bytes],
                lengths: dict[int, int] | None) -> None:
    """A term's postings, a whole block at a time: what W3PostingsWriter.add_posting would
    buffer one posting at a time (ids, weights, values and the block's statistics).

    A term in fewer than INLINE documents keeps its postings in the term table, as Whoosh's
    codec is designed to (its own writer cannot: whoosh-reloaded 2.7.5 calls a method that
    does not exist, so Whoosh's writers here keep the default of never inlining).
    """
    total = len(ids)
    if total < INLINE:
        _write_inline(fieldwriter, btext, ids, weights, values, lengths)
        return
    fieldwriter.start_term(btext)
    writer = fieldwriter._postwriter
    limit = writer._blocklimit
    for start in range(0, total, limit):
        end = min(total, start + limit)
        writer._ids, writer._weights, writer._values = ids[start:end], weights[start:end], values[start:end]
        writer._maxweight = max(writer._weights)
        writer._minlength, writer._maxlength = _length_range(writer._ids, lengths)
        if end < total:
            writer._write_block()
    fieldwriter.finish_term()


def _write_inline(fieldwriter: Any, btext: bytes, ids: array, weights: array, values: list[bytes],
                  lengths: dict[int, int] | None) -> None:
    """W3TermInfo.to_bytes for inlined postings, without building the objects around it."""
    minlength, maxlength = _length_range(ids, lengths)
    info = W3TermInfo._struct.pack(
        True, sum(weights), len(ids), 0 if minlength is None else length_to_byte(minlength),
        length_to_byte(maxlength), max(weights), ids[0], ids[-1])
    postings = dumps((tuple(ids), tuple(weights), tuple(values)), 2)
    fieldwriter._tindex.add(pack_ushort(fieldwriter._fieldid) + btext, info + postings)


def _length_range(ids: array, lengths: dict[int, int] | None) -> tuple[int | None, int]:
    if lengths is None:
        return None, 0
    found = operator.itemgetter(*ids)(lengths)
    return (min(found), max(found)) if isinstance(found, tuple) else (found, found)


def commit_segments(path: Path, segments: list[Segment]) -> None:
    """Make the new segments the index's content, in one table-of-contents write."""
    ix = whoosh_index.open_dir(str(path))
    writer = ix.writer(codec=CODEC)
    writer.commit(mergetype=lambda _writer, existing: [*existing, *segments])


# --- several processes ----------------------------------------------------------------------

def partition(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """Split sorted ids into at most `parts` contiguous (first, last) ranges of equal size."""
    parts = max(1, min(parts, len(ids)))
    bounds = [round(k * len(ids) / parts) for k in range(parts + 1)]
    return [(ids[bounds[k]], ids[bounds[k + 1] - 1]) for k in range(parts) if bounds[k + 1] > bounds[k]]


def documents(session: Session, first: int | None = None, last: int | None = None,
              progress: Callable[[int], None] | None = None) -> Iterator[dict[str, Any]]:
    """Search documents for every indexable post (with ids in first..last), in id order."""
    stmt = rows_stmt()
    if first is not None:
        stmt = stmt.where(Post.id >= first)
    if last is not None:
        stmt = stmt.where(Post.id <= last)
    stmt = stmt.order_by(Post.id).execution_options(yield_per=BATCH)
    for rows in session.execute(stmt).partitions(BATCH):
        professions = professions_of(session, {r.thread_id for r in rows})
        for row in rows:
            yield post_document(row, professions.get(row.thread_id, ()))
        if progress:
            progress(len(rows))


def _build_part(url: str, path: str, first: int, last: int, part: int, messages: Any) -> None:
    """A child process: index the posts first..last into a segment, report it to the parent."""
    try:
        engine = create_engine(url)
        with Session(engine) as session:
            segment, count = build_segment(Path(path), documents(
                session, first, last, progress=lambda n: messages.put(("progress", part, n, 0))))
        engine.dispose()
        messages.put(("done", part, segment, count))
    except BaseException:  # the parent reports it; a child has no one else to tell
        messages.put(("error", part, traceback.format_exc(), 0))


def build_parallel(url: str, path: Path, ranges: list[tuple[int, int]],
                   progress: Callable[[int], None] | None = None) -> int:
    """Index each id range in its own process; commit the segments in id order."""
    context = multiprocessing.get_context("spawn")  # no inherited threads, locks or connections
    messages = context.Queue()
    workers = [context.Process(target=_build_part, args=(url, str(path), first, last, part, messages),
                               daemon=True) for part, (first, last) in enumerate(ranges)]
    for worker in workers:
        worker.start()
    segments: dict[int, tuple[Segment, int]] = {}
    try:
        while len(segments) < len(workers):
            try:
                kind, part, payload, count = messages.get(timeout=1.0)
            except queue_module.Empty:
                dead = [w for n, w in enumerate(workers) if n not in segments and not w.is_alive()]
                if not dead:
                    continue
                try:  # it may have reported just before it ended
                    kind, part, payload, count = messages.get(timeout=1.0)
                except queue_module.Empty as empty:
                    raise RuntimeError(f"an indexing process stopped (exit code {dead[0].exitcode})"
                                       ) from empty
            if kind == "progress":
                if progress:
                    progress(payload)
            elif kind == "done":
                segments[part] = (payload, count)
            else:
                raise RuntimeError(f"indexing process {part + 1} failed:\n{payload}")
    finally:
        for worker in workers:
            if worker.is_alive() and len(segments) < len(workers):
                worker.terminate()
            worker.join(timeout=10)
    commit_segments(path, [segments[part][0] for part in sorted(segments) if segments[part][1]])
    return sum(count for _, count in segments.values())


def build_here(session: Session, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Index every post in this process (one segment)."""
    segment, count = build_segment(path, documents(session, progress=progress))
    commit_segments(path, [segment] if count else [])
    return count


def add_kinds(session: Session, path: Path, progress: Callable[[int], None] | None = None) -> int:
    """Index every object of every registered kind (forum.search.kinds) into one more segment
    (there are few beside posts)."""
    docs: list[dict[str, Any]] = []
    for kind in kinds.all_kinds():
        found = kind.documents(session, kind.indexable_ids(session))
        docs += (found[ident] for ident in sorted(found))
    if not docs:
        return 0
    segment, count = build_segment(path, docs)
    commit_segments(path, [segment])
    if progress:
        progress(count)
    return count

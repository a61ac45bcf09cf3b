"""A segment's postings and columns as numpy arrays, for forum.search.engine.

A segment's files never change (deletions are read afresh per query), so what is read from
one is kept: its columns and field lengths (SegmentData), and the decoded postings of its
common terms (the longest lists, which cost most to decode: a word in a third of 200,000 posts
takes several milliseconds to unpickle each time a query names it).
"""

from __future__ import annotations

import threading
import zlib
from collections import OrderedDict
from pickle import loads
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher
from whoosh.columns import NumericColumn
from whoosh.util.numeric import byte_to_length

# The length Whoosh scores a document by, for each stored length byte (0 reads as 1).
_LENGTHS = np.array([byte_to_length(b) or 1 for b in range(256)], dtype=np.float32)


# --- what we keep per segment -----------------------------------------------------------------

class SegmentData:
    """A segment's columns and field lengths as arrays, read once and shared by every thread
    and searcher: a segment's files never change (deletions are read afresh per query).
    Each call passes the caller's own open reader: another thread may close its own."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._arrays: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def column(self, reader: Any, name: str) -> np.ndarray:
        with self._lock:
            found = self._arrays.get(name)
            if found is None:
                found = self._arrays[name] = _column_array(
                    reader.column_reader(name, translate=False), self.size)
            return found

    def lengths(self, reader: Any, fieldname: str) -> np.ndarray:
        key = f"_{fieldname}_len"
        with self._lock:
            found = self._arrays.get(key)
            if found is None:
                perdoc = reader._perdoc
                if perdoc.has_column(key):
                    raw = _column_array(perdoc.column_reader(key, LENGTHS_COLUMN), self.size)
                    found = _LENGTHS[raw.astype(np.uint8)]
                else:
                    found = np.ones(self.size, dtype=np.float32)
                self._arrays[key] = found
            return found


def _column_array(creader: Any, size: int) -> np.ndarray:
    """A numeric column as an array: read as one slice of bytes when it is a plain numeric
    column (values big-endian, trailing defaults left out), else value by value."""
    if isinstance(creader, NumericColumn.Reader):
        count = min(creader._count, size)
        raw = creader._dbfile.get(creader._basepos, count * creader._fixedlen)
        values = np.frombuffer(raw, dtype=np.dtype(">" + creader._typecode)).astype(np.int64)
        if count < size:
            values = np.concatenate([values, np.full(size - count, creader._default, dtype=np.int64)])
        return values
    return np.fromiter(iter(creader), dtype=np.int64, count=size)


_segments: OrderedDict[tuple[str, str], SegmentData] = OrderedDict()
_segments_lock = threading.Lock()
MAX_SEGMENTS = 64


def segment_data(reader: Any) -> SegmentData:
    key = (str(getattr(reader.storage, "folder", "")), reader.segment().segment_id())
    with _segments_lock:
        data = _segments.get(key)
        if data is not None:
            _segments.move_to_end(key)
            return data
        data = _segments[key] = SegmentData(reader.doc_count_all())
        while len(_segments) > MAX_SEGMENTS:
            _segments.popitem(last=False)
        return data


# --- reading postings -------------------------------------------------------------------------

# Decoded postings kept for terms in at least this many documents of a segment, up to
# CACHE_BYTES in all (least recently used dropped first): common words recur in most queries.
CACHE_MIN_DOCS = 2000
CACHE_BYTES = 64 * 1024 * 1024
_cache: OrderedDict[tuple, tuple[np.ndarray, np.ndarray]] = OrderedDict()
_cache_size = 0
_cache_lock = threading.Lock()


def postings(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Every (document number, weight) of a term in one segment, as two arrays, deleted
    documents included (the caller masks them out once for the whole query). The arrays
    may be shared with other queries: never change them."""
    global _cache_size
    key = (str(getattr(reader.storage, "folder", "")), reader.segment().segment_id(),
           fieldname, btext)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    found = _read_postings(reader, fieldname, btext)
    if len(found[0]) >= CACHE_MIN_DOCS:
        for array in found:
            array.flags.writeable = False
        with _cache_lock:
            if key not in _cache:
                _cache[key] = found
                _cache_size += found[0].nbytes + found[1].nbytes
                while _cache_size > CACHE_BYTES and _cache:
                    _, (ids, weights) = _cache.popitem(last=False)
                    _cache_size -= ids.nbytes + weights.nbytes
    return found


def _read_postings(reader: Any, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    matcher = reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)
    if not isinstance(matcher, W3LeafMatcher):  # postings kept in the term table
        ids = np.asarray(matcher._ids, dtype=np.int64)
        weights = matcher._weights
        if weights is None:
            return ids, np.ones(len(ids), dtype=np.float32)
        return ids, np.asarray(weights, dtype=np.float32)
    id_parts, weight_parts = [], []
    postfile = matcher._postfile
    while not matcher._atend:
        raw = postfile.get(matcher._dataoffset, matcher._nextoffset - matcher._dataoffset)
        if matcher._compression:
            raw = zlib.decompress(raw)
        deltas, weights, _ = loads(raw)  # noqa: S301 (our own index files, as Whoosh reads them)
        id_parts.append(np.cumsum(np.asarray(deltas, dtype=np.int64)))
        count = len(deltas)
        if weights is None:
            weight_parts.append(np.ones(count, dtype=np.float32))
        elif isinstance(weights, float):
            weight_parts.append(np.full(count, weights, dtype=np.float32))
        else:
            weight_parts.append(np.asarray(weights, dtype=np.float32))
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)
    if not id_parts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    return np.concatenate(id_parts), np.concatenate(weight_parts)



"""Document kinds other than posts: QI write-ups, events, resources … in the one index.

A kind is one module, `forum/<domain>/search_kind.py`, that builds a `DocumentKind` and calls
`register_kind` at import; the search package imports every such module the first time it
needs the kinds (`discover`). The indexer, the re-check, the results page and a rebuild then
handle it with no other change. Index updates go through the outbox as for posts:

    outbox.enqueue("search", {"kind": "event", "id": event.id})  # in the change's transaction

and the indexer re-reads that object (its document, or a deletion if `documents_for` no longer
returns it). A kind's numbers in the index are its `offset` + its own id (GROUP_OFFSETS in
forum.search.schema): a match's number says which kind it is, and each object is a result
group of its own, never mixed with a discussion.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
from sqlalchemy.orm import Session

__all__ = ["DocumentKind", "KindHit", "Renamed", "all_kinds", "discover", "get", "kind_of",
           "register_kind", "unregister_kind"]

MODULE = "search_kind"  # forum/<domain>/search_kind.py


@dataclass(frozen=True)
class Renamed:
    """What was renamed: documents that carry these names must be rebuilt."""

    author_ids: frozenset[int] = frozenset()
    board_ids: frozenset[int] = frozenset()
    alliance_ids: frozenset[int] = frozenset()
    profession_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.author_ids or self.board_ids or self.alliance_ids or self.profession_ids)


@dataclass
class KindHit:
    """One object of a kind, as the results page lists it (what `DocumentKind.load` returns)."""

    title: str
    endpoint: str  # url_for(endpoint, **url_values): the object's page
    url_values: Mapping[str, Any]
    snippet_text: str  # plain text: the page shows its passage with the most matches
    date: datetime | None = None
    date_label: str = ""  # "Shared", "Takes place"
    facts: list[str] = field(default_factory=list)  # status, setting, place: matched words marked
    link_text: str = "Read more"  # "Read this QI project"
    item: Any = None  # the loaded object, for a template that wants more


def _no_renames(session: Session, renamed: Renamed) -> set[int]:
    return set()


@dataclass(frozen=True)
class DocumentKind:
    """A searchable kind. Every function works in the kind's own ids.

    - `documents_for(session, ids)`: {id: fields} for the ids that should be in the index
      (leave an id out and its document is deleted). Fields are the schema's text and filter
      fields: title, lead, body, tags, author (names), author_id, alliance ("0" pan-London),
      professions (ids, space-separated), audience ("public" or "members"), created (a
      datetime). doc_key, kind, object_id, group, group_key and the *_pairs fields are added.
    - `load(ids, viewer, filters)`: {id: KindHit} for those the viewer may see, re-checked in
      SQL (one query), with the search's alliance, profession, author and date filters applied.
      A board, thread or other kind filter never reaches it.
    - `visible_ids(ids, viewer, filters)`: the same rule returning ids only (for counting up
      to a thousand matches); defaults to `load`'s keys.
    - `ids_filed_under(session, renamed)`: ids whose documents carry a renamed name.
    """

    key: str  # "event": the outbox payload's kind, the index's kind field, the Show filter value
    label: str  # "Events": the Show filter's option
    noun: str  # "event": "3 events and 2 posts in 1 discussion"
    offset: int  # GROUP_OFFSETS[key]
    indexable_ids: Callable[[Session], list[int]]
    indexable_count: Callable[[Session], int]
    documents_for: Callable[[Session, Iterable[int]], dict[int, dict[str, Any]]]
    load: Callable[[list[int], Any, Any], dict[int, KindHit]]
    visible_ids: Callable[[list[int], Any, Any], set[int]] | None = None
    ids_filed_under: Callable[[Session, Renamed], set[int]] = _no_renames
    plural_noun: str | None = None  # when not noun + "s"
    badge: str = ""  # the tag on its results ("QI project"); the noun, capitalised, if empty

    @property
    def tag(self) -> str:
        return self.badge or self.noun[:1].upper() + self.noun[1:]

    def number(self, ident: int) -> int:
        """The object's number in the index (its object id and its group)."""
        return self.offset + ident

    def ident(self, number: int) -> int:
        return number - self.offset

    def document(self, ident: int, fields: dict[str, Any]) -> dict[str, Any]:
        """The whole search document from the kind's fields."""
        doc = dict(fields)
        number = self.number(ident)
        doc.update(doc_key=f"{self.key}:{ident}", kind=self.key, object_id=number, group=number,
                   group_key=f"{self.key}:{ident}")  # never a thread's: "one discussion" skips it
        for name in ("title", "lead", "body"):
            if doc.get(name):
                doc[f"{name}_pairs"] = doc[name]
        if isinstance(doc.get("created"), datetime):
            doc["created"] = _timestamp(doc["created"])
        return doc

    def documents(self, session: Session, ids: Iterable[int]) -> dict[int, dict[str, Any]]:
        return {ident: self.document(ident, fields)
                for ident, fields in self.documents_for(session, ids).items()}

    def visible(self, numbers: Iterable[int], viewer: Any, filters: Any) -> set[int]:
        """Which of these numbers the viewer may see with these filters."""
        ids = sorted({self.ident(n) for n in numbers})
        if not ids or self.excluded(filters):
            return set()
        found = (self.visible_ids(ids, viewer, filters) if self.visible_ids is not None
                 else set(self.load(ids, viewer, filters)))
        return {self.number(i) for i in found}

    def load_numbers(self, numbers: Iterable[int], viewer: Any, filters: Any) -> dict[int, KindHit]:
        ids = sorted({self.ident(n) for n in numbers})
        if not ids or self.excluded(filters):
            return {}
        return {self.number(i): hit for i, hit in self.load(ids, viewer, filters).items()}

    def excluded(self, filters: Any) -> bool:
        """Filters no object of this kind can pass: a board, a discussion, another kind."""
        return (getattr(filters, "board_id", None) is not None
                or getattr(filters, "thread_id", None) is not None
                or getattr(filters, "kind", None) not in (None, "", self.key))


def _timestamp(moment: datetime) -> int:
    """Microseconds since 1970, as forum.search.documents.timestamp."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return round(moment.timestamp() * 1_000_000)


# --- the registry -------------------------------------------------------------------------
# Filled at import time (by discover) and never changed while requests run.

_kinds: dict[str, DocumentKind] = {}
_discovered = False
_lock = threading.Lock()


def register_kind(kind: DocumentKind) -> DocumentKind:
    """Add a kind (again is fine: a module imported twice); a clash of key or offset is a bug."""
    from forum.search.schema import GROUP_OFFSETS, POST_KINDS

    if kind.key in POST_KINDS or kind.offset <= 0:
        raise ValueError(f"search kind {kind.key!r} needs its own key and an offset above 0")
    if GROUP_OFFSETS.get(kind.key, kind.offset) != kind.offset:
        raise ValueError(f"search kind {kind.key!r}: GROUP_OFFSETS reserves {GROUP_OFFSETS[kind.key]}")
    with _lock:
        for other in _kinds.values():
            if other.key != kind.key and other.offset == kind.offset:
                raise ValueError(f"search kinds {other.key!r} and {kind.key!r} share an offset")
        _kinds[kind.key] = kind
    return kind


def unregister_kind(key: str) -> None:
    """Remove a kind (for tests that register one of their own)."""
    with _lock:
        _kinds.pop(key, None)


def discover() -> None:
    """Import every forum/<domain>/search_kind.py once; each registers its kind."""
    global _discovered
    if _discovered:
        return
    import forum

    for module in pkgutil.iter_modules(forum.__path__):
        if module.ispkg and importlib.util.find_spec(f"forum.{module.name}.{MODULE}") is not None:
            importlib.import_module(f"forum.{module.name}.{MODULE}")
    _discovered = True


def all_kinds() -> list[DocumentKind]:
    """The registered kinds, by offset."""
    discover()
    return sorted(_kinds.values(), key=lambda kind: kind.offset)


def get(key: str | None) -> DocumentKind | None:
    discover()
    return _kinds.get(key or "")


def kind_of(number: int) -> DocumentKind | None:
    """The kind a match's number stands for; None for a post (or a discussion)."""
    found = None
    for kind in all_kinds():
        if number >= kind.offset:
            found = kind
    return found


def split(numbers: Iterable[int]) -> tuple[list[int], dict[str, list[int]]]:
    """(the posts' ids, each kind's numbers) of a list of matches' numbers."""
    registered = all_kinds()
    first = registered[0].offset if registered else None
    posts: list[int] = []
    others: dict[str, list[int]] = {}
    for number in numbers:
        if first is None or number < first:
            posts.append(number)
            continue
        kind = next(k for k in reversed(registered) if number >= k.offset)
        others.setdefault(kind.key, []).append(number)
    return posts, others


def count_by_kind(numbers: Any) -> dict[str, int]:
    """How many of these numbers (an array or a list) stand for each kind's objects."""
    values = np.asarray(numbers, dtype=np.int64)
    registered = all_kinds()
    counts: dict[str, int] = {}
    for n, kind in enumerate(registered):
        upper = registered[n + 1].offset if n + 1 < len(registered) else None
        inside = values >= kind.offset
        if upper is not None:
            inside &= values < upper
        if found := int(np.count_nonzero(inside)):
            counts[kind.key] = found
    return counts


def visible_numbers(numbers: Iterable[int], viewer: Any, filters: Any) -> set[int]:
    """Which of these (non-post) numbers the viewer may see: one query per kind present."""
    _, by_kind = split(numbers)
    found: set[int] = set()
    for key, kind_numbers in by_kind.items():
        found |= _kinds[key].visible(kind_numbers, viewer, filters)
    return found


def load_numbers(numbers: Iterable[int], viewer: Any, filters: Any
                 ) -> dict[int, tuple[DocumentKind, KindHit]]:
    """The objects to list, by number, with their kind: one query per kind present."""
    _, by_kind = split(numbers)
    found: dict[int, tuple[DocumentKind, KindHit]] = {}
    for key, kind_numbers in by_kind.items():
        kind = _kinds[key]
        found.update((n, (kind, hit)) for n, hit in kind.load_numbers(kind_numbers, viewer, filters).items())
    return found


def filter_choices() -> dict[str, str]:
    """The search form's "Show" options: posts' kinds, then each registered kind."""
    from forum.search.schema import POST_KINDS

    return {**POST_KINDS, **{kind.key: kind.label for kind in all_kinds()}}

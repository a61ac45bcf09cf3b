"""Saying what a search looked for, and which filter its words name, when it found nothing.

"district nurse wound swabs" found nothing: the page says it looked for district nurse (or DN,
community nurse) and wound and swabs, and offers "Show discussions tagged District or
community nurse", because the words name that profession.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from forum.search.analysis import load_synonyms, stems
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

LONGEST_NAME = 6  # words: no profession, alliance or board name is longer
_EDGE_PUNCTUATION = re.compile(r"^[^\w#+]+|[^\w#+]+$")


@dataclass(frozen=True)
class Understood:
    """The search as we read it, in words."""

    text: str  # "CNS (or cancer nurse specialist, clinical nurse specialist) and garments"
    left_out: tuple[str, ...]  # words too common to search for


def _alternatives(words: Sequence[str]) -> list[str]:
    key = tuple(s for w in words for s in stems(w))
    group = load_synonyms().lookup(key) or ()
    return [alt for alt in group if tuple(stems(alt)) != key]


def _bare(text: str) -> str:
    """The word as typed, without the punctuation around it ("ESC?" -> "ESC", "CNS," ->
    "CNS"): the analyser drops it, so the explanation should too. Inner marks stay
    ("district-nurse", "5-FU")."""
    return _EDGE_PUNCTUATION.sub("", text) or text


def _word(text: str, left_out: list[str]) -> str | None:
    text = _bare(text)
    if not _EDGE_PUNCTUATION.sub("", text):  # punctuation alone ("?", "-"): not a word
        return None
    if not stems(text):  # a stop word ("the")
        left_out.append(text.lower())
        return None
    alternatives = _alternatives([text])
    return f"{text} (or {', '.join(alternatives)})" if alternatives else text


def _describe(node: Any, left_out: list[str]) -> str | None:
    if isinstance(node, Required):
        return _describe(node.child, left_out)
    if isinstance(node, Word):
        if node.field == "author":
            return f"posts by {_bare(node.text)}"
        if node.field == "title":
            return f"{_bare(node.text)} in a discussion title"
        return _word(node.text, left_out)
    if isinstance(node, Quoted):
        where = " in a discussion title" if node.field == "title" else ""
        return f"posts by {node.text}" if node.field == "author" else f"the exact words “{node.text}”{where}"
    if isinstance(node, NotNode):
        inner = _describe(node.child, left_out)
        return f"not {inner}" if inner else None
    if isinstance(node, OrNode):
        parts = [_bracketed(c, left_out) for c in node.children]
        return " or ".join(p for p in parts if p) or None
    if isinstance(node, AndNode):
        return _describe_and(node.children, left_out)
    return None


def _bracketed(node: Any, left_out: list[str]) -> str | None:
    text = _describe(node, left_out)
    return f"({text})" if text and isinstance(node, (AndNode, OrNode)) else text


def _describe_and(children: tuple, left_out: list[str]) -> str | None:
    """Like the query builder, a run of plain words that is a synonym reads as one phrase."""
    synonyms = load_synonyms()
    parts: list[str] = []
    i = 0
    while i < len(children):
        end = i
        while end < len(children) and isinstance(children[end], Word) and children[end].field is None:
            end += 1
        for length in range(min(synonyms.longest, end - i), 1, -1):
            words = [_bare(children[i + k].text) for k in range(length)]
            alternatives = _alternatives(words) if all(stems(w) for w in words) else []
            if alternatives:
                parts.append(f"{' '.join(words)} (or {', '.join(alternatives)})")
                i += length
                break
        else:
            text = _bracketed(children[i], left_out)
            if text:
                parts.append(text)
            i += 1
    return " and ".join(parts) or None


def understand(text: str) -> Understood:
    """What the search `text` looked for, in words, and the common words it left out."""
    try:
        tree = parse(text)
    except QuerySyntaxError:
        tree = AndNode(tuple(Word(w) for w in plain_words(text)))
    left_out: list[str] = []
    described = _describe(tree, left_out) if tree is not None else None
    return Understood(described or "", tuple(dict.fromkeys(left_out)))


# --- filters the words name ---------------------------------------------------------------

def _within(part: tuple[str, ...], whole: tuple[str, ...]) -> bool:
    """Whether `part` is `whole`, or two or more of its words in order."""
    if part == whole:
        return True
    if len(part) < 2:
        return False
    it = iter(whole)
    return all(word in it for word in part)


def named(words: Sequence[str], items: Iterable[Any]) -> list[Any]:
    """The items (professions, alliances: anything with a `name`) that the search's plain
    words name, as written or through a synonym: "district nurse" names "District or
    community nurse", "CNS" names "Cancer nurse specialist". The longest run of words that
    names something wins: "south east london" names South East London, not North East London."""
    items = [(item, tuple(stems(item.name))) for item in items]
    keys = [tuple(stems(w)) for w in words]
    synonyms = load_synonyms()
    used: set[int] = set()
    found: list[Any] = []
    for length in range(min(len(keys), LONGEST_NAME), 0, -1):
        for start in range(len(keys) - length + 1):
            span = set(range(start, start + length))
            key = tuple(s for k in keys[start:start + length] for s in k)
            if not key or span & used:
                continue
            phrases = {key, *(tuple(stems(alt)) for alt in synonyms.lookup(key) or ())}
            matched = [item for item, name in items
                       if name and item not in found and any(_within(p, name) for p in phrases)]
            if matched:
                found.extend(matched)
                used |= span
    return found

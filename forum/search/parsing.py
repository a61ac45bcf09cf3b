"""The query language: text to a syntax tree.

Query syntax: words (ranked: any may match, more is better), "quoted phrases" (exact words),
AND / OR / NOT in capitals (lowercase "and", "or", "not" are words), +word (required), -word,
(brackets), title:word, author:name. A syntax error never fails: the caller searches for the
plain words instead (`plain_words`), ranked, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

MAX_DEPTH = 12


class QuerySyntaxError(ValueError):
    """Raised by the parser; the message says, in plain English, what was wrong."""


@dataclass(frozen=True)
class Word:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Quoted:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Required:
    """+word, or a side of AND: must match (a plain word otherwise only ranks)."""
    child: Any


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
            tokens.append(("NOT",) if c == "-" else ("REQ",))
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
                items[-1] = _required(items[-1])
                items.append(_required(self.unary()))
                continue
            items.append(self.unary())
        if not items:
            raise QuerySyntaxError("OR needs a word on each side" if self.peek() == "OR"
                                   else "there is nothing to search for between the brackets")
        return items[0] if len(items) == 1 else AndNode(tuple(items))

    def unary(self):
        if self.peek() == "REQ":
            self.take()
            if self.peek() in (None, ")", "OR", "AND"):
                raise QuerySyntaxError("+ needs a word straight after it")
            return _required(self.unary())
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


def _required(node):
    return node if isinstance(node, (Required, NotNode)) else Required(node)


def parse(text: str):
    """The query's syntax tree, or QuerySyntaxError."""
    return _Parser(_lex(text.translate(_QUOTES))).parse()


_OPERATOR_END = re.compile(r'(?:\s+(?:AND|OR|NOT)|\s*[-+(])+\s*$')


def cut(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters on a word boundary, without a dangling
    operator, an unclosed quotation mark or an opening bracket at the end."""
    text = text.translate(_QUOTES)
    if len(text) > limit:
        text = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    if text.count('"') % 2:
        text = text[:text.rfind('"')] + text[text.rfind('"') + 1:]
    return _OPERATOR_END.sub("", text).strip()


def plain_words(text: str) -> list[str]:
    """The fallback: every word of the query, with the syntax taken out."""
    return [w for w in re.findall(r"[\w'’.\-/+]+", text.translate(_QUOTES))
            if w.strip("-+") and w not in ("AND", "OR", "NOT")]

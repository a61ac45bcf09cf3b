"""What changed between two versions of a published write-up, word by word, for its history
page: removed words in <del>, added words in <ins>, everything escaped."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from markupsafe import Markup, escape

from forum.qi.models import Revision

_WORDS = re.compile(r"\s+|[^\s]+")


def word_diff(before: str, after: str) -> Markup:
    old, new = _WORDS.findall(before or ""), _WORDS.findall(after or "")
    parts: list[str] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(str(escape("".join(old[i1:i2]))))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(old[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(new[j1:j2]))}</ins>")
    return Markup("".join(parts))  # noqa: S704  (every piece above is escaped)


@dataclass
class Change:
    field: str
    diff: Markup


def changes(revisions: Sequence[Revision]) -> dict[int, list[Change] | None]:
    """{revision number: each field it changed from the version before, with the words that
    changed}; None for the first version."""
    out: dict[int, list[Change] | None] = {}
    previous: dict[str, Any] | None = None
    for revision in sorted(revisions, key=lambda r: r.number):
        current = {"title": revision.title, **revision.fields}
        if previous is None:
            out[revision.number] = None
        else:
            out[revision.number] = [
                Change(name, word_diff(str(previous.get(name) or ""), str(value or "")))
                for name, value in current.items() if value != previous.get(name)]
        previous = current
    return out

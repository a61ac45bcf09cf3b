"""The three kinds of reference data organisers look after, as the pages and the audit log
name them."""

from __future__ import annotations

from dataclasses import dataclass

from forum.community.models import Alliance, Board, Profession

Reference = Board | Alliance | Profession


@dataclass(frozen=True)
class Kind:
    """One kind of reference data, as the audit log and the pages name it."""

    model: type[Board] | type[Alliance] | type[Profession]
    noun: str  # "board": the audit log's target_type and the action's suffix
    plural: str


KINDS = {
    "boards": Kind(Board, "board", "boards"),
    "alliances": Kind(Alliance, "alliance", "alliances"),
    "professions": Kind(Profession, "profession", "professions"),
}


def kind_of(row: Reference) -> Kind:
    return next(k for k in KINDS.values() if isinstance(row, k.model))

"""Changing the community's groupings: renaming a board, an alliance or a profession.

Their names are searched (forum.search indexes them with every post of their threads), so a
rename writes a search outbox row ({"kind": "board" | "alliance" | "profession", "id": ...})
in the same transaction, and the indexer re-reads the affected posts. Any other change of a
name (an organiser's page, a command) goes through these services for the same reason.
"""

from __future__ import annotations

from sqlalchemy import func, select

from forum import outbox
from forum.community.models import Alliance, Board, Profession
from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.members.models import User

MAX_NAME = 120


def _rename(actor: User, item: Alliance | Board | Profession, kind: str, name: str) -> None:
    if not actor.is_admin:
        raise PermissionDenied(f"Only organisers can rename a {kind}.")
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(f"Enter a name for the {kind}", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(f"Enter a name of {MAX_NAME} characters or fewer", field="name")
    model = type(item)
    taken = db.session.scalar(select(model.id).where(
        func.lower(model.name) == name.lower(), model.id != item.id))
    if taken is not None:
        raise InvalidInput(f"There is already a {kind} called {name}", field="name")
    if name == item.name:
        return
    item.name = name
    outbox.enqueue("search", {"kind": kind, "id": item.id})
    db.session.commit()


def rename_board(actor: User, board: Board, *, name: str) -> Board:
    """Rename a board; its posts are re-indexed under the new name."""
    _rename(actor, board, "board", name)
    return board


def rename_alliance(actor: User, alliance: Alliance, *, name: str) -> Alliance:
    """Rename an alliance; its threads' posts are re-indexed under the new name."""
    _rename(actor, alliance, "alliance", name)
    return alliance


def rename_profession(actor: User, profession: Profession, *, name: str) -> Profession:
    """Rename a profession; the posts of threads tagged with it are re-indexed."""
    _rename(actor, profession, "profession", name)
    return profession

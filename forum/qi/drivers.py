"""The driver diagram: the aim (the write-up's own aim) at the root, then primary drivers
(depth 0), secondary drivers (1) and change ideas (2). Authors add, edit, delete, move up
and down, and move a box under another parent, each with one POST, so it all works
without JavaScript.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from forum.errors import InvalidInput
from forum.extensions import db
from forum.members.models import User
from forum.qi.models import DriverNode, PdsaCycle, WriteUp
from forum.qi.services import clean_line, keep_revision, require_edit, touched

TEXT_MAX = 300
MAX_NODES = 200
DEPTH_NAMES = ("primary driver", "secondary driver", "change idea")


def _siblings(writeup_id: int, parent_id: int | None) -> list[DriverNode]:
    return list(db.session.scalars(select(DriverNode).where(
        DriverNode.writeup_id == writeup_id, DriverNode.parent_id.is_(parent_id)
        if parent_id is None else DriverNode.parent_id == parent_id,
    ).order_by(DriverNode.position, DriverNode.id)))


def _renumber(nodes: list[DriverNode]) -> None:
    for position, node in enumerate(nodes):
        node.position = position


def _clean(text: str) -> str:
    text = clean_line(text, field="text", limit=TEXT_MAX)
    if not text:
        raise InvalidInput("Enter what the box says", field="text")
    return text


def _changed(actor: User, writeup: WriteUp, confirmed_finding: str | None = None) -> None:
    keep_revision(actor, writeup)
    touched(actor, writeup, confirmed_finding=confirmed_finding)
    db.session.commit()


def add_driver(actor: User, writeup: WriteUp, *, text: str, parent: DriverNode | None = None,
               confirmed_finding: str | None = None) -> DriverNode:
    """A primary driver (no parent), or a box under `parent`, last among its siblings."""
    require_edit(actor, writeup)
    text = _clean(text)
    if parent is not None and (parent.writeup_id != writeup.id or parent.depth >= 2):
        raise InvalidInput("Choose a driver of this diagram to add to", field="parent")
    count = db.session.scalar(select(db.func.count()).select_from(DriverNode)
                              .where(DriverNode.writeup_id == writeup.id)) or 0
    if count >= MAX_NODES:
        raise InvalidInput(f"A driver diagram can have up to {MAX_NODES} boxes", field="text")
    siblings = _siblings(writeup.id, parent.id if parent else None)
    node = DriverNode(writeup_id=writeup.id, parent_id=parent.id if parent else None,
                      depth=parent.depth + 1 if parent else 0, text=text, position=len(siblings))
    db.session.add(node)
    _changed(actor, writeup, confirmed_finding)
    return node


def edit_driver(actor: User, node: DriverNode, *, text: str,
                confirmed_finding: str | None = None) -> DriverNode:
    writeup = node.writeup
    require_edit(actor, writeup)
    text = _clean(text)
    if text != node.text:
        node.text = text
        _changed(actor, writeup, confirmed_finding)
    return node


def delete_driver(actor: User, node: DriverNode) -> None:
    """The box and everything under it (deleted here, deepest first, rather than left to
    the database's cascade, which SQLite applies only with foreign keys switched on)."""
    writeup = node.writeup
    require_edit(actor, writeup)
    parent_id = node.parent_id
    doomed, frontier = [node.id], [node.id]
    while frontier:
        frontier = list(db.session.scalars(select(DriverNode.id)
                                           .where(DriverNode.parent_id.in_(frontier))))
        doomed += frontier
    db.session.execute(update(PdsaCycle).where(PdsaCycle.change_node_id.in_(doomed))
                       .values(change_node_id=None))
    db.session.execute(delete(DriverNode).where(DriverNode.id.in_(doomed[::-1]))
                       .execution_options(synchronize_session="fetch"))
    db.session.flush()
    _renumber(_siblings(writeup.id, parent_id))
    _changed(actor, writeup)


def move_driver(actor: User, node: DriverNode, direction: str) -> DriverNode:
    """One place up or down among its siblings."""
    writeup = node.writeup
    require_edit(actor, writeup)
    if direction not in ("up", "down"):
        raise InvalidInput("Choose up or down", field="direction")
    siblings = _siblings(writeup.id, node.parent_id)
    index = next(i for i, sibling in enumerate(siblings) if sibling.id == node.id)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(siblings):
        siblings[index], siblings[other] = siblings[other], siblings[index]
        _renumber(siblings)
        _changed(actor, writeup)
    return node


def reparent_driver(actor: User, node: DriverNode, parent: DriverNode) -> DriverNode:
    """Move a secondary driver or change idea under another box one level up, last there."""
    writeup = node.writeup
    require_edit(actor, writeup)
    if parent.writeup_id != writeup.id or parent.depth != node.depth - 1:
        raise InvalidInput(f"Choose a {DEPTH_NAMES[max(node.depth - 1, 0)]} of this diagram",
                           field="parent")
    if parent.id == node.parent_id:
        return node
    old_parent = node.parent_id
    node.parent_id = parent.id
    node.position = len(_siblings(writeup.id, parent.id))
    db.session.flush()
    _renumber(_siblings(writeup.id, old_parent))
    _changed(actor, writeup)
    return node

"""What organisers change: boards, alliances and professions (add, edit, reorder, retire,
bring back), a board's audience, and members' roles.

Each service checks `policy.can_organise` (whatever the view did), changes state, writes one
entry in the moderation audit log (`forum.moderation.services.audit`: one log, not two) and
commits once. Slugs never change after creation, so old links keep working after a rename.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from forum import outbox
from forum.admin import policy
from forum.admin.kinds import Kind, Reference, kind_of
from forum.community.models import Alliance, Board, Profession
from forum.community.seed import slugify
from forum.db import utcnow
from forum.discussions.models import Thread
from forum.discussions.queries import PAN_LONDON_SLUG
from forum.errors import InvalidInput
from forum.extensions import db
from forum.forms import clean_text
from forum.members.models import Role, Status, User
from forum.moderation.services import audit

NAME_MAX = 120
DESCRIPTION_MAX = 1000
GROUP_MAX = 80
SLUG_MAX = 80


def _text(value: str | None, *, field: str, what: str, limit: int, required: bool = False,
          one_line: bool = True) -> str:
    text = str(clean_text(value or "")).strip()
    if one_line:
        text = " ".join(text.split())
    if required and not text:
        raise InvalidInput(f"Enter {what}", field=field)
    if len(text) > limit:
        raise InvalidInput(f"{what[0].upper()}{what[1:]} must be {limit:,} characters or fewer",
                           field=field)
    return text


def _name(value: str | None, kind: Kind, row: Reference | None = None) -> str:
    name = _text(value, field="name", what="a name", limit=NAME_MAX, required=True)
    if not slugify(name):
        raise InvalidInput("Enter a name with at least one letter or number", field="name")
    taken = db.session.scalar(
        select(kind.model.id).where(func.lower(kind.model.name) == name.lower(),
                                    kind.model.id != (row.id if row else 0)))
    if taken is not None:
        raise InvalidInput(f"There is already a {kind.noun} called {name}", field="name")
    return name


def _free_slug(kind: Kind, name: str) -> str:
    """A slug from the name, numbered when another row (perhaps retired) has it."""
    base = slugify(name)[: SLUG_MAX - 4].strip("-")
    taken = set(db.session.scalars(select(kind.model.slug).where(kind.model.slug.like(f"{base}%"))))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _commit_or_name_taken(kind: Kind, name: str) -> None:
    """Two organisers adding the same name at once: the database's unique name decides."""
    try:
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise InvalidInput(f"There is already a {kind.noun} called {name}", field="name") from error


def _fields(kind: Kind, *, description: str | None, group: str | None) -> dict[str, str]:
    found: dict[str, str] = {}
    if kind.model is not Profession:
        found["description"] = _text(description, field="description", what="the description",
                                     limit=DESCRIPTION_MAX, one_line=False)
    else:
        found["group"] = _text(group, field="group", what="the group", limit=GROUP_MAX)
    return found


def _summary(row: Reference) -> str:
    """What the audit log shows before and after an edit."""
    parts = [f"Name: {row.name}"]
    if isinstance(row, Profession):
        parts.append(f"group: {row.group or 'none'}")
    else:
        parts.append(f"description: {row.description or 'none'}")
    if isinstance(row, Board):
        parts.append("members only" if row.members_only else "public")
    return "; ".join(parts)


def add_reference(actor: User, kind: Kind, *, name: str, description: str | None = None,
                  group: str | None = None, members_only: bool = True) -> Reference:
    """A new board, alliance or profession, placed last."""
    policy.require_organiser(actor)
    name = _name(name, kind)
    values = _fields(kind, description=description, group=group)
    last = db.session.scalar(select(func.max(kind.model.position))) or 0
    row = kind.model(slug=_free_slug(kind, name), name=name, position=last + 1, **values)
    if isinstance(row, Board):
        row.members_only = bool(members_only)
    db.session.add(row)
    db.session.flush()
    audit(actor, f"add_{kind.noun}", kind.noun, row.id, after=_summary(row))
    _commit_or_name_taken(kind, name)
    return row


def edit_reference(actor: User, row: Reference, *, name: str, description: str | None = None,
                   group: str | None = None, members_only: bool | None = None) -> Reference:
    """Rename or redescribe (the slug, and so every link, stays); for a board, set its audience."""
    policy.require_organiser(actor)
    kind = kind_of(row)
    name = _name(name, kind, row)
    values = _fields(kind, description=description, group=group)
    before = _summary(row)
    if name != row.name:
        # Their names are searched with every post filed under them: re-read those posts.
        outbox.enqueue("search", {"kind": kind.noun, "id": row.id})
    row.name = name
    for key, value in values.items():
        setattr(row, key, value)
    if isinstance(row, Board) and members_only is not None and row.members_only != members_only:
        _set_audience(actor, row, members_only)
    after = _summary(row)
    if after != before:
        audit(actor, f"edit_{kind.noun}", kind.noun, row.id, before=before, after=after)
    _commit_or_name_taken(kind, name)
    return row


def _set_audience(actor: User, board: Board, members_only: bool) -> None:
    """Who may read a board changes what search may show to whom: re-index its threads (the
    search re-checks visibility in SQL meanwhile, so nothing leaks while that runs)."""
    board.members_only = members_only
    audit(actor, "set_board_audience", "board", board.id,
          before="public" if members_only else "members only",
          after="members only" if members_only else "public")
    for thread_id in db.session.scalars(select(Thread.id).where(Thread.board_id == board.id)):
        outbox.enqueue("search", {"kind": "thread", "id": thread_id})


def move_reference(actor: User, row: Reference, *, direction: Literal["up", "down"]) -> Reference:
    """Swap with the neighbour above or below; positions are renumbered 1..n as they stand, so
    rows that shared a position (or had gaps) end up in a clear order."""
    policy.require_organiser(actor)
    if direction not in ("up", "down"):
        raise InvalidInput("Choose Move up or Move down")
    kind = kind_of(row)
    rows = list(db.session.scalars(
        select(kind.model).order_by(kind.model.position, kind.model.name, kind.model.id)
        .with_for_update()))
    i = next(n for n, r in enumerate(rows) if r.id == row.id)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(rows):
        raise InvalidInput(f"{row.name} is already {'first' if direction == 'up' else 'last'}.")
    rows[i], rows[j] = rows[j], rows[i]
    for position, r in enumerate(rows, start=1):
        r.position = position
    audit(actor, f"move_{kind.noun}", kind.noun, row.id, before=str(i + 1), after=str(j + 1))
    db.session.commit()
    return row


def retire_reference(actor: User, row: Reference, *, reason: str = "") -> Reference:
    """Out of the pickers for new threads and new members; its threads stay readable."""
    policy.require_organiser(actor)
    kind = kind_of(row)
    if row.retired_at is not None:
        raise InvalidInput(f"{row.name} is already retired.")
    if isinstance(row, Alliance) and row.slug == PAN_LONDON_SLUG:
        raise InvalidInput("Pan-London stands for every alliance, so it cannot be retired.")
    if isinstance(row, Board) and not [ident for ident in db.session.scalars(
            select(Board.id).where(Board.retired_at.is_(None)).order_by(Board.id)
            .with_for_update()) if ident != row.id]:  # locked, as for the last admin
        raise InvalidInput("This is the last board in use: add another before you retire it.")
    row.retired_at = utcnow()
    audit(actor, f"retire_{kind.noun}", kind.noun, row.id, reason=_reason(reason),
          before="in use", after="retired")
    db.session.commit()
    return row


def restore_reference(actor: User, row: Reference, *, reason: str = "") -> Reference:
    """Back into use, where it was in the order."""
    policy.require_organiser(actor)
    kind = kind_of(row)
    if row.retired_at is None:
        raise InvalidInput(f"{row.name} is already in use.")
    row.retired_at = None
    audit(actor, f"restore_{kind.noun}", kind.noun, row.id, reason=_reason(reason),
          before="retired", after="in use")
    db.session.commit()
    return row


def _reason(value: str | None) -> str:
    return _text(value, field="reason", what="the reason", limit=DESCRIPTION_MAX, one_line=False)


# --- roles --------------------------------------------------------------------------------

LAST_ADMIN = ("{name} is the only active organiser. Make someone else an organiser (admin) "
              "first, so the forum always has one.")


def change_role(actor: User, member: User, *, role: Role, reason: str = "") -> User:
    """Make someone a member, moderator or organiser (admin); the forum keeps at least one
    active admin whoever asks, themselves included."""
    policy.require_organiser(actor)
    if not isinstance(role, Role):
        raise InvalidInput("Choose a role", field="role")
    reason = _reason(reason)
    if role == member.role:
        return member
    if member.role == Role.ADMIN and member.status == Status.ACTIVE:
        # Lock every active admin's row, always in id order (PostgreSQL), so two admins
        # demoting each other at once queue rather than deadlock, and the second then sees
        # the first's change; SQLite has one writer anyway.
        admins = db.session.scalars(
            select(User.id).where(User.role == Role.ADMIN, User.status == Status.ACTIVE)
            .order_by(User.id).with_for_update()).all()
        if not [ident for ident in admins if ident != member.id]:
            raise InvalidInput(LAST_ADMIN.format(name=member.display_name), field="role")
    before = member.role.value
    member.role = role
    audit(actor, "change_role", "user", member.id, reason=reason, before=before, after=role.value)
    db.session.commit()
    return member

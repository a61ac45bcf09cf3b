"""Starting, editing, publishing and unpublishing QI write-ups.

Each service checks forum.qi.policy, changes state, keeps a Revision for every edit of a
published write-up, writes the search outbox row, and commits once. The driver diagram,
PDSA cycles and team have their own modules (drivers.py, cycles.py, team.py) built on the
helpers here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from forum import outbox
from forum.community.models import Alliance, Board, Profession
from forum.db import utcnow
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.extensions import db
from forum.forms import clean_text
from forum.markup import MAX_SOURCE, problem, render
from forum.members.models import User
from forum.notify import events as notify_events
from forum.qi import policy
from forum.qi.models import (
    SETTING_LABELS,
    STATUS_LABELS,
    TEXT_FIELDS,
    DriverNode,
    PdsaCycle,
    Revision,
    TeamMember,
    WriteUp,
)
from forum.qi.replication import recount_replicas

TITLE_MAX = 200
TEXT_MAX = MAX_SOURCE
LINE_MAX = 200  # replicate_time
QI_BOARD_SLUG = "quality-improvement"
PID_ACTION = "qi_patient_data_confirmed"
# What a revision keeps, as typed: every text field, the time it took, and the labels of
# the choices (so the history reads well after an organiser renames an alliance).
REVISED_FIELDS = (*TEXT_FIELDS, "replicate_time")
FIELD_LABELS = {
    "title": "Title", "summary": "Summary", "background": "The problem and why it matters",
    "aim": "Aim", "results": "Results", "learning": "What we learned",
    "replicate_needs": "What you need", "replicate_time": "Time it took",
    "replicate_pitfalls": "Pitfalls", "setting": "Setting", "status": "Status",
    "alliance": "Alliance", "professions": "Professions", "start_date": "Start date",
    "driver_diagram": "Driver diagram", "pdsa_cycles": "PDSA cycles", "team": "Team",
}


# --- input --------------------------------------------------------------------------------

def clean_title(title: str) -> str:
    title = " ".join(str(clean_text(title or "")).split())
    if not title:
        raise InvalidInput("Enter a title", field="title")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"Title must be {TITLE_MAX} characters or fewer", field="title")
    return title


def clean_markdown(text: str | None, *, field: str) -> str:
    """A Markdown field as stored: control characters gone, within the render limits."""
    text = str(clean_text(text or "")).strip()
    if len(text) > TEXT_MAX:
        raise InvalidInput(f"This must be {TEXT_MAX:,} characters or fewer", field=field)
    if text and (message := problem(text)):
        raise InvalidInput(message, field=field)
    return text


def clean_line(text: str | None, *, field: str, limit: int = LINE_MAX) -> str:
    text = " ".join(str(clean_text(text or "")).split())
    if len(text) > limit:
        raise InvalidInput(f"This must be {limit} characters or fewer", field=field)
    return text


def _choice(value: str, labels: Mapping, field: str, message: str) -> str:
    if value not in {str(key) for key in labels}:
        raise InvalidInput(message, field=field)
    return value


# --- helpers the other QI services share ------------------------------------------------------

def team_ids(writeup: WriteUp) -> set[int]:
    return set(db.session.scalars(select(TeamMember.user_id)
                                  .where(TeamMember.writeup_id == writeup.id)))


def coauthor_ids(writeup: WriteUp) -> set[int]:
    return set(db.session.scalars(select(TeamMember.user_id).where(
        TeamMember.writeup_id == writeup.id, TeamMember.is_coauthor.is_(True))))


def require_edit(actor: User, writeup: WriteUp) -> None:
    """Refuse anyone but the author and co-authors; someone who may not even read the
    write-up is told it does not exist."""
    if policy.can_edit(actor, writeup, coauthor_ids(writeup)):
        return
    if not policy.can_read(actor, writeup, team_ids(writeup)):
        raise NotFound("No such write-up.")
    raise PermissionDenied("Only the write-up's author and co-authors can change it.")


def touched(actor: User, writeup: WriteUp, *, confirmed_finding: str | None = None) -> None:
    """Every change: stamp it, tell search, and leave the guard's trail (the caller commits)."""
    writeup.updated_at = utcnow()
    outbox.enqueue("search", {"kind": "qi", "id": writeup.id})
    if confirmed_finding:
        from forum.moderation.services.common import audit

        audit(actor, PID_ACTION, "qi_writeup", writeup.id,
              reason=f"The guard found {confirmed_finding}.")


def snapshot(writeup: WriteUp) -> dict[str, Any]:
    """The write-up's words and choices as a revision keeps them."""
    fields: dict[str, Any] = {name: getattr(writeup, name) for name in REVISED_FIELDS}
    fields.update(
        setting=SETTING_LABELS.get(writeup.setting, writeup.setting),  # type: ignore[call-overload]
        status=STATUS_LABELS.get(writeup.status, writeup.status),  # type: ignore[call-overload]
        alliance=writeup.alliance.name if writeup.alliance else "Pan-London",
        professions=", ".join(p.name for p in writeup.professions),
        start_date=writeup.start_date.isoformat() if writeup.start_date else "",
        driver_diagram=_outline(writeup),
        team=", ".join(db.session.scalars(
            select(User.display_name).join(TeamMember, TeamMember.user_id == User.id)
            .where(TeamMember.writeup_id == writeup.id)
            .order_by(TeamMember.position, TeamMember.id))),
        pdsa_cycles="\n".join(
            f"{n}. {c.change_idea}" + (f" ({c.act})" if c.act else "")
            for n, c in enumerate(db.session.scalars(
                select(PdsaCycle).where(PdsaCycle.writeup_id == writeup.id)
                .order_by(PdsaCycle.position, PdsaCycle.id)), start=1)),
    )
    return fields


def _outline(writeup: WriteUp) -> str:
    """The driver diagram as an indented list, for revisions."""
    nodes = list(db.session.scalars(select(DriverNode).where(DriverNode.writeup_id == writeup.id)
                                    .order_by(DriverNode.position, DriverNode.id)))
    children: dict[int | None, list[DriverNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    lines: list[str] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for node in children.get(parent_id, []):
            lines.append("  " * depth + "- " + node.text)
            walk(node.id, depth + 1)

    walk(None, 0)
    return "\n".join(lines)


def keep_revision(actor: User, writeup: WriteUp) -> Revision | None:
    """A published write-up keeps each version; a draft's changes are the team's own."""
    if not writeup.is_published:
        return None
    fields = snapshot(writeup)
    # Numbered in SQL: two co-authors saving at once get numbers of their own (the second
    # UPDATE waits for the first's row lock, then counts on from it).
    number = db.session.execute(
        update(WriteUp).where(WriteUp.id == writeup.id)
        .values(revision_count=WriteUp.revision_count + 1).returning(WriteUp.revision_count)
        .execution_options(synchronize_session=False)).scalar_one()
    set_committed_value(writeup, "revision_count", number)
    revision = Revision(writeup_id=writeup.id, number=number, editor_id=actor.id,
                        title=writeup.title, fields=fields)
    db.session.add(revision)
    if number > 1:  # version 1 is the first publishing: nobody but the team follows it yet
        notify_events.writeup_event(writeup.id, "revised", actor_id=actor.id)
    return revision


# --- services -----------------------------------------------------------------------------

def start_writeup(actor: User, *, title: str, summary: str = "", background: str = "",
                  setting: str = "general-practice",
                  alliance: Alliance | None = None, professions: Sequence[Profession] = (),
                  status: str = "idea", start_date: date | None = None,
                  confirmed_finding: str | None = None) -> WriteUp:
    """A new draft, private to its team; the author is its first team member and co-author."""
    if not policy.can_create(actor):
        raise PermissionDenied("Your account cannot start a write-up at the moment.")
    writeup = WriteUp(title=clean_title(title), author_id=actor.id, summary="", summary_html="")
    _apply(writeup, {"summary": summary, "background": background, "setting": setting, "status": status,
                     "alliance": alliance, "professions": professions, "start_date": start_date})
    db.session.add(writeup)
    db.session.flush()
    db.session.add(TeamMember(writeup_id=writeup.id, user_id=actor.id, role="Project lead",
                              is_coauthor=True, position=0))
    notify_events.follow_automatically(actor.id, writeup.id, kind=policy.FOLLOW_KIND)
    touched(actor, writeup, confirmed_finding=confirmed_finding)
    db.session.commit()
    return writeup


EDITABLE = {"title", *REVISED_FIELDS, "setting", "status", "alliance", "professions",
            "start_date"}


def edit_writeup(actor: User, writeup: WriteUp, changes: Mapping[str, Any], *,
                 confirmed_finding: str | None = None) -> bool:
    """Change any of the write-up's own fields (one section of the form sends a few);
    returns whether anything changed. A published write-up keeps a revision."""
    require_edit(actor, writeup)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"Unknown field {sorted(unknown)[0]}")
    before = snapshot(writeup) | {"title": writeup.title}
    try:
        _apply(writeup, changes)
    except InvalidInput:
        db.session.rollback()  # nothing half-changed stays in the session
        raise
    if snapshot(writeup) | {"title": writeup.title} == before:
        db.session.rollback()
        return False
    keep_revision(actor, writeup)
    touched(actor, writeup, confirmed_finding=confirmed_finding)
    db.session.commit()
    return True


def _apply(writeup: WriteUp, changes: Mapping[str, Any]) -> None:
    """Set each field, cleaned; raises InvalidInput naming the field."""
    for name, value in changes.items():
        if name == "title":
            writeup.title = clean_title(value)
        elif name in TEXT_FIELDS:
            source = clean_markdown(value, field=name)
            setattr(writeup, name, source)
            setattr(writeup, f"{name}_html", render(source) if source else "")
        elif name == "replicate_time":
            writeup.replicate_time = clean_line(value, field=name)
        elif name == "setting":
            writeup.setting = _choice(value, SETTING_LABELS, name, "Choose a setting from the list")
        elif name == "status":
            writeup.status = _choice(value, STATUS_LABELS, name, "Choose a status from the list")
        elif name == "alliance":
            writeup.alliance = value
        elif name == "professions":
            writeup.professions = list(dict.fromkeys(value))
        elif name == "start_date":
            if value is not None and not date(2000, 1, 1) <= value <= date(2100, 1, 1):
                raise InvalidInput("Enter a start date between 2000 and 2100", field=name)
            writeup.start_date = value


def publish_writeup(actor: User, writeup: WriteUp) -> WriteUp:
    """Members can now read it. The first time, it gets its discussion thread on the Quality
    improvement board (through the discussions service, which commits it) and version 1."""
    require_edit(actor, writeup)
    if writeup.is_published:
        return writeup
    if not writeup.title or not writeup.summary:
        raise InvalidInput("Add a summary before you publish: it is what people see in the list",
                           field="summary")
    writeup.published_at = utcnow()
    if writeup.revision_count == 0:
        keep_revision(actor, writeup)
        if writeup.replicated_from_id is not None:  # the original's followers hear of it once
            notify_events.writeup_event(writeup.replicated_from_id, "replicated",
                                        actor_id=actor.id, replica_id=writeup.id)
    touched(actor, writeup)
    recount_replicas(writeup)
    db.session.commit()
    if writeup.thread_id is None:
        _open_thread(actor, writeup)
    return writeup


def _open_thread(actor: User, writeup: WriteUp) -> None:
    from flask import url_for

    from forum.discussions import services as discussions

    board = db.session.scalar(select(Board).where(Board.slug == QI_BOARD_SLUG))
    if board is None:
        return  # no Quality improvement board on this site: the write-up stands alone
    try:
        link = url_for("qi.show_writeup", writeup_id=writeup.id)
    except RuntimeError:  # outside a request (the demo's seeding): the path is known
        link = f"/qi/{writeup.id}"
    summary = writeup.summary.split("\n\n")[0]
    body = (f"A QI write-up has been shared: **[{writeup.title}]({link})**.\n\n"
            f"{summary}\n\nAsk the team questions about it here.")
    try:
        thread = discussions.start_thread(actor, board=board, title=writeup.title, body=body,
                                          alliance=writeup.alliance,
                                          professions=writeup.professions)
    except (PermissionDenied, InvalidInput):
        # The board refuses this member (slow mode, a closed board): the write-up is
        # published all the same, and the thread is opened the next time it is published.
        db.session.rollback()
        return
    writeup.thread_id = thread.id
    db.session.commit()


def unpublish_writeup(actor: User, writeup: WriteUp) -> WriteUp:
    """Back to a draft only the team sees; its thread and revisions stay."""
    require_edit(actor, writeup)
    if writeup.is_published:
        writeup.published_at = None
        touched(actor, writeup)
        recount_replicas(writeup)
        db.session.commit()
    return writeup


def make_public(actor: User, writeup: WriteUp, public: bool) -> WriteUp:
    """An organiser opens a write-up to visitors (or closes it to members again)."""
    if not policy.can_make_public(actor):
        raise PermissionDenied("Only organisers can make a write-up public.")
    if writeup.is_public != public:
        writeup.is_public = public
        touched(actor, writeup)
        db.session.commit()
    return writeup

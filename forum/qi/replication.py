"""Replication and "We tried this": starting one's own project from a write-up, and saying
briefly that you tried it.

A replica starts as the member's own draft with the original's aim, driver diagram, measure
definitions and PDSA template (change ideas, plans empty); its data and results start empty,
and `replicated_from_id` links it back for good. The original's `replica_count` counts its
PUBLISHED, unhidden replicas: every service that publishes, unpublishes, hides or restores a
write-up calls `recount_replicas` before it commits.
"""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from forum import outbox
from forum.discussions import counters
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.extensions import db
from forum.forms import clean_text
from forum.markup import problem, render
from forum.members.models import User
from forum.notify import events as notify_events
from forum.qi import policy
from forum.qi.models import DriverNode, Measure, PdsaCycle, Status, TeamMember, TriedIt, WriteUp

NOTE_MAX = 1000
TITLE_MAX = 200
REPLICA_PREFIX = "Replicating: "
PID_ACTION = "qi_patient_data_confirmed"  # as forum.qi.services leaves it


def _team_ids(writeup: WriteUp) -> set[int]:
    return set(db.session.scalars(
        select(TeamMember.user_id).where(TeamMember.writeup_id == writeup.id))) | {writeup.author_id}


def recount_replicas(writeup: WriteUp) -> None:
    """Put right the replica count of the write-up this one was replicated from (if any), in
    one UPDATE counted in SQL: call after publishing, unpublishing, hiding or restoring a
    write-up, before the commit."""
    if writeup.replicated_from_id is None:
        return
    db.session.flush()
    replica = WriteUp.__table__.alias("replica")
    published = (select(func.count()).select_from(replica).where(
        replica.c.replicated_from_id == writeup.replicated_from_id,
        replica.c.published_at.is_not(None), replica.c.hidden_at.is_(None)).scalar_subquery())
    db.session.execute(update(WriteUp).where(WriteUp.id == writeup.replicated_from_id)
                       .values(replica_count=published)
                       .execution_options(synchronize_session=False))
    original = db.session.get(WriteUp, writeup.replicated_from_id)
    if original is not None:
        db.session.expire(original, ["replica_count"])


def _copy_drivers(original: WriteUp, replica: WriteUp) -> dict[int, DriverNode]:
    """The driver diagram, node for node (parents before children)."""
    nodes = list(db.session.scalars(select(DriverNode).where(DriverNode.writeup_id == original.id)
                                    .order_by(DriverNode.depth, DriverNode.position, DriverNode.id)))
    copies: dict[int, DriverNode] = {}
    for node in nodes:
        parent = copies.get(node.parent_id) if node.parent_id is not None else None
        if node.parent_id is not None and parent is None:
            continue  # an orphan (its parent is gone): nothing to hang it on
        copy = DriverNode(writeup_id=replica.id, parent_id=parent.id if parent else None,
                          depth=node.depth, text=node.text, position=node.position)
        db.session.add(copy)
        db.session.flush()  # its id, for its children
        copies[node.id] = copy
    return copies


def _copy_measures(original: WriteUp, replica: WriteUp) -> dict[int, Measure]:
    """Each measure's definition (name, type, definition, unit, direction, target, chart),
    without its data."""
    copies: dict[int, Measure] = {}
    for measure in db.session.scalars(select(Measure).where(Measure.writeup_id == original.id)
                                      .order_by(Measure.position, Measure.id)):
        copy = Measure(writeup_id=replica.id, position=measure.position, is_primary=measure.is_primary,
                       name=measure.name, kind=measure.kind, definition=measure.definition,
                       definition_html=measure.definition_html, unit=measure.unit,
                       better=measure.better, target=measure.target, chart=measure.chart)
        db.session.add(copy)
        copies[measure.id] = copy
    return copies


def _copy_cycles(original: WriteUp, replica: WriteUp, nodes: dict[int, DriverNode],
                 measures: dict[int, Measure]) -> None:
    """The PDSA template: the change ideas to test, in order, with plans left to the new team."""
    db.session.flush()
    for cycle in db.session.scalars(select(PdsaCycle).where(PdsaCycle.writeup_id == original.id)
                                    .order_by(PdsaCycle.position, PdsaCycle.id)):
        node = nodes.get(cycle.change_node_id) if cycle.change_node_id else None
        measure = measures.get(cycle.measure_id) if cycle.measure_id else None
        db.session.add(PdsaCycle(writeup_id=replica.id, position=cycle.position,
                                 change_idea=cycle.change_idea,
                                 change_node_id=node.id if node else None,
                                 measure_id=measure.id if measure else None))


def replicate_writeup(actor: User, original: WriteUp) -> WriteUp:
    """The member's own draft, started from `original` and linked back to it for good."""
    if not policy.can_read(actor, original, _team_ids(original)):
        raise NotFound("No such write-up.")
    if not policy.can_replicate(actor, original):
        raise PermissionDenied("Only members can replicate a published project.")
    title = (REPLICA_PREFIX + original.title)[:TITLE_MAX]
    replica = WriteUp(
        title=title, author_id=actor.id, aim=original.aim, aim_html=original.aim_html,
        setting=original.setting, status=Status.PLANNING,
        alliance_id=actor.alliance_id, replicated_from_id=original.id,
        professions=list(original.professions))
    db.session.add(replica)
    db.session.flush()
    db.session.add(TeamMember(writeup_id=replica.id, user_id=actor.id, role="Project lead",
                              is_coauthor=True, position=0))
    notify_events.follow_automatically(actor.id, replica.id, kind=policy.FOLLOW_KIND)
    nodes = _copy_drivers(original, replica)
    measures = _copy_measures(original, replica)
    _copy_cycles(original, replica, nodes, measures)
    outbox.enqueue("search", {"kind": "qi", "id": replica.id})  # a draft: nothing to show yet
    db.session.commit()
    return replica


# --- "We tried this" ----------------------------------------------------------------------

def can_mark_tried(actor: object, writeup: WriteUp, team_ids: set[int]) -> bool:
    """Members who read a published write-up and are not on its team."""
    return (policy.can_replicate(actor, writeup)
            and not policy.on_team(actor, writeup, team_ids))


def _note(text: str | None) -> tuple[str, str]:
    note = str(clean_text(text or "")).strip()
    if len(note) > NOTE_MAX:
        raise InvalidInput(f"Your note must be {NOTE_MAX:,} characters or fewer", field="note")
    if note and (message := problem(note)):
        raise InvalidInput(message, field="note")
    return note, render(note) if note else ""


def _audit_finding(actor: User, writeup: WriteUp, finding: str | None) -> None:
    if finding:
        from forum.moderation.services.common import audit

        audit(actor, PID_ACTION, "qi_writeup", writeup.id,
              reason=f"The guard found {finding} in a “We tried this” note.")


def mark_tried(actor: User, writeup: WriteUp, *, note: str = "",
               confirmed_finding: str | None = None) -> TriedIt:
    """Once per member; the write-up's `tried_count` goes up by one in SQL."""
    if not can_mark_tried(actor, writeup, _team_ids(writeup)):
        raise PermissionDenied("You cannot mark this project as tried.")
    source, html = _note(note)
    tried = TriedIt(writeup_id=writeup.id, user_id=actor.id, note=source, note_html=html)
    db.session.add(tried)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise InvalidInput("You have already said you tried this: change your note instead.",
                           field="note") from None
    _bump_tried(writeup, 1)
    notify_events.writeup_event(writeup.id, "tried", actor_id=actor.id)
    _audit_finding(actor, writeup, confirmed_finding)
    db.session.commit()
    return tried


def _own(actor: User, tried: TriedIt) -> None:
    if tried.user_id != actor.id:
        raise PermissionDenied("You can only change your own note.")


def edit_tried(actor: User, tried: TriedIt, *, note: str = "",
               confirmed_finding: str | None = None) -> TriedIt:
    _own(actor, tried)
    tried.note, tried.note_html = _note(note)
    writeup = db.session.get(WriteUp, tried.writeup_id)
    if writeup is not None:
        _audit_finding(actor, writeup, confirmed_finding)
    db.session.commit()
    return tried


def remove_tried(actor: User, tried: TriedIt) -> None:
    _own(actor, tried)
    writeup = db.session.get(WriteUp, tried.writeup_id)
    db.session.delete(tried)
    if writeup is not None:
        db.session.flush()
        _bump_tried(writeup, -1)
    db.session.commit()


def _bump_tried(writeup: WriteUp, delta: int) -> None:
    counters.bump(writeup, tried_count=delta)  # n = n + delta in SQL, never below 0

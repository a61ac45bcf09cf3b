"""Organisers' services: reference data added, edited, reordered, retired and brought back;
roles changed with the last-admin rule; every change audited in the moderation audit log."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from forum.admin import services
from forum.admin.kinds import KINDS
from forum.community.models import Alliance, Board, Profession
from forum.discussions.services import start_thread
from forum.errors import InvalidInput, PermissionDenied
from forum.members.models import Role, Status
from forum.moderation.models import AuditEntry
from forum.notify.models import OutboxMessage
from tests import factories as f


def audit(db) -> list[tuple[str, str, int | None]]:
    return [(e.action, e.target_type, e.target_id)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def order(db, model) -> list[str]:
    return list(db.session.scalars(select(model.slug).order_by(model.position, model.name)))


@pytest.fixture
def admin(db):
    return f.admin(display_name="Ruth Organiser")


# --- adding and editing -------------------------------------------------------------------

def test_adding_a_board_places_it_last_with_a_slug_and_audits_it(db, admin):
    board = services.add_reference(admin, KINDS["boards"], name="  Palliative   care ",
                                   description="End of life care at home.", members_only=False)
    assert (board.slug, board.name, board.members_only) == ("palliative-care", "Palliative care", False)
    assert order(db, Board)[-1] == "palliative-care"
    assert audit(db) == [("add_board", "board", board.id)]
    entry = db.session.scalar(select(AuditEntry))
    assert entry.actor_id == admin.id and "public" in entry.after


@pytest.mark.parametrize("kind, extra", [("alliances", {"description": "Kent and Medway"}),
                                         ("professions", {"group": "Nursing"})])
def test_adding_an_alliance_or_profession(db, admin, kind, extra):
    row = services.add_reference(admin, KINDS[kind], name="Kent and Medway nurse", **extra)
    assert row.slug == "kent-and-medway-nurse"
    assert audit(db) == [(f"add_{KINDS[kind].noun}", KINDS[kind].noun, row.id)]


def test_a_name_in_use_is_refused_beside_the_name_whatever_its_case(db, admin):
    with pytest.raises(InvalidInput) as error:
        services.add_reference(admin, KINDS["boards"], name="clinical LEADERSHIP")
    assert error.value.field == "name" and "already a board called" in error.value.message
    assert audit(db) == []


def test_a_name_without_letters_or_numbers_is_refused(db, admin):
    with pytest.raises(InvalidInput) as error:
        services.add_reference(admin, KINDS["professions"], name="–––")
    assert error.value.field == "name"


def test_a_slug_taken_by_another_name_gets_a_number(db, admin):
    first = services.add_reference(admin, KINDS["professions"], name="Nurse (adult)")
    second = services.add_reference(admin, KINDS["professions"], name="Nurse adult")
    assert (first.slug, second.slug) == ("nurse-adult", "nurse-adult-2")


def test_renaming_keeps_the_slug_and_audits_before_and_after(db, admin):
    board = f.board("shadowing")
    services.edit_reference(admin, board, name="Shadowing and visits",
                            description=board.description, members_only=True)
    assert (board.slug, board.name) == ("shadowing", "Shadowing and visits")
    entry = db.session.scalar(select(AuditEntry))
    assert entry.action == "edit_board"
    assert "Name: Shadowing;" in entry.before and "Name: Shadowing and visits;" in entry.after


def test_an_edit_that_changes_nothing_writes_no_audit_entry(db, admin):
    alliance = f.alliance()
    services.edit_reference(admin, alliance, name=alliance.name, description=alliance.description)
    assert audit(db) == []


def test_making_a_board_public_is_audited_and_reindexes_its_threads(db, admin):
    board = f.board("clinical-leadership")
    thread = f.thread(f.member(), board=board)
    db.session.query(OutboxMessage).delete()
    db.session.commit()
    services.edit_reference(admin, board, name=board.name, description=board.description,
                            members_only=False)
    assert board.members_only is False
    actions = [a for a, _, _ in audit(db)]
    assert actions == ["set_board_audience", "edit_board"]
    payloads = [m.payload for m in db.session.scalars(select(OutboxMessage))]
    assert {"kind": "thread", "id": thread.id} in payloads


# --- reordering ---------------------------------------------------------------------------

def test_move_up_and_down_swap_neighbours_and_renumber(db, admin):
    before = order(db, Profession)
    services.move_reference(admin, f.profession(before[2]), direction="up")
    after = order(db, Profession)
    assert after[:3] == [before[0], before[2], before[1]] and after[3:] == before[3:]
    services.move_reference(admin, f.profession(before[2]), direction="down")
    assert order(db, Profession) == before
    positions = list(db.session.scalars(select(Profession.position).order_by(Profession.position)))
    assert positions == list(range(1, len(before) + 1))
    assert [a for a, _, _ in audit(db)] == ["move_profession", "move_profession"]


def test_rows_sharing_a_position_still_move(db, admin):
    for alliance in db.session.scalars(select(Alliance)):
        alliance.position = 0
    db.session.commit()
    before = order(db, Alliance)
    services.move_reference(admin, f.alliance(before[-1]), direction="up")
    assert order(db, Alliance)[-2] == before[-1]


@pytest.mark.parametrize("which, direction", [(0, "up"), (-1, "down")])
def test_the_first_cannot_move_up_nor_the_last_down(db, admin, which, direction):
    board = f.board(order(db, Board)[which])
    with pytest.raises(InvalidInput, match="already"):
        services.move_reference(admin, board, direction=direction)
    assert audit(db) == []


# --- retiring -----------------------------------------------------------------------------

def test_a_retired_board_takes_no_new_threads_but_keeps_its_own(db, admin):
    board = f.board("shadowing")
    thread = f.thread(f.member(), board=board)
    services.retire_reference(admin, board, reason="Merged into Clinical leadership")
    assert board.is_retired
    assert thread.board_id == board.id
    with pytest.raises(PermissionDenied):
        start_thread(f.member(), board=board, title="A new one", body="Hello")
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.reason) == ("retire_board", "Merged into Clinical leadership")


def test_bringing_back_undoes_retiring(db, admin):
    profession = f.profession("podiatrist")
    services.retire_reference(admin, profession)
    services.restore_reference(admin, profession)
    assert not profession.is_retired
    assert [a for a, _, _ in audit(db)] == ["retire_profession", "restore_profession"]
    with pytest.raises(InvalidInput, match="already in use"):
        services.restore_reference(admin, profession)


def test_pan_london_cannot_be_retired(db, admin):
    with pytest.raises(InvalidInput, match="Pan-London"):
        services.retire_reference(admin, f.alliance("pan-london-national"))


def test_the_last_board_in_use_cannot_be_retired(db, admin):
    boards = db.session.scalars(select(Board)).all()
    for board in boards[1:]:
        services.retire_reference(admin, board)
    with pytest.raises(InvalidInput, match="last board"):
        services.retire_reference(admin, boards[0])


# --- who may ------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["member", "moderator", "suspended admin"])
def test_only_active_organisers_may_change_anything(db, who):
    actor = {"member": f.member, "moderator": f.moderator,
             "suspended admin": lambda: f.admin(status=Status.SUSPENDED)}[who]()
    board = f.board()
    calls = [
        lambda: services.add_reference(actor, KINDS["boards"], name="New board"),
        lambda: services.edit_reference(actor, board, name="Renamed"),
        lambda: services.move_reference(actor, board, direction="down"),
        lambda: services.retire_reference(actor, board),
        lambda: services.restore_reference(actor, board),
        lambda: services.change_role(actor, f.member(), role=Role.MODERATOR),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert audit(db) == []


# --- roles --------------------------------------------------------------------------------

def test_an_organiser_makes_a_member_a_moderator(db, admin):
    member = f.member()
    services.change_role(admin, member, role=Role.MODERATOR, reason="Volunteered")
    assert member.role == Role.MODERATOR
    entry = db.session.scalar(select(AuditEntry))
    assert (entry.action, entry.target_id, entry.before, entry.after, entry.reason) == (
        "change_role", member.id, "member", "moderator", "Volunteered")


def test_the_only_active_admin_cannot_step_down(db, admin):
    with pytest.raises(InvalidInput, match="only active organiser") as error:
        services.change_role(admin, admin, role=Role.MEMBER)
    assert error.value.field == "role"
    assert admin.role == Role.ADMIN and audit(db) == []


def test_a_suspended_admin_does_not_count_as_another_organiser(db, admin):
    f.admin(status=Status.SUSPENDED)
    with pytest.raises(InvalidInput, match="only active organiser"):
        services.change_role(admin, admin, role=Role.MODERATOR)


def test_with_another_admin_an_organiser_may_step_down_or_demote_them(db, admin):
    other = f.admin(display_name="Second Organiser")
    services.change_role(admin, other, role=Role.MODERATOR)
    assert other.role == Role.MODERATOR
    with pytest.raises(InvalidInput, match="only active organiser"):
        services.change_role(admin, admin, role=Role.MEMBER)
    services.change_role(admin, other, role=Role.ADMIN)
    services.change_role(admin, admin, role=Role.MEMBER)
    assert admin.role == Role.MEMBER
    assert [a for a, _, _ in audit(db)] == ["change_role"] * 3


def test_the_same_role_again_changes_nothing(db, admin):
    member = f.member()
    services.change_role(admin, member, role=Role.MEMBER)
    assert audit(db) == []


@pytest.mark.skipif(not os.environ.get("FORUM_TEST_DATABASE_URL"),
                    reason="concurrent writers: PostgreSQL (SQLite has one writer at a time)")
def test_two_admins_demoting_each_other_at_once_leave_one(app, db):
    """Each request locks the active admins' rows in the same order, so the second waits for
    the first and then sees it is the last organiser (no deadlock, never zero admins)."""
    import threading

    from sqlalchemy import func

    from forum.extensions import db as _db
    from forum.members.models import User

    for _ in range(5):
        a, b = f.admin(), f.admin()
        ids = (a.id, b.id)
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def demote(actor_id: int, member_id: int, barrier=barrier, outcomes=outcomes) -> None:
            with app.app_context():
                actor, member = _db.session.get(User, actor_id), _db.session.get(User, member_id)
                barrier.wait()
                try:
                    services.change_role(actor, member, role=Role.MEMBER)
                    outcomes.append("changed")
                except (InvalidInput, PermissionDenied) as error:
                    outcomes.append(type(error).__name__)
                finally:
                    _db.session.remove()

        threads = [threading.Thread(target=demote, args=pair) for pair in (ids, ids[::-1])]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert sorted(outcomes) == ["InvalidInput", "changed"], outcomes
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(User).where(
            User.id.in_(ids), User.role == Role.ADMIN)) == 1
        db.session.execute(User.__table__.update().where(User.id.in_(ids))
                           .values(role=Role.MEMBER.value))
        db.session.commit()

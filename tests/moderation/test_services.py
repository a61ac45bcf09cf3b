"""Moderation services: each action for the right role, refused for others, audited, and
leaving the search outbox rows and notifications it should."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from forum.db import utcnow
from forum.discussions import services as discussions
from forum.discussions.models import Post, Thread
from forum.errors import InvalidInput, PermissionDenied
from forum.members.models import Status, User
from forum.moderation import policy, services
from forum.moderation.guard import HOLD_EDIT, HOLD_NEW
from forum.moderation.models import AuditEntry, Report, StaffNote
from forum.notify.models import Notification, OutboxMessage
from tests import factories as f


def audit_rows(db, action: str | None = None) -> list[AuditEntry]:
    stmt = select(AuditEntry).order_by(AuditEntry.id)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return list(db.session.scalars(stmt))


def search_rows(db) -> list[dict]:
    return [m.payload for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "search").order_by(OutboxMessage.id))]


def emails_to(db, user: User) -> list[dict]:
    return [m.payload for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.topic == "email")) if m.payload["to"] == user.email]


def notifications(db, user: User) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def clear_outbox(db) -> None:
    db.session.execute(OutboxMessage.__table__.delete())
    db.session.commit()


@pytest.fixture
def people(db):
    return {
        "author": f.member(display_name="Author"),
        "member": f.member(display_name="Other member"),
        "moderator": f.moderator(display_name="Mo Derator"),
        "admin": f.admin(display_name="Ad Min"),
    }


@pytest.fixture
def thread(people):
    return f.thread(people["author"], title="Fatigue after chemotherapy")


# --- threads ------------------------------------------------------------------------------

def test_moderator_pins_and_unpins_with_audit(db, people, thread):
    services.pin_thread(people["moderator"], thread)
    assert thread.pinned
    services.unpin_thread(people["moderator"], thread)
    assert not thread.pinned
    assert [e.action for e in audit_rows(db)] == ["pin_thread", "unpin_thread"]
    assert audit_rows(db)[0].actor_id == people["moderator"].id
    assert audit_rows(db)[0].target_id == thread.id


@pytest.mark.parametrize("call", [
    lambda actor, t: services.pin_thread(actor, t),
    lambda actor, t: services.lock_thread(actor, t, reason="heated"),
    lambda actor, t: services.set_slow_mode(actor, t, minutes=5),
    lambda actor, t: services.edit_title(actor, t, title="New"),
    lambda actor, t: services.hide_thread(actor, t, reason="spam"),
    lambda actor, t: services.move_thread(actor, t, board=f.board("shadowing"), alliance=None),
])
@pytest.mark.parametrize("who", ["author", "member"])
def test_members_cannot_moderate_threads(db, people, thread, call, who):
    with pytest.raises(PermissionDenied):
        call(people[who], thread)
    assert audit_rows(db) == []


def test_suspended_moderator_cannot_moderate(db, people, thread):
    mod = people["moderator"]
    mod.status = Status.SUSPENDED
    db.session.commit()
    with pytest.raises(PermissionDenied):
        services.pin_thread(mod, thread)


def test_lock_needs_a_reason_and_stops_member_replies(db, people, thread):
    with pytest.raises(InvalidInput) as error:
        services.lock_thread(people["moderator"], thread, reason="  ")
    assert error.value.field == "reason"
    services.lock_thread(people["moderator"], thread, reason="Gone off topic")
    assert thread.locked and thread.lock_reason == "Gone off topic"
    with pytest.raises(PermissionDenied) as refused:
        f.reply(people["member"], thread)
    assert "Gone off topic" in refused.value.message
    f.reply(people["moderator"], thread, body="Locking this one.")  # moderators still can
    services.unlock_thread(people["moderator"], thread)
    f.reply(people["member"], thread)
    entry = audit_rows(db, "unlock_thread")[0]
    assert entry.before == "Gone off topic"


def test_slow_mode_allows_one_post_per_member_per_interval(db, people, thread):
    services.set_slow_mode(people["moderator"], thread, minutes=10, reason="Heated")
    member = people["member"]
    f.reply(member, thread)
    assert 590 <= policy.slow_mode_wait(member, thread) <= 600
    with pytest.raises(InvalidInput) as error:
        f.reply(member, thread)
    assert "slow mode" in error.value.message and "10 minutes" in error.value.message
    f.reply(people["moderator"], thread)
    f.reply(people["moderator"], thread)  # moderators are not slowed
    entry = audit_rows(db, "set_slow_mode")[0]
    assert (entry.before, entry.after, entry.reason) == ("0", "10", "Heated")


def test_slow_mode_lets_a_member_post_again_after_the_interval(db, people, thread):
    services.set_slow_mode(people["moderator"], thread, minutes=10)
    post = f.reply(people["member"], thread)
    post.created_at = utcnow() - timedelta(minutes=11)
    db.session.commit()
    assert policy.slow_mode_wait(people["member"], thread) == 0
    f.reply(people["member"], thread)


@pytest.mark.parametrize("minutes", [-1, 24 * 60 + 1])
def test_slow_mode_minutes_must_be_in_range(db, people, thread, minutes):
    with pytest.raises(InvalidInput):
        services.set_slow_mode(people["moderator"], thread, minutes=minutes)


def test_edit_title_keeps_before_and_after_and_reindexes(db, people, thread):
    clear_outbox(db)
    services.edit_title(people["moderator"], thread, title="Fatigue: what helps?", reason="Clearer")
    entry = audit_rows(db, "edit_title")[0]
    assert (entry.before, entry.after) == ("Fatigue after chemotherapy", "Fatigue: what helps?")
    assert {"kind": "thread", "id": thread.id} in search_rows(db)


def test_move_thread_moves_counters_and_records_placement(db, people, thread):
    f.reply(people["member"], thread)
    old, new = thread.board, f.board("shadowing")
    assert (old.thread_count, old.post_count) == (1, 2)
    clear_outbox(db)
    services.move_thread(people["moderator"], thread, board=new, alliance=f.alliance(),
                         professions=[f.profession("gp")], reason="Better fit")
    assert thread.board_id == new.id
    assert (old.thread_count, old.post_count, new.thread_count, new.post_count) == (0, 0, 1, 2)
    assert old.last_thread_id is None and new.last_thread_id == thread.id
    entry = audit_rows(db, "move_thread")[0]
    assert "Clinical leadership" in entry.before and "Shadowing" in entry.after
    assert "GP" in entry.after
    assert {"kind": "thread", "id": thread.id} in search_rows(db)


def test_hide_thread_tells_the_author_and_reindexes(db, people, thread):
    clear_outbox(db)
    services.hide_thread(people["moderator"], thread, reason="Duplicate discussion")
    assert thread.hidden_at is not None and thread.hidden_reason == "Duplicate discussion"
    assert {"kind": "thread", "id": thread.id} in search_rows(db)
    assert "Duplicate discussion" in notifications(db, people["author"])[0].text
    assert "Duplicate discussion" in emails_to(db, people["author"])[0]["text"]
    clear_outbox(db)
    services.unhide_thread(people["moderator"], thread)
    assert thread.hidden_at is None
    assert {"kind": "thread", "id": thread.id} in search_rows(db)
    assert [e.action for e in audit_rows(db)] == ["hide_thread", "unhide_thread"]


# --- posts --------------------------------------------------------------------------------

def test_hide_post_needs_a_reason_tells_author_and_writes_outbox(db, people, thread):
    post = f.reply(people["member"], thread)
    clear_outbox(db)
    with pytest.raises(InvalidInput):
        services.hide_post(people["moderator"], post, reason="")
    services.hide_post(people["moderator"], post, reason="Identifies a patient")
    assert post.hidden_by_id == people["moderator"].id
    assert search_rows(db) == [{"kind": "post", "id": post.id}]
    note = notifications(db, people["member"])[0]
    assert "Identifies a patient" in note.text and note.link == f"/threads/{thread.id}/posts/{post.id}"
    assert emails_to(db, people["member"])[0]["subject"].startswith("A moderator hid your post")
    clear_outbox(db)
    services.unhide_post(people["moderator"], post)
    assert post.hidden_at is None
    assert search_rows(db) == [{"kind": "post", "id": post.id}]
    assert [e.action for e in audit_rows(db)] == ["hide_post", "unhide_post"]


def test_member_cannot_hide_a_post(db, people, thread):
    post = f.reply(people["member"], thread)
    with pytest.raises(PermissionDenied):
        services.hide_post(people["author"], post, reason="I disagree")
    assert post.hidden_at is None


def test_merge_keeps_order_and_reply_tree(db, people, thread):
    a = f.reply(people["member"], thread, body="first in target")
    other = f.thread(people["member"], title="Fatigue, again")
    source_opening = db.session.scalar(select(Post).where(Post.thread_id == other.id))
    b = f.reply(people["author"], other, body="reply in source")
    c = f.reply(people["member"], other, reply_to=b, body="nested reply in source")
    services.merge_thread(people["moderator"], other, thread, reason="Same question")
    posts = list(db.session.scalars(select(Post).where(Post.thread_id == thread.id)
                                    .order_by(Post.created_at, Post.id)))
    assert [p.id for p in posts][1:] == [a.id, source_opening.id, b.id, c.id]
    assert db.session.get(Post, c.id).reply_to_id == b.id
    assert [p.is_opening for p in posts].count(True) == 1
    other = db.session.get(Thread, other.id)
    assert other.merged_into_id == thread.id
    assert db.session.get(Thread, thread.id).reply_count == 4
    assert {e.action for e in audit_rows(db)} == {"merge_thread", "merge_into_thread"}
    with pytest.raises(InvalidInput):
        services.merge_thread(people["moderator"], thread, thread)


def test_split_moves_chosen_replies_into_a_new_thread(db, people, thread):
    keep = f.reply(people["member"], thread, body="stays")
    a = f.reply(people["author"], thread, body="moves first")
    b = f.reply(people["member"], thread, reply_to=a, body="moves, answering a")
    c = f.reply(people["author"], thread, reply_to=keep, body="moves, answering what stays")
    left = f.reply(people["member"], thread, reply_to=a, body="stays, answering a moved post")
    new = services.split_thread(people["moderator"], thread, [c, a, b], title="Exercise and fatigue")
    moved = list(db.session.scalars(select(Post).where(Post.thread_id == new.id)
                                    .order_by(Post.created_at, Post.id)))
    assert [p.id for p in moved] == [a.id, b.id, c.id]
    assert moved[0].is_opening and moved[0].reply_to_id is None
    assert moved[1].reply_to_id == a.id  # kept: both moved
    assert moved[2].reply_to_id is None  # its parent stayed behind
    assert db.session.get(Post, left.id).reply_to_id is None
    assert new.author_id == people["author"].id and new.reply_count == 2
    assert db.session.get(Thread, thread.id).reply_count == 2
    assert {e.action for e in audit_rows(db)} == {"split_thread", "split_into_thread"}


def test_split_refuses_the_opening_post(db, people, thread):
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    with pytest.raises(InvalidInput):
        services.split_thread(people["moderator"], thread, [opening], title="No")


def test_only_admins_delete_permanently(db, people, thread):
    post = f.reply(people["member"], thread)
    with pytest.raises(PermissionDenied):
        services.delete_post_permanently(people["moderator"], post, reason="PID")
    with pytest.raises(PermissionDenied):
        services.delete_thread_permanently(people["moderator"], thread, reason="PID")
    assert db.session.get(Post, post.id) is not None


def test_admin_deletes_a_post_and_its_text_stays_out_of_the_audit_log(db, people, thread):
    post = f.reply(people["member"], thread, body="Mrs Smith NHS 943 476 5919")
    post_id, member_id = post.id, people["member"].id
    clear_outbox(db)
    services.delete_post_permanently(people["admin"], post, reason="Patient data")
    assert db.session.get(Post, post_id) is None
    assert db.session.get(Thread, thread.id).reply_count == 0
    assert db.session.get(User, member_id).post_count == 0
    entry = audit_rows(db, "delete_post")[0]
    assert entry.reason == "Patient data" and "943" not in (entry.before or "")
    assert {"kind": "post", "id": post_id} in search_rows(db)


def test_admin_deletes_a_thread_with_its_posts(db, people, thread):
    reply = f.reply(people["member"], thread)
    board = thread.board
    thread_id, reply_id = thread.id, reply.id
    services.delete_thread_permanently(people["admin"], thread, reason="Spam")
    assert db.session.get(Thread, thread_id) is None
    assert db.session.get(Post, reply_id) is None
    assert (board.thread_count, board.post_count) == (0, 0)
    assert {"kind": "post", "id": reply_id} in search_rows(db)
    assert audit_rows(db, "delete_thread")[0].before == "Fatigue after chemotherapy"


def test_audit_entries_cannot_be_changed_or_deleted(db, people, thread):
    services.pin_thread(people["moderator"], thread)
    entry = audit_rows(db)[0]
    entry.reason = "rewritten"
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    db.session.delete(audit_rows(db)[0])
    with pytest.raises(RuntimeError):
        db.session.commit()
    db.session.rollback()
    assert audit_rows(db)[0].reason == ""


# --- reports ------------------------------------------------------------------------------

def test_member_reports_a_post(db, people, thread):
    post = f.reply(people["author"], thread)
    report = services.report_post(people["member"], post, reason="unsafe", detail="Wrong dose")
    assert (report.status, report.reason, report.detail) == ("open", "unsafe", "Wrong dose")
    assert post.open_report_count == 1 and post.hidden_at is None


def test_cannot_report_own_post_or_twice(db, people, thread):
    post = f.reply(people["author"], thread)
    with pytest.raises(PermissionDenied):
        services.report_post(people["author"], post, reason="spam")
    services.report_post(people["member"], post, reason="spam")
    with pytest.raises(InvalidInput):
        services.report_post(people["member"], post, reason="spam")


def test_other_needs_a_description_and_reason_must_be_known(db, people, thread):
    post = f.reply(people["author"], thread)
    with pytest.raises(InvalidInput) as error:
        services.report_post(people["member"], post, reason="other", detail="")
    assert error.value.field == "detail"
    with pytest.raises(InvalidInput):
        services.report_post(people["member"], post, reason="because")


def test_three_reports_from_different_members_hide_the_post(db, people, thread):
    post = f.reply(people["author"], thread)
    reporters = [f.member() for _ in range(3)]
    services.report_post(reporters[0], post, reason="abusive")
    services.report_post(reporters[1], post, reason="abusive")
    assert post.hidden_at is None
    clear_outbox(db)
    services.report_post(reporters[2], post, reason="spam")
    assert post.hidden_at is not None and post.hidden_by_id is None
    assert post.hidden_reason == services.AUTO_HIDE_REASON
    assert search_rows(db) == [{"kind": "post", "id": post.id}]
    entry = audit_rows(db, "auto_hide_post")[0]
    assert entry.actor_id is None and entry.target_id == post.id


def test_dismissing_reports_restores_an_auto_hidden_post_and_tells_reporters(db, people, thread):
    post = f.reply(people["author"], thread)
    reporters = [f.member() for _ in range(3)]
    for r in reporters:
        services.report_post(r, post, reason="spam")
    clear_outbox(db)
    services.resolve_reports(people["moderator"], post, outcome="dismiss")
    assert post.hidden_at is None and post.open_report_count == 0
    statuses = set(db.session.scalars(select(Report.status)))
    assert statuses == {"dismissed"}
    for r in reporters:
        assert "can stay" in notifications(db, r)[0].text
        assert "can stay" in emails_to(db, r)[0]["text"]
    assert {"kind": "post", "id": post.id} in search_rows(db)


def test_hide_and_warn_from_the_queue(db, people, thread):
    post = f.reply(people["author"], thread)
    services.report_post(people["member"], post, reason="abusive", detail="Rude")
    services.resolve_reports(people["moderator"], post, outcome="hide_and_warn", note="Be kind")
    assert post.hidden_by_id == people["moderator"].id and post.hidden_reason == "Be kind"
    assert {e.action for e in audit_rows(db)} == {"hide_post", "warn_member", "resolve_reports"}
    kinds = {n.kind for n in notifications(db, people["author"])}
    assert kinds == {"post_hidden", "warning"}
    assert "warned its author" in notifications(db, people["member"])[0].text


def test_hide_and_warn_is_refused_when_the_author_cannot_be_warned(db, people, thread):
    other_moderator = f.moderator(display_name="Second moderator")
    post = f.reply(other_moderator, thread)
    services.report_post(people["member"], post, reason="abusive", detail="Rude")
    with pytest.raises(InvalidInput, match="cannot warn"):
        services.resolve_reports(people["moderator"], post, outcome="hide_and_warn")
    db.session.rollback()
    assert post.hidden_at is None and post.open_report_count == 1
    assert audit_rows(db, "resolve_reports") == []
    assert notifications(db, people["member"]) == []  # not told of a warning that never happened


def test_lock_from_the_queue(db, people, thread):
    post = f.reply(people["author"], thread)
    services.report_post(people["member"], post, reason="unsafe")
    services.resolve_reports(people["moderator"], post, outcome="lock", note="Cooling off")
    assert thread.locked and thread.lock_reason == "Cooling off"
    assert set(db.session.scalars(select(Report.status))) == {"resolved"}


def test_members_cannot_resolve_reports(db, people, thread):
    post = f.reply(people["author"], thread)
    services.report_post(people["member"], post, reason="spam")
    with pytest.raises(PermissionDenied):
        services.resolve_reports(people["member"], post, outcome="dismiss")


# --- pre-moderation -----------------------------------------------------------------------

@pytest.fixture
def premoderate(app):
    app.config["PREMODERATE_FIRST_POSTS"] = 2
    yield
    app.config["PREMODERATE_FIRST_POSTS"] = 0


def test_first_posts_wait_and_approval_counts_them(db, people, thread, premoderate):
    newcomer = f.member()
    first = f.reply(newcomer, thread, body="Hello from a new member")
    assert first.pending
    assert thread.reply_count == 0
    services.approve_post(people["moderator"], first)
    assert not first.pending and thread.reply_count == 1
    assert newcomer.approved_post_count == 1
    second = f.reply(newcomer, thread)
    services.approve_post(people["moderator"], second)
    third = f.reply(newcomer, thread)
    assert not third.pending
    assert audit_rows(db, "approve_post")[0].reason == discussions.PENDING_REASON


def test_approving_an_opening_post_publishes_the_thread(db, people, premoderate):
    newcomer = f.member()
    thread = f.thread(newcomer)
    assert thread.pending
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    clear_outbox(db)
    services.approve_post(people["moderator"], opening)
    assert not thread.pending and thread.board.thread_count == 1
    assert {"kind": "thread", "id": thread.id} in search_rows(db)


def test_rejecting_a_waiting_post_keeps_it_unpublished(db, people, thread, premoderate):
    newcomer = f.member()
    post = f.reply(newcomer, thread)
    services.reject_post(people["moderator"], post, reason="Please do not advertise")
    assert post.pending and post.hidden_at is not None
    assert "Please do not advertise" in emails_to(db, newcomer)[0]["text"]
    with pytest.raises(PermissionDenied):
        services.approve_post(people["member"], post)


def test_a_held_edit_is_not_counted_twice_on_approval(db, people, thread):
    post = f.reply(people["member"], thread)
    discussions.edit_post(people["member"], post, body="NHS 943 476 5919", hold=HOLD_EDIT)
    assert post.pending and post.pending_reason == HOLD_EDIT
    services.approve_post(people["moderator"], post)
    assert thread.reply_count == 1 and people["member"].post_count == 1


def test_a_held_new_post_waits_with_the_patient_data_reason(db, people, thread):
    post = discussions.reply_to_thread(people["member"], thread, body="DOB 03/04/1950",
                                       hold=HOLD_NEW)
    assert post.pending and post.pending_reason == "possible patient data"


# --- members ------------------------------------------------------------------------------

def test_warn_member_notifies_and_audits(db, people):
    services.warn_member(people["moderator"], people["member"], reason="Tone")
    assert audit_rows(db, "warn_member")[0].reason == "Tone"
    assert "Tone" in emails_to(db, people["member"])[0]["text"]


def test_suspend_and_lift(db, people, thread):
    member = people["member"]
    until = utcnow() + timedelta(days=7)
    services.suspend_member(people["moderator"], member, until=until, reason="Repeated abuse")
    assert member.status == Status.SUSPENDED and member.suspended_until == until
    assert "Repeated abuse" in emails_to(db, member)[0]["text"]
    with pytest.raises(PermissionDenied):
        f.reply(member, thread)
    services.lift_suspension(people["moderator"], member)
    assert member.status == Status.ACTIVE and member.suspended_until is None
    f.reply(member, thread)
    assert [e.action for e in audit_rows(db)] == ["suspend_member", "lift_suspension"]


def test_suspension_must_end_in_the_future(db, people):
    with pytest.raises(InvalidInput) as error:
        services.suspend_member(people["moderator"], people["member"],
                                until=utcnow() - timedelta(days=1), reason="x")
    assert error.value.field == "until"


def test_moderators_cannot_act_on_moderators_or_admins_but_admins_can(db, people):
    other_mod = f.moderator()
    until = utcnow() + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.suspend_member(people["moderator"], other_mod, until=until, reason="x")
    with pytest.raises(PermissionDenied):
        services.warn_member(people["moderator"], people["admin"], reason="x")
    with pytest.raises(PermissionDenied):
        services.warn_member(people["moderator"], people["moderator"], reason="x")
    services.suspend_member(people["admin"], other_mod, until=until, reason="x")
    assert other_mod.status == Status.SUSPENDED


def test_expired_suspension_ends_by_itself(db, people):
    member = people["member"]
    services.suspend_member(people["moderator"], member, until=utcnow() + timedelta(days=1),
                            reason="x")
    assert not services.end_expired_suspension(member)
    member.suspended_until = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert services.end_expired_suspension(member)
    assert member.status == Status.ACTIVE
    assert audit_rows(db, "suspension_ended")[0].actor_id is None


def test_staff_notes_are_for_moderators(db, people):
    note = services.add_staff_note(people["moderator"], people["member"], body="Spoke by phone")
    assert db.session.get(StaffNote, note.id).body == "Spoke by phone"
    with pytest.raises(PermissionDenied):
        services.add_staff_note(people["member"], people["author"], body="x")
    assert "Spoke" not in (audit_rows(db, "add_staff_note")[0].after or "")


def test_merging_a_merged_thread_onwards_keeps_one_redirect(db, people, thread):
    first = f.thread(people["member"], title="First copy")
    second = f.thread(people["member"], title="Second copy")
    services.merge_thread(people["moderator"], first, second)
    services.merge_thread(people["moderator"], second, thread)
    assert db.session.get(Thread, first.id).merged_into_id == thread.id
    assert db.session.get(Thread, second.id).merged_into_id == thread.id
    assert db.session.scalar(select(func.count()).select_from(Post)
                             .where(Post.thread_id == thread.id)) == 3
    services.delete_thread_permanently(people["admin"], db.session.get(Thread, thread.id),
                                       reason="Spam")
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0

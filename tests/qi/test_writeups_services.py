"""QI write-up services: starting, editing, revisions, publishing, the thread, permissions,
the patient-data guard's trail and the search outbox."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from forum.discussions.models import Post, Thread
from forum.errors import InvalidInput, NotFound, PermissionDenied
from forum.extensions import db
from forum.moderation.models import AuditEntry
from forum.notify.models import OutboxMessage
from forum.qi import services, team
from forum.qi.models import TEXT_FIELDS, Revision, TeamMember
from tests import factories as f


def qi_outbox(writeup_id: int) -> int:
    rows = db.session.scalars(select(OutboxMessage).where(OutboxMessage.topic == "search"))
    return sum(1 for r in rows if r.payload == {"kind": "qi", "id": writeup_id})


def test_start_makes_a_private_draft_with_the_author_on_the_team(author, writeup):
    assert not writeup.is_published
    assert writeup.summary_html.startswith("<p>")
    member = db.session.scalar(select(TeamMember).where(TeamMember.writeup_id == writeup.id))
    assert (member.user_id, member.is_coauthor) == (author.id, True)
    assert qi_outbox(writeup.id) == 1


def test_start_refuses_a_suspended_member(db):
    from forum.members.models import Status

    with pytest.raises(PermissionDenied):
        services.start_writeup(f.member(status=Status.SUSPENDED), title="X")


@pytest.mark.parametrize("title", ["", "   ", "x" * 201])
def test_start_refuses_a_bad_title(author, title):
    with pytest.raises(InvalidInput) as error:
        services.start_writeup(author, title=title)
    assert error.value.field == "title"


@pytest.mark.parametrize("name", TEXT_FIELDS)
def test_every_text_field_is_rendered_markdown(author, writeup, name):
    services.edit_writeup(author, writeup, {name: "Some **bold** <script>alert(1)</script>"})
    html = getattr(writeup, f"{name}_html")
    assert "<strong>bold</strong>" in html and "<script>" not in html


def test_a_draft_edit_keeps_no_revision(author, writeup):
    services.edit_writeup(author, writeup, {"aim": "From 15% to 60% by March 2025"})
    assert writeup.revision_count == 0


def test_publishing_keeps_version_one_and_each_published_edit_another(author, writeup):
    services.publish_writeup(author, writeup)
    services.edit_writeup(author, writeup, {"aim": "From 15% to 60% by March 2025"})
    services.edit_writeup(author, writeup, {"aim": "From 15% to 60% by March 2025"})  # no change
    numbers = list(db.session.scalars(select(Revision.number).where(
        Revision.writeup_id == writeup.id).order_by(Revision.number)))
    assert numbers == [1, 2] and writeup.revision_count == 2
    latest = db.session.scalar(select(Revision).where(Revision.number == 2))
    assert latest.fields["aim"] == "From 15% to 60% by March 2025"


def test_publish_opens_one_thread_on_the_qi_board_linking_back(author, writeup):
    services.publish_writeup(author, writeup)
    thread = db.session.get(Thread, writeup.thread_id)
    assert thread.board.slug == "quality-improvement" and thread.title == writeup.title
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    assert f"/qi/{writeup.id}" in opening.body_html
    services.unpublish_writeup(author, writeup)
    assert not writeup.is_published
    services.publish_writeup(author, writeup)
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 1


def test_publish_needs_a_summary(author):
    writeup = services.start_writeup(author, title="No summary")
    with pytest.raises(InvalidInput):
        services.publish_writeup(author, writeup)
    assert not writeup.is_published


def test_every_change_writes_a_search_row(author, writeup):
    services.edit_writeup(author, writeup, {"summary": "Changed"})
    services.publish_writeup(author, writeup)
    services.unpublish_writeup(author, writeup)
    services.make_public(f.admin(), writeup, True)
    assert qi_outbox(writeup.id) == 5


def test_a_co_author_may_edit_and_a_plain_team_member_may_not(author, writeup):
    coauthor, helper = f.member(display_name="Co Author"), f.member(display_name="Helper Person")
    team.add_team_member(author, writeup, name="co author", is_coauthor=True)
    team.add_team_member(author, writeup, name="Helper Person", role="Data")
    services.edit_writeup(coauthor, writeup, {"learning": "Start small"})
    assert writeup.learning == "Start small"
    with pytest.raises(PermissionDenied):
        services.edit_writeup(helper, writeup, {"learning": "No"})


def test_someone_off_the_team_is_told_a_draft_does_not_exist(writeup, outsider):
    with pytest.raises(NotFound):
        services.edit_writeup(outsider, writeup, {"summary": "Mine now"})


def test_someone_off_the_team_may_not_edit_a_published_one(published, outsider):
    with pytest.raises(PermissionDenied):
        services.edit_writeup(outsider, published, {"summary": "Mine now"})


def test_only_organisers_make_a_write_up_public(author, published):
    with pytest.raises(PermissionDenied):
        services.make_public(author, published, True)
    services.make_public(f.admin(), published, True)
    assert published.is_public


def test_bad_choices_are_refused_beside_their_field(author, writeup):
    with pytest.raises(InvalidInput) as error:
        services.edit_writeup(author, writeup, {"setting": "moon"})
    assert error.value.field == "setting"
    db.session.refresh(writeup)
    assert writeup.setting == "general-practice"


def test_a_confirmed_patient_data_finding_leaves_a_trail(author, writeup):
    services.edit_writeup(author, writeup, {"summary": "Seen 3 times"},
                          confirmed_finding="an NHS number")
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == services.PID_ACTION))
    assert entry.target_id == writeup.id


def test_team_finds_members_by_name_or_email_and_refuses_unknown_or_twice(author, writeup):
    f.member(display_name="Joan Whitfield", email="joan@example.org")
    with pytest.raises(InvalidInput) as error:
        team.add_team_member(author, writeup, name="Nobody Here")
    assert error.value.field == "name"
    team.add_team_member(author, writeup, name="JOAN@example.org", role="Patient partner")
    with pytest.raises(InvalidInput):
        team.add_team_member(author, writeup, name="joan whitfield")


def test_two_members_with_one_name_are_told_apart_by_email(author, writeup):
    f.member(display_name="Sam Lee", email="sam1@nhs.net")
    f.member(display_name="Sam Lee", email="sam2@nhs.net")
    with pytest.raises(InvalidInput) as error:
        team.add_team_member(author, writeup, name="Sam Lee")
    assert "email" in error.value.message
    team.add_team_member(author, writeup, name="sam2@nhs.net")


def test_the_author_stays_on_the_team_and_a_co_author(author, writeup):
    member = db.session.scalar(select(TeamMember).where(TeamMember.user_id == author.id))
    with pytest.raises(PermissionDenied):
        team.remove_team_member(author, member)
    with pytest.raises(PermissionDenied):
        team.update_team_member(author, member, role="", is_coauthor=False)


def test_diagram_cycle_and_team_changes_write_search_rows(author, writeup):
    from forum.qi import cycles, drivers

    before = qi_outbox(writeup.id)
    node = drivers.add_driver(author, writeup, text="A")
    drivers.edit_driver(author, node, text="B")
    cycle = cycles.add_cycle(author, writeup, {"change_idea": "C"})
    cycles.delete_cycle(author, cycle)
    team.add_team_member(author, writeup, name=f.member(display_name="Team Mate").display_name)
    drivers.delete_driver(author, node)
    assert qi_outbox(writeup.id) - before == 6

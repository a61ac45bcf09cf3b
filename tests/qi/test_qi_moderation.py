"""Moderating QI write-ups like posts: hide and restore with a reason and an audit entry,
members' reports in the same queue, the team told, hidden ones out of the list."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from forum.errors import InvalidInput, PermissionDenied
from forum.extensions import db
from forum.moderation.models import AuditEntry, Report, ReportStatus
from forum.notify.models import Notification
from forum.qi import moderation, services
from forum.qi.models import WriteUp
from tests import factories as f


@pytest.fixture
def moderator(db):
    return f.moderator(display_name="Mo Moderator")


def audit_actions(writeup: WriteUp) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.target_type == "qi_writeup", AuditEntry.target_id == writeup.id)
        .order_by(AuditEntry.id)))


def test_a_moderator_hides_with_a_reason_and_the_team_is_told(published, moderator, author):
    moderation.hide_writeup(moderator, published, reason="It names a patient")
    assert published.is_hidden and published.hidden_by_id == moderator.id
    assert published.hidden_reason == "It names a patient"
    assert audit_actions(published) == ["hide_writeup"]
    note = db.session.scalars(select(Notification).where(Notification.user_id == author.id)).one()
    assert "It names a patient" in note.text and note.link == f"/qi/{published.id}"


def test_hiding_needs_a_reason_and_a_moderator(published, moderator, outsider):
    with pytest.raises(InvalidInput):
        moderation.hide_writeup(moderator, published, reason="  ")
    with pytest.raises(PermissionDenied):
        moderation.hide_writeup(outsider, published, reason="I do not like it")
    assert not published.is_hidden


def test_restoring_brings_it_back_and_is_audited(published, moderator):
    moderation.hide_writeup(moderator, published, reason="Check")
    moderation.restore_writeup(moderator, published)
    assert not published.is_hidden
    assert audit_actions(published) == ["hide_writeup", "unhide_writeup"]
    with pytest.raises(InvalidInput):
        moderation.restore_writeup(moderator, published)


def test_hiding_and_restoring_write_the_search_row(published, moderator):
    from forum.notify.models import OutboxMessage

    before = db.session.scalar(select(db.func.count()).select_from(OutboxMessage))
    moderation.hide_writeup(moderator, published, reason="Check")
    rows = db.session.scalars(select(OutboxMessage.payload).where(OutboxMessage.topic == "search")
                              .order_by(OutboxMessage.id.desc()).limit(1)).all()
    assert rows == [{"kind": "qi", "id": published.id}]
    assert db.session.scalar(select(db.func.count()).select_from(OutboxMessage)) > before


def test_a_hidden_writeup_leaves_the_list_and_readers_get_404_but_the_team_sees_why(
        published, moderator, outsider, author, client):
    moderation.hide_writeup(moderator, published, reason="Names a ward patient")
    f.sign_in(client, outsider)
    assert published.title not in client.get("/qi/").get_data(as_text=True)
    assert client.get(f"/qi/{published.id}").status_code == 404
    f.sign_in(client, author)
    html = client.get(f"/qi/{published.id}").get_data(as_text=True)
    assert 'id="hidden-notice"' in html and "Names a ward patient" in html
    f.sign_in(client, moderator)
    html = client.get(f"/qi/{published.id}").get_data(as_text=True)
    assert 'id="restore-writeup"' in html


def test_the_hide_page_and_restore_are_for_moderators_only(published, moderator, outsider, client):
    f.sign_in(client, outsider)
    assert client.get(f"/qi/{published.id}/hide").status_code == 403
    assert client.post(f"/qi/{published.id}/hide", data={"reason": "x"}).status_code == 403
    assert client.post(f"/qi/{published.id}/restore").status_code == 403
    f.sign_in(client, moderator)
    html = client.post(f"/qi/{published.id}/hide", data={"reason": ""}).get_data(as_text=True)
    assert "Enter a reason" in html  # beside the field, nothing hidden
    db.session.refresh(published)
    assert not published.is_hidden
    response = client.post(f"/qi/{published.id}/hide", data={"reason": "Patient details"})
    assert response.status_code == 303
    db.session.refresh(published)
    assert published.is_hidden


# --- reports ------------------------------------------------------------------------------

def test_a_member_reports_a_writeup_into_the_moderation_queue(published, outsider, moderator, client):
    report = moderation.report_writeup(outsider, published, reason="unsafe", detail="Wrong dose")
    assert report.writeup_id == published.id and report.post_id is None
    db.session.refresh(published)
    assert published.open_report_count == 1
    f.sign_in(client, moderator)
    html = client.get("/moderation/").get_data(as_text=True)
    assert f'id="reported-writeup-{published.id}"' in html and "Wrong dose" in html
    assert "Reported QI write-ups (1)" in html


def test_the_post_report_queue_still_works_beside_writeup_reports(published, outsider, moderator, client):
    from forum.moderation import services as posts_moderation

    thread = f.thread(f.member(), title="A discussion", body="Something wrong")
    from forum.discussions.models import Post

    post = db.session.scalars(select(Post).where(Post.thread_id == thread.id)).one()
    posts_moderation.report_post(outsider, post, reason="spam")
    moderation.report_writeup(outsider, published, reason="spam")
    f.sign_in(client, moderator)
    html = client.get("/moderation/").get_data(as_text=True)
    assert "Reported posts (1)" in html and f'id="reported-{post.id}"' in html
    assert "Reported QI write-ups (1)" in html


def test_reporting_twice_own_or_hidden_writeups_is_refused(published, outsider, author, moderator):
    moderation.report_writeup(outsider, published, reason="spam")
    with pytest.raises(InvalidInput):
        moderation.report_writeup(outsider, published, reason="spam")
    with pytest.raises(PermissionDenied):
        moderation.report_writeup(author, published, reason="spam")
    with pytest.raises(InvalidInput):
        moderation.report_writeup(f.member(), published, reason="made-up")
    moderation.hide_writeup(moderator, published, reason="Check")
    with pytest.raises(PermissionDenied):
        moderation.report_writeup(f.member(), published, reason="spam")


def test_three_reports_hide_it_until_a_moderator_dismisses_them(published, moderator):
    reporters = [f.member() for _ in range(3)]
    for reporter in reporters:
        moderation.report_writeup(reporter, published, reason="abusive")
    db.session.refresh(published)
    assert published.is_hidden and published.hidden_by_id is None
    assert "auto_hide_writeup" in audit_actions(published)
    moderation.resolve_writeup_reports(moderator, published, outcome="dismiss")
    db.session.refresh(published)
    assert not published.is_hidden and published.open_report_count == 0
    statuses = set(db.session.scalars(select(Report.status).where(Report.writeup_id == published.id)))
    assert statuses == {ReportStatus.DISMISSED}
    told = db.session.scalars(select(Notification.user_id).where(
        Notification.kind == "report_outcome")).all()
    assert sorted(told) == sorted(r.id for r in reporters)


def test_resolving_with_hide_hides_it_with_the_reasons(published, moderator, outsider, client):
    moderation.report_writeup(outsider, published, reason="patient_data")
    f.sign_in(client, moderator)
    response = client.post(f"/qi/{published.id}/reports/resolve", data={"outcome": "hide"})
    assert response.status_code == 303
    db.session.refresh(published)
    assert published.is_hidden and published.hidden_by_id == moderator.id
    assert "patient-identifiable information" in published.hidden_reason
    assert audit_actions(published)[-1] == "resolve_reports"


def test_the_report_page_keeps_the_text_and_says_what_is_wrong(published, outsider, client):
    f.sign_in(client, outsider)
    page = client.get(f"/qi/{published.id}").get_data(as_text=True)
    assert 'id="report-writeup"' in page
    html = client.post(f"/qi/{published.id}/report",
                       data={"reason": "other", "detail": ""}).get_data(as_text=True)
    assert "Enter what is wrong with the write-up" in html
    assert db.session.scalar(select(Report.id)) is None
    response = client.post(f"/qi/{published.id}/report", data={"reason": "spam", "detail": "Ads"})
    assert response.status_code == 303
    assert db.session.scalars(select(Report)).one().writeup_id == published.id


def test_a_draft_cannot_be_reported(published, outsider):
    services.unpublish_writeup(published.author, published)  # a draft cannot be reported
    with pytest.raises(PermissionDenied):
        moderation.report_writeup(outsider, published, reason="spam")


def test_the_audit_log_links_writeup_entries_and_filters_by_them(published, moderator, client):
    moderation.hide_writeup(moderator, published, reason="Check the data")
    f.sign_in(client, moderator)
    html = client.get("/moderation/audit?target_type=qi_writeup").get_data(as_text=True)
    assert f'href="/qi/{published.id}">QI write-up {published.id}</a>' in html
    assert "Check the data" in html

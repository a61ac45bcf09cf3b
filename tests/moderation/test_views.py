"""Moderation over HTTP: every action for the right role (403 for others), audited and
visible in the thread; the queue; reports; suspension end to end; constant query counts."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from flask import g
from sqlalchemy import func, select

from forum.db import utcnow
from forum.discussions.models import Post, Thread
from forum.extensions import db as _db
from forum.members.models import Status, User
from forum.moderation import services
from forum.moderation.models import AuditEntry, Report
from forum.templating import format_datetime
from tests import factories as f


def page(response) -> str:
    return response.get_data(as_text=True)


def audit_actions(db) -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


@pytest.fixture
def people(db):
    return {
        "author": f.member(display_name="Asha Author"),
        "member": f.member(display_name="Ben Member"),
        "moderator": f.moderator(display_name="Mo Derator"),
        "admin": f.admin(display_name="Ad Min"),
    }


@pytest.fixture
def thread(people):
    return f.thread(people["author"], title="Fatigue after chemotherapy")


@pytest.fixture
def reply(people, thread):
    return f.reply(people["member"], thread, body="Try graded exercise.")


# Each moderator action: (url, form data, audit action, text the thread page then shows).
THREAD_ACTIONS = {
    "pin": ("/moderation/threads/{t}/pin", {}, "pin_thread", "Pinned by a moderator"),
    "lock": ("/moderation/threads/{t}/lock", {"reason": "Cooling off"}, "lock_thread",
             "Cooling off"),
    "slow": ("/moderation/threads/{t}/slow-mode", {"minutes": "15"}, "set_slow_mode",
             "once every 15 minutes"),
    "title": ("/moderation/threads/{t}/title", {"title": "Fatigue: what helps"}, "edit_title",
              "Fatigue: what helps"),
    "move": ("/moderation/threads/{t}/move", {"board": "{shadowing}", "alliance": ""},
             "move_thread", "Shadowing"),
    "hide-thread": ("/moderation/threads/{t}/hide", {"reason": "Duplicate"}, "hide_thread",
                    "This discussion was hidden by a moderator"),
    "hide-post": ("/moderation/posts/{p}/hide", {"reason": "Names a patient"}, "hide_post",
                  "This post was hidden by a moderator"),
}


def fill(template: str, thread: Thread, reply: Post) -> str:
    return template.format(t=thread.id, p=reply.id, shadowing=f.board("shadowing").id)


@pytest.mark.parametrize("name", THREAD_ACTIONS)
def test_moderator_action_is_applied_audited_and_visible(client, db, people, thread, reply, name):
    url, data, action, visible = THREAD_ACTIONS[name]
    f.sign_in(client, people["moderator"])
    response = client.post(fill(url, thread, reply),
                           data={k: fill(v, thread, reply) for k, v in data.items()})
    assert response.status_code == 303, page(response)
    assert audit_actions(db) == [action]
    shown = client.get(f"/threads/{thread.id}", follow_redirects=True)
    assert visible in page(shown)


@pytest.mark.parametrize("name", THREAD_ACTIONS)
@pytest.mark.parametrize("who", ["author", "member"])
def test_members_get_403_for_moderator_actions(client, db, people, thread, reply, name, who):
    url, data, _, _ = THREAD_ACTIONS[name]
    f.sign_in(client, people[who])
    response = client.post(fill(url, thread, reply),
                           data={k: fill(v, thread, reply) for k, v in data.items()})
    assert response.status_code == 403
    assert audit_actions(db) == []


MODERATOR_PAGES = [
    "/moderation/", "/moderation/audit", "/moderation/threads/{t}/lock",
    "/moderation/threads/{t}/slow-mode", "/moderation/threads/{t}/title",
    "/moderation/threads/{t}/move", "/moderation/threads/{t}/hide",
    "/moderation/threads/{t}/merge", "/moderation/threads/{t}/split",
    "/moderation/posts/{p}/hide", "/moderation/members/{m}",
]


@pytest.mark.parametrize("url", MODERATOR_PAGES)
def test_moderator_pages_for_moderators_only(client, db, people, thread, reply, url):
    url = url.format(t=thread.id, p=reply.id, m=people["member"].id)
    assert client.get(url).status_code == 302  # visitors are sent to sign in
    f.sign_in(client, people["member"])
    assert client.get(url).status_code == 403
    f.sign_in(client, people["moderator"])
    response = client.get(url)
    assert response.status_code == 200
    assert page(response).count("<h1") == 1


def test_moderator_sees_tools_and_member_sees_report_link(client, db, people, thread, reply):
    f.sign_in(client, people["moderator"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert 'id="moderate-thread"' in html and f'id="hide-post-{reply.id}"' in html
    f.sign_in(client, people["author"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert 'id="moderate-thread"' not in html
    assert f'id="report-{reply.id}"' in html
    f.sign_in(client, people["member"])
    assert f'id="report-{reply.id}"' not in page(client.get(f"/threads/{thread.id}"))


def test_unlock_unpin_unhide_buttons(client, db, people, thread, reply):
    mod = people["moderator"]
    services.lock_thread(mod, thread, reason="x")
    services.pin_thread(mod, thread)
    services.hide_post(mod, reply, reason="x")
    f.sign_in(client, mod)
    for url in (f"/moderation/threads/{thread.id}/unlock", f"/moderation/threads/{thread.id}/unpin",
                f"/moderation/posts/{reply.id}/unhide"):
        assert client.post(url).status_code == 303
    thread, reply = _db.session.get(Thread, thread.id), _db.session.get(Post, reply.id)
    assert not thread.locked and not thread.pinned and reply.hidden_at is None


def test_hidden_post_shows_reason_to_author_only(client, db, people, thread, reply):
    services.hide_post(people["moderator"], reply, reason="Names a patient")
    f.sign_in(client, people["member"])  # the author of the reply
    html = page(client.get(f"/threads/{thread.id}"))
    assert "Names a patient" in html and "Try graded exercise." in html
    f.sign_in(client, people["author"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert "hidden by a moderator" in html
    assert "Names a patient" not in html and "Try graded exercise." not in html


def test_hide_without_reason_shows_the_form_again(client, db, people, thread, reply):
    f.sign_in(client, people["moderator"])
    response = client.post(f"/moderation/posts/{reply.id}/hide", data={"reason": ""})
    assert response.status_code == 200
    assert "Enter a reason" in page(response)
    assert audit_actions(db) == []


def test_merge_via_form_redirects_old_address(client, db, people, thread):
    other = f.thread(people["member"], title="Tiredness during treatment")
    f.sign_in(client, people["moderator"])
    response = client.post(f"/moderation/threads/{other.id}/merge",
                           data={"target": f"http://forum.test/threads/{thread.id}"})
    assert response.status_code == 303
    old = client.get(f"/threads/{other.id}")
    assert old.status_code in (301, 302) and old.headers["Location"].endswith(f"/threads/{thread.id}")
    assert "Tiredness during treatment" not in page(client.get(f"/threads/{thread.id}"))
    assert audit_actions(db) == ["merge_thread", "merge_into_thread"]


def test_merge_into_unknown_thread_is_a_field_error(client, db, people, thread):
    f.sign_in(client, people["moderator"])
    response = client.post(f"/moderation/threads/{thread.id}/merge", data={"target": "999999"})
    assert response.status_code == 200 and "existing discussion" in page(response)


def test_split_via_form(client, db, people, thread, reply):
    f.sign_in(client, people["moderator"])
    form = page(client.get(f"/moderation/threads/{thread.id}/split"))
    assert format_datetime(reply.created_at) in form  # London time, as every other page shows it
    response = client.post(f"/moderation/threads/{thread.id}/split",
                           data={"posts": [str(reply.id)], "title": "Graded exercise"})
    assert response.status_code == 303
    new = _db.session.scalar(select(Thread).where(Thread.title == "Graded exercise"))
    assert response.headers["Location"].endswith(f"/threads/{new.id}")
    assert "Try graded exercise." in page(client.get(f"/threads/{new.id}"))


def test_admin_delete_asks_for_confirmation(client, db, people, thread, reply):
    f.sign_in(client, people["moderator"])
    assert client.get(f"/moderation/posts/{reply.id}/delete").status_code == 403
    assert client.post(f"/moderation/threads/{thread.id}/delete",
                       data={"confirm": "y", "reason": "x"}).status_code == 403
    f.sign_in(client, people["admin"])
    confirm = client.get(f"/moderation/posts/{reply.id}/delete")
    assert confirm.status_code == 200 and "cannot be undone" in page(confirm)
    unconfirmed = client.post(f"/moderation/posts/{reply.id}/delete", data={"reason": "PID"})
    assert "Tick the box" in page(unconfirmed)
    assert _db.session.get(Post, reply.id) is not None
    done = client.post(f"/moderation/posts/{reply.id}/delete", data={"confirm": "y", "reason": "PID"})
    assert done.status_code == 303
    assert _db.session.scalar(select(func.count()).select_from(Post)
                              .where(Post.thread_id == thread.id)) == 1
    done = client.post(f"/moderation/threads/{thread.id}/delete",
                       data={"confirm": "y", "reason": "Spam"})
    assert done.status_code == 303
    assert _db.session.get(Thread, thread.id) is None
    assert audit_actions(db) == ["delete_post", "delete_thread"]


# --- reports and the queue ----------------------------------------------------------------

def test_member_reports_a_post_through_the_form(client, db, people, thread, reply):
    f.sign_in(client, people["author"])
    form = client.get(f"/moderation/posts/{reply.id}/report")
    assert "Patient-identifiable information" in page(form)
    missing = client.post(f"/moderation/posts/{reply.id}/report", data={"detail": "kept text"})
    assert "Choose why" in page(missing) and "kept text" in page(missing)
    done = client.post(f"/moderation/posts/{reply.id}/report",
                       data={"reason": "unsafe", "detail": "Dose is wrong"})
    assert done.status_code == 303
    assert _db.session.scalar(select(Report.detail)) == "Dose is wrong"


def test_visitors_cannot_report(client, db, people, reply):
    assert client.get(f"/moderation/posts/{reply.id}/report").status_code == 302


def test_queue_shows_reported_post_in_context_and_dismisses(client, db, people, thread, smtp_server,
                                                            deliver):
    parent = f.reply(people["author"], thread, body="What helps with fatigue?")
    post = f.reply(people["member"], thread, reply_to=parent, body="Rude answer")
    services.report_post(people["author"], post, reason="abusive", detail="Unkind")
    f.sign_in(client, people["moderator"])
    html = page(client.get("/moderation/"))
    assert "Rude answer" in html and "What helps with fatigue?" in html
    assert "Offensive or abusive" in html and "Unkind" in html
    assert "Fatigue after chemotherapy" in html
    response = client.post(f"/moderation/posts/{post.id}/resolve", data={"outcome": "dismiss"})
    assert response.status_code == 303
    assert "No posts are waiting" in page(client.get("/moderation/"))
    deliver()
    mail = smtp_server.wait_for(1)
    assert any("can stay" in m.get_body(("plain",)).get_content()
               for m in smtp_server.to(people["author"].email))
    assert mail


def test_queue_hide_and_warn_in_one_click(client, db, people, thread, reply):
    services.report_post(people["author"], reply, reason="spam")
    f.sign_in(client, people["moderator"])
    client.post(f"/moderation/posts/{reply.id}/resolve", data={"outcome": "hide_and_warn"})
    assert set(audit_actions(db)) == {"hide_post", "warn_member", "resolve_reports"}


def test_three_reports_hide_the_post_from_others(client, db, people, thread, reply):
    for _ in range(3):
        services.report_post(f.member(), reply, reason="abusive")
    f.sign_in(client, people["author"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert "Try graded exercise." not in html and "hidden by a moderator" in html


@pytest.fixture
def premoderate(app):
    app.config["PREMODERATE_FIRST_POSTS"] = 2
    yield
    app.config["PREMODERATE_FIRST_POSTS"] = 0


def test_premoderated_first_post_waits_in_queue_then_is_published(client, db, people, thread,
                                                                  premoderate):
    newcomer = f.member(display_name="New Nurse")
    post = f.reply(newcomer, thread, body="My first post here")
    f.sign_in(client, people["author"])
    assert "My first post here" not in page(client.get(f"/threads/{thread.id}"))
    f.sign_in(client, people["moderator"])
    queue = page(client.get("/moderation/"))
    assert "My first post here" in queue and f'id="approve-{post.id}"' in queue
    assert client.post(f"/moderation/posts/{post.id}/approve").status_code == 303
    f.sign_in(client, people["author"])
    assert "My first post here" in page(client.get(f"/threads/{thread.id}"))
    assert _db.session.get(User, newcomer.id).approved_post_count == 1


def test_reject_waiting_post_via_form(client, db, people, thread, premoderate):
    post = f.reply(f.member(), thread, body="Buy my product")
    f.sign_in(client, people["moderator"])
    response = client.post(f"/moderation/posts/{post.id}/reject", data={"reason": "Advertising"})
    assert response.status_code == 303
    assert "Buy my product" not in page(client.get("/moderation/"))


def test_queue_lists_members_waiting_for_approval(client, db, people):
    f.member(display_name="Pat Partner", email="pat@charity.org.uk", status=Status.PENDING)
    f.sign_in(client, people["moderator"])
    html = page(client.get("/moderation/"))
    assert "Pat Partner" in html and "charity.org.uk" in html
    assert 'href="/members/approvals"' in html
    pat = _db.session.scalar(select(User).where(User.display_name == "Pat Partner"))
    action = f'action="/members/approvals/{pat.id}/approve"'
    assert action in html
    assert client.post(f"/members/approvals/{pat.id}/approve").status_code == 302
    assert _db.session.get(User, pat.id).status == Status.ACTIVE
    assert f"waiting-member-{pat.id}" not in page(client.get("/moderation/"))


# --- the audit log ------------------------------------------------------------------------

def test_audit_log_filters_and_pages(client, app, db, people, thread, reply):
    mod = people["moderator"]
    services.pin_thread(mod, thread)
    services.hide_post(people["admin"], reply, reason="Names a patient")
    f.sign_in(client, mod)
    html = page(client.get("/moderation/audit"))
    assert "pin thread" in html and "hide post" in html and "Names a patient" in html
    html = page(client.get("/moderation/audit?action=pin_thread"))
    assert "pin thread" in html and "Names a patient" not in html
    html = page(client.get(f"/moderation/audit?actor={people['admin'].id}"))
    assert "Names a patient" in html and "pin thread" not in html.split("<tbody>")[1]
    html = page(client.get(f"/moderation/audit?target_type=post&target_id={reply.id}"))
    assert "Names a patient" in html and "pin thread" not in html.split("<tbody>")[1]
    for _ in range(60):
        services.pin_thread(mod, thread)
        services.unpin_thread(mod, thread)
    first = page(client.get("/moderation/audit"))
    assert 'id="audit-next"' in first and "Page 1 of 3" in first
    assert "Page 3 of 3" in page(client.get("/moderation/audit?page=3"))


@pytest.mark.parametrize("query", [
    "actor=99999999999999999999", "actor=%C2%B2", "target_id=99999999999999999999",
    "target_type=post&target_id=2147483648",
])
def test_audit_log_filter_with_an_impossible_number_is_not_an_error(client, db, people, thread,
                                                                     query):
    services.pin_thread(people["moderator"], thread)
    f.sign_in(client, people["moderator"])
    response = client.get(f"/moderation/audit?{query}")
    assert response.status_code == 200


def test_audit_log_has_no_way_to_change_entries(client, db, people, thread):
    services.pin_thread(people["moderator"], thread)
    entry_id = _db.session.scalar(select(AuditEntry.id))
    f.sign_in(client, people["admin"])
    for method in (client.post, client.put, client.delete):
        assert method(f"/moderation/audit/{entry_id}").status_code in (404, 405)


# --- members ------------------------------------------------------------------------------

def test_staff_notes_on_the_member_page(client, db, people):
    f.sign_in(client, people["moderator"])
    response = client.post(f"/moderation/members/{people['member'].id}/notes",
                           data={"note-body": "Called to discuss tone"})
    assert response.status_code == 303
    assert "Called to discuss tone" in page(client.get(f"/moderation/members/{people['member'].id}"))
    f.sign_in(client, people["member"])
    assert client.get(f"/moderation/members/{people['member'].id}").status_code == 403
    assert "Called to discuss tone" not in page(client.get(f"/members/{people['member'].id}"))


def test_suspension_end_to_end(client, auth, db, people, thread):
    member, mod = people["member"], people["moderator"]
    f.sign_in(client, mod)
    until = (utcnow() + timedelta(days=10)).date()
    bad = client.post(f"/moderation/members/{member.id}/suspend",
                      data={"suspend-until": "", "suspend-reason": ""})
    assert "Enter the date" in page(bad)
    response = client.post(f"/moderation/members/{member.id}/suspend",
                           data={"suspend-until": until.isoformat(),
                                 "suspend-reason": "Shared a patient's name"})
    assert response.status_code == 303
    assert "suspend_member" in audit_actions(db)

    client.post("/logout")
    g.pop("_login_user", None)
    signed_in = auth.login(member.email, follow=True)
    html = page(signed_in)
    assert "suspended" in html and "Shared a patient&#39;s name" in html
    assert f"{until.day} {until:%B %Y}" in html
    assert client.get(f"/threads/{thread.id}").status_code == 403  # a members-only board
    assert client.post(f"/threads/{thread.id}/reply", data={"body": "hello"}).status_code == 403

    f.sign_in(client, mod)
    assert client.post(f"/moderation/members/{member.id}/lift", data={}).status_code == 303
    f.sign_in(client, member)
    assert client.get(f"/threads/{thread.id}").status_code == 200


def test_expired_suspension_is_lifted_on_the_next_request(client, db, people, thread):
    member = people["member"]
    services.suspend_member(people["moderator"], member, until=utcnow() + timedelta(days=1),
                            reason="x")
    member.suspended_until = utcnow() - timedelta(seconds=1)
    _db.session.commit()
    f.sign_in(client, member)
    assert client.get(f"/threads/{thread.id}").status_code == 200
    assert _db.session.get(User, member.id).status == Status.ACTIVE


def test_warn_member_from_member_page(client, db, people):
    f.sign_in(client, people["moderator"])
    empty = client.post(f"/moderation/members/{people['member'].id}/warn", data={"warn-reason": ""})
    assert "Enter a reason" in page(empty)
    ok = client.post(f"/moderation/members/{people['member'].id}/warn", data={"warn-reason": "Tone"})
    assert ok.status_code == 303 and audit_actions(db) == ["warn_member"]


# --- query counts -------------------------------------------------------------------------

def counted_get(client, count_queries, url: str) -> int:
    _db.session.expunge_all()
    g.pop("_login_user", None)
    with count_queries() as q:
        response = client.get(url)
    assert response.status_code == 200, url
    return q.count


def test_queue_query_count_does_not_grow(client, app, db, count_queries, people, thread):
    app.config["PREMODERATE_FIRST_POSTS"] = 1
    mod_id, author_id, thread_id = people["moderator"].id, people["author"].id, thread.id
    counts = []
    try:
        for n in (1, 19):
            author, thread = _db.session.get(User, author_id), _db.session.get(Thread, thread_id)
            people = {"author": author}
            for _ in range(n):
                parent = f.reply(people["author"], thread)
                post = f.reply(f.member(), thread, reply_to=parent)  # a new member: pending
                reported = f.reply(people["author"], thread, reply_to=parent)
                services.report_post(f.member(), reported, reason="spam")
                services.report_post(f.member(), reported, reason="other", detail="odd")
                f.member(status=Status.PENDING, email=f"p{post.id}@charity.org")
            f.sign_in(client, _db.session.get(User, mod_id))
            counts.append(counted_get(client, count_queries, "/moderation/"))
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    html = page(client.get("/moderation/"))
    assert len(re.findall(r'id="reported-\d', html)) == 20
    assert len(re.findall(r'id="pending-\d', html)) == 20
    assert counts[0] == counts[1], counts


def test_audit_log_query_count_does_not_grow(client, db, count_queries, people):
    ids = {k: u.id for k, u in people.items()}
    counts = []
    for n in (1, 19):
        people = {k: _db.session.get(User, i) for k, i in ids.items()}
        mod = people["moderator"]
        for _ in range(n):
            t = f.thread(people["author"])
            p = f.reply(people["member"], t)
            services.pin_thread(mod, t)
            services.hide_post(mod, p, reason="x")
            services.warn_member(mod, f.member(), reason="x")
        f.sign_in(client, _db.session.get(User, mod.id))
        counts.append(counted_get(client, count_queries, "/moderation/audit"))
    assert counts[0] == counts[1], counts


def test_member_page_query_count_does_not_grow(client, db, count_queries, people):
    mod_id, member_id = people["moderator"].id, people["member"].id
    counts = []
    for n in (1, 19):
        mod, member = _db.session.get(User, mod_id), _db.session.get(User, member_id)
        for _ in range(n):
            services.add_staff_note(mod, member, body="note")
            services.warn_member(f.admin(), member, reason="x")
        f.sign_in(client, _db.session.get(User, mod.id))
        counts.append(counted_get(client, count_queries, f"/moderation/members/{member.id}"))
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("board", ["", "999999", "abc"])
def test_move_to_no_or_unknown_board_is_a_field_error(client, db, people, thread, board):
    f.sign_in(client, people["moderator"])
    response = client.post(f"/moderation/threads/{thread.id}/move", data={"board": board})
    assert response.status_code == 200 and "Choose a board" in page(response)
    assert audit_actions(db) == []


def test_member_in_slow_mode_is_told_when_they_can_post_again(client, db, people, thread):
    services.set_slow_mode(people["moderator"], thread, minutes=10)
    f.reply(people["member"], thread)
    f.sign_in(client, people["member"])
    html = page(client.get(f"/threads/{thread.id}"))
    assert "once every 10 minutes" in html and "You can post again in about 10 minutes" in html
    response = client.post(f"/threads/{thread.id}/reply", data={"body": "Me again"})
    assert "slow mode" in page(response) and "Me again" in page(response)


def test_profile_links_moderators_to_the_member_page(client, db, people):
    url = f"/members/{people['member'].id}"
    f.sign_in(client, people["author"])
    assert 'id="moderate-member"' not in page(client.get(url))
    f.sign_in(client, people["moderator"])
    assert f'href="/moderation/members/{people["member"].id}"' in page(client.get(url))


@pytest.mark.parametrize("viewer", ["moderator", "member"])
def test_thread_page_with_moderation_tools_has_constant_query_count(client, db, count_queries,
                                                                     people, thread, viewer):
    ids = {k: u.id for k, u in people.items()}
    thread_id = thread.id
    services.set_slow_mode(people["moderator"], thread, minutes=5)
    counts = []
    for n in (1, 29):
        people = {k: _db.session.get(User, i) for k, i in ids.items()}
        thread = _db.session.get(Thread, thread_id)
        for i in range(n):
            post = f.reply(people["moderator"], thread, body=f"Reply {i}")
            if i % 3 == 0:
                services.hide_post(people["moderator"], post, reason="x")
        f.sign_in(client, people[viewer])
        counts.append(counted_get(client, count_queries, f"/threads/{thread_id}"))
    assert counts[0] == counts[1], counts


ALL_MODERATOR_POSTS = [
    "/moderation/threads/{t}/pin", "/moderation/threads/{t}/unpin",
    "/moderation/threads/{t}/lock", "/moderation/threads/{t}/unlock",
    "/moderation/threads/{t}/slow-mode", "/moderation/threads/{t}/title",
    "/moderation/threads/{t}/move", "/moderation/threads/{t}/hide",
    "/moderation/threads/{t}/unhide", "/moderation/threads/{t}/merge",
    "/moderation/threads/{t}/split", "/moderation/threads/{t}/delete",
    "/moderation/posts/{p}/hide", "/moderation/posts/{p}/unhide", "/moderation/posts/{p}/delete",
    "/moderation/posts/{p}/resolve", "/moderation/posts/{p}/approve",
    "/moderation/posts/{p}/reject", "/moderation/members/{m}/warn",
    "/moderation/members/{m}/suspend", "/moderation/members/{m}/lift",
    "/moderation/members/{m}/notes",
]


@pytest.mark.parametrize("url", ALL_MODERATOR_POSTS)
def test_every_moderator_post_refuses_members_and_visitors(client, db, people, thread, reply, url):
    url = url.format(t=thread.id, p=reply.id, m=people["author"].id)
    data = {"reason": "x", "confirm": "y", "outcome": "hide", "minutes": "5", "title": "T"}
    assert client.post(url, data=data).status_code == 302  # visitors: sign in first
    f.sign_in(client, people["member"])
    assert client.post(url, data=data).status_code == 403
    assert audit_actions(db) == []


def test_queue_offers_hide_and_warn_only_when_the_author_can_be_warned(client, db, people,
                                                                        thread):
    members_post = f.reply(people["author"], thread)
    moderators_post = f.reply(f.moderator(display_name="Second moderator"), thread)
    for post in (members_post, moderators_post):
        services.report_post(people["member"], post, reason="abusive", detail="Rude")
    f.sign_in(client, people["moderator"])
    html = page(client.get("/moderation/"))
    assert f'id="hide-warn-{members_post.id}"' in html
    assert f'id="hide-warn-{moderators_post.id}"' not in html
    assert f'id="hide-{moderators_post.id}"' in html


def test_a_hidden_post_cannot_be_reported_nor_its_text_read_through_the_report_page(
        client, db, people, thread):
    post = f.reply(people["author"], thread, body="Something a moderator hid")
    services.hide_post(people["moderator"], post, reason="Off topic")
    f.sign_in(client, people["member"])
    response = client.get(f"/moderation/posts/{post.id}/report")
    assert response.status_code == 403
    assert "Something a moderator hid" not in page(response)
    response = client.post(f"/moderation/posts/{post.id}/report", data={"reason": "spam"})
    assert response.status_code == 403
    assert f'id="report-{post.id}"' not in page(client.get(f"/threads/{thread.id}"))


def test_profiles_to_check_appear_once_in_the_queue_and_not_in_the_page_title(client, db):
    member, moderator = f.member(display_name="Bio Writer"), f.moderator()
    services.profile_text_confirmed(member, summary="a possible NHS number")
    f.sign_in(client, moderator)
    html = client.get("/moderation/").get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert title.split()[:2] == ["Moderation", "queue"] and "Profiles to check" not in title
    assert html.count('id="profile-check-list"') == 1 and "Bio Writer" in html

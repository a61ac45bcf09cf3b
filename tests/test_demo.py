"""The demo content a new user sees on first start is built through the real services."""

import re

from sqlalchemy import func, select

from forum.demo import DEMO_ACCOUNTS, seed_demo
from forum.discussions.models import Post, Thread
from forum.members.models import Role, Status, User


def test_demo_seeds_members_of_every_role_and_nested_discussions(db):
    assert seed_demo() is True
    users = db.session.scalars(select(User).where(User.status != Status.ERASED)).all()
    assert len(users) == len(DEMO_ACCOUNTS) >= 12
    assert {u.role for u in users} == {Role.MEMBER, Role.MODERATOR, Role.ADMIN}
    assert any(u.profession.slug == "patient-partner" for u in users)
    assert len({u.alliance_id for u in users}) >= 5
    nested = db.session.scalar(select(func.count()).select_from(Post).where(
        Post.reply_to_id.is_not(None)))
    assert nested >= 5
    first_post = dict(db.session.execute(
        select(Post.author_id, func.min(Post.created_at)).group_by(Post.author_id)).all())
    # "Joined" on a demo profile is before the posts listed beside it.
    assert all(u.created_at < first_post[u.id] for u in users if u.id in first_post)
    threads = db.session.scalars(select(Thread)).all()
    assert all(t.reply_count == len([p for p in db.session.scalars(
        select(Post).where(Post.thread_id == t.id, Post.is_opening.is_(False)))]) for t in threads)


def test_demo_is_not_added_twice(db):
    seed_demo()
    assert seed_demo() is False
    assert db.session.scalar(select(func.count()).select_from(User).where(
        User.status != Status.ERASED)) == len(DEMO_ACCOUNTS)


def test_the_demo_shows_a_former_members_reply_kept_in_its_discussion(db):
    seed_demo()
    former = db.session.scalar(select(User).where(User.status == Status.ERASED))
    assert former.display_name == "Former member" and former.email.endswith("@erased.invalid")
    [post] = db.session.scalars(select(Post).where(Post.author_id == former.id))
    assert "named link nurse" in post.body_source


def test_one_demo_thread_is_long_enough_to_page(db, client):
    from tests import factories

    seed_demo()
    thread = db.session.scalars(select(Thread).where(
        Thread.title == "Cancer-related fatigue: what helps your patients?")).one()
    factories.sign_in(client, db.session.scalars(select(User)).first())
    html = client.get(f"/threads/{thread.id}").get_data(as_text=True)
    assert '<nav class="pagination" aria-label="Pages of replies">' in html
    assert re.search(r'id="more-\d+">Show \d+ more replies', html)
    assert f'href="/threads/{thread.id}?page=2" rel="next"' in html
def test_the_demo_organiser_sees_the_organiser_menu_and_the_moderator_does_not(client, db):
    from tests.factories import sign_in

    seed_demo()
    by_key = {a["key"]: a["email"] for a in DEMO_ACCOUNTS}
    admin = db.session.scalar(select(User).where(User.email == by_key["admin"]))
    moderator = db.session.scalar(select(User).where(User.email == by_key["mod"]))
    sign_in(client, admin)
    assert '<a href="/admin/">Organiser</a>' in client.get("/").get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    sign_in(client, moderator)
    assert 'href="/admin/"' not in client.get("/").get_data(as_text=True)


def test_the_demo_has_upcoming_public_events_and_one_is_full_with_a_waiting_list(db, client):
    from forum.db import utcnow
    from forum.events.models import Event, Kind

    seed_demo()
    events = db.session.scalars(select(Event).where(Event.ends_at >= utcnow())
                                .order_by(Event.starts_at)).all()
    assert {e.kind for e in events} == {Kind.WEBINAR, Kind.FACE_TO_FACE}
    assert all(e.is_public and e.is_published for e in events)
    assert any(e.is_full and e.waiting_count for e in events)
    page = client.get("/events").get_data(as_text=True)
    assert all(e.title in page for e in events)
    assert client.get("/events.ics").data.count(b"BEGIN:VEVENT") == len(events)


def test_the_demo_has_a_past_webinar_with_attendance_outcomes_and_feedback(db, client):
    from forum.events import feedback, outcomes
    from forum.events.models import Attendance, Event
    from forum.events.seed_past import TITLE

    seed_demo()
    event = db.session.scalars(select(Event).where(Event.title == TITLE)).one()
    assert db.session.scalar(select(db.func.count()).select_from(Attendance)
                             .where(Attendance.event_id == event.id)) == 7
    assert "Start of QI ideas" in outcomes.outcomes_of(event)
    assert feedback.summary(event).count == 4
    assert TITLE in client.get("/events?when=past").get_data(as_text=True)
def test_the_demo_has_the_communitys_own_2023_and_events_to_come(db):
    from forum.events import reports

    seed_demo()
    report = reports.year_report(2023)
    assert (report.total.events, report.total.signups, report.total.attended) == (7, 647, 392)
    assert report.stated[1].stated == "360 +"

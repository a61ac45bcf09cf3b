"""Daily and weekly digests: London days across the October clock change, sent once,
best first, without what the member read or cannot read. Real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import update

from forum.discussions.models import Post, Thread
from forum.discussions.services import mark_thread_read
from forum.extensions import db as _db
from forum.moderation import services as moderation
from forum.notify import digests, follows, preferences
from tests import factories as f

# The clocks go back at 02:00 BST (01:00 UTC) on Sunday 25 October 2026: that London day
# runs from 23:00 UTC on the 24th to 00:00 UTC on the 26th, 25 hours.
DAY_AFTER_CHANGE = datetime(2026, 10, 26, 7, 30, tzinfo=UTC)  # Monday 07:30 GMT


def at(post: Post, when: datetime) -> Post:
    _db.session.execute(update(Post).where(Post.id == post.id).values(created_at=when))
    _db.session.commit()
    return post


def at_thread(thread: Thread, when: datetime) -> Thread:
    _db.session.execute(update(Post).where(Post.thread_id == thread.id).values(created_at=when))
    _db.session.commit()
    return thread


def digest_text(message) -> str:
    return message.get_body(("plain",)).get_content()


@pytest.fixture
def reader(db):
    """A member who takes replies and new discussions on the board as a daily digest."""
    member = f.member(display_name="Dee Reader", email="dee@nhs.net")
    preferences.update_preferences(member, modes={"replies": "daily", "new_discussions": "daily",
                                                  "mentions": "daily"},
                                   weekly_day=0, weekly_hour=8)
    follows.follow_discussions(member, board=f.board("rehab-and-lymphoedema"))
    return member


def new_thread(title: str, when: datetime, body: str = "Opening words.") -> Thread:
    thread = f.thread(f.member(), board=f.board("rehab-and-lymphoedema"), title=title, body=body)
    return at_thread(thread, when)


def test_the_london_day_of_the_clock_change_is_25_hours():
    period = digests.daily_period(DAY_AFTER_CHANGE)
    assert period.key == "daily:2026-10-25"
    assert period.start == datetime(2026, 10, 24, 23, 0, tzinfo=UTC)
    assert period.end == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_the_daily_digest_covers_the_london_day_across_the_change(reader, smtp_server, runner):
    new_thread("Before the day (23:30 BST on Saturday)", datetime(2026, 10, 24, 22, 30, tzinfo=UTC))
    new_thread("Just after midnight BST", datetime(2026, 10, 24, 23, 30, tzinfo=UTC))
    new_thread("Late on Sunday, GMT", datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
    new_thread("Monday already", datetime(2026, 10, 26, 0, 30, tzinfo=UTC))
    result = runner.invoke(args=["notify", "digests", "--at", DAY_AFTER_CHANGE.isoformat()])
    assert "1 sent" in result.output, result.output
    runner.invoke(args=["outbox", "send"])
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Your daily digest from Cancer CoP: 2 new posts"
    text = digest_text(message)
    assert "Just after midnight BST" in text and "Late on Sunday, GMT" in text
    assert "Before the day" not in text and "Monday already" not in text
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "because you chose to get a digest" in text


def test_a_digest_period_is_sent_once_however_often_the_command_runs(reader, smtp_server,
                                                                    runner):
    new_thread("Compression garments", datetime(2026, 10, 25, 12, 0, tzinfo=UTC))
    first = runner.invoke(args=["notify", "digests", "--at", DAY_AFTER_CHANGE.isoformat()])
    again = runner.invoke(args=["notify", "digests", "--at", "2026-10-26T11:00:00+00:00"])
    assert "1 sent" in first.output
    assert "0 sent" in again.output and "2 already sent" in again.output  # and the empty one
    runner.invoke(args=["outbox", "send"])
    assert len(smtp_server.wait_for(2, timeout=1)) == 1


def test_before_seven_the_day_before_is_not_yet_due(reader):
    early = datetime(2026, 10, 26, 6, 30, tzinfo=UTC)  # 06:30 GMT
    assert digests.daily_period(early).key == "daily:2026-10-24"


def test_the_digest_puts_the_busiest_first_and_skips_what_was_read(reader, smtp_server, deliver):
    quiet = new_thread("Quiet one", datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    busy = new_thread("Busy one", datetime(2026, 10, 25, 10, 0, tzinfo=UTC))
    read = new_thread("Read already", datetime(2026, 10, 25, 11, 0, tzinfo=UTC))
    for thread in (quiet, busy, read):
        follows.follow_thread(reader, thread)
    for n in range(3):
        at(f.reply(f.member(), busy, body=f"Busy reply **{n}**"),
           datetime(2026, 10, 25, 12, n, tzinfo=UTC))
    opening = _db.session.scalar(
        f.select(Post.id).where(Post.thread_id == read.id, Post.is_opening.is_(True)))
    mark_thread_read(reader, read, up_to=opening)
    digests.send_digests(DAY_AFTER_CHANGE)
    deliver()
    [message] = smtp_server.wait_for(1)
    text = digest_text(message)
    assert text.index("Busy one") < text.index("Quiet one")
    assert "Read already" not in text
    assert "Busy reply 0" in text  # first lines as plain text: no Markdown, no tags


def test_hidden_posts_and_own_posts_are_not_in_the_digest(reader, smtp_server, deliver):
    thread = new_thread("Wound care", datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    follows.follow_thread(reader, thread)
    hidden = at(f.reply(f.member(), thread, body="Mrs Jones in bed 4 ..."),
                datetime(2026, 10, 25, 10, 0, tzinfo=UTC))
    moderation.hide_post(f.moderator(), hidden, reason="Patient details")
    at(f.reply(reader, thread, body="My own words"), datetime(2026, 10, 25, 11, 0, tzinfo=UTC))
    digests.send_digests(DAY_AFTER_CHANGE)
    deliver()
    smtp_server.wait_for(2)  # the digest, and the hidden post's author told why
    [message] = smtp_server.to("dee@nhs.net")
    text = digest_text(message)
    assert "Mrs Jones" not in text and "My own words" not in text
    assert message["Subject"].endswith(": 1 new post")


def test_nothing_new_sends_nothing(reader, smtp_server, deliver):
    counts = digests.send_digests(DAY_AFTER_CHANGE)
    deliver()
    assert counts["sent"] == 0 and smtp_server.wait_for(1, timeout=0.5) == []


def test_the_weekly_digest_comes_at_the_chosen_london_hour(db, smtp_server, deliver):
    member = f.member(email="weekly@nhs.net")
    preferences.update_preferences(member, modes={"new_discussions": "weekly"},
                                   weekly_day=0, weekly_hour=8)  # Monday 08:00
    follows.follow_discussions(member, board=f.board("rehab-and-lymphoedema"))
    # Monday 19 October is BST: 08:00 London is 07:00 UTC.
    new_thread("Too early for this week", datetime(2026, 10, 19, 6, 30, tzinfo=UTC))
    new_thread("In this week", datetime(2026, 10, 19, 7, 30, tzinfo=UTC))
    digests.send_digests(datetime(2026, 10, 26, 7, 59, tzinfo=UTC))  # 07:59 GMT: last week's
    deliver()
    [last_week] = smtp_server.wait_for(1)
    assert "Too early for this week" in digest_text(last_week)
    assert "In this week" not in digest_text(last_week)
    assert digests.send_digests(datetime(2026, 10, 26, 8, 0, tzinfo=UTC))["sent"] == 1
    deliver()
    this_week = smtp_server.wait_for(2)[1]
    assert this_week["Subject"].startswith("Your weekly digest")
    assert "In this week" in digest_text(this_week)
    assert "Too early" not in digest_text(this_week)


def test_immediate_members_get_no_digest(db, smtp_server, deliver):
    member = f.member()
    preferences.update_preferences(member, modes={k: "immediately" for k in
                                                  preferences.DIGEST_KINDS},
                                   weekly_day=0, weekly_hour=8)
    follows.follow_discussions(member, board=f.board("rehab-and-lymphoedema"))
    new_thread("Something", datetime(2026, 10, 25, 9, 0, tzinfo=UTC))
    assert digests.send_digests(DAY_AFTER_CHANGE)["sent"] == 0

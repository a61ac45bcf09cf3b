"""Demo content for members' own data: a member who deleted their account (their reply
reads "Former member" in its discussion, text kept) and a member following an event."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from forum.discussions import services as discussions
from forum.discussions.models import Thread
from forum.events.models import Event
from forum.extensions import db
from forum.members import personal_data
from forum.members.models import Status, User
from forum.notify import follows


def seed_account_data_demo(users: dict[str, User]) -> None:
    thread = db.session.scalar(select(Thread).order_by(Thread.id).limit(1))
    if thread is not None:
        before = thread.last_activity_at
        leaver = User(email="leah.morgan@nhs.net", display_name="Leah Morgan",
                      password_hash="",  # erased below: no password to keep
                      organisation="Royal Free London", status=Status.ACTIVE,
                      approved_post_count=99, created_at=before - timedelta(days=30))
        db.session.add(leaver)
        db.session.commit()
        post = discussions.reply_to_thread(
            leaver, thread, reply_to=None,
            body="We ran this for a year before I moved trusts: the key was a named link "
                 "nurse on every ward.")
        # Written an hour after the discussion's last reply, so it keeps its place in lists.
        post.created_at = thread.last_activity_at = before + timedelta(hours=1)
        personal_data.erase_all(leaver)  # she later deleted her account; the advice stays
        db.session.commit()
    event = db.session.scalar(select(Event).order_by(Event.starts_at).limit(1))
    if event is not None and "ot" in users:
        follows.follow_target(users["ot"], follows.EVENT, event.id)

"""A member with something in every domain, for "Download my data" and "Delete my account"."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from forum.discussions import services as discussions
from forum.discussions.models import Post, Thread
from forum.events import signups
from forum.events.models import Attendance, Event
from forum.members.models import User
from forum.notify import follows
from forum.qi import attachments, team
from forum.qi import services as qi
from forum.qi.models import WriteUp
from tests import factories as f
from tests.events.conftest import make_event
from tests.moderation.conftest import sync  # noqa: F401  (a fresh search index)
from tests.uploads.files import PDF

EMAIL = "amara.okafor@nhs.net"
NAME = "Amara Okafor"


@dataclass
class Story:
    member: User
    other: User
    thread: Thread  # started by the member
    opening: Post
    answer: Post  # someone else's reply to the member's post
    writeup: WriteUp
    event: Event


@pytest.fixture
def story(db) -> Story:
    member = f.member(email=EMAIL, display_name=NAME, organisation="Whittington Health",
                      bio="District nurse in Islington.")
    other = f.member(display_name="Rosa Diaz", email="rosa@nhs.net")
    thread = f.thread(member, title="Lymphoedema referral criteria",
                      body="We refer at stage 2 with **compression** garments.")
    opening = db.session.scalar(select(Post).where(Post.thread_id == thread.id))
    answer = f.reply(other, thread, reply_to=opening, body="Same here, we use flat-knit.")
    discussions.save_draft(member, thread=None, body="A draft about mouth care", title="Mouth")
    follows.follow_discussions(member, board=f.board())
    writeup = qi.start_writeup(member, title="HNAs at cancer care reviews",
                               summary="We offered holistic needs assessments.")
    team.add_team_member(member, writeup, name=other.email)
    attachments.add_attachment(member, writeup, stream=io.BytesIO(PDF), filename="audit.pdf")
    organiser = f.admin(display_name="Olu Organiser", email="olu@nhs.net")
    event = make_event(organiser, title="Lymphoedema webinar", questions="Access needs?")
    signups.sign_up(member, event, answers={"Access needs?": "Step-free access"})
    db.session.add(Attendance(event_id=event.id, name=NAME, email=EMAIL, source="teams"))
    db.session.commit()
    return Story(member, other, thread, opening, answer, writeup, event)

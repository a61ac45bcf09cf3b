"""A member's notifications data: what they follow, their notifications and email settings.

Erasing also takes the member's address out of the outbox (emails waiting to go to them,
and the record of those sent), and their name out of other members' notifications
("Amara replied in ..." reads "Former member replied in ...").
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import Text, cast, delete, func, or_, select, update

from forum.discussions.models import Post
from forum.extensions import db
from forum.members.models import User
from forum.notify import follows, preferences
from forum.notify.models import DigestSent, EmailSettings, Follow, Notification, OutboxMessage

FORMER = "Former member"


def export_member(user: User) -> dict[str, Any]:
    rows = list(db.session.scalars(select(Follow).where(Follow.user_id == user.id)
                                   .order_by(Follow.id)))
    threads = follows.followed_threads(rows)
    notes = db.session.scalars(select(Notification).where(Notification.user_id == user.id)
                               .order_by(Notification.id))
    settings = preferences.settings_for([user.id])[user.id]
    return {
        "following": [{"what": follows.describe(f, threads), "kind": f.target_kind,
                       "id": f.target_id, "since": f.created_at, "stopped_at": f.stopped_at}
                      for f in rows],
        "notifications": [{"text": n.text, "link": n.link, "created_at": n.created_at,
                           "read_at": n.read_at} for n in notes],
        "email_preferences": {
            **{kind: preferences.mode(settings, kind) for kind in preferences.KINDS},
            "weekly_digest_day": preferences.DAYS[settings.weekly_day],
            "weekly_digest_hour_london": settings.weekly_hour,
            "bounces": settings.bounce_count, "email_stopped_at": settings.mail_stopped_at,
        },
        "digests_sent": [{"period": d.period, "sent_at": d.sent_at} for d in db.session.scalars(
            select(DigestSent).where(DigestSent.user_id == user.id).order_by(DigestSent.sent_at))],
    }


def _variants(text: str) -> set[str]:
    """`text` as typed and as it appears inside stored JSON (non-ASCII escaped)."""
    return {text, json.dumps(text)[1:-1]}


def erase_member(user: User) -> None:
    for model in (Follow, Notification, DigestSent, EmailSettings):
        db.session.execute(delete(model).where(model.user_id == user.id))
    payload = func.lower(cast(OutboxMessage.payload, Text))
    email = [payload.contains(v.lower(), autoescape=True) for v in _variants(user.email)]
    name = [payload.contains(v.lower(), autoescape=True) for v in _variants(user.display_name)]
    db.session.execute(delete(OutboxMessage).where(or_(
        *email, OutboxMessage.processed_at.is_not(None) & or_(*name))),
        execution_options={"synchronize_session": False})
    prefix = user.display_name + " "
    db.session.execute(
        update(Notification).where(
            Notification.text.startswith(prefix, autoescape=True),
            or_(Notification.post_id.in_(select(Post.id).where(Post.author_id == user.id)),
                Notification.kind.startswith("qi_")))
        .values(text=FORMER + " " + func.substr(Notification.text, len(prefix) + 1)),
        execution_options={"synchronize_session": False})

"""Fan-out, in the worker: one "notify" outbox row per published post becomes a notification
for each follower, mentioned member and replied-to author who can read the post *now*
(hidden, pending, deleted, moved to a members-only board, or a suspended reader: nothing),
and queues their immediate email batch. A request only ever writes the one row.

Events (payload "event"): "post" (published: a reply, a new discussion, or a post a
moderator approved), "edited" (mentions added by an edit), and "qi" (a followed QI
write-up was revised, tried or replicated) and "event_published" (a new event, to members
following its alliance or a profession) and "event_changed" (a followed event changed,
was cancelled, or got its recording or slides), to followers who can read it now by the
domain's own read rule; emailed (batched) when the member's "qi" or "events" preference is
"straight away".
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import insert, select
from sqlalchemy.orm import joinedload

from forum.db import utcnow
from forum.discussions import policy
from forum.discussions.models import Post, Thread
from forum.events import policy as event_policy
from forum.events import queries as event_queries
from forum.events.models import Signup, SignupStatus
from forum.extensions import db
from forum.members.models import Status, User
from forum.notify import emails, follows, preferences
from forum.notify.mentions import find_mentions
from forum.notify.models import Notification, OutboxMessage
from forum.qi import queries as qi
from forum.qi.policy import FOLLOW_KIND as QI

REPLY, MENTION, NEW_THREAD = "reply", "mention", "new_thread"


def handle(messages: Sequence[OutboxMessage]) -> None:
    """Outbox handler for "notify": the whole batch is committed with the rows' done mark,
    so a batch that fails is applied again from scratch, never twice."""
    for message in messages:
        payload = message.payload
        if payload.get("event") in ("post", "edited"):
            fan_out_post(int(payload["post_id"]), mentions_only=payload["event"] == "edited")
        elif payload.get("event") == "event_published":
            fan_out_event(int(payload["event_id"]), actor_id=int(payload["actor_id"]))
        elif payload.get("event") == "event_changed":
            fan_out_event_change(int(payload["event_id"]), payload["what"],
                                 actor_id=int(payload["actor_id"]))
        elif payload.get("event") == "qi":
            fan_out_writeup(int(payload["writeup_id"]), payload["what"],
                            actor_id=int(payload["actor_id"]),
                            replica_id=payload.get("replica_id"))


def _load(post_id: int) -> Post | None:
    return db.session.scalar(select(Post).where(Post.id == post_id).options(
        joinedload(Post.thread).joinedload(Thread.board),
        joinedload(Post.thread).joinedload(Thread.alliance), joinedload(Post.author)))


def _published(post: Post) -> bool:
    thread = post.thread
    return not (post.pending or post.hidden_at or post.deleted_at or thread.pending
                or thread.hidden_at or thread.merged_into_id)


def fan_out_post(post_id: int, *, mentions_only: bool = False) -> int:
    """Notify who should hear of the post; returns how many were notified."""
    post = _load(post_id)
    if post is None or not _published(post):
        return 0
    thread = post.thread
    wanted: dict[int, str] = {}
    if not mentions_only:
        if post.is_opening:
            wanted.update(dict.fromkeys(follows.discussion_followers(thread), NEW_THREAD))
        else:
            wanted.update(dict.fromkeys(follows.followers_of(follows.THREAD, thread.id), REPLY))
            if post.reply_to_id:
                replied = db.session.scalar(select(Post.author_id).where(
                    Post.id == post.reply_to_id))
                if replied is not None:
                    wanted[replied] = REPLY
    mentioned = {m.user_id for m in find_mentions(post.body_source)}
    if mentions_only and mentioned:
        mentioned -= set(db.session.scalars(select(Notification.user_id).where(
            Notification.post_id == post.id, Notification.kind == MENTION,
            Notification.user_id.in_(mentioned))))
    wanted.update(dict.fromkeys(mentioned, MENTION))
    wanted.pop(post.author_id, None)
    if not wanted:
        return 0
    readers = [u for u in _users(wanted) if u.status == Status.ACTIVE
               and policy.can_view_post(u, post) and policy.can_read_post_body(u, post)]
    return _notify(post, {u.id: wanted[u.id] for u in readers})


def _users(ids) -> list[User]:
    ids = list(ids)
    found: list[User] = []
    for start in range(0, len(ids), 900):
        found.extend(db.session.scalars(select(User).where(User.id.in_(ids[start:start + 900]))))
    return found


def _text(kind: str, post: Post, count: int = 1) -> str:
    title, who = post.thread.title, post.author.display_name
    if kind == MENTION:
        return f"{who} mentioned you in “{title}”"
    if kind == NEW_THREAD:
        return f"{who} started “{title}” on {post.thread.board.name}"
    if count > 1:
        return f"{count} new replies in “{title}”"
    return f"{who} replied in “{title}”"


def _notify(post: Post, recipients: dict[int, str]) -> int:
    now = utcnow()
    settings = preferences.settings_for(recipients)
    link = emails.post_path(post.thread_id, post.id)
    # Replies join the member's unread reply notification for the thread, if there is one.
    grouped = {n.user_id: n for n in db.session.scalars(select(Notification).where(
        Notification.thread_id == post.thread_id, Notification.kind == REPLY,
        Notification.read_at.is_(None),
        Notification.user_id.in_([u for u, k in recipients.items() if k == REPLY])))}
    rows, batch = [], []
    for user_id, kind in recipients.items():
        immediate = preferences.mode(settings[user_id], preferences.email_kind(kind)) \
            == preferences.IMMEDIATELY and settings[user_id].mail_stopped_at is None
        if immediate:
            batch.append(user_id)
        existing = grouped.get(user_id) if kind == REPLY else None
        if existing is not None:
            existing.count += 1
            existing.text = _text(kind, post, existing.count)
            existing.updated_at = now
            if immediate:
                existing.email_state = "queued"
            continue
        rows.append({"user_id": user_id, "kind": kind, "text": _text(kind, post), "link": link,
                     "thread_id": post.thread_id, "post_id": post.id, "count": 1,
                     "created_at": now, "updated_at": now,
                     "email_state": "queued" if immediate else ""})
    if rows:
        db.session.execute(insert(Notification), rows)
    _schedule(batch, now)
    return len(recipients)


def _schedule(user_ids: list[int], now) -> None:
    if not user_ids:
        return
    stored = preferences.stored_settings_many(user_ids)
    for user_id in user_ids:
        emails.schedule_batch(stored[user_id], now)


def _insert_emailed(rows: list[dict], notes: Sequence[Notification] = ()) -> None:
    """Add notification rows (and mark grouped `notes`) for the batched email of the members
    who want this kind straight away; the others see them on the site only."""
    if not rows and not notes:
        return
    kind = preferences.email_kind((rows[0] if rows else {"kind": notes[0].kind})["kind"])
    settings = preferences.settings_for([r["user_id"] for r in rows] + [n.user_id for n in notes])
    wanted = {u for u, s in settings.items() if s.mail_stopped_at is None
              and preferences.mode(s, kind) == preferences.IMMEDIATELY}
    for row in rows:
        row["email_state"] = "queued" if row["user_id"] in wanted else ""
    for note in notes:
        if note.user_id in wanted:
            note.email_state = "queued"
    if rows:
        db.session.execute(insert(Notification), rows)
    _schedule(sorted(wanted), utcnow())


# --- QI write-ups ---------------------------------------------------------------------------

QI_TEXT = {"revised": "{who} updated the QI write-up “{title}”",
           "tried": "{who} said “We tried this” on “{title}”",
           "replicated": "{who} shared a replica of “{title}”"}


def _shown(writeup) -> bool:
    return writeup is not None and writeup.is_published and not writeup.is_hidden


def fan_out_writeup(writeup_id: int, what: str, *, actor_id: int,
                    replica_id: int | None = None) -> int:
    """Tell the write-up's followers (not the actor) who can read it now, and the replica
    too when that is the news. A revision joins the member's unread one for the write-up."""
    writeup = qi.get_writeup(writeup_id)
    replica = qi.get_writeup(int(replica_id)) if replica_id else None
    if what not in QI_TEXT or not _shown(writeup) or (what == "replicated" and not _shown(replica)):
        return 0
    wanted = set(follows.followers_of(QI, writeup_id)) - {actor_id}
    readers = [u.id for u in _users(wanted) if u.status == Status.ACTIVE
               and qi.can_read(u, writeup) and (replica is None or qi.can_read(u, replica))]
    if not readers:
        return 0
    actor = db.session.get(User, actor_id)
    kind, now = f"qi_{what}", utcnow()
    text = QI_TEXT[what].format(who=actor.display_name if actor else "Someone",
                                title=writeup.title)
    link = f"/qi/{(replica or writeup).id}"
    grouped = {n.user_id: n for n in db.session.scalars(select(Notification).where(
        Notification.kind == kind, Notification.link == link, Notification.read_at.is_(None),
        Notification.user_id.in_(readers)))} if what == "revised" else {}
    for note in grouped.values():
        note.count += 1
        note.text, note.updated_at = text, now
    rows = [{"user_id": u, "kind": kind, "text": text, "link": link, "count": 1,
             "created_at": now, "updated_at": now, "email_state": ""}
            for u in readers if u not in grouped]
    _insert_emailed(rows, list(grouped.values()))
    return len(readers)


# --- events ---------------------------------------------------------------------------------

def fan_out_event(event_id: int, *, actor_id: int) -> int:
    """A newly published event, for followers of its alliance or professions who can see it
    (members-only ones only reach active members; cancelled before the worker ran: nobody)."""
    event = event_queries.get_event(event_id)
    if event is None or not event.is_published or event.is_cancelled:
        return 0
    wanted = set(follows.event_followers(event.alliance_id, [p.id for p in event.professions]))
    wanted.discard(actor_id)
    readers = [u.id for u in _users(wanted) if u.status == Status.ACTIVE
               and event_policy.can_view(u, event)]
    now = utcnow()
    where = event.alliance.name if event.alliance else "all of London"
    rows = [{"user_id": u, "kind": "event_new", "text": f"New event for {where}: “{event.title}”",
             "link": f"/events/{event.id}", "count": 1, "created_at": now, "updated_at": now,
             "email_state": ""} for u in readers]
    _insert_emailed(rows)
    return len(rows)


EVENT_TEXT = {"changed": ("event_changed", "The time, place or joining link of “{title}” has "
                                           "changed"),
              "cancelled": ("event_cancelled", "“{title}” has been cancelled"),
              "materials": ("event_materials", "The recording or slides of “{title}” are online")}


def fan_out_event_change(event_id: int, what: str, *, actor_id: int) -> int:
    """Tell the followers of one event (not the actor, nor anyone signed up: the event's
    own emails tell them) who can see it now."""
    event = event_queries.get_event(event_id)
    if what not in EVENT_TEXT or event is None or not (event.is_published or event.is_cancelled):
        return 0
    wanted = set(follows.followers_of(follows.EVENT, event_id)) - {actor_id}
    wanted -= set(db.session.scalars(select(Signup.user_id).where(
        Signup.event_id == event_id, Signup.user_id.is_not(None),
        Signup.status.in_([SignupStatus.CONFIRMED, SignupStatus.WAITING]))))
    readers = [u.id for u in _users(wanted) if u.status == Status.ACTIVE
               and event_policy.can_view(u, event)]
    kind, template = EVENT_TEXT[what]
    now = utcnow()
    rows = [{"user_id": u, "kind": kind, "text": template.format(title=event.title),
             "link": f"/events/{event.id}", "count": 1, "created_at": now, "updated_at": now,
             "email_state": ""} for u in readers]
    _insert_emailed(rows)
    return len(rows)

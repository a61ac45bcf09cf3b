"""Daily and weekly digests: what is new in what a member follows, best first, without what
they have already read on the site.

`flask notify digests` (run it hourly from cron) sends every digest that is due and not yet
sent. Periods are London days and weeks, so a digest covers 25 hours on the day the clocks
go back and 23 on the day they go forward. A DigestSent row, written in the same
transaction as the email's outbox row, makes a second run send nothing again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from forum.db import utcnow
from forum.discussions import policy
from forum.discussions.models import Post, Thread, ThreadRead, thread_professions
from forum.discussions.queries import is_pan_london
from forum.extensions import db
from forum.members.models import Status, User
from forum.notify import emails, follows, preferences
from forum.notify.models import DigestSent, EmailSettings, Follow, Notification

LONDON = ZoneInfo("Europe/London")
DAILY_HOUR = 7  # yesterday's digest goes from 07:00 London time
MAX_THREADS = 20
MAX_POSTS_PER_THREAD = 5
CHUNK = 500  # members committed together


@dataclass(frozen=True)
class Period:
    mode: str  # preferences.DAILY or WEEKLY
    key: str
    start: datetime  # UTC
    end: datetime


def _local(day: date, hour: int = 0) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def daily_period(now: datetime) -> Period:
    """The London day before the latest 07:00 that has passed."""
    here = now.astimezone(LONDON)
    due_day = here.date() if here.hour >= DAILY_HOUR else here.date() - timedelta(days=1)
    day = due_day - timedelta(days=1)
    return Period(preferences.DAILY, f"daily:{day.isoformat()}",
                  _local(day).astimezone(UTC), _local(due_day).astimezone(UTC))


def weekly_period(now: datetime, weekday: int, hour: int) -> Period:
    """The seven London days up to the latest chosen weekday and hour that has passed."""
    here = now.astimezone(LONDON)
    day = here.date() - timedelta(days=(here.weekday() - weekday) % 7)
    due = _local(day, hour)
    if due > here:
        day -= timedelta(days=7)
        due = _local(day, hour)
    start = _local(day - timedelta(days=7), hour)  # wall-clock weeks: 167 or 169 hours at a change
    return Period(preferences.WEEKLY, f"weekly:{day.isoformat()}",
                  start.astimezone(UTC), due.astimezone(UTC))


def periods_for(settings: EmailSettings, now: datetime) -> list[Period]:
    modes = {preferences.mode(settings, kind) for kind in preferences.DIGEST_KINDS}
    found = []
    if preferences.DAILY in modes:
        found.append(daily_period(now))
    if preferences.WEEKLY in modes:
        found.append(weekly_period(now, settings.weekly_day, settings.weekly_hour))
    return found


# --- what there is to tell ----------------------------------------------------------------

@dataclass
class Material:
    """Everything the digests of one run draw on, loaded with a fixed number of queries."""

    posts: list[Post]
    professions: dict[int, set[int]]
    thread_follows: dict[int, set[int]]
    topic_follows: dict[int, list[Follow]]
    reads: dict[tuple[int, int], int]
    mentions: dict[int, set[int]]
    by_id: dict[int, Post] = field(default_factory=dict)
    shown: dict[int, dict] = field(default_factory=dict)  # post id -> what digests show of it
    _replies: dict[int, list[Post]] = field(default_factory=dict)
    _openings: dict[tuple, list[Post]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.by_id = {p.id: p for p in self.posts}
        for post in self.posts:
            if not post.is_opening:
                self._replies.setdefault(post.thread_id, []).append(post)

    def replies_in(self, thread_id: int) -> list[Post]:
        return self._replies.get(thread_id, [])

    def openings_for(self, follow: Follow) -> list[Post]:
        """New discussions matching a board/alliance/profession follow: worked out once per
        combination, however many members follow it."""
        key = (follow.board_id, follow.alliance_id, follow.profession_id)
        if key not in self._openings:
            self._openings[key] = [
                p for p in self.posts if p.is_opening
                and _matches(follow, p.thread, self.professions.get(p.thread_id, set()))]
        return self._openings[key]


def _material(start: datetime, end: datetime) -> Material:
    posts = list(db.session.scalars(
        select(Post).join(Post.thread)
        .where(Post.created_at >= start, Post.created_at < end, Post.deleted_at.is_(None),
               Post.hidden_at.is_(None), Post.pending.is_(False), Thread.hidden_at.is_(None),
               Thread.pending.is_(False), Thread.merged_into_id.is_(None))
        .options(joinedload(Post.thread).joinedload(Thread.board),
                 joinedload(Post.thread).joinedload(Thread.alliance), joinedload(Post.author))
        .order_by(Post.id)))
    thread_ids = {p.thread_id for p in posts}
    in_window = select(Post.thread_id).where(Post.created_at >= start, Post.created_at < end)
    professions: dict[int, set[int]] = defaultdict(set)
    thread_follows: dict[int, set[int]] = defaultdict(set)
    topic_follows: dict[int, list[Follow]] = defaultdict(list)
    reads: dict[tuple[int, int], int] = {}
    mentions: dict[int, set[int]] = defaultdict(set)
    if not posts:
        return Material(posts, professions, thread_follows, topic_follows, reads, mentions)
    for thread_id, profession_id in db.session.execute(select(
            thread_professions.c.thread_id, thread_professions.c.profession_id)
            .where(thread_professions.c.thread_id.in_(in_window))):
        professions[thread_id].add(profession_id)
    for row in db.session.scalars(select(Follow).where(Follow.stopped_at.is_(None))):
        if row.target_kind == follows.THREAD and row.target_id in thread_ids:
            thread_follows[row.user_id].add(row.target_id)
        elif row.target_kind == follows.DISCUSSIONS:
            topic_follows[row.user_id].append(row)
    for user_id, thread_id, last in db.session.execute(select(
            ThreadRead.user_id, ThreadRead.thread_id, ThreadRead.last_read_post_id)
            .where(ThreadRead.thread_id.in_(in_window))):
        reads[user_id, thread_id] = last
    for user_id, post_id in db.session.execute(select(Notification.user_id, Notification.post_id)
                                               .where(Notification.kind == "mention",
                                                      Notification.created_at >= start)):
        mentions[user_id].add(post_id)
    return Material(posts, professions, thread_follows, topic_follows, reads, mentions)


def _matches(follow: Follow, thread: Thread, professions: set[int]) -> bool:
    return ((follow.board_id is None or follow.board_id == thread.board_id)
            and (follow.alliance_id is None or is_pan_london(thread.alliance)
                 or follow.alliance_id == thread.alliance_id)
            and (follow.profession_id is None or follow.profession_id in professions))


def digest_items(user: User, settings: EmailSettings, period: Period,
                 material: Material) -> list[tuple[Thread, list[Post]]]:
    """Threads with their new posts for this member and period, best first."""
    wants = {kind: preferences.mode(settings, kind) == period.mode
             for kind in preferences.DIGEST_KINDS}
    candidates: dict[int, Post] = {}
    if wants["replies"]:
        for thread_id in material.thread_follows.get(user.id, ()):
            candidates.update((p.id, p) for p in material.replies_in(thread_id))
    if wants["new_discussions"]:
        for follow in material.topic_follows.get(user.id, ()):
            candidates.update((p.id, p) for p in material.openings_for(follow))
    if wants["mentions"]:
        candidates.update((i, material.by_id[i]) for i in material.mentions.get(user.id, ())
                          if i in material.by_id)
    by_thread: dict[int, list[Post]] = defaultdict(list)
    for post_id in sorted(candidates):
        post = candidates[post_id]
        if not (period.start <= post.created_at < period.end) or post.author_id == user.id:
            continue
        if post.id <= material.reads.get((user.id, post.thread_id), 0):
            continue  # already read on the site
        if policy.can_view_post(user, post) and policy.can_read_post_body(user, post):
            by_thread[post.thread_id].append(post)
    ranked = sorted(by_thread.values(), key=lambda ps: (
        -len(ps), -ps[0].thread.reply_count, -ps[-1].id))
    return [(ps[0].thread, ps[:MAX_POSTS_PER_THREAD]) for ps in ranked[:MAX_THREADS]]


# --- sending ------------------------------------------------------------------------------

def _item(post: Post, cache: dict[int, dict]) -> dict:
    """What a digest shows of a post, worked out once per run however many get it."""
    if post.id not in cache:
        cache[post.id] = {"author": post.author.display_name, "is_opening": post.is_opening,
                          "excerpt": emails.excerpt(post, 200),
                          "url": emails.absolute(emails.post_path(post.thread_id, post.id))}
    return cache[post.id]


def _queue(user: User, settings: EmailSettings, period: Period,
           items: list[tuple[Thread, list[Post]]], cache: dict[int, dict]) -> None:
    threads = [{"title": thread.title, "board": thread.board.name,
                "url": _item(posts[0], cache)["url"],
                "posts": [_item(p, cache) for p in posts]} for thread, posts in items]
    count = sum(len(posts) for _, posts in items)
    when = "today" if period.mode == preferences.DAILY else "this week"
    label = "Your daily digest" if period.mode == preferences.DAILY else "Your weekly digest"
    day = period.end.astimezone(LONDON) - timedelta(days=1 if period.mode == "daily" else 7)
    subject = f"{label} from {emails.site()}: {count} new post{'s' if count != 1 else ''}"
    emails.queue_member_email(
        user, kind="digest", settings=settings, subject=subject, template="digest", threads=threads,
        intro=f"Here is what is new since {day:%A %-d %B} in what you follow, "
              f"the busiest first. (You see it {when} because you chose a digest.)")


def send_digests(now: datetime | None = None) -> dict[str, int]:
    """Send every due digest not yet sent; returns counts ("sent", "empty", "skipped")."""
    session = db.session()
    # What is loaded stays loaded across the commits below: it is read, never changed here.
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        return _send_due(now or utcnow())
    finally:
        session.expire_on_commit = expire


def _send_due(now: datetime) -> dict[str, int]:
    users = list(db.session.scalars(select(User).where(User.status == Status.ACTIVE)
                                    .order_by(User.id)))
    settings = preferences.settings_for(u.id for u in users)
    plans = [(u, settings[u.id], p) for u in users
             if preferences.may_email(u, settings[u.id]) for p in periods_for(settings[u.id], now)]
    counts = {"sent": 0, "empty": 0, "skipped": 0}
    if not plans:
        return counts
    keys = {p.key for _, _, p in plans}
    done = {(user_id, key) for user_id, key in db.session.execute(
        select(DigestSent.user_id, DigestSent.period).where(DigestSent.period.in_(keys)))}
    todo = [(u, s, p) for u, s, p in plans if (u.id, p.key) not in done]
    counts["skipped"] = len(plans) - len(todo)
    if not todo:
        return counts
    # Rows (with their unsubscribe keys) for everyone, made once, so no email waits on one.
    stored = preferences.stored_settings_many(u.id for u, _, _ in todo)
    db.session.commit()
    todo = [(u, stored[u.id], p) for u, _, p in todo]
    material = _material(min(p.start for *_, p in todo), max(p.end for *_, p in todo))
    _send_all(todo, material, counts)
    return counts


def _send_all(todo, material: Material, counts: dict[str, int]) -> None:
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start:start + CHUNK]
        try:
            _send_chunk(chunk, material, counts)
        except IntegrityError:  # another run sent some of these meanwhile: one at a time
            db.session.rollback()
            for plan in chunk:
                try:
                    _send_chunk([plan], material, counts)
                except IntegrityError:
                    db.session.rollback()
                    counts["skipped"] += 1


def _send_chunk(chunk, material: Material, counts: dict[str, int]) -> None:
    tally = {"sent": 0, "empty": 0}
    for user, settings, period in chunk:
        items = digest_items(user, settings, period, material)
        db.session.add(DigestSent(user_id=user.id, period=period.key,
                                  items=sum(len(ps) for _, ps in items)))
        if items:
            _queue(user, settings, period, items, material.shown)
            tally["sent"] += 1
        else:
            tally["empty"] += 1
    db.session.commit()
    for key, value in tally.items():
        counts[key] += value

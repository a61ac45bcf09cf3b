"""Notification speed (issue 12), three figures, each beside its baseline in the same run:

1. A reply in a thread with 2,000 followers is acknowledged as fast as one in a thread with
   none: POST /threads/<id>/reply in-process, alternating the two threads, median of --replies.
2. The worker fans one reply out to 2,000 followers and sends their 2,000 emails to a local
   aiosmtpd (batch window 0): the time from the outbox row to the last email taken.
3. The daily digest for 5,000 members over a day of 500 posts (`send_digests`), and the
   worker then sending them.

    .venv/bin/python bench/notify_bench.py            # SQLite in a temporary folder
    FORUM_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench_notify ...

The database is built from scratch (members in bulk, posts through the services).
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import socket
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app, outbox  # noqa: E402
from forum.community.models import Board  # noqa: E402
from forum.community.seed import seed_reference_data  # noqa: E402
from forum.db import utcnow  # noqa: E402
from forum.discussions import services  # noqa: E402
from forum.discussions.models import Post, Thread  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.members.models import Status, User  # noqa: E402
from forum.notify import digests  # noqa: E402
from forum.notify.models import EmailSettings, Follow  # noqa: E402

PROFILE = "--profile" in sys.argv


class Counter:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def members(n: int, start: int = 0) -> list[int]:
    now = utcnow()
    rows = [{"email": f"bench{i}@nhs.net", "display_name": f"Bench member {i}",
             "password_hash": "x", "organisation": "Bench", "status": Status.ACTIVE,
             "email_verified_at": now, "approved_post_count": 99, "created_at": now,
             "role": "member", "post_count": 0, "notify_replies": True, "bio": "",
             "suspension_reason": ""}
            for i in range(start, start + n)]
    db.session.execute(insert(User), rows)
    db.session.commit()
    return list(db.session.scalars(select(User.id).where(User.email.like("bench%"))
                                   .order_by(User.id)))[start:start + n]


def drain(topic: str) -> int:
    done = 0
    while n := outbox.process(topic, limit=500):
        done += n
    return done


def bench_acknowledgement(app, replies: int, followers: int) -> None:
    ids = members(followers + 2)
    author_id, replier_id, follower_ids = ids[0], ids[1], ids[2:]
    board = db.session.scalar(select(Board).where(Board.slug == "clinical-leadership"))
    author = db.session.get(User, author_id)
    busy = services.start_thread(author, board=board, title="Busy thread", body="Opening")
    quiet = services.start_thread(author, board=board, title="Quiet thread", body="Opening")
    busy_id, quiet_id = busy.id, quiet.id
    db.session.execute(insert(Follow), [{"user_id": u, "target_kind": "thread",
                                         "target_id": busy_id, "created_at": utcnow()}
                                        for u in follower_ids])
    db.session.execute(update(User).values(notify_replies=True))
    db.session.commit()
    # Settings rows made once, as a live forum has them.
    db.session.execute(insert(EmailSettings), [{
        "user_id": u, "replies": "immediately", "mentions": "immediately",
        "new_discussions": "daily", "moderation": "immediately", "weekly_day": 0,
        "weekly_hour": 8, "key": f"{u:032x}", "bounce_count": 0} for u in ids])
    db.session.commit()
    drain("notify")
    drain("notify_email")
    db.session.execute(update(outbox.OutboxMessage).values(processed_at=utcnow()))
    db.session.commit()

    from tests.factories import sign_in

    client = app.test_client()
    sign_in(client, db.session.get(User, replier_id))
    times: dict[str, list[float]] = {"busy": [], "quiet": []}
    for i in range(replies):
        for name, thread_id in (("busy", busy_id), ("quiet", quiet_id)):
            started = time.perf_counter()
            response = client.post(f"/threads/{thread_id}/reply",
                                   data={"body": f"Reply {i} to the {name} thread"})
            times[name].append(time.perf_counter() - started)
            assert response.status_code in (302, 303), response.status_code
    for name, values in times.items():
        label = f"{followers:,} followers" if name == "busy" else "no followers"
        print(f"reply acknowledged, thread with {label}: median "
              f"{statistics.median(values) * 1000:.1f} ms, p90 "
              f"{sorted(values)[int(len(values) * 0.9)] * 1000:.1f} ms ({len(values)} replies)")
    # Leave just one reply in the busy thread to fan out for the next figure.
    db.session.execute(update(outbox.OutboxMessage).where(outbox.OutboxMessage.processed_at
                                                          .is_(None))
                       .values(processed_at=utcnow()))
    db.session.commit()
    services.reply_to_thread(db.session.get(User, replier_id), db.session.get(Thread, busy_id),
                             body="The reply the worker fans out")


def bench_fan_out_and_send(app, smtp: Counter, followers: int) -> None:
    started = time.perf_counter()
    drain("notify")
    fanned = time.perf_counter()
    drain("notify_email")
    batched = time.perf_counter()
    sent = drain("email")
    done = time.perf_counter()
    print(f"worker: fan-out to {followers:,} followers {fanned - started:.2f} s, "
          f"batches {batched - fanned:.2f} s, {sent:,} emails sent {done - batched:.2f} s, "
          f"total {done - started:.2f} s (SMTP server took {smtp.count:,})")


def bench_digest(app, smtp: Counter, n_members: int, n_posts: int) -> None:
    db.session.execute(update(outbox.OutboxMessage).values(processed_at=utcnow()))
    db.session.execute(Follow.__table__.delete())
    db.session.commit()
    existing = db.session.scalar(select(db.func.count()).select_from(User)) or 0
    ids = list(db.session.scalars(select(User.id).order_by(User.id)))
    if existing < n_members:
        ids += members(n_members - existing, start=existing)
    ids = ids[:n_members]
    rng = random.Random(12)
    boards = list(db.session.scalars(select(Board)))
    # Everyone follows two boards; digests by default for new discussions, replies daily too.
    db.session.execute(insert(Follow), [{"user_id": u, "target_kind": "discussions",
                                         "board_id": b.id, "created_at": utcnow()}
                                        for u in ids for b in rng.sample(boards, 2)])
    db.session.execute(update(EmailSettings).values(replies="daily", new_discussions="daily"))
    db.session.commit()
    day = datetime(2026, 10, 25, tzinfo=UTC)  # the 25-hour London day, for good measure
    authors = [db.session.get(User, u) for u in ids[:50]]
    threads = []
    for i in range(n_posts // 5):
        author = authors[i % len(authors)]
        threads.append(services.start_thread(author, board=boards[i % len(boards)],
                                             title=f"Digest thread {i}", body=f"Opening {i}"))
    for i in range(n_posts - len(threads)):
        services.reply_to_thread(authors[(i + 7) % len(authors)], threads[i % len(threads)],
                                 body=f"A reply **{i}** with some words in it.")
    db.session.execute(update(Post).values(created_at=day + timedelta(hours=12)))
    # Thread followers of the replies' threads (the repliers follow automatically) stay.
    db.session.execute(update(outbox.OutboxMessage).values(processed_at=utcnow()))
    db.session.commit()
    before = smtp.count
    started = time.perf_counter()
    if PROFILE:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        counts = profiler.runcall(digests.send_digests, datetime(2026, 10, 26, 7, 30, tzinfo=UTC))
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    else:
        counts = digests.send_digests(datetime(2026, 10, 26, 7, 30, tzinfo=UTC))
    built = time.perf_counter()
    sent = drain("email")
    done = time.perf_counter()
    print(f"daily digest, {n_members:,} members, {n_posts} posts: built and queued "
          f"{counts['sent']:,} digests in {built - started:.2f} s "
          f"({counts['empty']:,} with nothing new); sent {sent:,} in {done - built:.2f} s "
          f"(SMTP server took {smtp.count - before:,})")
    again = time.perf_counter()
    counts = digests.send_digests(datetime(2026, 10, 26, 9, 0, tzinfo=UTC))
    print(f"running it again: {counts['sent']} sent, {counts['skipped']:,} already sent, "
          f"{time.perf_counter() - again:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--followers", type=int, default=2000)
    parser.add_argument("--replies", type=int, default=30)
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--posts", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile the digest build")
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command

    smtp, port = Counter(), free_port()
    controller = Controller(smtp, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("FORUM_BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        app = create_app({"TESTING": True, "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                          "SEARCH_DIR": f"{tmp}/index", "WTF_CSRF_ENABLED": False,
                          "RATELIMIT_ENABLED": False, "SERVER_NAME": "forum.bench",
                          "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": port,
                          "PREMODERATE_FIRST_POSTS": 0, "NOTIFY_BATCH_SECONDS": 0,
                          "INPROCESS_WORKER": False})
        with app.app_context():
            db.drop_all()
            db.create_all()
            seed_reference_data()
            print(f"database: {db.engine.dialect.name}")
            bench_acknowledgement(app, args.replies, args.followers)
            bench_fan_out_and_send(app, smtp, args.followers)
            bench_digest(app, smtp, args.members, args.posts)
            db.session.remove()
            db.engine.dispose()
    controller.stop()


if __name__ == "__main__":
    main()

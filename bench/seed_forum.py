"""Seed a benchmark database: N threads and M posts of MedQuAD text, with one 100-post thread.

    .venv/bin/python bench/seed_forum.py --database sqlite:////tmp/bench/forum.db \
        --threads 10000 --posts 200000

Rows are bulk-inserted (not through the services, which would take an hour), but they are
valid: body_html comes from forum.markup.render, counters match the rows.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sys
from datetime import timedelta
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, insert, inspect, select, update
from tqdm import tqdm
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app  # noqa: E402
from forum.community.models import Alliance, Board, Profession  # noqa: E402
from forum.community.seed import seed_reference_data  # noqa: E402
from forum.db import utcnow  # noqa: E402
from forum.discussions.models import Post, PostRevision, Thread, thread_professions  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.markup import render  # noqa: E402
from forum.members.models import Role, Status, User  # noqa: E402

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "medquad_all.jsonl"
BENCH_PASSWORD = "bench-password-2026"
BATCH = 5000


def load_texts(max_chars: int) -> list[tuple[str, str]]:
    rows = []
    with MEDQUAD.open(encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            rows.append((item["question"][:200], item["answer"][:max_chars]))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--members", type=int, default=500)
    parser.add_argument("--max-chars", type=int, default=6000,
                        help="cut answers longer than this (MedQuAD's longest run to 29,000)")
    args = parser.parse_args()

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database})
    rng = random.Random(2026)
    texts = load_texts(args.max_chars)
    html_cache: dict[int, str] = {}

    with app.app_context():
        if not inspect(db.engine).has_table("posts"):  # (a database seeded before is reused)
            upgrade()  # the production schema, as migrations make it
        seed_reference_data()
        if db.session.scalar(select(func.count()).select_from(Post)):
            print("Database already seeded; nothing to do.")
            return
        boards = list(db.session.scalars(select(Board)))
        alliances = list(db.session.scalars(select(Alliance)))
        professions = list(db.session.scalars(select(Profession)))
        now = utcnow()
        hashed = generate_password_hash(BENCH_PASSWORD)
        db.session.execute(insert(User), [
            {"email": f"bench{i}@nhs.net", "display_name": f"Bench member {i}",
             "password_hash": hashed, "profession_id": professions[i % len(professions)].id,
             "alliance_id": alliances[i % len(alliances)].id, "organisation": "Bench practice",
             "role": Role.ADMIN if i == 0 else Role.MEMBER, "status": Status.ACTIVE,
             "email_verified_at": now, "created_at": now, "approved_post_count": 99}
            for i in range(args.members)
        ])
        db.session.commit()
        user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))

        # Spread posts over the whole corpus (its first entries are the longest cancer pages),
        # so every thread, the 100-post one included, has the corpus's mix of lengths.
        order = list(range(len(texts)))
        rng.shuffle(order)

        def body(i: int) -> tuple[str, str]:
            k = order[i % len(texts)]
            if k not in html_cache:
                html_cache[k] = render(texts[k][1])
            return texts[k][1], html_cache[k]

        # Thread 1 gets exactly 100 posts (1 opening + 99 replies); the rest share the remainder.
        replies_left = args.posts - args.threads - 99
        per_thread = [0] * args.threads
        per_thread[0] = 99
        for _ in range(max(0, replies_left)):
            per_thread[rng.randrange(1, args.threads)] += 1

        start = now - timedelta(days=365)
        bar = tqdm(total=args.posts, unit="post", desc="Seeding posts")
        thread_rows, post_rows, tag_rows = [], [], []
        post_id = itertools.count(1)
        for t in range(args.threads):
            tid = t + 1
            board = boards[0] if t == 0 else boards[t % len(boards)]
            created = start + timedelta(minutes=t * 50)
            n_replies = per_thread[t]
            last = created + timedelta(minutes=n_replies * 7)
            thread_rows.append({
                "id": tid, "board_id": board.id, "author_id": user_ids[t % len(user_ids)],
                "alliance_id": None if t % 5 == 0 else alliances[t % 4].id,
                "title": texts[t % len(texts)][0], "created_at": created,
                "last_activity_at": last, "reply_count": n_replies,
            })
            tag_rows.append({"thread_id": tid, "profession_id": professions[t % len(professions)].id})
            parent_ids: list[int] = []
            for p in range(n_replies + 1):
                pid = next(post_id)
                source, html = body(pid)
                post_rows.append({
                    "id": pid, "thread_id": tid, "author_id": user_ids[(t + p) % len(user_ids)],
                    "reply_to_id": (rng.choice(parent_ids) if parent_ids and p % 3 == 0 else None),
                    "is_opening": p == 0, "body_source": source, "body_html": html,
                    "created_at": created + timedelta(minutes=p * 7),
                })
                if p:
                    parent_ids.append(pid)
            if len(post_rows) >= BATCH:
                _flush(thread_rows, post_rows, tag_rows)
                bar.update(len(post_rows))
                thread_rows, post_rows, tag_rows = [], [], []
        bar.update(len(post_rows))
        _flush(thread_rows, post_rows, tag_rows)
        bar.close()
        _counters()
        if db.engine.dialect.name == "postgresql":
            for table in ("threads", "posts", "post_revisions"):
                db.session.execute(db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
            db.session.commit()
        print(f"Seeded {args.threads} threads and {args.posts} posts "
              f"({args.members} members; thread 1 has 100 posts).")


def _flush(thread_rows, post_rows, tag_rows) -> None:
    if thread_rows:
        db.session.execute(insert(Thread), thread_rows)
        db.session.execute(insert(thread_professions), tag_rows)
    db.session.execute(insert(Post), post_rows)
    db.session.execute(insert(PostRevision), [
        {"post_id": r["id"], "number": 1, "editor_id": r["author_id"], "title": None,
         "body_source": r["body_source"], "body_html": r["body_html"],
         "created_at": r["created_at"]} for r in post_rows
    ])
    db.session.commit()


def _counters() -> None:
    """Board and member counters, as the services would have kept them."""
    for board in db.session.scalars(select(Board)).all():
        threads = db.session.scalar(select(func.count()).where(Thread.board_id == board.id))
        posts = db.session.scalar(select(func.count()).select_from(Post).join(Thread)
                                  .where(Thread.board_id == board.id))
        latest = db.session.scalars(select(Thread).where(Thread.board_id == board.id)
                                    .order_by(Thread.last_activity_at.desc()).limit(1)).first()
        board.thread_count, board.post_count = threads or 0, posts or 0
        if latest:
            board.last_activity_at, board.last_thread_id = latest.last_activity_at, latest.id
    counts = select(Post.author_id, func.count().label("n")).group_by(Post.author_id).subquery()
    db.session.execute(update(User).values(post_count=select(counts.c.n).where(
        counts.c.author_id == User.id).scalar_subquery()))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        # After a bulk load the planner has no statistics until autovacuum comes round, and
        # guesses one row per table: the rebuild's read of 100,000 posts took 31 s, not 0.2 s.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")


if __name__ == "__main__":
    main()

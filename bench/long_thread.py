"""Page size and server time of a long thread (400 replies by default), signed in as a member.

    .venv/bin/python bench/long_thread.py --replies 400

Builds a fresh SQLite database in a temporary folder (replies through the discussion
services, MedQuAD text cut to --max-chars, a third of them answering an earlier reply),
then times GET /threads/<id> in-process (no network, one thread: server time only) and
reports the size of each page. Run the same file from another checkout to compare.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app  # noqa: E402
from forum.community.models import Alliance, Board, Profession  # noqa: E402
from forum.community.seed import seed_reference_data  # noqa: E402
from forum.db import utcnow  # noqa: E402
from forum.discussions import services  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.members.models import Status, User  # noqa: E402

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "medquad_all.jsonl"


def texts(max_chars: int, n: int) -> list[str]:
    rng = random.Random(2026)
    with MEDQUAD.open(encoding="utf-8") as handle:
        answers = [json.loads(line)["answer"][:max_chars] for line in handle]
    return [rng.choice(answers) for _ in range(n)]


def build(replies: int, max_chars: int) -> tuple[int, str]:
    """The thread's id and a reader's session id."""
    seed_reference_data()
    board = db.session.query(Board).filter_by(slug="clinical-leadership").one()
    professions = db.session.query(Profession).order_by(Profession.id).all()
    alliances = db.session.query(Alliance).order_by(Alliance.id).all()
    members = []
    for i in range(6):
        user = User(email=f"long{i}@nhs.net", display_name=f"Long-thread member {i}",
                    password_hash="x", profession=professions[i % len(professions)],
                    alliance=alliances[i % len(alliances)], organisation="Bench practice",
                    status=Status.ACTIVE, email_verified_at=utcnow(), approved_post_count=99)
        db.session.add(user)
        members.append(user)
    db.session.commit()
    bodies = texts(max_chars, replies + 1)
    thread = services.start_thread(members[0], board=board, title="A long discussion",
                                   body=bodies[0], alliance=None, professions=[])
    rng = random.Random(7)
    posted = []
    for i in range(replies):
        parent = rng.choice(posted) if posted and i % 3 == 0 else None
        posted.append(services.reply_to_thread(members[1 + i % 5], thread, body=bodies[i + 1],
                                               reply_to=parent))
    return thread.id, members[5].get_id()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replies", type=int, default=400)
    parser.add_argument("--max-chars", type=int, default=600)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="long-thread-"))
    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'forum.db'}",
        "SEARCH_DIR": str(folder / "search"), "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "PREMODERATE_FIRST_POSTS": 0,
    })
    with app.app_context():
        db.create_all()
        thread_id, reader = build(args.replies, args.max_chars)
        statements = []
        event.listen(db.engine, "before_cursor_execute",
                     lambda *a: statements.append(a[2]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = reader
        session["_fresh"] = True

    def get(url: str):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response.get_data()

    url = f"/threads/{thread_id}"
    first = get(url)
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        get(url)
        times.append((time.perf_counter() - start) * 1000)
    statements.clear()
    get(url)
    queries = len(statements)
    sizes = {"first page": len(first)}
    for page in range(2, 200):  # a checkout without paging has one page and ignores ?page
        body = get(f"{url}?page={page}")
        if f'aria-current="page">{page}<'.encode() not in body:
            break
        sizes[f"page {page}"] = len(body)
    sizes["oldest first, first page"] = len(get(url + "?view=flat"))
    print(f"Thread of {args.replies} replies (MedQuAD text up to {args.max_chars} characters)")
    print(f"  server time, first page: median {statistics.median(times):.0f} ms, "
          f"slowest {max(times):.0f} ms over {args.runs} runs")
    print(f"  SQL statements for a page view: {queries}")
    for name, size in sizes.items():
        print(f"  {name:<26} {size / 1024:7.0f} KB")
    print(f"  pages in the tree view: {sum(1 for n in sizes if n.startswith(('first', 'page')))}")


if __name__ == "__main__":
    main()

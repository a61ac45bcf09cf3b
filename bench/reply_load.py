"""Members replying at once under gunicorn (4 workers) on PostgreSQL: are the counters right?

    .venv/bin/python bench/reply_load.py --server postgresql://postgres@127.0.0.1:5432/postgres \
        --members 120 --seconds 20
    # the same run against another checkout (e.g. `git archive main | tar -x -C /tmp/old`):
    .venv/bin/python bench/reply_load.py --server ... --code /tmp/old

Makes a scratch database on the server (dropped afterwards unless --keep), seeds members and
a few discussions, starts gunicorn on the code in --code, signs every member in (each its own
session cookie), and lets them all reply as fast as they can for --seconds. Then compares
every kept counter with a fresh count (forum.discussions.counters) and prints what differs.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, func, insert, select, text
from sqlalchemy.engine import make_url
from werkzeug.security import generate_password_hash

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app  # noqa: E402
from forum.community.seed import seed_reference_data  # noqa: E402
from forum.db import utcnow  # noqa: E402
from forum.discussions.counters import fresh_counts, kept_counts  # noqa: E402
from forum.discussions.models import Post  # noqa: E402
from forum.discussions.services import start_thread  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.members.models import Status, User  # noqa: E402

PASSWORD = "bench-password-2026"
PORT = 5056
BASE = f"http://127.0.0.1:{PORT}"
_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # a 303 after a reply is the answer we want
        return None


def seed(url: str, members: int, threads: int) -> tuple[list[str], list[int]]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SEARCH_DIR": tempfile.mkdtemp(prefix="bench-index-"),
                      "PREMODERATE_FIRST_POSTS": 0})
    with app.app_context():
        db.create_all()
        seed_reference_data()
        password_hash = generate_password_hash(PASSWORD)  # once: scrypt is slow on purpose
        emails = [f"replier{n}@nhs.net" for n in range(members)]
        db.session.execute(insert(User), [
            {"email": e, "display_name": f"Replier {n}", "password_hash": password_hash,
             "status": Status.ACTIVE, "email_verified_at": utcnow(), "approved_post_count": 99}
            for n, e in enumerate(emails)])
        db.session.commit()
        authors = list(db.session.scalars(select(User).order_by(User.id).limit(threads)))
        from forum.community.models import Board

        boards = list(db.session.scalars(select(Board).order_by(Board.position).limit(2)))
        ids = [start_thread(authors[i], board=boards[i % len(boards)],
                            title=f"Load discussion {i}", body="Reply here, everyone.").id
               for i in range(threads)]
        db.session.remove()
    return emails, ids


def sign_in(email: str, attempts: int = 5) -> tuple[urllib.request.OpenerDirector, str]:
    """A member's own cookie jar, signed in (retried: a busy machine may time a request out)."""
    for attempt in range(attempts):
        try:
            return _sign_in(email)
        except (OSError, AttributeError):
            if attempt == attempts - 1:
                raise
            time.sleep(1)
    raise AssertionError("unreachable")


def _sign_in(email: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    page = opener.open(BASE + "/login", timeout=60).read().decode()
    token = _TOKEN.search(page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
    try:
        opener.open(BASE + "/login", data.encode(), timeout=60)
    except urllib.error.HTTPError as answer:
        if answer.code not in (302, 303):
            raise
    return opener, token


def reply_loop(session: tuple[urllib.request.OpenerDirector, str], thread_ids: list[int],
               n: int, start: threading.Barrier, seconds: float, tally: Counter,
               lock: threading.Lock) -> None:
    opener, token = session
    start.wait()
    deadline, k = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        thread_id = thread_ids[(n + k) % len(thread_ids)]
        data = urllib.parse.urlencode({"body": f"Reply {k} from member {n}: agreed.",
                                       "csrf_token": token}).encode()
        try:
            status = opener.open(f"{BASE}/threads/{thread_id}/reply", data, timeout=60).status
        except urllib.error.HTTPError as answer:
            status = answer.code
        except OSError:
            status = "connection error"
        with lock:
            tally[status] += 1
        k += 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True,
                        help="a PostgreSQL URL whose server may create a scratch database")
    parser.add_argument("--members", type=int, default=120)
    parser.add_argument("--threads", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--code", default=str(ROOT), help="the checkout gunicorn serves")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()

    from forum.config import database_url

    server_url = make_url(database_url(args.server))
    name = f"bench_replies_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    server = None
    try:
        emails, thread_ids = seed(url, args.members, args.threads)
        env = dict(os.environ, FORUM_DATABASE_URL=url, FORUM_RATELIMIT="0",
                   FORUM_SECRET_KEY="bench", FORUM_PREMODERATE_FIRST_POSTS="0",
                   FORUM_SEARCH_DIR=tempfile.mkdtemp(prefix="bench-index-"),
                   PYTHONPATH=args.code)
        served = subprocess.run([sys.executable, "-c", "import forum; print(forum.__file__)"],
                                cwd=args.code, env=env, capture_output=True, text=True).stdout
        print(f"gunicorn -w {args.workers} serving {served.strip()}", flush=True)
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}",
             "--log-level", "warning", "--timeout", "120", "wsgi:app"], cwd=args.code, env=env)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(BASE + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.3)

        # Everyone signs in first, a few at a time (each sign-in is a deliberately slow hash).
        with ThreadPoolExecutor(args.workers) as pool:
            sessions = list(pool.map(sign_in, emails))
        print(f"{len(sessions)} members signed in; replying for {args.seconds:.0f} s", flush=True)
        tally: Counter = Counter()
        lock, start = threading.Lock(), threading.Barrier(args.members + 1)
        clients = [threading.Thread(target=reply_loop, daemon=True,
                                    args=(s, thread_ids, n, start, args.seconds, tally, lock))
                   for n, s in enumerate(sessions)]
        for client in clients:
            client.start()
        start.wait()
        began = time.monotonic()
        for client in clients:
            client.join()
        elapsed = time.monotonic() - began
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        replies = (db.session.scalar(select(func.count()).select_from(Post)) or 0) - len(thread_ids)
        kept, fresh = kept_counts(), fresh_counts()
        db.session.remove()
        db.engine.dispose()
    missing: Counter = Counter()
    rows: Counter = Counter()
    for key, value in fresh.items():
        if kept[key] != value:
            missing[key[0]] += value - kept[key]
            rows[key[0]] += 1
    print(f"{args.members} members, {args.seconds:.0f} s ({elapsed:.1f} s with stragglers): "
          f"{replies} replies saved, {replies / elapsed:.0f}/s; responses "
          + ", ".join(f"{k}: {v}" for k, v in sorted(tally.items(), key=str)))
    if missing:
        for counter in sorted(missing):
            print(f"  {counter}: {missing[counter]:+} against a fresh count, "
                  f"on {rows[counter]} rows")
    else:
        print("  every counter matches a fresh count")
    if not args.keep:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


if __name__ == "__main__":
    main()

"""Measure the home, board, 100-post thread (and search) pages under gunicorn (2 workers) with wrk.

    .venv/bin/python bench/seed_forum.py --database sqlite:////tmp/bench/forum.db
    .venv/bin/python bench/pages.py --database sqlite:////tmp/bench/forum.db

wrk runs in a second process on loopback, signed in as a bench member (a real session cookie).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PORT = 5055
BASE = f"http://127.0.0.1:{PORT}"


def wait_for_server(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(BASE + "/", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def session_cookie(email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(BASE + "/login").read().decode()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    data = {"email": email, "password": password}
    if token:
        data["csrf_token"] = token.group(1)
    opener.open(BASE + "/login", urllib.parse.urlencode(data).encode())
    cookies = {c.name: c.value for c in jar}
    if "session" not in cookies:
        raise SystemExit("could not sign in as the bench member")
    return f"session={cookies['session']}"


def wrk(path: str, cookie: str, seconds: int, connections: int) -> str:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s",
         "-s", str(HERE / "report.lua"), "-H", f"Cookie: {cookie}", BASE + path],
        capture_output=True, text=True, check=True,
    ).stdout
    return next(line for line in out.splitlines() if line.startswith("RESULT"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--thread-id", type=int, default=1)
    parser.add_argument("--account", default="bench1@nhs.net")
    parser.add_argument("--search-dir", help="a search index of this database (built by "
                        "bench/search_bench.py): also measure the search page")
    args = parser.parse_args()
    env = dict(os.environ, FORUM_DATABASE_URL=args.database, FORUM_RATELIMIT="0",
               FORUM_SECRET_KEY="bench")
    if args.search_dir:
        env["FORUM_SEARCH_DIR"] = args.search_dir
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "wsgi:app"], cwd=ROOT, env=env)
    try:
        wait_for_server()
        # bench1 is a member; bench0 is an admin, whose pages carry every moderation form.
        cookie = session_cookie(args.account, "bench-password-2026")
        pages = {"home": "/", "board": "/boards/introductions",
                 "thread (100 posts)": f"/threads/{args.thread_id}"}
        if args.search_dir:
            pages.update({"search, one word": "/search?q=chemotherapy",
                          "search, three words": "/search?q=breast+cancer+screening"})
        for name, path in pages.items():
            wrk(path, cookie, 2, args.connections)  # warm up
            print(f"{name:<20} {path:<28} {wrk(path, cookie, args.seconds, args.connections)}",
                  flush=True)
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()

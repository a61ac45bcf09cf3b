"""Time the Atom feeds beside the page they follow, in process (Flask test client, no cookies:
a feed reader).

    .venv/bin/python bench/seed_forum.py --database sqlite:////tmp/bench/forum.db
    .venv/bin/python bench/feeds.py --database sqlite:////tmp/bench/forum.db

For each feed: a full answer (200), a revalidation (If-None-Match, 304), and as the baseline
the HTML page the feed follows, as a visitor sees it; median and 95th percentile in ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app  # noqa: E402


def timed(client, path: str, n: int, headers: dict | None = None, status: int = 200) -> str:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        response = client.get(path, headers=headers or {})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == status, (path, response.status_code)
    times.sort()
    return f"median {statistics.median(times):6.1f} ms  p95 {times[int(len(times) * 0.95)]:6.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--database", required=True)
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "RATELIMIT_ENABLED": False})
    client = app.test_client()
    pairs = [("/feeds/discussions", "/discussions"),
             ("/feeds/boards/introductions", "/boards/introductions"),
             ("/feeds/alliances/north-central-london", "/alliances/north-central-london"),
             ("/feeds/professions/general-practice-nurse", "/professions/general-practice-nurse")]
    for feed, page in pairs:
        first = client.get(feed)
        assert first.status_code == 200, feed
        etag = first.headers["ETag"]
        print(f"{feed:44} 200 {timed(client, feed, args.requests)}   "
              f"304 {timed(client, feed, args.requests, {'If-None-Match': etag}, 304)}   "
              f"({len(first.get_data()) // 1024} KB)")
        print(f"{'  baseline ' + page:44} 200 {timed(client, page, args.requests)}")


if __name__ == "__main__":
    main()

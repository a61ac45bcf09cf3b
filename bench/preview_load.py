"""The home page's response time while members press Preview on costly posts, through the
threaded server the demo uses (run by hand; figures go in the issue's notes).

    .venv/bin/python bench/preview_load.py [--previewers 8] [--body brackets|table] [--limited]

Rate limiting is off unless --limited, to measure what previews cost; with it on, each
member gets PREVIEW_RATE_LIMIT previews (20 a minute), and the home page is timed once the
previewers have spent them.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

from werkzeug.serving import make_server

BODIES = {
    "brackets": "[" * 50_000,  # refused at once since the limits
    "table": "|a" * 9 + "|\n" + "|-" * 9 + "|\n" + ("|x" * 9 + "|\n") * 198,  # the worst accepted
}


def _home_times(base: str, n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        with urllib.request.urlopen(base + "/", timeout=120) as response:
            response.read()
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--previewers", type=int, default=8)
    parser.add_argument("--body", choices=BODIES, default="brackets")
    parser.add_argument("--limited", action="store_true")
    args = parser.parse_args()

    from forum import create_app
    from forum.community.seed import seed_reference_data
    from forum.demo import DEMO_ACCOUNTS, seed_demo
    from forum.extensions import db

    folder = tempfile.mkdtemp()
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/f.db",
                      "SEARCH_DIR": f"{folder}/index", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": args.limited})
    with app.app_context():
        db.create_all()
        seed_reference_data()
        seed_demo()
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    openers = []
    for account in DEMO_ACCOUNTS[:args.previewers]:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        opener.open(base + "/login", urllib.parse.urlencode(
            {"email": account["email"], "password": account["password"]}).encode()).read()
        openers.append(opener)

    _home_times(base, 5)  # warm up
    idle = statistics.median(_home_times(base, 20))
    stop = threading.Event()
    form = urllib.parse.urlencode({"title": "Preview", "board": "1", "alliance": "",
                                   "body": BODIES[args.body], "preview": "1"}).encode()

    def preview(opener) -> None:
        while not stop.is_set():
            opener.open(base + "/discussions/new", form, timeout=120).read()

    workers = [threading.Thread(target=preview, args=(openers[i % len(openers)],))
               for i in range(args.previewers)]
    for worker in workers:
        worker.start()
    time.sleep(10 if args.limited else 1)
    busy = statistics.median(_home_times(base, 20))
    stop.set()
    for worker in workers:
        worker.join()
    httpd.shutdown()
    print(f"home page median: {idle:.0f} ms idle, {busy:.0f} ms with {args.previewers} "
          f"members previewing '{args.body}'{' (rate-limited)' if args.limited else ''}")


if __name__ == "__main__":
    main()

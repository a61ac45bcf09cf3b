"""`python -m forum`: the demo on one machine (SQLite, a local search index, demo content)."""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
import sys

HOST, PORT = "127.0.0.1", 5000
WILDCARDS = {"", "0.0.0.0", "::"}  # noqa: S104 (names of "every interface", not a bind)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m forum",
                                     description="Start the Cancer CoP forum demo.")
    parser.add_argument("--host", default=HOST,
                        help=f"address to listen on (default {HOST}; 0.0.0.0 for every interface)")
    parser.add_argument("--port", type=int, default=PORT, help=f"port to listen on (default {PORT})")
    return parser.parse_args(argv)


def bind(host: str, port: int) -> socket.socket | None:
    """The listening socket, taken before anything else so a busy port is said at once."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart soon after a stop
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        if error.errno == errno.EADDRINUSE:
            print(f"Port {port} is in use. Start on another port with: "
                  f"python -m forum --port {port + 1}", file=sys.stderr)
        else:
            print(f"Cannot listen on {host}:{port}: {error.strerror}.", file=sys.stderr)
        return None
    return sock


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sock = bind(args.host, args.port)
    if sock is None:
        return 1
    shown = "127.0.0.1" if args.host in WILDCARDS else args.host
    url = f"http://[{shown}]:{args.port}" if ":" in shown else f"http://{shown}:{args.port}"
    # Links in emails point where this server is, unless the person said otherwise.
    os.environ.setdefault("FORUM_BASE_URL", url)
    worker_wanted = os.environ.get("FORUM_INPROCESS_WORKER", "1").strip().lower() in {
        "1", "true", "yes", "on"}
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from forum import create_app, worker
    from forum.community.seed import seed_reference_data
    from forum.demo import DEMO_ACCOUNTS, seed_demo

    # The worker starts after the search catch-up below, so the two do not race for the index.
    app = create_app({"DEMO": True, "INPROCESS_WORKER": False})
    # Alembic and the development server log every step; the terminal is kept for what a
    # person needs (and for the demo's emails).
    for name in ("alembic", "werkzeug"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with app.app_context():
        print("Bringing the database up to date…", flush=True)
        upgrade()
        seed_reference_data()
        if seed_demo():
            print("Added the demo members, threads and replies.", flush=True)
        _catch_up_search()
    if worker_wanted:
        worker.start(app)
    server = make_server(args.host, args.port, app, threaded=True, fd=sock.fileno())
    print("\nDemo accounts (email / password / role):")
    for account in DEMO_ACCOUNTS:
        print(f"  {account['email']:<38} {account['password']:<22} {account['label']}")
    print(f"\nThe forum is running at {url}  (press Ctrl+C to stop)")
    print("Emails (verification, password reset) are printed here instead of being sent.\n",
          flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nStopped.")
    finally:
        server.server_close()
    return 0


def _catch_up_search() -> None:
    """Apply pending index work now (or rebuild the index if it is missing posts, as on a new
    machine or after an upgrade), so search is complete on the first page view."""
    from forum.search.indexer import catch_up, open_index

    def documents() -> int:
        ix = open_index()
        return ix.doc_count() if ix is not None else 0

    before = documents()  # create_app made an empty index on a new machine
    report = catch_up()
    built = report.documents if report is not None else documents() if before == 0 else 0
    if built:
        print(f"Built the search index ({built:,} posts).", flush=True)


if __name__ == "__main__":
    sys.exit(main())

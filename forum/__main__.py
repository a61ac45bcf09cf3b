"""`python -m forum`: the demo on one machine (SQLite, a local search index, demo content)."""

from __future__ import annotations

import logging
import os
import sys

HOST, PORT = "127.0.0.1", 5000


def main() -> None:
    os.environ.setdefault("FORUM_INPROCESS_WORKER", "1")
    from flask_migrate import upgrade

    from forum import create_app
    from forum.community.seed import seed_reference_data
    from forum.demo import DEMO_ACCOUNTS, seed_demo

    app = create_app({"DEMO": True})
    with app.app_context():
        print("Bringing the database up to date…", flush=True)
        upgrade()
        seed_reference_data()
        if seed_demo():
            print("Added the demo members, threads and replies.", flush=True)
        _catch_up_search(app)
    print("\nDemo accounts (email / password / role):")
    for account in DEMO_ACCOUNTS:
        print(f"  {account['email']:<38} {account['password']:<22} {account['label']}")
    print(f"\nThe forum is running at http://{HOST}:{PORT}  (press Ctrl+C to stop)")
    print("Emails (verification, password reset) are printed here instead of being sent.\n",
          flush=True)
    # The development server's banner tells people not to use it in production; the README
    # says how to run production (gunicorn), so keep the terminal for the demo's emails.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    app.run(host=HOST, port=PORT, threaded=True, use_reloader=False, debug=False)


def _catch_up_search(app) -> None:
    """Apply pending index work now (or rebuild the index if it is missing posts, as on a new
    machine or after an upgrade), so search is complete on the first page view."""
    from forum.search.indexer import catch_up

    report = catch_up()
    if report is not None:
        print(f"Built the search index: {report.documents:,} posts.", flush=True)


if __name__ == "__main__":
    sys.exit(main())

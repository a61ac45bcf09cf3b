"""A second process that writes replies and indexes them, for the concurrency tests.

    python -m tests.search._writer DATABASE_URL SEARCH_DIR THREAD_ID AUTHOR_ID COUNT WORD
"""

from __future__ import annotations

import sys

from forum import create_app
from forum.discussions.models import Thread
from forum.discussions.services import reply_to_thread
from forum.extensions import db
from forum.members.models import User
from forum.search import sync


def main(url: str, search_dir: str, thread_id: int, author_id: int, count: int, word: str) -> None:
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test-secret", "SQLALCHEMY_DATABASE_URI": url,
        "SEARCH_DIR": search_dir, "PREMODERATE_FIRST_POSTS": 0, "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "console", "INPROCESS_WORKER": False,
    })
    with app.app_context():
        for n in range(count):
            author = db.session.get(User, author_id)
            thread = db.session.get(Thread, thread_id)
            reply_to_thread(author, thread, body=f"{word} reply number {n}")
            sync()
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    url, search_dir, thread_id, author_id, count, word = sys.argv[1:7]
    main(url, search_dir, int(thread_id), int(author_id), int(count), word)

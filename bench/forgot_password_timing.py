"""Does /forgot-password answer a registered address more slowly than an unknown one?

    .venv/bin/python bench/forgot_password_timing.py [--pairs 120] [--database URL]
        [--path /forgot-password | /verify/resend | /register]

Through the Flask test client on a real database (a fresh SQLite file by default): one
registered member (who has yet to confirm their address, so every form
sends them something); then `--pairs` pairs of requests, interleaved (registered, unknown,
unknown, registered, ...) so that drift in machine load falls on both sides alike. Each
request asks for a different address's variant of letter case, as a person probing would.
Prints the median time of each side, their difference, and the median of the pairs'
differences (less swayed by other load on the machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=120)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--path", default="/forgot-password",
                        choices=["/forgot-password", "/verify/resend", "/register"])
    args = parser.parse_args()

    from forum import create_app
    from forum.community.models import Alliance, Profession
    from forum.community.seed import seed_reference_data
    from forum.extensions import db
    from forum.members.models import Status, User
    from forum.passwords import hash_password

    scratch = tempfile.TemporaryDirectory()
    url = args.database or f"sqlite:///{scratch.name}/forum.db"
    app = create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": url,
                      "SEARCH_DIR": f"{scratch.name}/index", "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "INPROCESS_WORKER": False})
    with app.app_context():
        db.create_all()
        seed_reference_data()
        db.session.add(User(email="registered@nhs.net", display_name="Registered Member",
                            password_hash=hash_password("kettle sunflower ladder river"),
                            status=Status.PENDING))
        db.session.commit()
        choices = {"profession": str(db.session.scalars(db.select(Profession.id)).first()),
                   "alliance": str(db.session.scalars(db.select(Alliance.id)).first())}
    form = {"display_name": "Bench Nurse", "password": "kettle sunflower ladder river",
            "confirm": "kettle sunflower ladder river", **choices} if args.path == "/register" else {}

    client = app.test_client()

    def timed(email: str) -> float:
        start = time.perf_counter()
        response = client.post(args.path, data={"email": email, **form})
        elapsed = time.perf_counter() - start
        assert response.status_code == 200, response.status_code
        return elapsed * 1000

    for i in range(10):  # warm up both paths (templates, connections)
        timed("registered@nhs.net")
        timed(f"warm{i}@nhs.net")
    registered: list[float] = []
    unknown: list[float] = []
    for i in range(args.pairs):
        pair = [("registered@nhs.net", registered), (f"nobody{i}@nhs.net", unknown)]
        for email, times in (pair if i % 2 == 0 else reversed(pair)):
            times.append(timed(email))
    r, u = statistics.median(registered), statistics.median(unknown)
    paired = statistics.median(a - b for a, b in zip(registered, unknown, strict=True))
    print(f"{args.path}, {args.pairs} pairs on {url.split(':', 1)[0]}: median registered {r:.1f} ms, "
          f"unknown {u:.1f} ms (difference {r - u:+.1f} ms; median of the pairs' "
          f"differences {paired:+.1f} ms)")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


if __name__ == "__main__":
    main()

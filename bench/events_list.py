"""/events and /events.ics with 1,000 upcoming events, beside 10 events (the baseline).

    .venv/bin/python bench/events_list.py [--events 1000] [--requests 30] [--database URL]

Through the Flask test client on a real database (a fresh SQLite file by default). Events are
inserted in bulk (their content through the same columns the services write), each with two
professions; a signed-in member has places at some. Prints, for each size, the median time of
the list (first page of 50), of page 10, and of the feed, and the SQL statements each sends:
the count must be the same at either size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _seed(db, n: int, organiser_id: int, member_id: int) -> None:
    from forum.community.models import Alliance, Profession
    from forum.db import utcnow
    from forum.events.models import Event, EventStatus, Kind, Signup, SignupStatus, event_professions

    db.session.execute(Event.__table__.delete())
    now = utcnow()
    alliances = db.session.scalars(select(Alliance.id)).all()
    professions = db.session.scalars(select(Profession.id)).all()
    rows = [{"title": f"Webinar {i}: supportive care", "kind": Kind.WEBINAR.value,
             "status": EventStatus.PUBLISHED.value, "starts_at": now + timedelta(hours=i + 1),
             "ends_at": now + timedelta(hours=i + 2), "capacity": 50, "confirmed_count": 1,
             "alliance_id": alliances[i % len(alliances)], "created_by_id": organiser_id,
             "description": "Bring **questions**.",
             "description_html": "<p>Bring <strong>questions</strong>.</p>",
             "joining_link": "https://teams.example/j", "is_public": True}
            for i in range(n)]
    ids = [r.id for r in db.session.execute(insert(Event).returning(Event.id), rows)]
    db.session.execute(insert(event_professions), [
        {"event_id": e, "profession_id": professions[(e + k) % len(professions)]}
        for e in ids for k in (0, 1)])
    db.session.execute(insert(Signup), [{"event_id": e, "user_id": member_id,
                                         "status": SignupStatus.CONFIRMED.value, "queued_at": now}
                                        for e in ids[::3]])
    db.session.commit()


def _measure(app, client, path: str, requests: int) -> tuple[float, int]:
    from forum.extensions import db

    with app.app_context():
        statements: list[str] = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        assert client.get(path).status_code == 200
        sa_event.remove(db.engine, "before_cursor_execute", listener)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        client.get(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(statements)


def bench_app(database: str | None, scratch: str):
    """The app on `database` (default: a new SQLite file in `scratch`), with no worker."""
    from forum import create_app

    return create_app({"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI":
                       database or f"sqlite:///{scratch}/forum.db",
                       "SEARCH_DIR": f"{scratch}/index", "WTF_CSRF_ENABLED": False,
                       "RATELIMIT_ENABLED": False, "INPROCESS_WORKER": False,
                       "SERVER_NAME": "bench.test"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()

    from forum.community.seed import seed_reference_data
    from forum.extensions import db
    from tests import factories

    scratch = tempfile.TemporaryDirectory()
    app = bench_app(args.database, scratch.name)
    with app.app_context():
        db.create_all()
        seed_reference_data()
        organiser, member = factories.admin(), factories.member()
        ids = organiser.id, member.id
    client = app.test_client()
    with app.app_context():
        factories.sign_in(client, db.session.get(type(member), ids[1]))
    print(f"{'events':>7} {'page':>22} {'median ms':>10} {'SQL':>5}")
    for n in (10, args.events):
        with app.app_context():
            _seed(db, n, *ids)
        for label, path in (("/events", "/events"), ("/events?page=10", "/events?page=10"),
                            ("/events.ics", "/events.ics")):
            if "page=10" in path and n < 500:
                continue
            ms, sql = _measure(app, client, path, args.requests)
            print(f"{n:>7} {label:>22} {ms:>10.1f} {sql:>5}")


if __name__ == "__main__":
    main()

"""The yearly events report for 1,000 events and 100,000 sign-ups, beside a naive baseline that
counts per event, in the same run; then /events with 1,000 upcoming events (bench/events_list.py).

    .venv/bin/python bench/events_bench.py [--events 1000] [--per-event 100] [--runs 5] [--database URL]

On a real database (a fresh SQLite file by default). Rows are inserted in bulk: each event gets
`--per-event` sign-ups with a place (members from every alliance and profession), about 70% of
them recorded as attended, and one or two learning outcomes. Prints the median time and the SQL
statements of forum.events.reports.year_report, of the baseline (which must give the same
totals), of the /events/report page, and of /events: the report's SQL count is the same at any size.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import event as sa_event
from sqlalchemy import func, insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

YEAR = 2025
OUTCOMES = ("Online resource", "Shadowing opportunities", "Start of QI ideas")


def _seed(db, events: int, per_event: int, member_ids: list[int]) -> None:
    from forum.events.models import (
        Attendance,
        Event,
        EventOutcome,
        EventStatus,
        Kind,
        Signup,
        SignupStatus,
    )

    start = datetime(YEAR, 1, 2, 12, tzinfo=UTC)
    step = timedelta(minutes=(360 * 24 * 60) // events)
    rows = [{"title": f"Webinar {i}: supportive care", "kind": (Kind.WEBINAR if i % 3 else
                                                                 Kind.FACE_TO_FACE).value,
             "status": EventStatus.PUBLISHED.value, "starts_at": start + i * step,
             "ends_at": start + i * step + timedelta(hours=1), "capacity": per_event,
             "confirmed_count": per_event, "description": "", "description_html": "",
             "is_public": True} for i in range(events)]
    ids = [r.id for r in db.session.execute(insert(Event).returning(Event.id), rows)]
    for chunk in range(0, len(ids), 100):
        part = ids[chunk:chunk + 100]
        signups = db.session.execute(insert(Signup).returning(Signup.id, Signup.event_id, Signup.user_id), [
            {"event_id": e, "user_id": member_ids[k], "status": SignupStatus.CONFIRMED.value,
             "queued_at": start} for e in part for k in range(per_event)]).all()
        db.session.execute(insert(Attendance), [
            {"event_id": s.event_id, "signup_id": s.id, "email": f"m{s.user_id}@nhs.net",
             "source": "checklist", "recorded_at": start} for s in signups if s.id % 10 < 7])
    db.session.execute(insert(EventOutcome), [{"event_id": e, "name": OUTCOMES[(e + k) % 3]}
                                              for e in ids for k in range(1 + e % 2)])
    db.session.commit()


def naive_report(year: int) -> tuple[int, int, int]:
    """The obvious way: load the year's events, then count each one's sign-ups, attendance and
    outcomes with queries of their own (3 per event). Returns (events, sign-ups, attended)."""
    from forum.events.models import Attendance, Event, EventOutcome, Signup, SignupStatus
    from forum.events.reports import year_bounds
    from forum.extensions import db

    begin, end = year_bounds(year)
    events = db.session.scalars(select(Event).where(Event.starts_at >= begin, Event.starts_at < end)
                                .order_by(Event.starts_at)).all()
    signed = came = 0
    for e in events:
        signed += db.session.scalar(select(func.count()).select_from(Signup).where(
            Signup.event_id == e.id, Signup.status == SignupStatus.CONFIRMED)) or 0
        came += db.session.scalar(select(func.count()).select_from(Attendance).where(
            Attendance.event_id == e.id)) or 0
        db.session.scalars(select(EventOutcome.name).where(EventOutcome.event_id == e.id)).all()
    return len(events), signed, came


def _timed(app, fn, runs: int) -> tuple[float, int, object]:
    """Median milliseconds over `runs`, the SQL statements of one run, and its result."""
    from forum.extensions import db

    with app.app_context():
        statements: list[str] = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        sa_event.listen(db.engine, "before_cursor_execute", listener)
        result = fn()
        sa_event.remove(db.engine, "before_cursor_execute", listener)
        times = []
        for _ in range(runs):
            db.session.expunge_all()
            began = time.perf_counter()
            fn()
            times.append(time.perf_counter() - began)
    return statistics.median(times) * 1000, len(statements), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--per-event", type=int, default=100)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    args = parser.parse_args()

    from events_list import _measure, bench_app
    from events_list import _seed as seed_upcoming

    from forum.community.models import Alliance, Profession
    from forum.community.seed import seed_reference_data
    from forum.events import reports
    from forum.extensions import db
    from forum.members.models import User
    from tests import factories

    scratch = tempfile.TemporaryDirectory()
    app = bench_app(args.database, scratch.name)
    with app.app_context():
        db.drop_all()
        db.create_all()
        seed_reference_data()
        alliances = db.session.scalars(select(Alliance.slug)).all()
        professions = db.session.scalars(select(Profession.slug)).all()
        members = [factories.member(alliance_slug=alliances[k % len(alliances)],
                                    profession_slug=professions[k % len(professions)]).id
                   for k in range(args.per_event)]
        admin_id = factories.admin().id
        began = time.perf_counter()
        _seed(db, args.events, args.per_event, members)
        print(f"Seeded {args.events:,} events and {args.events * args.per_event:,} sign-ups "
              f"in {time.perf_counter() - began:.1f}s ({db.engine.dialect.name})\n")
    client = app.test_client()
    with app.app_context():
        factories.sign_in(client, db.session.get(User, admin_id))

    def page() -> None:
        assert client.get(f"/events/report?year={YEAR}").status_code == 200

    print(f"{'what':<44} {'median ms':>10} {'SQL':>6}")
    ms, sql, report = _timed(app, lambda: reports.year_report(YEAR), args.runs)
    print(f"{'reports.year_report (grouped counts)':<44} {ms:>10.1f} {sql:>6}")
    naive_ms, naive_sql, naive = _timed(app, lambda: naive_report(YEAR), args.runs)
    print(f"{'baseline: counted per event':<44} {naive_ms:>10.1f} {naive_sql:>6}")
    total = report.total  # type: ignore[attr-defined]
    assert naive == (total.events, total.signups, total.attended), (naive, total)
    print(f"  both: {total.events:,} events, {total.signups:,} signed up, {total.attended:,} attended")
    ms, sql, _ = _timed(app, page, args.runs)
    print(f"{'GET /events/report (page, chart by month)':<44} {ms:>10.1f} {sql:>6}")

    with app.app_context():
        seed_upcoming(db, 1000, admin_id, members[0])
    ms, sql = _measure(app, client, "/events", args.runs * 4)
    print(f"{'GET /events (1,000 upcoming events)':<44} {ms:>10.1f} {sql:>6}")


if __name__ == "__main__":
    main()

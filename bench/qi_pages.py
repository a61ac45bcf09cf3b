"""Server time and SQL of the /qi list with many write-ups and of a full write-up page, beside
a 20-post thread page measured in the same run (the baseline the issue names).

    .venv/bin/python bench/qi_pages.py --writeups 1000

Builds a fresh SQLite database in a temporary folder: write-ups inserted directly (published,
two professions each), one write-up through the QI services with a driver diagram, 6 PDSA
cycles and 4 measures of 200 points each, and a thread of 20 posts. Times each GET in-process
(no network, one thread: server time only). Run the same file from another checkout to compare.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from forum import create_app  # noqa: E402
from forum.community.models import Alliance, Board, Profession  # noqa: E402
from forum.community.seed import seed_reference_data  # noqa: E402
from forum.db import utcnow  # noqa: E402
from forum.discussions import services as discussions  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.members.models import Status, User  # noqa: E402
from forum.qi import cycles, drivers, services  # noqa: E402
from forum.qi.models import DataPoint, Measure, TeamMember, WriteUp  # noqa: E402


def build(count: int) -> tuple[int, int, str]:
    """(the full write-up's id, the thread's id, a reader's session id)."""
    seed_reference_data()
    professions = db.session.query(Profession).order_by(Profession.id).all()
    alliances = db.session.query(Alliance).order_by(Alliance.id).all()
    members = [User(email=f"qi{i}@nhs.net", display_name=f"QI member {i}", password_hash="x",
                    profession=professions[i], alliance=alliances[i % len(alliances)],
                    status=Status.ACTIVE, email_verified_at=utcnow(), approved_post_count=99)
               for i in range(4)]
    db.session.add_all(members)
    db.session.commit()
    now = utcnow()
    for i in range(count):
        writeup = WriteUp(title=f"Project {i}: offering holistic needs assessments",
                          summary="A summary", summary_html="<p>A summary of what we did.</p>",
                          author_id=members[i % 3].id, alliance=alliances[i % len(alliances)],
                          published_at=now - timedelta(hours=i), replica_count=i % 4,
                          professions=[professions[i % 5], professions[5 + i % 5]])
        db.session.add(writeup)
        if i % 100 == 99:
            db.session.commit()
    db.session.commit()
    author = members[0]
    full = services.start_writeup(author, title="The full write-up", summary="All parts.",
                                  background="Why.", alliance=alliances[0],
                                  professions=professions[:3])
    services.edit_writeup(author, full, {"aim": "From 15% to 60% by March 2025",
                                         "results": "A shift.", "learning": "Start small."})
    for p in range(3):
        primary = drivers.add_driver(author, full, text=f"Primary driver {p}")
        for s in range(2):
            secondary = drivers.add_driver(author, full, text=f"Secondary {p}.{s}", parent=primary)
            for c in range(2):
                drivers.add_driver(author, full, text=f"Change idea {p}.{s}.{c}", parent=secondary)
    for m in range(4):
        measure = Measure(writeup_id=full.id, name=f"Measure {m}", position=m, is_primary=m == 0)
        db.session.add(measure)
        db.session.flush()
        db.session.add_all(DataPoint(measure_id=measure.id, period=date(2020, 1, 1) + timedelta(days=d),
                                     value=float(d % 17)) for d in range(200))
    db.session.add_all(TeamMember(writeup_id=full.id, user_id=m.id, position=i + 1)
                       for i, m in enumerate(members[1:]))
    db.session.commit()
    for n in range(6):
        cycles.add_cycle(author, full, {"change_idea": f"Cycle {n}", "plan": "Plan", "study": "Study"})
    services.publish_writeup(author, full)
    board = db.session.query(Board).filter_by(slug="clinical-leadership").one()
    thread = discussions.start_thread(members[1], board=board, title="Twenty posts", body="Opening")
    for n in range(19):
        discussions.reply_to_thread(members[n % 4], thread, body=f"Reply {n} with **some** text.")
    from forum.auth.sessions import start_session

    session_id = start_session(members[3])  # a server-side session, as signing in makes
    db.session.commit()
    return full.id, thread.id, session_id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writeups", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="qi-bench-"))
    app = create_app({
        "SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'forum.db'}",
        "SEARCH_DIR": str(folder / "search"), "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False, "PREMODERATE_FIRST_POSTS": 0, "INPROCESS_WORKER": False,
    })
    with app.test_request_context():
        db.create_all()
        full_id, thread_id, reader = build(args.writeups)
        statements: list[str] = []
        event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = reader
        session["_fresh"] = True

    def measure(url: str) -> tuple[float, int, int]:
        first = client.get(url)
        assert first.status_code == 200, (url, first.status_code, first.location)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
        statements.clear()
        body = client.get(url).get_data()
        return statistics.median(times), len(statements), len(body)

    print(f"{args.writeups} published write-ups; medians of {args.runs} runs, server time only")
    rows = [("20-post thread page (baseline)", f"/threads/{thread_id}"),
            ("/qi, first page", "/qi/"),
            ("/qi, page 30, filtered and sorted",
             "/qi/?page=30&sort=replicated&alliance=north-central-london"),
            ("write-up page: 4 measures x 200 points, 6 cycles, 18 boxes", f"/qi/{full_id}")]
    for name, url in rows:
        ms, sql, size = measure(url)
        print(f"  {name:<60} {ms:6.1f} ms  {sql:3d} SQL  {size / 1024:5.0f} KB")


if __name__ == "__main__":
    main()

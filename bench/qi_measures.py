"""QI measures' charts beside a discussion thread: server time and SQL statements per page, same run.

    .venv/bin/python bench/qi_measures.py [--repeat 40] [--draw-live] [--database URL]

(bench/qi_pages.py measures the /qi list's pages and a write-up with every part filled in.)

Seeds a fresh database (SQLite file by default; a PostgreSQL URL works) with a 20-post thread,
a published write-up with 4 measures of 200 points each (two PDSA cycles marked, one rebasing)
and 1,000 more published write-ups, then requests each page in turn, in-process through the
WSGI app as a signed-in member, so the figure is the server's own time (no network, no
browser). Pages alternate within each round so both see the same machine load. Also shows
that the write-up page's SQL count is the same for 1 measure as for 4.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import event  # noqa: E402

from forum import create_app  # noqa: E402
from forum.extensions import db  # noqa: E402


def seed(writeups: int) -> dict[str, int]:
    from forum.community.seed import seed_reference_data
    from forum.db import utcnow
    from forum.qi import measures as services
    from forum.qi.models import PdsaCycle, WriteUp
    from forum.qi.series import Row
    from tests import factories

    db.create_all()
    seed_reference_data()
    author = factories.member(email="bench-author@nhs.net")
    readers = [factories.member() for _ in range(5)]
    thread = factories.thread(author)
    for i in range(19):
        factories.reply(readers[i % 5], thread, body=f"Reply {i}: we tried **this** in clinic.")

    def write_up(title: str, n_measures: int) -> WriteUp:
        item = WriteUp(title=title, author_id=author.id, published_at=utcnow(),
                       summary="A project.", summary_html="<p>A project.</p>")
        db.session.add(item)
        db.session.commit()
        for m in range(n_measures):
            made = services.add_measure(author, item, name=f"Measure {m + 1}", better="up",
                                        unit="%", target=80.0)
            start = date(2020, 1, 6)
            noise = random.Random(m)  # a realistic series: noise around 50, a shift of +8 at 120
            services.save_points(author, made, [
                Row(i + 1, start + timedelta(weeks=i), "week",
                    round(noise.gauss(50, 4) + (8 if i >= 120 else 0), 1),
                    "note" if i % 25 == 0 else "")
                for i in range(200)])
            if m == 0:
                db.session.add_all([
                    PdsaCycle(writeup_id=item.id, change_idea="Checklist", measure_id=made.id,
                              started_on=start + timedelta(weeks=60)),
                    PdsaCycle(writeup_id=item.id, change_idea="Template", measure_id=made.id,
                              started_on=start + timedelta(weeks=120), rebase=True)])
                services.redraw_chart(made)  # as a cycle service marking a chart does
                db.session.commit()
        return item

    four = write_up("Four measures", 4)
    one = write_up("One measure", 1)
    db.session.add_all(WriteUp(title=f"Project {i}", author_id=readers[i % 5].id,
                               published_at=utcnow(), summary="S", summary_html="<p>S</p>")
                       for i in range(writeups))
    db.session.commit()
    return {"thread": thread.id, "four": four.id, "one": one.id, "author": author.id}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--writeups", type=int, default=1_000)
    parser.add_argument("--database")
    parser.add_argument("--draw-live", action="store_true",
                        help="forget the charts drawn on write, so every view draws them")
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="qi-bench-")
    url = args.database or f"sqlite:///{scratch}/forum.db"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "SEARCH_DIR": f"{scratch}/search",
                      "UPLOAD_DIR": f"{scratch}/uploads", "WTF_CSRF_ENABLED": False,
                      "PREMODERATE_FIRST_POSTS": 0, "TESTING": True})
    with app.app_context():
        started = time.perf_counter()
        ids = seed(args.writeups)
        print(f"seeded in {time.perf_counter() - started:.1f} s ({args.writeups:,} write-ups)")
        if args.draw_live:
            from forum.qi.models import Measure

            db.session.execute(Measure.__table__.update().values(chart_key=""))
            db.session.commit()
        from forum.auth.sessions import start_session
        from forum.members.models import User

        session_id = start_session(db.session.get(User, ids["author"]))
        db.session.commit()
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"], session["_fresh"] = session_id, True

    pages = {"thread, 20 posts": f"/threads/{ids['thread']}",
             "write-up, 4 x 200 points": f"/qi/{ids['four']}",
             "write-up, 1 x 200 points": f"/qi/{ids['one']}",
             f"/qi list ({args.writeups:,} write-ups)": "/qi/"}
    statements: dict[str, int] = {}
    with app.app_context():
        engine = db.engine
    for name, path in pages.items():
        count = [0]

        def counting(*_args, _count=count):
            _count[0] += 1

        event.listen(engine, "before_cursor_execute", counting)
        response = client.get(path)
        event.remove(engine, "before_cursor_execute", counting)
        assert response.status_code == 200, (path, response.status_code)
        statements[name] = count[0]
    times: dict[str, list[float]] = {name: [] for name in pages}
    for _ in range(args.repeat):
        for name, path in pages.items():
            started = time.perf_counter()
            client.get(path)
            times[name].append((time.perf_counter() - started) * 1000)
    base = statistics.median(times["thread, 20 posts"])
    print(f"{'page':<30}{'median ms':>10}{'p90 ms':>9}{'x thread':>10}{'SQL':>6}")
    for name, samples in times.items():
        p90 = statistics.quantiles(samples, n=10)[-1]
        median = statistics.median(samples)
        print(f"{name:<30}{median:>10.1f}{p90:>9.1f}{median / base:>10.2f}{statements[name]:>6}")


if __name__ == "__main__":
    main()

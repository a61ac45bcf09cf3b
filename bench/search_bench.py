"""Search benchmark: rebuild rate, commit-to-searchable time, query latency, index size.

    .venv/bin/python bench/search_bench.py --database sqlite:////tmp/bench_search/forum.db \
        --threads 10000 --posts 200000 --procs 2

The database is seeded (or reused) by bench/seed_forum.py: MedQuAD answers, replicated,
bulk-inserted as valid rows (body_html from forum.markup.render). The index is built from
scratch with `rebuild` (the code behind `flask search rebuild`), then:

- commit-to-searchable: a reply is written through the discussion service with the
  in-process worker running, and we poll the search service until it is found;
- query latency: the search service (index lookup + SQL visibility re-check + snippets),
  as a signed-in member, for one-word, three-word, phrase, fifteen-word question, misspelt
  word (near spellings and "Did you mean") and filtered queries; and the "Did you mean" step
  alone.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from forum import create_app, worker  # noqa: E402
from forum.community.models import Board  # noqa: E402
from forum.discussions.models import Post, Thread  # noqa: E402
from forum.discussions.services import reply_to_thread  # noqa: E402
from forum.extensions import db  # noqa: E402
from forum.members.models import User  # noqa: E402
from forum.search import search  # noqa: E402
from forum.search.indexer import current_path, indexable_count, rebuild  # noqa: E402

ONE_WORD = ["lymphoma", "fatigue", "chemotherapy", "diabetes", "glaucoma", "anemia", "seizures",
            "kidney", "melanoma", "hepatitis", "transplant", "inherited", "leukemia", "nausea",
            "osteoporosis", "radiotherapy", "dementia", "asthma", "sepsis", "vaccine"]
THREE_WORDS = ["breast cancer screening", "bone marrow transplant", "side effects treatment",
               "high blood pressure", "genetic testing family", "pain relief medicine",
               "kidney disease diet", "lung cancer symptoms", "children hearing loss",
               "skin rash itching"]
# Words in a third to two thirds of all posts: the worst case for a search engine.
COMMON_WORDS = ["treatment", "symptoms", "disease", "people", "cause", "genetic", "children",
                "risk", "blood", "condition"]
PHRASES = ['"bone marrow"', '"clinical trials"', '"blood pressure"', '"side effects"',
           '"risk factors"', '"immune system"', '"early stage"', '"red blood cells"',
           '"family history"', '"signs and symptoms"']


# Questions as members type them: fifteen words, most of them common ones.
FIFTEEN_WORDS = [
    "what are the side effects of chemotherapy for breast cancer and how long do they last",
    "how can i tell if my child has a hearing problem and what tests are there",
    "is there a genetic test for high blood pressure in families and who should have it",
    "what treatment is there for kidney disease in people who also have diabetes and heart problems",
    "could a skin rash with itching be a sign of liver disease or something more serious",
    "who should have a bone marrow transplant for leukemia and what are the risks involved",
    "how do you manage pain relief at home for people with advanced lung cancer and breathlessness",
    "what diet is best for someone with kidney disease who is also losing weight quickly",
    "are there any clinical trials for children with inherited eye disease that causes blindness",
    "when should someone with anemia and fatigue be referred for tests for blood cancer",
]
# Misspelt words that find little or nothing: the "Did you mean" path.
MISSPELT = ["lymphomma", "chemotheraphy", "diabetis", "glaucomma", "anemea", "seisures",
            "kidny", "melanomma", "hepatitus", "leukaemea"]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed_queries(queries: list[str], viewer, rounds: int, filters=None) -> dict[str, float]:
    for q in queries[:3]:  # warm caches (first searcher, stem cache)
        search(q, viewer=viewer, filters=filters)
    times, cpu = [], []
    for _ in range(rounds):
        for q in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            search(q, viewer=viewer, filters=filters)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
            db.session.rollback()
    # CPU time too: on a shared machine wall-clock latency mostly measures the neighbours.
    return {"n": len(times), "median_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "max_ms": max(times), "cpu_median_ms": statistics.median(cpu),
            "cpu_p95_ms": percentile(cpu, 95)}


def timed_suggestions(words: list[str], viewer, rounds: int) -> dict[str, float]:
    """The "Did you mean" step alone (forum.search.suggestions.suggest), as the search service
    calls it for a misspelt word, the worst case (nothing found, so no word is taken as known)."""
    from forum.search.building import build_query
    from forum.search.indexer import reading
    from forum.search.suggestions import suggest
    from forum.search.visibility import Filters, index_filter

    filter_q = index_filter(Filters(), viewer)
    times, cpu = [], []
    with reading() as searcher:
        for word in words[:3]:  # warm the vocabulary
            suggest(searcher, word, build_query(word)[1], filter_q, False)
        for _ in range(rounds):
            for word in words:
                built = build_query(word)[1]
                start, start_cpu = time.perf_counter(), time.process_time()
                suggest(searcher, word, built, filter_q, False)
                times.append((time.perf_counter() - start) * 1000)
                cpu.append((time.process_time() - start_cpu) * 1000)
    return {"n": len(times), "median_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "max_ms": max(times), "cpu_median_ms": statistics.median(cpu),
            "cpu_p95_ms": percentile(cpu, 95)}


def commit_to_searchable(app, member: User, thread: Thread, samples: int) -> dict[str, float]:
    stop = worker.start(app)
    times = []
    try:
        for n in range(samples):
            word = f"benchmarkword{n}x{random.randrange(10**6)}"
            start = time.perf_counter()
            reply_to_thread(member, thread, body=f"Checking {word} reaches the index.")
            while search(word, viewer=member).total == 0:
                if time.perf_counter() - start > 30:
                    raise SystemExit("a new post was not searchable within 30 s")
                time.sleep(0.005)
                db.session.rollback()
            times.append((time.perf_counter() - start) * 1000)
            db.session.rollback()
    finally:
        stop.set()
    return {"n": len(times), "median_ms": statistics.median(times), "p95_ms": percentile(times, 95),
            "max_ms": max(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="sqlite:////tmp/bench_search/forum.db")
    parser.add_argument("--search-dir", default="/tmp/bench_search/index")
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--procs", type=int, default=2, help="indexing processes for the rebuild")
    parser.add_argument("--rounds", type=int, default=5, help="passes over each query list")
    parser.add_argument("--commits", type=int, default=20, help="commit-to-searchable samples")
    parser.add_argument("--skip-rebuild", action="store_true", help="reuse the existing index")
    args = parser.parse_args()

    if args.database.startswith("sqlite:///"):
        Path(args.database.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, str(ROOT / "bench" / "seed_forum.py"), "--database", args.database,
                    "--threads", str(args.threads), "--posts", str(args.posts)], check=True)
    seeded = time.perf_counter() - started

    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database, "SEARCH_DIR": args.search_dir,
                      "PREMODERATE_FIRST_POSTS": 0, "INPROCESS_WORKER": False,
                      "MAIL_BACKEND": "console"})
    report: dict = {"when": datetime.now(UTC).isoformat(), "loadavg_start": os.getloadavg(),
                    "database": app.config[
        "SQLALCHEMY_DATABASE_URI"].split("@")[-1], "procs": args.procs, "seed_seconds": seeded}
    with app.app_context():
        report["posts"] = db.session.scalar(select(func.count()).select_from(Post))
        report["documents"] = indexable_count()
        if not args.skip_rebuild:
            from tqdm import tqdm

            with tqdm(total=report["documents"], unit=" docs", desc="Rebuilding") as bar:
                result = rebuild(progress=bar.update, procs=args.procs)
            report["rebuild"] = {"documents": result.documents, "seconds": result.seconds,
                                 "documents_per_second": result.rate}
        path = current_path()
        report["index_bytes"] = sum(f.stat().st_size for f in path.iterdir() if f.is_file())

        member = db.session.scalar(select(User).where(User.email == "bench1@nhs.net"))
        board = db.session.scalar(select(Board).where(Board.slug == "enhanced-supportive-care"))
        thread = db.session.get(Thread, 2)
        report["commit_to_searchable"] = commit_to_searchable(app, member, thread, args.commits)
        report["queries"] = {
            "one_word": timed_queries(ONE_WORD, member, args.rounds),
            "one_common_word": timed_queries(COMMON_WORDS, member, args.rounds * 2),
            "three_words": timed_queries(THREE_WORDS, member, args.rounds * 2),
            "phrase": timed_queries(PHRASES, member, args.rounds * 2),
            "fifteen_words": timed_queries(FIFTEEN_WORDS, member, args.rounds * 2),
            "misspelt_word": timed_queries(MISSPELT, member, args.rounds * 2),
            "filtered": timed_queries(ONE_WORD, member, args.rounds,
                                      filters={"board_id": board.id, "sort": "newest"}),
            "one_word_visitor": timed_queries(ONE_WORD, None, args.rounds),
            "did_you_mean_alone": timed_suggestions(MISSPELT, member, args.rounds * 2),
        }
        sample = search("bone marrow transplant", viewer=member)
        report["sample"] = {"query": "bone marrow transplant", "total": sample.total,
                            "discussions": sample.total_groups}

    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"search-{datetime.now(UTC):%Y%m%dT%H%M%S}.json").write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))
    print()
    if "rebuild" in report:
        r = report["rebuild"]
        print(f"Rebuild: {r['documents']:,} documents in {r['seconds']:.0f}s = "
              f"{r['documents_per_second']:,.0f} documents/s ({args.procs} processes)")
    c = report["commit_to_searchable"]
    print(f"Commit to searchable: median {c['median_ms']:.0f} ms, p95 {c['p95_ms']:.0f} ms")
    for name, q in report["queries"].items():
        print(f"{name:18} median {q['median_ms']:6.1f} ms   p95 {q['p95_ms']:6.1f} ms   "
              f"(CPU median {q['cpu_median_ms']:5.1f} ms, p95 {q['cpu_p95_ms']:5.1f} ms; n={q['n']})")
    print(f"Index size: {report['index_bytes'] / 1_048_576:,.0f} MB for {report['documents']:,} documents")
    print(f"Load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())} "
          f"on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()

"""The search engine alone (forum.search.engine) on a large index built without a database.

    .venv/bin/python bench/engine_bench.py --posts 200000 --index /tmp/engine_bench

bench/search_bench.py times the whole search service at 200,000 posts, but seeding that
database takes most of an hour on a busy machine. This builds an index of the same shape
(MedQuAD answers, replicated, five posts a thread, through the bulk builder a rebuild uses)
in a few minutes and times the query step alone (build_query + engine.search with the own
query), for the same query lists: the part of a search that grows with the index. CPU time is
reported beside wall time, as on a shared machine wall time mostly measures the neighbours.
Run it against another checkout (PYTHONPATH=that/checkout) on the same --index to compare.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "medquad_all.jsonl"


def documents(posts: int):
    answers = [json.loads(line) for line in MEDQUAD.open(encoding="utf-8")]
    answers = [(a["focus"] or "Question", a["answer"][:3000]) for a in answers if a["answer"].strip()]
    for n in range(posts):
        title, body = answers[(n // 5) % len(answers)]
        thread = n // 5 + 1
        opening = n % 5 == 0
        body = answers[(n * 7919) % len(answers)][1] if not opening else body
        yield {"doc_key": f"post:{n + 1}", "kind": "thread" if opening else "reply",
               "object_id": n + 1, "group": thread, "group_key": str(thread),
               "title": title, "title_pairs": title, "body": body, "body_pairs": body,
               "author": "Bench Member", "author_id": "1", "board": str(n % 7 + 1), "alliance": "1",
               "professions": "", "tags": "Enhanced supportive care", "created": n,
               "audience": "members", "_title_boost": 1.0 if opening else 0.5,
               "_title_pairs_boost": 1.0 if opening else 0.5}


def build(path: Path, posts: int) -> None:
    from whoosh import index as whoosh_index

    from forum.search import bulk
    from forum.search.schema import build_schema

    path.mkdir(parents=True, exist_ok=True)
    whoosh_index.create_in(str(path), build_schema())
    started = time.perf_counter()
    segment, count = bulk.build_segment(path, documents(posts))
    bulk.commit_segments(path, [segment])
    print(f"indexed {count:,} posts in {time.perf_counter() - started:.0f} s")


def timed(searcher, queries: list[str], rounds: int) -> dict[str, float]:
    from forum.search import engine
    from forum.search.building import build_query

    def once(text: str) -> None:
        query, built, _ = build_query(text)
        matches = engine.search(searcher, query, newest=False, own=built.own_query())
        matches.group_order()

    for text in queries[:3]:  # warm the caches, as a running server has them
        once(text)
    wall, cpu = [], []
    for _ in range(rounds):
        for text in queries:
            start, start_cpu = time.perf_counter(), time.process_time()
            once(text)
            wall.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
    ordered = sorted(cpu)
    return {"n": len(cpu), "median_ms": statistics.median(wall), "cpu_median_ms": statistics.median(cpu),
            "cpu_p95_ms": ordered[round(0.95 * (len(ordered) - 1))]}


def main() -> None:
    from bench.search_bench import COMMON_WORDS, FIFTEEN_WORDS, ONE_WORD, PHRASES, THREE_WORDS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--index", type=Path, default=Path("/tmp/engine_bench"))
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="only these query lists (e.g. fifteen_words)")
    args = parser.parse_args()

    from whoosh import index as whoosh_index

    from forum import create_app
    from forum.search.schema import weighting

    if not (args.index / "posts").exists():
        build(args.index / "posts", args.posts)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SEARCH_DIR": str(args.index / "live"),
                      "INPROCESS_WORKER": False, "MAIL_BACKEND": "console"})
    with app.app_context():
        ix = whoosh_index.open_dir(str(args.index / "posts"))
        with ix.searcher(weighting=weighting()) as searcher:
            print(f"{searcher.doc_count():,} posts")
            for name, queries in (("one_word", ONE_WORD), ("one_common_word", COMMON_WORDS),
                                  ("three_words", THREE_WORDS), ("phrase", PHRASES),
                                  ("fifteen_words", FIFTEEN_WORDS)):
                if args.only and name not in args.only:
                    continue
                r = timed(searcher, queries, args.rounds)
                print(f"{name:16} wall median {r['median_ms']:6.1f} ms   CPU median "
                      f"{r['cpu_median_ms']:6.1f} ms   CPU p95 {r['cpu_p95_ms']:6.1f} ms  (n={r['n']})")


if __name__ == "__main__":
    main()

"""Relevance benchmark: the product's search beside plain Whoosh BM25F on the same documents.

    .venv/bin/python bench/relevance.py --sample 2000 --seed 7
    .venv/bin/python bench/relevance.py --collection forum [--half dev|held-out] [--ablate] [--synonyms FILE]

MedQuAD known-item (../shared/data/medquad/medquad_all.jsonl): every distinct answer becomes a
discussion, titled by its focus, written through the discussion service and indexed by the
product's own rebuild; each sampled question, as written, is searched through
`forum.search.search` as a signed-in member, and its own answer is the one relevant document.
The baseline is Whoosh with StemmingAnalyzer on title and body, BM25F, and
MultifieldParser(OrGroup), built on the same documents in the same run.

The forum's own questions (--collection forum, bench/relevance/): 213 discussions (340 posts
with their replies) of the kinds members start, many of them near misses that share words
with a question but do not answer it, and 147 questions as members type them, with
abbreviations (HNA, CCR, DN, GPN, 2WW, SACT, ESC), British and US spellings, brand and generic
drug names, typos and long rambling ones; each question's relevant discussions judged by hand
(2 highly relevant, 1 relevant). The baseline indexes a discussion as one document (its
opening post and replies); the forum indexes each post and ranks discussions.

Reported: MRR@10, recall@10, nDCG@10, MAP@100, and how many queries found nothing.

Changes to the ranking are judged on the forum's "dev" half (questions whose CRC-32 is even)
and only then confirmed on the "held-out" half, so a rule that fits one question's words
shows up as a gap between the halves (`--per-query FILE` writes each question's figures).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tqdm import tqdm  # noqa: E402

MEDQUAD = ROOT.parent / "shared" / "data" / "medquad" / "medquad_all.jsonl"
FORUM = ROOT / "bench" / "relevance"
DEPTH = 100  # ranks read for MAP; the other measures stop at 10


@dataclass(frozen=True)
class Document:
    key: str
    title: str
    body: str
    replies: tuple[str, ...] = ()  # replies in the discussion, after the opening post


@dataclass(frozen=True)
class Query:
    text: str
    relevant: dict[str, int]  # document key -> grade (1 relevant, 2 highly relevant)


@dataclass
class Scores:
    """Per-query measures, averaged on demand."""

    rr: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    ndcg: list[float] = field(default_factory=list)
    ap: list[float] = field(default_factory=list)
    empty: int = 0
    seconds: list[float] = field(default_factory=list)
    tops: list[list[str]] = field(default_factory=list)

    def add(self, ranked: Sequence[str], relevant: dict[str, int], seconds: float) -> None:
        self.seconds.append(seconds)
        self.tops.append(list(ranked[:10]))
        self.empty += not ranked
        top = list(ranked[:10])
        self.rr.append(next((1 / (i + 1) for i, k in enumerate(top) if k in relevant), 0.0))
        self.recall.append(sum(k in relevant for k in top) / len(relevant))
        dcg = sum((2 ** relevant.get(k, 0) - 1) / math.log2(i + 2) for i, k in enumerate(top))
        ideal = sorted(relevant.values(), reverse=True)[:10]
        idcg = sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
        self.ndcg.append(dcg / idcg if idcg else 0.0)
        hits, precision_sum = 0, 0.0
        for i, k in enumerate(ranked[:DEPTH]):
            if k in relevant:
                hits += 1
                precision_sum += hits / (i + 1)
        self.ap.append(precision_sum / len(relevant))

    def summary(self) -> dict[str, float]:
        n = len(self.rr) or 1
        ordered = sorted(self.seconds) or [0.0]
        return {"queries": len(self.rr), "MRR@10": sum(self.rr) / n,
                "recall@10": sum(self.recall) / n, "nDCG@10": sum(self.ndcg) / n,
                "MAP@100": sum(self.ap) / n, "no_result": self.empty,
                "p95_ms": ordered[int(0.95 * (len(ordered) - 1))] * 1000}


def medquad(sample: int, seed: int, limit: int | None = None) -> tuple[list[Document], list[Query]]:
    """Distinct answers as documents; a seeded sample of questions, each with its own answer.
    `limit` keeps the first N answers (and their questions) for a quick run."""
    rows = [json.loads(line) for line in MEDQUAD.open(encoding="utf-8")]
    by_answer: dict[str, Document] = {}
    questions: list[Query] = []
    for row in rows:
        answer = row["answer"].strip()
        if not answer or not row["question"].strip():
            continue
        if limit is not None and answer not in by_answer and len(by_answer) >= limit:
            continue
        # A few answers have no focus: titled by their opening words (a discussion needs a title)
        title = row["focus"].strip()[:200] or " ".join(answer.split()[:8])
        doc = by_answer.setdefault(answer, Document(f"m{len(by_answer)}", title, answer[:50_000]))
        questions.append(Query(row["question"].strip(), {doc.key: 1}))
    random.Random(seed).shuffle(questions)
    return list(by_answer.values()), questions[:sample]


def half_of(text: str) -> str:
    """A question's half of the forum collection: "dev" (tune on it) or "held-out"."""
    return "dev" if zlib.crc32(text.encode("utf-8")) % 2 == 0 else "held-out"


def forum_questions(folder: Path = FORUM, half: str | None = None) -> tuple[list[Document], list[Query]]:
    """The forum's own test collection: discussions and judged questions (one half, if given)."""
    posts = json.loads((folder / "posts.json").read_text(encoding="utf-8"))
    questions = json.loads((folder / "questions.json").read_text(encoding="utf-8"))
    return ([Document(p["key"], p["title"], p["body"], tuple(p.get("replies", ()))) for p in posts],
            [Query(q["q"], q["rel"]) for q in questions if half is None or half_of(q["q"]) == half])


def run_queries(queries: Iterable[Query], ranker: Callable[[str], list[str]], label: str) -> Scores:
    scores = Scores()
    for query in tqdm(list(queries), desc=label, unit=" queries"):
        start = time.perf_counter()
        ranked = ranker(query.text)
        scores.add(ranked, query.relevant, time.perf_counter() - start)
    return scores


def whoosh_baseline(documents: Sequence[Document], folder: Path) -> Callable[[str], list[str]]:
    """Plain Whoosh: StemmingAnalyzer, BM25F, MultifieldParser with OrGroup."""
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.qparser import MultifieldParser, OrGroup

    schema = Schema(key=ID(stored=True, unique=True), title=TEXT(analyzer=StemmingAnalyzer()),
                    body=TEXT(analyzer=StemmingAnalyzer()))
    ix = index.create_in(folder, schema)
    writer = ix.writer(limitmb=512)
    for doc in tqdm(documents, desc="Plain Whoosh index", unit=" docs"):
        # A discussion is one document: its opening post and its replies.
        writer.add_document(key=doc.key, title=doc.title, body="\n\n".join((doc.body, *doc.replies)))
    writer.commit()
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], schema, group=OrGroup)

    def rank(text: str) -> list[str]:
        return [hit["key"] for hit in searcher.search(parser.parse(text), limit=DEPTH)]

    return rank


Ranker = Callable[[str], list[str]]


def product(documents: Sequence[Document], folder: Path, procs: int) -> tuple[Ranker, object]:
    """The forum itself: documents written through the discussion service, indexed by rebuild,
    searched through forum.search.search as a signed-in member."""
    from sqlalchemy import select

    from forum import create_app
    from forum.community.models import Board
    from forum.community.seed import seed_reference_data
    from forum.db import utcnow
    from forum.discussions.services import reply_to_thread, start_thread
    from forum.extensions import db
    from forum.members.models import Role, Status, User
    from forum.search import search
    from forum.search.indexer import rebuild

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'forum.db'}",
                      "SEARCH_DIR": str(folder / "index"), "PREMODERATE_FIRST_POSTS": 0,
                      "INPROCESS_WORKER": False, "MAIL_BACKEND": "console"})
    context = app.app_context()
    context.push()
    db.create_all()
    seed_reference_data()
    boards = list(db.session.scalars(select(Board).order_by(Board.id)))
    author = User(email="relevance@nhs.net", display_name="Relevance Bench", password_hash="!",
                  role=Role.ADMIN, status=Status.ACTIVE, email_verified_at=utcnow())
    db.session.add(author)
    db.session.commit()
    thread_key: dict[int, str] = {}
    for i, doc in enumerate(tqdm(documents, desc="Forum threads", unit=" docs")):
        thread = start_thread(author, board=boards[i % len(boards)], title=doc.title, body=doc.body)
        thread_key[thread.id] = doc.key
        for reply in doc.replies:
            reply_to_thread(author, thread, body=reply)
    with tqdm(desc="Forum rebuild", unit=" docs") as bar:
        rebuild(progress=bar.update, procs=procs)

    def rank(text: str) -> list[str]:
        results = search(text, viewer=author, per_page=DEPTH)
        db.session.rollback()
        return [thread_key[group.thread.id] for group in results.groups]

    return rank, context


# (title boost, tags boost, exact-word bonus, coordination power): the settings tried by --tune.
# The first pass (100 questions, 1,500 answers) tried title 1/2/3 x coordination 0.5/1/2 at
# exact 1.5, and exact 1.0/2.0 at title 2, coordination 1; these are its best, to confirm.
GRID = [(3.0, 0.5, 1.5, 1.0), (2.0, 0.5, 1.0, 1.0), (2.0, 0.5, 1.0, 2.0), (3.0, 0.5, 1.0, 2.0),
        (2.0, 0.5, 1.5, 2.0)]


def tune(queries: Sequence[Query], ranker: Ranker) -> dict[str, dict[str, float]]:
    """The product's figures for each setting of GRID, the others left as they are."""
    from forum.search import building, engine

    saved = (dict(building.FIELD_BOOSTS), building.EXACT_BOOST, engine.COORD_POWER)
    found: dict[str, dict[str, float]] = {}
    try:
        for title, tags, exact, coord in GRID:
            building.FIELD_BOOSTS.update(title=title, tags=tags)
            building.EXACT_BOOST, engine.COORD_POWER = exact, coord
            label = f"title={title} tags={tags} exact={exact} coord={coord}"
            found[label] = run_queries(queries, ranker, label).summary()
            print(label, {k: round(v, 3) for k, v in found[label].items()})
    finally:
        building.FIELD_BOOSTS.clear()
        building.FIELD_BOOSTS.update(saved[0])
        building.EXACT_BOOST, engine.COORD_POWER = saved[1], saved[2]
    return found


def ablate(queries: Sequence[Query], ranker: Ranker) -> dict[str, dict[str, float]]:
    """The product's figures with each of the newer rules taken out in turn: the side-by-side
    bonus (building.PROXIMITY_BOOST), near spellings of unknown words (forum.search.fuzzy)."""
    from forum.search import building, fuzzy

    saved = (building.PROXIMITY_BOOST, fuzzy.near_spellings)
    found: dict[str, dict[str, float]] = {}
    try:
        for label, proximity, near in (("without words side by side", 0.0, saved[1]),
                                       ("without near spellings", saved[0], lambda *_: {}),
                                       ("without either", 0.0, lambda *_: {})):
            building.PROXIMITY_BOOST, fuzzy.near_spellings = proximity, near
            found[label] = run_queries(queries, ranker, label).summary()
            print(label, {k: round(v, 3) for k, v in found[label].items()})
    finally:
        building.PROXIMITY_BOOST, fuzzy.near_spellings = saved
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collection", choices=("medquad", "forum"), default="medquad")
    parser.add_argument("--sample", type=int, default=2000, help="MedQuAD questions to ask")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--limit-docs", type=int, help="only the first N answers: a quick run")
    parser.add_argument("--procs", type=int, default=2, help="processes for the forum's rebuild")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--tune", action="store_true",
                        help="also try other field weights, exact/stem bonus and coordination")
    parser.add_argument("--ablate", action="store_true",
                        help="also run the forum without words side by side / near spellings")
    parser.add_argument("--half", choices=("dev", "held-out"),
                        help="the forum's questions: only this half (see half_of)")
    parser.add_argument("--per-query", type=Path, help="write each question's figures here (JSON)")
    parser.add_argument("--synonyms", type=Path,
                        help="the forum's search uses this synonym list instead of its own")
    args = parser.parse_args()
    if args.collection == "forum":
        documents, queries = forum_questions(half=args.half)
        print(f"The forum's own questions: {len(documents)} discussions, {len(queries)} questions"
              + (f" ({args.half} half)" if args.half else ""))
    else:
        if not MEDQUAD.exists():
            raise SystemExit(f"MedQuAD not found at {MEDQUAD}: the shared data folder sits beside "
                             "the project")
        documents, queries = medquad(args.sample, args.seed, args.limit_docs)
        print(f"MedQuAD known-item: {len(documents):,} documents, {len(queries):,} questions "
              f"(seed {args.seed})")
    if args.synonyms:  # e.g. the list of an older commit: git show REV:forum/search/synonyms.txt
        from forum.search import analysis

        analysis.SYNONYMS_FILE = args.synonyms.resolve()
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        folder = Path(tmp)
        (folder / "whoosh").mkdir()
        baseline = run_queries(queries, whoosh_baseline(documents, folder / "whoosh"), "Plain Whoosh")
        ranker, context = product(documents, folder, args.procs)
        ours = run_queries(queries, ranker, "Forum search")
        tuned = tune(queries, ranker) if args.tune else {}
        if args.ablate:
            tuned.update(ablate(queries, ranker))
        context.pop()

    if args.per_query:
        args.per_query.write_text(json.dumps([
            {"q": q.text, "rel": q.relevant, "half": half_of(q.text),
             "whoosh": {"nDCG@10": baseline.ndcg[i], "top": baseline.tops[i]},
             "forum": {"nDCG@10": ours.ndcg[i], "top": ours.tops[i]}}
            for i, q in enumerate(queries)], indent=1))
    name = "forum-questions" if args.collection == "forum" else "medquad-known-item"
    report = {"collection": name, "documents": len(documents), "seed": args.seed, "half": args.half,
              "plain_whoosh": baseline.summary(), "forum": ours.summary(), "tuning": tuned}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"relevance-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(report, indent=2))
    print(f"\n{'measure':12} {'plain Whoosh':>13} {'forum':>9}")
    for measure in ("MRR@10", "recall@10", "nDCG@10", "MAP@100", "no_result", "p95_ms"):
        a, b = report["plain_whoosh"][measure], report["forum"][measure]
        print(f"{measure:12} {a:13.3f} {b:9.3f}" if isinstance(a, float) else f"{measure:12} {a:13} {b:9}")


if __name__ == "__main__":
    main()

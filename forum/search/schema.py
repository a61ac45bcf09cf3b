"""The shape of a search document. One schema serves every kind of document.

Kinds: "thread" (a discussion's opening post, which carries the title), "reply", and the
registered document kinds (forum.search.kinds: "qi" for published QI write-ups, then "event"
and "resource"). Each document names the object it stands for (`kind` + `object_id`, key
"post:12") and the group it is shown under on the results page (`group`: the discussion
thread's id). Other kinds take their numbers above GROUP_OFFSETS: a write-up's object id and
group are both GROUP_OFFSETS["qi"] + its id, so a match's number says what it is and a
write-up is listed as itself, never inside its own discussion thread. New kinds need a
kind module, not a new schema.

Text fields by weight: `title`, then `lead` (a write-up's aim and summary; posts have none),
then `body`, then `tags`.

Only what is readable by some audience is indexed: hidden, pending and deleted posts, and
posts of hidden, pending or merged threads, have no document. `audience` says who may see the
rest ("public" boards are open to visitors, "members" boards to signed-in members); results
are filtered on it in the index and then checked again in SQL with the page's own rule.
"""

from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema
from whoosh.scoring import BM25F

from forum.search.analysis import (
    ForumAnalyzer,
    TermCounts,
    name_analyzer,
    pairs_analyzer,
    words_analyzer,
)

# Bump when the schema or analysers change: `flask search status` then asks for a rebuild.
SCHEMA_VERSION = 7  # 5: tags (profession, alliance and board names); 6: stop-word pairs;
# 7: QI write-ups (kind "qi", the lead field)

# Whoosh's codec with larger posting blocks: a search reads whole posting lists a block at a
# time (forum.search.engine), and each block costs a fixed few microseconds to decode.
CODEC = W3Codec(blocklimit=1024)


class Words(TEXT):
    """A text field of counted terms (see forum.search.analysis): no positions are stored;
    quoted phrases are matched on word pairs instead."""

    def __init__(self, analyzer: ForumAnalyzer, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=analyzer, phrase=False, field_boost=field_boost)
        self.format = TermCounts(field_boost=field_boost)

# The kinds of post; other kinds (QI write-ups, events …) register in forum.search.kinds.
POST_KINDS = {
    "thread": "Opening posts",
    "reply": "Replies",
}

AUDIENCES = ("public", "members")

def weighting() -> BM25F:
    """BM25F as searches score: the lead field is not normalised by length. Only write-ups
    have one, so its average over every document is near 0 and a write-up's aim would always
    be far "longer than average" and score next to nothing."""
    return BM25F(lead_B=0.0)


# Groups are numbers (a numeric column is read much faster than a text one): thread ids as
# they are, other kinds of group above these offsets.
GROUP_OFFSETS = {"thread": 0, "event": 10**12, "resource": 2 * 10**12, "qi": 3 * 10**12}


def build_schema() -> Schema:
    return Schema(
        doc_key=ID(unique=True),
        kind=ID,
        # Numbers a search reads for every match live in columns only (not as terms).
        object_id=COLUMN(NumericColumn("Q")),
        group=COLUMN(NumericColumn("Q")),
        group_key=ID,  # the same number as a term: "which documents are in thread 12?"
        title=Words(words_analyzer()),
        title_pairs=Words(pairs_analyzer()),
        lead=Words(words_analyzer()),  # a write-up's aim and summary
        lead_pairs=Words(pairs_analyzer()),
        body=Words(words_analyzer()),
        body_pairs=Words(pairs_analyzer()),
        # The thread's profession tags, alliance and board names, in every post of the
        # thread: "CNS lymphoedema" finds a lymphoedema post in a thread tagged for CNSs.
        tags=Words(words_analyzer()),
        author=Words(name_analyzer()),
        author_id=ID,
        board=ID,
        alliance=ID,
        professions=KEYWORD,
        created=COLUMN(NumericColumn("q")),  # microseconds since 1970 (UTC): sort and date filter
        audience=ID,
    )

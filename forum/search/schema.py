"""The shape of a search document. One schema serves every kind of document.

Kinds: "thread" (a discussion's opening post, which carries the title), "reply", and later
"qi" (QI write-ups), "event" and "resource". Each document names the object it stands for
(`kind` + `object_id`, key "post:12") and the group it is shown under on the results page
(`group`: the discussion thread's id; a QI write-up has its own thread, and events and
resources will take ids from GROUP_OFFSETS), so new kinds need new builders, not a new schema.

Only what is readable by some audience is indexed: hidden, pending and deleted posts, and
posts of hidden, pending or merged threads, have no document. `audience` says who may see the
rest ("public" boards are open to visitors, "members" boards to signed-in members); results
are filtered on it in the index and then checked again in SQL with the page's own rule.
"""

from __future__ import annotations

from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema

from forum.search.analysis import exact_analyzer, name_analyzer, stemming_analyzer

# Bump when the schema or analysers change: `flask search status` then asks for a rebuild.
SCHEMA_VERSION = 2

KINDS = {
    "thread": "Opening posts",
    "reply": "Replies",
}

AUDIENCES = ("public", "members")

# Groups are numbers (a numeric column is read much faster than a text one): thread ids as
# they are, other kinds of group above these offsets.
GROUP_OFFSETS = {"thread": 0, "event": 10**12, "resource": 2 * 10**12}


def build_schema() -> Schema:
    return Schema(
        doc_key=ID(stored=True, unique=True),
        kind=ID(stored=True),
        object_id=NUMERIC(int, bits=64, stored=True, sortable=True),
        group=NUMERIC(int, bits=64, stored=True, sortable=True),
        thread_id=NUMERIC(int, bits=64, stored=True),
        title=TEXT(analyzer=stemming_analyzer()),
        title_exact=TEXT(analyzer=exact_analyzer()),
        body=TEXT(analyzer=stemming_analyzer()),
        body_exact=TEXT(analyzer=exact_analyzer()),
        author=TEXT(analyzer=name_analyzer()),
        author_id=ID,
        board=ID,
        alliance=ID,
        professions=KEYWORD,
        created=DATETIME(sortable=True),
        audience=ID,
    )

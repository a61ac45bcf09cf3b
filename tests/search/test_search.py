"""The search service against a real database and a real index on disk."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from whoosh.fields import TEXT, Schema
from whoosh.filedb.filestore import RamStorage
from whoosh.qparser import MultifieldParser, OrGroup

from forum.db import utcnow
from forum.discussions.models import Post, Thread
from forum.discussions.services import delete_post, edit_post
from forum.moderation import services as moderation
from forum.search import search
from tests import factories as f
from tests.search.conftest import found, ids


@pytest.fixture
def member(db):
    return f.member(display_name="Asha Nurse")


def opening(thread: Thread) -> Post:
    from forum.extensions import db

    return db.session.scalars(
        db.select(Post).where(Post.thread_id == thread.id, Post.is_opening)).one()


# --- finding and ranking ------------------------------------------------------------------

def test_a_post_is_found_by_a_word_and_by_another_form_of_it(member, sync):
    thread = f.thread(member, title="Setting up a service", body="We run two clinics a week.")
    sync()
    assert found("clinics", member) == [opening(thread).id]
    assert found("clinic", member) == [opening(thread).id]


def test_exact_words_outrank_their_stem_cousins(member, sync):
    cousin = f.thread(member, title="Weekly planning", body="A clinic every Tuesday.")
    exact = f.thread(member, title="Weekly planning", body="Two clinics every Tuesday.")
    sync()
    assert found("clinics", member) == [opening(exact).id, opening(cousin).id]
    assert found("clinic", member) == [opening(cousin).id, opening(exact).id]


def test_a_word_in_the_title_outranks_the_same_word_in_the_body(member, sync):
    body_only = f.thread(member, title="Question about rotas", body="Any advice on lymphoedema?")
    titled = f.thread(member, title="Lymphoedema advice", body="Any advice on rotas?")
    sync()
    assert found("lymphoedema", member) == [opening(titled).id, opening(body_only).id]


def test_a_one_word_query_missing_from_titles_still_scores_and_ranks(member, sync):
    """Whoosh's MultifieldParser with OrGroup.factory scores such hits 0.0; ours must not."""
    once = f.thread(member, title="Rotas", body="Fatigue came up once.")
    often = f.thread(member, title="Rotas", body="Fatigue, fatigue and more fatigue: fatigue.")
    sync()
    # The trap exists in Whoosh (with its stock text fields): show it, so this test keeps
    # meaning something.
    ix = RamStorage().create_index(Schema(title=TEXT, body=TEXT))
    with ix.writer() as writer:
        writer.add_document(title="Rotas", body="Fatigue came up once.")
        writer.add_document(title="Rotas", body="Fatigue, fatigue and more fatigue: fatigue.")
    with ix.searcher() as searcher:
        trap = MultifieldParser(["title", "body"], ix.schema, group=OrGroup.factory(0.9))
        trap_scores = [hit.score for hit in searcher.search(trap.parse("fatigue"))]
    results = search("fatigue", viewer=member)
    assert [h.post_id for h in results.hits] == [opening(often).id, opening(once).id]
    assert all(h.score and h.score > 0 for h in results.hits)
    assert trap_scores == [0.0, 0.0]  # the trap is real in this Whoosh


def test_5fu_finds_5fu_and_not_every_fu(member, sync):
    fu = f.thread(member, title="Follow-up", body="The FU clinic is on Mondays.")
    five_fu = f.thread(member, title="Mouth care", body="Mouth care on 5-FU: what works?")
    sync()
    assert found("5-FU", member) == [opening(five_fu).id]
    assert found("5FU", member) == [opening(five_fu).id]
    assert found("FU", member) == [opening(fu).id]


@pytest.mark.parametrize(("query", "text"), [
    ("ESC", "Our enhanced supportive care service takes referrals."),
    ("enhanced supportive care", "Our ESC service takes referrals."),
    ("CNS", "Ask the clinical nurse specialist first."),
    ("cancer nurse specialist", "Ask the CNS first."),
    ("2WW", "Patients on the two week wait pathway."),
    ("tumor", "The tumour board meets weekly."),
    ("lymphedema", "Lymphoedema garments are on prescription."),
    ("GPNs", "General practice nurses do the reviews."),
    ("anemia", "Anaemia after chemotherapy."),
])
def test_synonyms_and_abbreviations_find_each_other(member, sync, query, text):
    thread = f.thread(member, title="A question", body=text)
    f.thread(member, title="Something else", body="Nothing relevant at all.")
    sync()
    assert found(query, member) == [opening(thread).id]


def test_the_synonym_file_can_be_extended_by_editors(member, sync, tmp_path, monkeypatch):
    from forum.search import analysis

    thread = f.thread(member, title="Breaks", body="A short break for carers.")
    sync()
    assert found("respite care", member) == []
    extended = tmp_path / "synonyms.txt"
    extended.write_text(analysis.SYNONYMS_FILE.read_text() + "\nrespite care, short break\n")
    monkeypatch.setattr(analysis, "SYNONYMS_FILE", extended)
    assert found("respite care", member) == [opening(thread).id]


def test_a_quoted_phrase_needs_the_words_together_and_in_order(member, sync):
    together = f.thread(member, title="Pathways", body="The two week wait referral form.")
    apart = f.thread(member, title="Pathways", body="Wait two days; the referral took a week.")
    sync()
    assert found('"two week wait"', member) == [opening(together).id]
    assert set(found("two week wait", member)) == {opening(together).id, opening(apart).id}


def test_and_or_not_minus_and_brackets(member, sync):
    a = f.thread(member, title="Notes", body="Fatigue after radiotherapy.")
    b = f.thread(member, title="Notes", body="Fatigue after chemotherapy.")
    c = f.thread(member, title="Notes", body="Nausea after chemotherapy.")
    sync()
    a, b, c = opening(a).id, opening(b).id, opening(c).id
    assert found("fatigue chemotherapy", member)[0] == b  # ranked: both words first
    assert set(found("fatigue chemotherapy", member)) == {a, b, c}
    assert set(found("fatigue AND chemotherapy", member)) == {b}
    assert set(found("fatigue OR nausea", member)) == {a, b, c}
    assert set(found("fatigue -radiotherapy", member)) == {b}
    assert set(found("fatigue NOT radiotherapy", member)) == {b}
    assert set(found("(fatigue OR nausea) AND chemotherapy", member)) == {b, c}
    assert set(found("-fatigue", member)) == {c}


def test_title_and_author_prefixes(member, sync):
    other = f.member(display_name="Ben Physio")
    in_title = f.thread(member, title="Referral criteria", body="Thoughts welcome.")
    in_body = f.thread(other, title="Question", body="What are the referral criteria?")
    sync()
    assert found("title:referral", member) == [opening(in_title).id]
    assert found("author:ben referral", member) == [opening(in_body).id]
    assert found('author:"Asha Nurse"', member) == [opening(in_title).id]


def test_a_syntax_error_never_fails_and_searches_the_words(member, sync):
    thread = f.thread(member, title="Delirium", body="Screening for delirium at home.")
    sync()
    results = search('"delirium screening', viewer=member)
    assert results.notice and "quotation mark is not closed" in results.notice
    assert [h.post_id for h in results.hits] == [opening(thread).id]


def test_a_very_long_search_is_cut_down_and_says_so(member, sync):
    thread = f.thread(member, title="Stoma care", body="Stoma nurse advice.")
    sync()
    results = search("stoma " + "nurse " * 200, viewer=member)
    assert results.notice and "first 300 characters" in results.notice
    assert ids(results) == [opening(thread).id]


def test_did_you_mean_offers_a_better_spelling(member, sync):
    f.thread(member, title="Lymphoedema clinic", body="Compression garments and skin care.")
    sync()
    results = search("lymphodema", viewer=member)  # found by its near spelling, and offered it
    assert results.total == 1 and results.suggestion == "lymphoedema"
    assert search("compresion garments", viewer=member).suggestion == "compression garments"


def test_did_you_mean_never_suggests_a_word_only_members_can_see(db, sync):
    author = f.member()
    f.thread(author, board=f.board("clinical-leadership"), title="Lymphoedema", body="Members only.")
    sync()
    assert search("lymphodema", viewer=None).suggestion is None
    assert search("lymphodema", viewer=author).suggestion == "lymphoedema"


def test_did_you_mean_never_offers_a_members_only_word_beside_a_word_that_matches(db, sync):
    """'fatigue OR lymphodema' finds public posts by 'fatigue' alone: that must not let a
    visitor see 'lymphoedema', which only a members-only post holds."""
    author = f.member()
    f.thread(author, board=f.board("introductions"), title="Hello", body="Fatigue clinic.")
    f.thread(author, board=f.board("clinical-leadership"), title="Lymphoedema", body="Members only.")
    sync()
    assert search("fatigue OR lymphodema", viewer=None).suggestion is None
    assert search("fatigue OR lymphodema", viewer=author).suggestion == "fatigue OR lymphoedema"


def test_did_you_mean_never_offers_a_word_from_a_hidden_post(db, sync):
    author, moderator = f.member(), f.moderator()
    f.thread(author, title="Hello", body="Fatigue clinic.")
    hidden = opening(f.thread(author, title="Other", body="Neutropenia here."))
    sync()
    moderation.hide_post(moderator, hidden, reason="Off topic")
    sync()
    assert search("fatigue OR neutropena", viewer=author).suggestion is None


def test_snippets_are_escaped_and_highlighted(member, sync):
    body = "Try `<script>alert(1)</script>` and <img src=x onerror=alert(1)> for **fatigue** clinics."
    f.thread(member, title="<b>Fatigue</b> & sleep", body=body)
    sync()
    hit_group = search("fatigue", viewer=member).groups[0]
    snippet = str(hit_group.hits[0].snippet)
    assert "<script" not in snippet and "<img" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>fatigue</mark>" in snippet
    assert str(hit_group.title_html) == "&lt;b&gt;<mark>Fatigue</mark>&lt;/b&gt; &amp; sleep"


# --- grouping, counts, pagination, sorting ------------------------------------------------

def test_results_are_grouped_by_thread_with_its_best_posts(member, sync):
    thread = f.thread(member, title="Prehab", body="Prehabilitation before surgery.")
    for n in range(4):
        f.reply(member, thread, body=f"Prehabilitation idea number {n}.")
    other = f.thread(member, title="Exercise", body="Prehabilitation classes.")
    sync()
    results = search("prehabilitation", viewer=member)
    assert results.total == 6 and results.total_groups == 2
    assert [g.thread.id for g in results.groups].count(thread.id) == 1
    group = next(g for g in results.groups if g.thread.id == thread.id)
    assert len(group.hits) == 3
    assert {g.thread.id for g in results.groups} == {thread.id, other.id}


def test_pagination_pages_through_discussions_without_repeats(member, sync):
    for n in range(25):
        f.thread(member, title=f"Dietitian referral {n}", body="How do you refer to a dietitian?")
    sync()
    pages = [search("dietitian", viewer=member, page=p, per_page=10) for p in (1, 2, 3)]
    assert [p.pages for p in pages] == [3, 3, 3]
    assert [len(p.groups) for p in pages] == [10, 10, 5]
    assert all(p.total == 25 and p.total_groups == 25 for p in pages)
    seen = [g.thread.id for p in pages for g in p.groups]
    assert len(seen) == len(set(seen)) == 25


def test_a_busy_thread_does_not_crowd_other_discussions_off_a_filtered_page(db, sync):
    """Whoosh skips its collapse step when a filter is given; our grouping must not."""
    author = f.member()
    busy = f.thread(author, board=f.board("introductions"), title="Welcome", body="Hello everyone.")
    for n in range(12):
        f.reply(author, busy, body=f"Hello from member {n}.")
    for n in range(6):
        f.thread(author, board=f.board("introductions"), title=f"Intro {n}", body="Hello, I am new.")
    sync()
    first = search("hello", viewer=None, per_page=5)  # a visitor: filtered to public boards
    assert len(first.groups) == 5 and first.total == 19 and first.total_groups == 7
    second = search("hello", viewer=None, per_page=5, page=2)
    assert len(second.groups) == 2
    assert not {g.thread.id for g in first.groups} & {g.thread.id for g in second.groups}


def test_sort_by_newest(member, sync):
    older = f.thread(member, title="Dementia care", body="Dementia and cancer: an old post.")
    newer = f.thread(member, title="Dementia", body="Dementia again, a newer post.")
    from forum.extensions import db

    db.session.execute(update(Post).where(Post.id == opening(older).id)
                       .values(created_at=utcnow() - timedelta(days=30)))
    db.session.execute(update(Thread).where(Thread.id == older.id).values(title="Dementia"))
    db.session.commit()
    from forum import outbox
    outbox.enqueue("search", {"kind": "thread", "id": older.id})
    db.session.commit()
    sync()
    newest = search("dementia", viewer=member, filters={"sort": "newest"})
    assert ids(newest) == [opening(newer).id, opening(older).id]
    assert newest.hits[0].score is None


# --- filters ------------------------------------------------------------------------------

def test_filters_narrow_by_board_alliance_profession_kind_author_and_date(member, sync):
    other = f.member(display_name="Ben Physio")
    a = f.thread(member, board=f.board("rehab-and-lymphoedema"), alliance=f.alliance("north-east-london"),
                 professions=[f.profession("physiotherapist")], title="Exercise", body="Exercise classes.")
    b = f.thread(other, board=f.board("clinical-leadership"), alliance=None,
                 title="Exercise", body="Exercise referral.")
    reply = f.reply(other, a, body="Exercise on prescription.")
    sync()
    a_open, b_open = opening(a).id, opening(b).id
    rehab = f.board("rehab-and-lymphoedema").id
    assert set(found("exercise", member, board_id=rehab)) == {a_open, reply.id}
    nel = f.alliance("north-east-london").id
    assert set(found("exercise", member, alliance_id=nel)) == {a_open, reply.id}
    assert set(found("exercise", member, alliance_id=0)) == {b_open}  # pan-London
    assert set(found("exercise", member, profession_id=f.profession("physiotherapist").id)) == {
        a_open, reply.id}
    assert set(found("exercise", member, kind="reply")) == {reply.id}
    assert set(found("exercise", member, kind="thread")) == {a_open, b_open}
    assert set(found("exercise", member, author_id=other.id)) == {b_open, reply.id}
    assert set(found("exercise", member, author_name="ben")) == {b_open, reply.id}
    today = utcnow().date()
    assert set(found("exercise", member, date_from=today + timedelta(days=1))) == set()
    assert set(found("exercise", member, date_from=today, date_to=today)) == {a_open, b_open, reply.id}
    assert set(found("exercise", member, board_id=rehab, kind="reply", author_id=other.id)) == {reply.id}


def test_filters_alone_list_the_newest_matching_posts(member, sync):
    f.thread(member, board=f.board("shadowing"), title="Shadowing offer", body="Come and visit.")
    f.thread(member, board=f.board("clinical-leadership"), title="Other", body="Elsewhere.")
    sync()
    results = search("", viewer=member, filters={"board_id": f.board("shadowing").id})
    assert results.searched and results.total == 1


# --- visibility: never show what the reader may not see -----------------------------------

@pytest.fixture
def people(db):
    return {"author": f.member(), "reader": f.member(), "moderator": f.moderator()}


def test_visitors_only_find_posts_on_public_boards(people, sync):
    author = people["author"]
    public = f.thread(author, board=f.board("introductions"), title="Hello", body="Oncology hello.")
    private = f.thread(author, board=f.board("clinical-leadership"), title="Hi", body="Oncology hi.")
    sync()
    visitor = search("oncology", viewer=None)
    assert ids(visitor) == [opening(public).id] and visitor.total == 1 and visitor.total_groups == 1
    assert set(found("oncology", people["reader"])) == {opening(public).id, opening(private).id}


def test_hidden_posts_never_appear_even_to_moderators(people, sync):
    thread = f.thread(people["author"], title="Mouth care", body="Mucositis tips.")
    bad = f.reply(people["author"], thread, body="Mucositis: something unkind.")
    sync()
    assert set(found("mucositis", people["reader"])) == {opening(thread).id, bad.id}
    moderation.hide_post(people["moderator"], bad, reason="Unkind")
    sync()
    for viewer in (people["reader"], people["moderator"], people["author"], None):
        results = search("mucositis", viewer=viewer)
        assert bad.id not in ids(results)
    assert search("mucositis", viewer=people["reader"]).total == 1
    moderation.unhide_post(people["moderator"], bad, reason="On reflection, fine")
    sync()
    assert bad.id in found("mucositis", people["reader"])


def test_a_post_hidden_but_not_yet_indexed_is_still_not_shown_and_not_counted(people, sync):
    """The index lags the database for a moment; the SQL re-check covers that moment."""
    from forum.extensions import db

    thread = f.thread(people["author"], title="Hospice", body="Hospice referral.")
    reply = f.reply(people["author"], thread, body="Hospice at home.")
    sync()
    db.session.execute(update(Post).where(Post.id == reply.id).values(hidden_at=utcnow()))
    db.session.commit()  # no outbox row: the index still has it
    results = search("hospice", viewer=people["reader"])
    assert ids(results) == [opening(thread).id]
    assert results.total == 1 and results.total_groups == 1


def test_a_thread_whose_best_matches_are_hidden_still_shows_its_visible_match(people, sync):
    from forum.extensions import db

    thread = f.thread(people["author"], title="Palliative care", body="Palliative care at home.")
    best = [f.reply(people["author"], thread, body=f"Palliative, palliative, palliative {n}.")
            for n in range(3)]
    sync()
    db.session.execute(update(Post).where(Post.id.in_([p.id for p in best])).values(hidden_at=utcnow()))
    db.session.commit()  # the index has not caught up: its three best matches are now hidden
    results = search("palliative", viewer=people["reader"])
    assert ids(results) == [opening(thread).id]
    assert results.total == 1 and results.total_groups == 1


def test_deleted_posts_never_appear(people, sync):
    thread = f.thread(people["author"], title="Sleep", body="Insomnia advice.")
    reply = f.reply(people["author"], thread, body="Insomnia: my own experience.")
    sync()
    delete_post(people["author"], reply)
    sync()
    results = search("insomnia", viewer=people["author"])
    assert ids(results) == [opening(thread).id] and results.total == 1


def test_posts_waiting_for_a_moderator_never_appear(app, people, sync):
    app.config["PREMODERATE_FIRST_POSTS"] = 5
    try:
        newcomer = f.member()
        held = f.thread(newcomer, title="Carers", body="Carers support: first post.")
    finally:
        app.config["PREMODERATE_FIRST_POSTS"] = 0
    assert held.pending
    sync()
    for viewer in (people["reader"], people["moderator"], newcomer, None):
        assert search("carers", viewer=viewer).total == 0


def test_hidden_threads_never_appear_and_come_back_when_unhidden(people, sync):
    thread = f.thread(people["author"], title="Sepsis", body="Neutropenic sepsis pathway.")
    reply = f.reply(people["reader"], thread, body="Sepsis card.")
    sync()
    moderation.hide_thread(people["moderator"], thread, reason="Patient details")
    sync()
    for viewer in (people["reader"], people["moderator"], people["author"], None):
        results = search("sepsis", viewer=viewer)
        assert results.total == 0 and not results.groups
    moderation.unhide_thread(people["moderator"], thread, reason="Details removed")
    sync()
    assert set(found("sepsis", people["reader"])) == {opening(thread).id, reply.id}


def test_suspended_members_search_like_visitors(people, sync):
    from forum.extensions import db
    from forum.members.models import Status

    f.thread(people["author"], board=f.board("clinical-leadership"), title="Leadership", body="Mentoring.")
    sync()
    people["reader"].status = Status.SUSPENDED
    db.session.commit()
    assert search("mentoring", viewer=people["reader"]).total == 0


def test_counts_stay_right_with_many_hidden_posts_on_the_page(people, sync):
    thread = f.thread(people["author"], title="Pain", body="Pain control at home.")
    replies = [f.reply(people["author"], thread, body=f"Pain tip {n}.") for n in range(6)]
    sync()
    for reply in replies[:4]:
        moderation.hide_post(people["moderator"], reply, reason="Off topic")
    sync()
    results = search("pain", viewer=people["reader"])
    assert results.total == 3 and results.total_groups == 1
    assert set(ids(results)) == {opening(thread).id, replies[4].id, replies[5].id}


def test_beyond_the_recheck_limit_counts_come_from_the_index_and_say_about(people, sync, monkeypatch):
    from forum.search import queries

    threads = [f.thread(people["author"], title=f"Pain {n}", body="Pain control at home.")
               for n in range(5)]
    sync()
    monkeypatch.setattr(queries, "RECHECK_ALL", 3)  # as if 1,000 were a handful
    results = search("pain", viewer=people["reader"], per_page=2)
    assert results.approximate and results.total == 5 and results.total_groups == 5
    assert results.pages == 3 and len(results.groups) == 2
    assert ids(results) == [opening(t).id for t in reversed(threads)][:2]  # ties: newest first
    monkeypatch.setattr(queries, "RECHECK_ALL", 1000)
    exact = search("pain", viewer=people["reader"], per_page=2)
    assert not exact.approximate and exact.total == 5 and ids(exact) == ids(results)


# --- changes reach the index --------------------------------------------------------------

def test_a_member_who_changes_their_name_is_found_by_the_new_one(member, sync):
    from forum.members.services import update_profile

    thread = f.thread(member, title="Referral criteria", body="Thoughts welcome.")
    reply = f.reply(member, thread, body="And more thoughts.")
    sync()
    assert set(found("author:asha", member)) == {opening(thread).id, reply.id}
    update_profile(member, member, display_name="Asha Okafor", profession_id=member.profession_id,
                   alliance_id=member.alliance_id, organisation="", bio="", notify_replies=True)
    sync()
    assert set(found("author:okafor", member)) == {opening(thread).id, reply.id}
    assert found("author:nurse", member) == []


def test_edits_title_changes_moves_and_merges_reach_the_index(people, sync):
    author, mod = people["author"], people["moderator"]
    thread = f.thread(author, title="Referral forms", body="Which form do you use?")
    reply = f.reply(author, thread, body="We use the old paper form.")
    sync()
    edit_post(author, reply, body="We use the electronic form now.")
    sync()
    assert found("paper", author) == [] and found("electronic", author) == [reply.id]
    edit_post(author, opening(thread), body="Which form do you use?", title="Electronic referral")
    sync()
    # (a reply matching through its thread's title alone is not listed: "form" is its own word)
    assert set(found("title:electronic form", author)) == {opening(thread).id, reply.id}
    moderation.move_thread(mod, thread, board=f.board("quality-improvement"), alliance=None,
                           reason="Better there")
    sync()
    assert set(found("electronic", author, board_id=f.board("quality-improvement").id)) == {
        opening(thread).id, reply.id}
    target = f.thread(author, title="Forms", body="Forms in general.")
    moderation.merge_thread(mod, thread, target, reason="Duplicate")
    sync()
    results = search("electronic", viewer=author)
    assert {g.thread.id for g in results.groups} <= {target.id}
    assert reply.id in ids(results)


def test_a_fresh_searcher_each_time_never_returns_stale_or_deleted_documents(people, sync):
    """Whoosh's refresh() can keep stale segments; we open a new searcher whenever the index
    changed, and keep using one only while it is up to date."""
    author = people["author"]
    thread = f.thread(author, title="Falls", body="Falls prevention.")
    sync()
    assert search("falls", viewer=author).total == 1
    reply = f.reply(author, thread, body="Falls clinic referral.")
    sync()
    assert search("falls", viewer=author).total == 2
    delete_post(author, reply)
    sync()
    for _ in range(3):
        results = search("falls", viewer=author)
        assert results.total == 1 and reply.id not in ids(results)


def test_an_author_name_without_letters_matches_no_one(member, sync):
    """A name filter of punctuation alone ("!!!") has no words to look for: it must narrow
    the search to nobody, not be dropped (which listed every post as written by "!!!")."""
    f.thread(member, title="Fatigue", body="Fatigue clinic.")
    sync()
    assert search("fatigue", viewer=member, filters={"author_name": "!!!"}).total == 0
    assert search("", viewer=member, filters={"author_name": "!!!"}).total == 0
